/**
 * The side-by-side view on the full demo (every variant shown, WASM), measured as an analyst meets it:
 * cold load (first row, every row, every UMAP panel ready), hover → every panel and the gallery
 * linked, click → gallery filled, long tasks while interacting, and a warm reload (every row and
 * every panel back). Several builds can be measured side by side in one run, alternating:
 *
 *   BENCH_TARGETS="now=http://127.0.0.1:4183,before=http://127.0.0.1:4184" npx tsx bench/interaction.bench.ts
 *
 * Latencies are taken in the page: from dispatching the pointer event to the frame where every
 * panel (and the gallery, where the build links it) shows the change — main-thread work plus the
 * wait for the next frame; the panels' hover needs no GPU work at all in the current build. Writes
 * bench/out/interaction.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/browser.ts';
import { expectedVariants } from '../e2e/app.ts';
import { linkedLatencies } from './linked-events.ts';
import { median, p95 } from './stats.ts';

const TARGETS = (process.env.BENCH_TARGETS ?? `now=${process.env.BENCH_URL ?? 'http://127.0.0.1:4183'}`)
  .split(',')
  .map((t) => t.split('=') as [string, string]);
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const HOVERS = Number(process.env.BENCH_HOVERS ?? 40);
const CLICKS = Number(process.env.BENCH_CLICKS ?? 8);
const QUERY = process.env.BENCH_QUERY ?? '?backend=wasm';
const TIMEOUT = 15 * 60_000;

interface Result {
  target: string;
  coldFirstRow: number;
  coldAllRows: number;
  coldAllPanels: number;
  warmAllRows: number;
  warmAllPanels: number;
  hoverMs: number[];
  clickMs: number[];
  longTaskMaxMs: number;
  longTasksOver100: number;
}

/** Records long tasks from the start of the page (read back by `longTasks`). */
const OBSERVE = () => {
  const w = globalThis as unknown as { __longTasks: number[] };
  w.__longTasks = [];
  new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longTasks.push(e.duration))).observe({
    type: 'longtask',
    buffered: true,
  });
};

async function waitReady(page: Page, variants: string[], t0: number): Promise<{ first: number; rows: number; panels: number }> {
  await page.waitForFunction(() => document.querySelector('[data-testid="metrics-row"][data-status="done"]'), undefined, {
    timeout: TIMEOUT,
    polling: 100,
  });
  const first = (performance.now() - t0) / 1000;
  await page.waitForFunction(
    (vs) => vs.every((v) => document.querySelector(`[data-testid="metrics-row"][data-variant="${v}"][data-status="done"]`)),
    variants,
    { timeout: TIMEOUT, polling: 100 },
  );
  const rows = (performance.now() - t0) / 1000;
  await page.waitForFunction(
    (vs) => vs.every((v) => document.querySelector(`[data-testid="umap-panel"][data-variant="${v}"][data-state="ready"]`)),
    variants,
    { timeout: TIMEOUT, polling: 100 },
  );
  return { first, rows, panels: (performance.now() - t0) / 1000 };
}

async function measure(target: string, url: string): Promise<Result> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.addInitScript(OBSERVE);
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' }); // tsx's helper, absent in the page
  const page = await context.newPage();
  const variants = expectedVariants();
  let t0 = performance.now();
  await page.goto(`${url}/${QUERY}`);
  const cold = await waitReady(page, variants, t0);
  console.log(
    `${target}: cold first row ${cold.first.toFixed(1)} s, every row ${cold.rows.toFixed(1)} s, every panel ${cold.panels.toFixed(1)} s`,
  );

  const first = variants[0];
  await page.locator(`[data-testid="umap-panel"][data-variant="${first}"]`).scrollIntoViewIfNeeded();
  await page.waitForTimeout(500);
  const longBefore = await page.evaluate(() => (globalThis as unknown as { __longTasks: number[] }).__longTasks.length);
  // The corpus size: this build's debug handle holds the session, an older one was the session.
  const n = await page.evaluate(() => {
    type S = { corpus: { n: number } };
    const h = (globalThis as unknown as { __recallLens: S & { session?: S } }).__recallLens;
    return (h.session ?? h).corpus.n;
  });
  const { hoverMs, clickMs } = await linkedLatencies(page, first, n, { hovers: HOVERS, clicks: CLICKS, hoverFrom: 17, clickFrom: 101 });
  const tasks = await page.evaluate((from) => (globalThis as unknown as { __longTasks: number[] }).__longTasks.slice(from), longBefore);
  t0 = performance.now();
  await page.reload();
  const warm = await waitReady(page, variants, t0);
  await browser.close();
  const r: Result = {
    target,
    coldFirstRow: cold.first,
    coldAllRows: cold.rows,
    coldAllPanels: cold.panels,
    warmAllRows: warm.rows,
    warmAllPanels: warm.panels,
    hoverMs,
    clickMs,
    longTaskMaxMs: tasks.length ? Math.max(...tasks) : 0,
    longTasksOver100: tasks.filter((d) => d > 100).length,
  };
  console.log(
    `${target}: ${n} items · hover p50 ${median(hoverMs).toFixed(0)} ms, p95 ${p95(hoverMs).toFixed(0)} ms (${hoverMs.length}) · ` +
      `click → gallery median ${median(clickMs).toFixed(0)} ms, max ${Math.max(...clickMs).toFixed(0)} ms · ` +
      `long tasks while interacting: max ${r.longTaskMaxMs.toFixed(0)} ms, ${r.longTasksOver100} over 100 ms · ` +
      `warm reload: every row ${warm.rows.toFixed(1)} s, every panel ${warm.panels.toFixed(1)} s`,
  );
  return r;
}

async function main() {
  const results: Result[] = [];
  for (let run = 0; run < RUNS; run++) for (const [target, url] of TARGETS) results.push(await measure(target, url));
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/interaction.json', JSON.stringify(results, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
