/**
 * Browser benchmarks against the built site (vite preview on :4173, started by scripts/bench-all.sh):
 * page load → full metrics table on the demo, cold (empty IndexedDB) and warm (reload), and the
 * in-browser WASM encode throughput next to onnxruntime-node's on the same model and items: as the
 * app reports it during the cold load (beside the metrics jobs, by design), and alone (the app's own
 * encoder client, every model once more after the load, nothing else running). Writes bench/out/page.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/browser.ts';
import { cards, cardPath, expectedVariants } from '../e2e/app.ts';
import type { ModelCard } from '../src/encoders/card.ts';
import { loadCorpusFromDir, DEMO_CORPUS_DIR } from '../src/data/corpus-node.ts';
import { loadNodeEncoder } from '../src/encoders/node-session.ts';
import { encodeItems } from '../src/encoders/encoder.ts';
import { median } from './stats.ts';

const URL_BASE = process.env.BENCH_URL ?? 'http://127.0.0.1:4173';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

async function rowsDone(page: Page, variants: string[]): Promise<{ first: number; all: number }> {
  const t0 = performance.now();
  await page.waitForFunction(() => document.querySelector('[data-testid="metrics-row"][data-status="done"]') !== null, undefined, {
    timeout: 600_000,
    polling: 50,
  });
  const first = (performance.now() - t0) / 1000;
  await page.waitForFunction(
    (vs) => vs.every((v) => document.querySelector(`[data-testid="metrics-row"][data-variant="${v}"][data-status="done"]`)),
    variants,
    { timeout: 600_000, polling: 50 },
  );
  return { first, all: (performance.now() - t0) / 1000 };
}

/** Items/s of the app's encoder client on one model over the whole corpus, in a page that is otherwise idle. */
async function encodeAlone(page: Page, card: ModelCard): Promise<number> {
  return page.evaluate(async (card) => {
    type Client = { encode(job: unknown, onProgress: () => void): Promise<{ seconds: number }> };
    const session = (globalThis as unknown as { __recallLens: { session: Record<string, unknown> } }).__recallLens.session as {
      corpus: { n: number; images: Uint8Array; imageSize: number; columns: Record<string, string[]> };
      deps: { encoder: Client; modelUrl(c: unknown): string };
    };
    const { corpus, deps } = session;
    const job = {
      card,
      modelUrl: deps.modelUrl(card),
      images: corpus.images,
      texts: card.modality === 'text' ? corpus.columns.title : undefined,
      count: corpus.n,
      size: corpus.imageSize,
      backend: 'wasm',
    };
    await deps.encoder.encode({ ...job, count: Math.min(corpus.n, 600) }, () => undefined); // sessions loaded
    const t = performance.now();
    await deps.encoder.encode(job, () => undefined);
    return corpus.n / ((performance.now() - t) / 1000);
  }, card);
}

async function main() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const variants = expectedVariants();
  const cold: Array<{ first: number; all: number }> = [];
  const warm: number[] = [];
  const wasmRate: Record<string, number[]> = {};
  const aloneRate: Record<string, number[]> = {};
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const t = performance.now();
    await page.goto(`${URL_BASE}/?backend=wasm`);
    const r = await rowsDone(page, variants);
    const sinceNav = (performance.now() - t) / 1000;
    cold.push({ first: r.first + (sinceNav - r.all), all: sinceNav });
    for (const c of cards()) {
      const rate = Number(
        await page.locator(`[data-testid="encoder-status"][data-encoder="${c.id}"]`).getAttribute('data-items-per-second'),
      );
      (wasmRate[c.id] ??= []).push(rate);
    }
    // Alone: the app's encoder layer (its lanes and workers) once the page is idle, nothing else running.
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="umap-panel"]')].every((p) => p.getAttribute('data-state') === 'ready'),
      undefined,
      { timeout: 600_000, polling: 500 },
    );
    for (const c of cards()) (aloneRate[c.id] ??= []).push(await encodeAlone(page, c));
    const t2 = performance.now();
    await page.reload();
    await rowsDone(page, variants);
    warm.push((performance.now() - t2) / 1000);
    await context.close();
    console.log(
      `run ${run + 1}: cold first row ${cold[run].first.toFixed(1)} s, all rows ${cold[run].all.toFixed(1)} s; warm ${warm[run].toFixed(1)} s`,
    );
  }
  await browser.close();

  const corpus = await loadCorpusFromDir(DEMO_CORPUS_DIR);
  const nodeRate: Record<string, number[]> = {};
  for (const c of cards()) {
    const encoder = await loadNodeEncoder(cardPath(c.id));
    for (let run = 0; run < RUNS; run++) {
      const t = performance.now();
      await encodeItems(
        encoder,
        { images: corpus.images, n: corpus.n, imageSize: corpus.imageSize, columns: corpus.columns },
        { batchSize: 64 },
      );
      (nodeRate[c.id] ??= []).push(corpus.n / ((performance.now() - t) / 1000));
    }
    await encoder.dispose();
  }

  const result = {
    items: corpus.n,
    variants: variants.length,
    coldFirstRowS: median(cold.map((c) => c.first)),
    coldAllRowsS: median(cold.map((c) => c.all)),
    warmAllRowsS: median(warm),
    encode: Object.fromEntries(
      cards().map((c) => [
        c.id,
        {
          wasmItemsPerS: median(wasmRate[c.id]),
          wasmAloneItemsPerS: median(aloneRate[c.id]),
          nodeItemsPerS: median(nodeRate[c.id]),
          ratio: median(wasmRate[c.id]) / median(nodeRate[c.id]),
          aloneRatio: median(aloneRate[c.id]) / median(nodeRate[c.id]),
        },
      ]),
    ),
    runs: { cold, warm, wasmRate, aloneRate, nodeRate },
  };
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/page.json', JSON.stringify(result, null, 2));
  console.log(`\n| page load (demo, ${corpus.n} items, ${variants.length} variants) | median of ${RUNS} |`);
  console.log('|---|---|');
  console.log(`| cold: first row | ${result.coldFirstRowS.toFixed(1)} s |`);
  console.log(`| cold: every row | ${result.coldAllRowsS.toFixed(1)} s |`);
  console.log(`| warm (reload, IndexedDB cache): every row | ${result.warmAllRowsS.toFixed(1)} s |`);
  console.log(
    '\n| encoder | browser WASM items/s, during the load | alone | onnxruntime-node items/s | ratio during / alone |\n|---|---|---|---|---|',
  );
  for (const [id, e] of Object.entries(result.encode)) {
    console.log(
      `| ${id} | ${e.wasmItemsPerS.toFixed(0)} | ${e.wasmAloneItemsPerS.toFixed(0)} | ${e.nodeItemsPerS.toFixed(0)} | ${e.ratio.toFixed(2)} / ${e.aloneRatio.toFixed(2)} |`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
