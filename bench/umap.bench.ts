/**
 * UMAP speed, side by side in one run: umap-js 1.4 with its defaults (its own NN-descent KNN,
 * 200 epochs at 10k items) against src/compute/umap with the app's defaults (exact KNN + fuzzy
 * graph + PCA start + typed-array SGD, 100 epochs at 10k), on 10k × 128 float32 vectors (a seeded
 * mixture of 20 Gaussian clusters). Runs alternate; medians; ratio = ours / umap-js. Also reports
 * ours at umap-js's epoch count (same SGD work), ours when the exact KNN is already there (the app
 * reuses the metrics' neighbour lists) and a quality check for
 * both on 1000 items: the share of each item's 15 nearest neighbours (in 128-D) kept among its 15
 * nearest in 2-D, and the share of its 15 nearest in 2-D from its own cluster.
 *
 * With BENCH_URL set (a `vite preview` of the built site, e.g. http://127.0.0.1:4173) it also
 * loads the demo cold in chromium and times navigation → every UMAP panel `ready`.
 *
 *   npx tsx bench/umap.bench.ts            (BENCH_RUNS=3, BENCH_N=10000, BENCH_DIM=128)
 *   BENCH_URL=http://127.0.0.1:4173 BENCH_ONLY=browser npx tsx bench/umap.bench.ts   (the page only)
 * Writes bench/out/umap.json (umap-browser.json for the page only).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { UMAP } from 'umap-js';
import { knn } from '../src/compute/knn/index.ts';
import { mulberry32, sampleSeeds } from '../src/compute/sampling.ts';
import type { Embeddings } from '../src/compute/types.ts';
import { project } from '../src/compute/umap/project.ts';
import { median } from './stats.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const N = Number(process.env.BENCH_N ?? 10_000);
const DIM = Number(process.env.BENCH_DIM ?? 128);
const URL_BASE = process.env.BENCH_URL;
const CLUSTERS = 20;

function mixture(n: number, dim: number, clusters: number, seed: number): Embeddings {
  const rnd = mulberry32(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, () => rnd() * 4));
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = centres[i % clusters];
    const spread = 0.5 + (i % 7) / 7; // uneven densities
    for (let d = 0; d < dim; d++) data[i * dim + d] = c[d] + spread * (rnd() + rnd() + rnd() - 1.5);
  }
  return { n, dim, data };
}

/**
 * Layout quality on `sample` rows: `preserved` = share of the 15 nearest neighbours in the input
 * space that are among the 15 nearest in 2-D; `sameCluster` = share of the 15 nearest in 2-D that
 * come from the item's own mixture component (row i belongs to component i % clusters).
 */
function quality(x: Embeddings, coords: Float32Array, sample: Int32Array, clusters: number): { preserved: number; sameCluster: number } {
  const hi = knn(x, { k: 15, metric: 'euclidean', seeds: sample });
  const lo = knn({ n: x.n, dim: 2, data: coords }, { k: 15, metric: 'euclidean', seeds: sample });
  let hit = 0;
  let same = 0;
  for (let s = 0; s < sample.length; s++) {
    const row = lo.indices.subarray(s * 15, s * 15 + 15);
    const set = new Set(row);
    for (let j = 0; j < 15; j++) {
      if (set.has(hi.indices[s * 15 + j])) hit++;
      if (row[j] % clusters === sample[s] % clusters) same++;
    }
  }
  return { preserved: hit / (sample.length * 15), sameCluster: same / (sample.length * 15) };
}

async function browserColdPanels(url: string): Promise<Record<string, number | string[]>> {
  const { chromium } = await import('@playwright/test');
  const { CHROMIUM, CHROMIUM_ARGS } = await import('../e2e/browser.ts');
  const { expectedVariants } = await import('../e2e/app.ts');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await (await browser.newContext()).newPage(); // fresh context: empty IndexedDB
    const variants = expectedVariants();
    const t0 = performance.now();
    await page.goto(`${url}/?backend=wasm`);
    await page.waitForFunction(
      (vs) => vs.every((v) => document.querySelector(`[data-testid="metrics-row"][data-variant="${v}"][data-status="done"]`)),
      variants,
      { timeout: 900_000, polling: 100 },
    );
    const rows = (performance.now() - t0) / 1000;
    await page.waitForFunction(
      (vs) => vs.every((v) => document.querySelector(`[data-testid="umap-panel"][data-variant="${v}"][data-state="ready"]`)),
      variants,
      { timeout: 900_000, polling: 100 },
    );
    const panels = (performance.now() - t0) / 1000;
    // Warm: reload with the embeddings cached in IndexedDB (metrics and layouts are recomputed).
    const t1 = performance.now();
    await page.reload();
    await page.waitForFunction(
      (vs) => vs.every((v) => document.querySelector(`[data-testid="metrics-row"][data-variant="${v}"][data-status="done"]`)),
      variants,
      { timeout: 900_000, polling: 100 },
    );
    const warmRows = (performance.now() - t1) / 1000;
    await page.waitForFunction(
      (vs) => vs.every((v) => document.querySelector(`[data-testid="umap-panel"][data-variant="${v}"][data-state="ready"]`)),
      variants,
      { timeout: 900_000, polling: 100 },
    );
    const warmPanels = (performance.now() - t1) / 1000;
    const info = await page.$$eval('[data-testid="umap-panel"] .umap-info', (els) => els.map((e) => e.textContent ?? ''));
    return {
      navigationToAllRowsDone: rows,
      navigationToAllPanelsReady: panels,
      afterRows: panels - rows,
      warmNavigationToAllRowsDone: warmRows,
      warmNavigationToAllPanelsReady: warmPanels,
      warmAfterRows: warmPanels - warmRows,
      panelInfo: info,
    };
  } finally {
    await browser.close();
  }
}

