/**
 * Comparison measures benchmark (issue 11), side by side with numpy / scikit-learn in one run
 * (bench/numpy_compare.py, same inputs):
 *  - mean neighbour overlap@10 for every pair of 12 variants, over 100k seeds' lists;
 *  - linear CKA for every pair of 12 variants of 100k × 512 (a seeded 10k-row sample, as the app
 *    and the CLI do above 20k items): TypeScript times taking + centring the sample and the pairs;
 *  - the logistic-regression probe at 10k × 784 (10 classes), against LogisticRegression(C=1,
 *    multinomial, lbfgs) with its default tol (1e-4) and one BLAS thread / the environment's.
 *
 *   npx tsx bench/compare.bench.ts [--quick]
 *
 * Prints a markdown table and writes bench/out/compare.json. Never asserts on timings. Data:
 * Gaussian float32 (mulberry32, Box–Muller); variant v = base · diag(s_v) + a_v · base[:, perm_v]
 * (related but different representations); neighbour lists: random distinct rows per seed, each
 * variant replacing ~30% of a shared base list.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { centre, ckaCentred, ckaRows, type Centred } from '../src/compute/compare/cka.ts';
import { meanOverlap } from '../src/compute/compare/overlap.ts';
import { trainProbe } from '../src/compute/compare/probe.ts';
import { mulberry32 } from '../src/compute/sampling.ts';
import type { Embeddings, KnnResult } from '../src/compute/types.ts';
import { encodeLabels } from '../src/compute/labels.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const quick = process.argv.includes('--quick');
const V = 12,
  N = quick ? 30_000 : 100_000,
  D = quick ? 128 : 512,
  K = 10;
const PN = quick ? 2_000 : 10_000,
  PD = quick ? 196 : 784,
  CLASSES = 10;

function gaussian(count: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = 1 - rand(),
      v = rand(),
      m = Math.sqrt(-2 * Math.log(u));
    out[i] = m * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = m * Math.sin(2 * Math.PI * v);
  }
  return out;
}

function writeNpy(path: string, data: Float32Array | Int32Array, shape: number[]): void {
  const descr = data instanceof Float32Array ? '<f4' : '<i4';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head.writeUInt8(1, 6);
  head.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

const seconds = <T>(f: () => T): [T, number] => {
  const t = performance.now();
  const r = f();
  return [r, (performance.now() - t) / 1000];
};

function python(args: string[], env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  const r = spawnSync(PYTHON, [join(HERE, 'numpy_compare.py'), ...args], { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) return { error: (r.stderr || `exit ${r.status}`).trim().split('\n').slice(-3).join(' ') };
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const tmp = mkdtempSync(join(tmpdir(), 'rl-bench-compare-'));
try {
  console.error(`compare bench: ${V} variants, ${N} × ${D}, probe ${PN} × ${PD}; ${cpus().length} CPUs`);
  // ---- Neighbour lists: a shared random base, each variant replacing ~30% of the entries.
  const rand = mulberry32(1);
  const base = new Int32Array(N * K);
  const row = new Set<number>();
  const fill = (out: Int32Array, s: number, keep: (j: number) => number | null) => {
    row.clear();
    for (let j = 0; j < K; j++) {
      let v = keep(j);
      while (v === null || v === s || row.has(v)) v = Math.floor(rand() * N);
      row.add(v);
      out[s * K + j] = v;
    }
  };
  for (let s = 0; s < N; s++) fill(base, s, () => null);
  const seeds = Int32Array.from({ length: N }, (_, i) => i);
  const lists: KnnResult[] = Array.from({ length: V }, () => {
    const idx = new Int32Array(N * K);
    for (let s = 0; s < N; s++) fill(idx, s, (j) => (rand() < 0.3 ? null : base[s * K + j]));
    return { k: K, seeds, indices: idx, distances: new Float64Array(0) };
  });
  const [overlaps, tsOverlap] = seconds(() => {
    const out: number[] = [];
    for (let i = 0; i < V; i++) for (let j = i + 1; j < V; j++) out.push(meanOverlap(lists[i], lists[j], K));
    return out;
  });
  const allLists = new Int32Array(V * N * K);
  lists.forEach((l, v) => allLists.set(l.indices, v * N * K));
  writeNpy(join(tmp, 'lists.npy'), allLists, [V, N, K]);

  // ---- CKA: 12 variants of 100k × 512, each sampled (10k rows) and centred, then every pair.
  const x0 = gaussian(N * D, 2);
  const sampling = ckaRows(N, { seed: 0 });
  const M = sampling.rows ? sampling.rows.length : N;
  const sampleRows = new Float32Array(V * M * D);
  let tsCentre = 0;
  const centred: Centred[] = [];
  const xv = new Float32Array(N * D);
  for (let v = 0; v < V; v++) {
    const r = mulberry32(100 + v);
    const scale = Float32Array.from({ length: D }, () => 0.5 + r());
    const a = 0.2 + 0.1 * v;
    const shift = 1 + 7 * v;
    for (let i = 0; i < N; i++) {
      const o = i * D;
      for (let j = 0; j < D; j++) xv[o + j] = x0[o + j] * scale[j] + a * x0[o + ((j * 7 + shift) % D)];
    }
    const x: Embeddings = { n: N, dim: D, data: xv };
    const [c, t] = seconds(() => centre(x, sampling.rows));
    tsCentre += t;
    centred.push(c);
    const rowsOf = sampling.rows ?? seeds;
    for (let i = 0; i < M; i++) sampleRows.set(xv.subarray(rowsOf[i] * D, (rowsOf[i] + 1) * D), (v * M + i) * D);
  }
  const [ckas, tsPairs] = seconds(() => {
    const out: number[] = [];
    for (let i = 0; i < V; i++) for (let j = i + 1; j < V; j++) out.push(ckaCentred(centred[i], centred[j]));
    return out;
  });
  writeNpy(join(tmp, 'rows.npy'), sampleRows, [V, M, D]);
  const np = python(['pairs', '--lists', join(tmp, 'lists.npy'), '--rows', join(tmp, 'rows.npy'), '--k', String(K)]);
  const npOverlap = np.overlap as Record<string, number> | undefined;
  const npCka = np.cka as Record<string, number> | undefined;
  let p = 0,
    dOverlap = 0,
    dCka = 0;
  for (let i = 0; i < V; i++) {
    for (let j = i + 1; j < V; j++, p++) {
      if (npOverlap) dOverlap = Math.max(dOverlap, Math.abs(overlaps[p] - npOverlap[`${i},${j}`]));
      if (npCka) dCka = Math.max(dCka, Math.abs(ckas[p] - npCka[`${i},${j}`]));
    }
  }

  // ---- Probe: 10 Gaussian classes in 784 dims.
  const means = gaussian(CLASSES * PD, 3);
  const noise = gaussian(PN * PD, 4);
  const lr = mulberry32(5);
  const y = Int32Array.from({ length: PN }, () => Math.floor(lr() * CLASSES));
  const px = new Float32Array(PN * PD);
  for (let i = 0; i < PN; i++) for (let j = 0; j < PD; j++) px[i * PD + j] = 0.12 * means[y[i] * PD + j] + noise[i * PD + j];
  writeNpy(join(tmp, 'probe.npy'), px, [PN, PD]);
  writeNpy(join(tmp, 'labels.npy'), y, [PN]);
  const [probe, tsProbe] = seconds(() => trainProbe({ n: PN, dim: PD, data: px }, encodeLabels('class', Array.from(y, String))));
  const skEnv = python(['probe', '--data', join(tmp, 'probe.npy'), '--labels', join(tmp, 'labels.npy')]);
  const sk1 = python(['probe', '--data', join(tmp, 'probe.npy'), '--labels', join(tmp, 'labels.npy')], {
    ...process.env,
    OPENBLAS_NUM_THREADS: '1',
    OMP_NUM_THREADS: '1',
  });

  const f = (v: unknown, d = 2) => (typeof v === 'number' ? v.toFixed(d) : String(v ?? '–'));
  const ratio = (a: number, b: unknown) => (typeof b === 'number' && b > 0 ? `${(a / b).toFixed(1)}×` : '–');
  const lines = [
    `| measure | TypeScript (1 thread) | numpy / scikit-learn | ratio | agreement |`,
    `|---|---|---|---|---|`,
    `| overlap@${K}, ${(V * (V - 1)) / 2} pairs × ${N.toLocaleString('en-US')} seeds | ${f(tsOverlap)} s | ${f(np.overlap_s)} s | ${ratio(tsOverlap, np.overlap_s)} | max abs diff ${dOverlap.toExponential(1)} |`,
    `| linear CKA, ${V} × ${N.toLocaleString('en-US')} × ${D} → sample ${M.toLocaleString('en-US')}: sample + centre | ${f(tsCentre)} s | (in the pairs time) | | |`,
    `| linear CKA, ${(V * (V - 1)) / 2} pairs on the sample | ${f(tsPairs)} s | ${f(np.cka_s)} s (float64 BLAS, env threads) | ${ratio(tsPairs, np.cka_s)} | max abs diff ${dCka.toExponential(1)} |`,
    `| probe ${PN.toLocaleString('en-US')} × ${PD}, ${CLASSES} classes: fit + test | ${f(tsProbe)} s, ${probe.iterations} it, top-1 ${f(probe.top1, 4)}, top-5 ${f(probe.top5, 4)}, objective ${f(probe.objective, 6)} | env threads: ${f(skEnv.seconds)} s, ${skEnv.iterations} it, top-1 ${f(skEnv.top1, 4)}, top-5 ${f(skEnv.top5, 4)}, objective ${f(skEnv.objective, 6)}; 1 thread: ${f(sk1.seconds)} s | ${ratio(tsProbe, sk1.seconds)} (vs 1 thread) | top-1 diff ${typeof skEnv.top1 === 'number' ? Math.abs(probe.top1 - skEnv.top1).toFixed(4) : '–'} |`,
  ];
  console.log(lines.join('\n'));
  mkdirSync(join(HERE, 'out'), { recursive: true });
  writeFileSync(
    join(HERE, 'out', 'compare.json'),
    JSON.stringify(
      {
        V,
        N,
        D,
        K,
        M,
        PN,
        PD,
        ts: { tsOverlap, tsCentre, tsPairs, tsProbe, probe },
        numpy: { ...np, overlap: undefined, cka: undefined },
        sklearn: { env: skEnv, oneThread: sk1 },
        dOverlap,
        dCka,
      },
      null,
      2,
    ),
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