/** umap-js 1.4's default epoch count (its private getNEpochs). */
function umapJsEpochs(n: number): number {
  return n <= 2500 ? 500 : n <= 5000 ? 400 : n <= 7500 ? 300 : 200;
}

async function main() {
  if (process.env.BENCH_ONLY === 'browser') {
    if (!URL_BASE) throw new Error('BENCH_ONLY=browser needs BENCH_URL');
    const cold = await browserColdPanels(URL_BASE);
    console.log(JSON.stringify(cold, null, 1));
    mkdirSync('bench/out', { recursive: true });
    writeFileSync('bench/out/umap-browser.json', JSON.stringify(cold, null, 2));
    return;
  }
  const x = mixture(N, DIM, CLUSTERS, 1);
  const rows = Array.from({ length: N }, (_, i) => Array.from(x.data.subarray(i * DIM, (i + 1) * DIM)));
  const sample = sampleSeeds(N, Math.min(1000, N), 3);
  const times = { umapjs: [] as number[], ours: [] as number[], oursPrecomputedKnn: [] as number[], oursUmapJsEpochs: [] as number[] };
  let scores: Record<string, { preserved: number; sameCluster: number }> = {};
  const exact = knn(x, { k: 20, metric: 'euclidean' });
  let phases: Record<string, number> = {};
  let phasesEpochs = 0;
  for (let r = 0; r < RUNS; r++) {
    let t = performance.now();
    const u = new UMAP({ random: mulberry32(42 + r) }); // defaults, seeded for reproducibility
    const emb = u.fit(rows);
    times.umapjs.push((performance.now() - t) / 1000);
    t = performance.now();
    const { projection } = project(x, { metric: 'euclidean', seed: 42 + r });
    times.ours.push((performance.now() - t) / 1000);
    t = performance.now();
    project(x, { metric: 'euclidean', seed: 42 + r, knn: exact });
    times.oursPrecomputedKnn.push((performance.now() - t) / 1000);
    t = performance.now();
    project(x, { metric: 'euclidean', seed: 42 + r, nEpochs: umapJsEpochs(N) });
    times.oursUmapJsEpochs.push((performance.now() - t) / 1000);
    phases = projection.timings;
    phasesEpochs = projection.epochs;
    if (r === 0) {
      const flat = new Float32Array(N * 2);
      emb.forEach((p, i) => flat.set(p, i * 2));
      scores = { umapjs: quality(x, flat, sample, CLUSTERS), ours: quality(x, projection.coords, sample, CLUSTERS) };
    }
    console.log(
      `run ${r + 1}/${RUNS}: ${Object.entries(times)
        .map(([k, v]) => `${k} ${v[r].toFixed(2)} s`)
        .join(' · ')}`,
    );
  }
  const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)])) as Record<keyof typeof times, number>;
  const ratios = Object.fromEntries(
    Object.entries(med)
      .filter(([k]) => k !== 'umapjs')
      .map(([k, v]) => [k, v / med.umapjs]),
  );
  const result: Record<string, unknown> = {
    n: N,
    dim: DIM,
    runs: RUNS,
    epochs: { umapjs: umapJsEpochs(N), ours: phasesEpochs },
    seconds: times,
    median: med,
    ratio: ratios,
    oursPhasesLastRun: phases,
    quality: scores,
  };
  console.log(`${N} × ${DIM}, median of ${RUNS}: umap-js ${med.umapjs.toFixed(2)} s (${umapJsEpochs(N)} epochs)`);
  console.log(`  ours ${med.ours.toFixed(2)} s (${phasesEpochs} epochs; ratio ${ratios.ours.toFixed(3)})`);
  console.log(`  ours, KNN given ${med.oursPrecomputedKnn.toFixed(2)} s (ratio ${ratios.oursPrecomputedKnn.toFixed(3)})`);
  console.log(`  ours at ${umapJsEpochs(N)} epochs ${med.oursUmapJsEpochs.toFixed(2)} s (ratio ${ratios.oursUmapJsEpochs.toFixed(3)})`);
  for (const [name, q] of Object.entries(scores)) {
    console.log(`${name}: 15-NN kept ${q.preserved.toFixed(3)}, 2-D 15-NN from the same cluster ${q.sameCluster.toFixed(3)}`);
  }
  if (URL_BASE) {
    const cold = await browserColdPanels(URL_BASE);
    result.browserCold = cold;
    console.log(JSON.stringify(cold, null, 1));
  }
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/umap.json', JSON.stringify(result, null, 2));
}

await main();
