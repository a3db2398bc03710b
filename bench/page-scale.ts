/**
 * Browser at scale: 100 000 items × 512 dims × 4 variants imported through the app's import UI
 * (`data-testid="import-files"`) into the built site (vite preview on :4183, started by
 * scripts/bench-all.sh), then measured while everything loads and computes:
 * import time, time to the first and to every metrics row (12 rows: 4 sources × raw/+w/+w32),
 * UMAP sample layout and full placement per panel, the longest main-thread task (PerformanceObserver
 * 'longtask'), hover and seed-pick latency afterwards (timed in the page until every panel and the
 * gallery show it, with the long tasks meanwhile), and the renderer's memory (peak and current
 * RSS of the renderer process from /proc via CDP SystemInfo, and
 * performance.measureUserAgentSpecificMemory(): the page is cross-origin isolated).
 * Data: bench/scale-data.ts writes it once into bench/out/scale/ (git-ignored).
 * Writes bench/out/page-scale.json. Env: BENCH_URL, BENCH_RUNS (default 1), BENCH_HOVERS (20), BENCH_CLICKS (5),
 * SCALE_N, SCALE_DIM, SCALE_DIR.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/browser.ts';
import { generateScaleData } from './scale-data.ts';
import { linkedLatencies } from './linked-events.ts';
import { median, p95 } from './stats.ts';

const HOVERS = Number(process.env.BENCH_HOVERS ?? 20);
const CLICKS = Number(process.env.BENCH_CLICKS ?? 5);

const URL_BASE = process.env.BENCH_URL ?? 'http://127.0.0.1:4183';
const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const N = Number(process.env.SCALE_N ?? 100_000);
const DIM = Number(process.env.SCALE_DIM ?? 512);
const TIMEOUT = Number(process.env.SCALE_TIMEOUT_MS ?? 45 * 60_000);
/** How long to wait for every UMAP panel to be fully placed (what is done by then is recorded). */
const UMAP_TIMEOUT = Number(process.env.SCALE_UMAP_TIMEOUT_MS ?? TIMEOUT);

/** Installed before the app: records when each row / panel / import state first appears, and long tasks. */
const RECORDER = `function () {
  var rec = { t0: 0, longtasks: [], events: {} };
  globalThis.__scale = rec;
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) { rec.longtasks.push({ start: e.startTime, duration: e.duration }); });
  }).observe({ type: 'longtask', buffered: true });
  function note(key) { if (!(key in rec.events)) rec.events[key] = performance.now(); }
  function scan(el) {
    var id = el.getAttribute('data-testid');
    if (id === 'import-status') note('import:' + el.getAttribute('data-state'));
    else if (id === 'metrics-row' && el.getAttribute('data-status') === 'done') note('row:' + el.getAttribute('data-variant'));
    else if (id === 'umap-panel') {
      var state = el.getAttribute('data-state');
      if (state === 'placing' || state === 'ready') note('umap-' + state + ':' + el.getAttribute('data-variant'));
    }
  }
  function start() {
    new MutationObserver(function (muts) {
      muts.forEach(function (m) {
        if (m.type === 'attributes') scan(m.target);
        else m.addedNodes.forEach(function (n) {
          if (n instanceof Element) { scan(n); n.querySelectorAll('[data-testid]').forEach(scan); }
        });
      });
    }).observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status', 'data-state'] });
  }
  if (document.documentElement) start();
  else document.addEventListener('DOMContentLoaded', start);
}`;

interface Recorded {
  t0: number;
  longtasks: Array<{ start: number; duration: number }>;
  events: Record<string, number>;
}

async function rendererMemory(browser: Browser): Promise<{ rssMiB: number; peakMiB: number; processes: number }> {
  const cdp = await browser.newBrowserCDPSession();
  const info = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: Array<{ type: string; id: number }> };
  let rss = 0,
    peak = 0,
    count = 0;
  for (const p of info.processInfo.filter((q) => q.type === 'renderer')) {
    try {
      const status = readFileSync(`/proc/${p.id}/status`, 'utf8');
      rss += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
      count++;
    } catch {
      /* gone */
    }
  }
  await cdp.detach();
  return { rssMiB: rss / 1024, peakMiB: peak / 1024, processes: count };
}

async function uaMemory(page: Page): Promise<number | null> {
  return page.evaluate(async () => {
    const p = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
    if (!p.measureUserAgentSpecificMemory || !crossOriginIsolated) return null;
    const timeout = new Promise<null>((r) => setTimeout(() => r(null), 60_000));
    const m = await Promise.race([p.measureUserAgentSpecificMemory(), timeout]);
    return m ? m.bytes / 2 ** 20 : null;
  });
}

/** Hover and seed-pick latency at a panel's points, each timed in the page until every linked view shows it. */
async function linkedLatency(page: Page, variant: string, n: number): Promise<{ hoverMs: number[]; seedMs: number[] }> {
  await page.locator(`[data-testid="umap-panel"][data-variant="${variant}"]`).scrollIntoViewIfNeeded();
  await page.waitForTimeout(500);
  const r = await linkedLatencies(page, variant, n, { hovers: HOVERS, clicks: CLICKS, hoverFrom: 12_345, clickFrom: 54_321 });
  return { hoverMs: r.hoverMs, seedMs: r.clickMs };
}

interface RunResult {
  importS: number;
  firstRowS: number;
  allRowsS: number;
  rowS: Record<string, number>;
  umapSampleS: Record<string, number>;
  umapReadyS: Record<string, number>;
  firstUmapSampleS: number;
  allUmapSamplesS: number;
  allUmapReadyS: number;
  umapReadyCount: number;
  longestTaskMs: number;
  longTasksOver100: number;
  longTasks: number;
  topTasks: Array<{ atS: number; ms: number }>;
  /** Hover → every panel and the gallery linked, and seed pick → every gallery column: each try, ms. */
  hoverMs: number[];
  seedPickMs: number[];
  /** Long tasks while hovering and picking (after everything was placed). */
  interactLongestMs: number;
  interactOver100: number;
  panelInfo: string;
  seedsLabel: string;
  notes: string[];
  memory: { rssMiB: number; peakMiB: number; processes: number; uaMiB: number | null; jsHeapMiB: number };
}

async function run(browser: Browser, files: string[], variants: string[]): Promise<RunResult> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  // As source text: tsx's helpers (__name) do not exist in the page.
  await context.addInitScript({ content: `(${RECORDER})();` });
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' }); // tsx's helper, absent in the page
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  // A tiny demo subset, so the built-in demo does not compete with the import for the two cores.
  await page.goto(`${URL_BASE}/?backend=wasm&subset=32`);
  await page.locator('[data-testid="import-files"]').waitFor({ state: 'attached', timeout: 120_000 });
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="metrics-row"][data-status="done"]').length > 0, undefined, {
    timeout: 300_000,
  });
  await page.evaluate(() => ((globalThis as unknown as { __scale: Recorded }).__scale.t0 = performance.now()));
  await page.locator('[data-testid="import-files"]').setInputFiles(files);
  // Progress into the log as it happens (a run cut short still says how far it got).
  const seen = new Set<string>();
  const poll = setInterval(() => {
    page
      .evaluate(() => (globalThis as unknown as { __scale: Recorded }).__scale)
      .then((r) => {
        const longest = r.longtasks.filter((t) => t.start >= r.t0).reduce((m, t) => Math.max(m, t.duration), 0);
        for (const [k, v] of Object.entries(r.events)) {
          if (seen.has(k) || v < r.t0) continue;
          seen.add(k);
          console.log(`  +${((v - r.t0) / 1000).toFixed(1)} s ${k} (longest task so far ${longest.toFixed(0)} ms)`);
        }
      })
      .catch(() => {});
  }, 5_000);
  context.on('close', () => clearInterval(poll));
  const rowSel = variants.map((v) => `[data-testid="metrics-row"][data-variant="${v}"][data-status="done"]`);
  await page.waitForFunction(
    () => {
      const s = document.querySelector('[data-testid="import-status"]')?.getAttribute('data-state');
      if (s === 'error') throw new Error(document.querySelector('[data-testid="import-errors"]')?.textContent ?? 'import failed');
      return s === 'done';
    },
    undefined,
    { timeout: TIMEOUT, polling: 200 },
  );
  await page.waitForFunction((sels) => sels.every((s) => document.querySelector(s)), rowSel, { timeout: TIMEOUT, polling: 500 });
  const notes: string[] = [];
  const attempt = async <T>(what: string, f: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      notes.push(`${what}: ${(e as Error).message.split('\n')[0]}`);
      console.error(`${what} failed: ${(e as Error).message}`);
      return fallback;
    }
  };
  await attempt(
    'UMAP panels ready',
    () =>
      page.waitForFunction(
        (vs) =>
          vs.every(
            (v) => document.querySelector(`[data-testid="umap-panel"][data-variant="${v}"]`)?.getAttribute('data-state') === 'ready',
          ),
        variants,
        { timeout: UMAP_TIMEOUT, polling: 500 },
      ),
    null,
  );
  const panelInfo = await attempt(
    'panel info',
    async () =>
      (await page.locator(`[data-testid="umap-panel"][data-variant="${variants[0]}"] .umap-info`).textContent({ timeout: 5_000 })) ?? '',
    '',
  );
  const seedsLabel = await attempt(
    'seeds label',
    async () => (await page.locator('[data-testid="seeds-select"] option:checked').textContent({ timeout: 5_000 })) ?? '',
    '',
  );
  const interactFrom = (await page.evaluate(() => (globalThis as unknown as { __scale: Recorded }).__scale.longtasks.length)) as number;
  const linked = await attempt('hover and seed pick', () => linkedLatency(page, variants[0], N), { hoverMs: [], seedMs: [] });
  const rec = (await page.evaluate(() => (globalThis as unknown as { __scale: Recorded }).__scale)) as Recorded;
  const at = (key: string) => (rec.events[key] - rec.t0) / 1000;
  const rowS = Object.fromEntries(variants.map((v) => [v, at(`row:${v}`)]));
  const umapSampleS = Object.fromEntries(variants.map((v) => [v, at(`umap-placing:${v}`)]));
  const umapReadyS = Object.fromEntries(variants.map((v) => [v, at(`umap-ready:${v}`)]));
  const tasks = rec.longtasks.filter((t) => t.start >= rec.t0);
  const interactTasks = rec.longtasks.slice(interactFrom);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  const jsHeap = metrics.metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
  const memory = {
    ...(await attempt('renderer memory', () => rendererMemory(browser), { rssMiB: NaN, peakMiB: NaN, processes: 0 })),
    uaMiB: await attempt('UA memory', () => uaMemory(page), null),
    jsHeapMiB: jsHeap / 2 ** 20,
  };
  await context.close();
  const rows = Object.values(rowS);
  return {
    importS: at('import:done'),
    firstRowS: Math.min(...rows),
    allRowsS: Math.max(...rows),
    rowS,
    umapSampleS,
    umapReadyS,
    firstUmapSampleS: Math.min(...Object.values(umapSampleS).filter((v) => Number.isFinite(v))),
    allUmapSamplesS: Math.max(...Object.values(umapSampleS)),
    umapReadyCount: Object.values(umapReadyS).filter((v) => Number.isFinite(v)).length,
    allUmapReadyS: Math.max(...Object.values(umapReadyS)),
    longestTaskMs: tasks.reduce((m, t) => Math.max(m, t.duration), 0),
    longTasksOver100: tasks.filter((t) => t.duration > 100).length,
    longTasks: tasks.length,
    topTasks: [...tasks]
      .sort((a, b) => b.duration - a.duration)
      .slice(0, 8)
      .map((t) => ({ atS: (t.start - rec.t0) / 1000, ms: Math.round(t.duration) })),
    hoverMs: linked.hoverMs,
    seedPickMs: linked.seedMs,
    interactLongestMs: interactTasks.reduce((m, t) => Math.max(m, t.duration), 0),
    interactOver100: interactTasks.filter((t) => t.duration > 100).length,
    panelInfo,
    seedsLabel,
    memory,
    notes,
  };
}

async function main() {
  const data = generateScaleData(process.env.SCALE_DIR ?? 'bench/out/scale', N, DIM);
  const variants = data.variants.flatMap((v) => [v, `${v}+w`, `${v}+w32`]);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const runs: RunResult[] = [];
  try {
    for (let r = 0; r < RUNS; r++) {
      const res = await run(browser, data.files, variants);
      runs.push(res);
      mkdirSync('bench/out', { recursive: true });
      writeFileSync('bench/out/page-scale.partial.json', JSON.stringify(runs, null, 2));
      console.log(
        `run ${r + 1}: import ${res.importS.toFixed(1)} s · rows first ${res.firstRowS.toFixed(1)} s, all ${res.allRowsS.toFixed(1)} s · ` +
          `UMAP samples ${res.firstUmapSampleS.toFixed(1)}–${res.allUmapSamplesS.toFixed(1)} s, all placed ${res.allUmapReadyS.toFixed(1)} s · ` +
          `longest task ${res.longestTaskMs.toFixed(0)} ms (${res.longTasksOver100} over 100 ms) · ` +
          `hover p50 ${median(res.hoverMs).toFixed(0)} / p95 ${p95(res.hoverMs).toFixed(0)} ms (${res.hoverMs.length}) · ` +
          `seed pick median ${median(res.seedPickMs).toFixed(0)} / max ${Math.max(...res.seedPickMs).toFixed(0)} ms (${res.seedPickMs.length}) · ` +
          `while interacting: longest task ${res.interactLongestMs.toFixed(0)} ms, ${res.interactOver100} over 100 ms · ` +
          `renderer RSS ${res.memory.rssMiB.toFixed(0)} MiB (peak ${res.memory.peakMiB.toFixed(0)}), UA memory ${res.memory.uaMiB?.toFixed(0) ?? '—'} MiB`,
      );
      console.log(`  top tasks: ${res.topTasks.map((t) => `${t.ms} ms @ ${t.atS.toFixed(1)} s`).join(', ')}`);
    }
  } finally {
    await browser.close();
  }
  const med = (f: (r: RunResult) => number) => median(runs.map(f));
  const result = {
    items: N,
    dim: DIM,
    variants: variants.length,
    runs: runs.length,
    importS: med((r) => r.importS),
    firstRowS: med((r) => r.firstRowS),
    allRowsS: med((r) => r.allRowsS),
    firstUmapSampleS: med((r) => r.firstUmapSampleS),
    allUmapSamplesS: med((r) => r.allUmapSamplesS),
    allUmapReadyS: med((r) => r.allUmapReadyS),
    longestTaskMs: med((r) => r.longestTaskMs),
    hoverP50Ms: med((r) => median(r.hoverMs)),
    hoverP95Ms: med((r) => p95(r.hoverMs)),
    seedPickMedianMs: med((r) => median(r.seedPickMs)),
    seedPickMaxMs: med((r) => Math.max(...r.seedPickMs)),
    interactLongestMs: med((r) => r.interactLongestMs),
    rendererRssMiB: med((r) => r.memory.rssMiB),
    rendererPeakMiB: med((r) => r.memory.peakMiB),
    uaMemoryMiB: med((r) => r.memory.uaMiB ?? NaN),
    perRun: runs,
  };
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/page-scale.json', JSON.stringify(result, null, 2));
  const s = (v: number) => `${v.toFixed(1)} s`;
  console.log(
    `\n| browser at scale: ${N.toLocaleString('en-US')} × ${DIM}, 4 files → ${variants.length} variants | median of ${runs.length} |`,
  );
  console.log('|---|---:|');
  console.log(`| import (files picked → import done) | ${s(result.importS)} |`);
  console.log(`| first metrics row | ${s(result.firstRowS)} |`);
  console.log(`| every metrics row | ${s(result.allRowsS)} |`);
  console.log(`| first UMAP sample layout drawn | ${s(result.firstUmapSampleS)} |`);
  console.log(`| every UMAP sample layout drawn | ${s(result.allUmapSamplesS)} |`);
  console.log(`| every panel fully placed | ${s(result.allUmapReadyS)} |`);
  console.log(`| longest main-thread task | ${result.longestTaskMs.toFixed(0)} ms |`);
  console.log(
    `| hover → every panel and the gallery linked, p50 / p95 | ${result.hoverP50Ms.toFixed(0)} / ${result.hoverP95Ms.toFixed(0)} ms |`,
  );
  console.log(
    `| seed pick → every gallery column, median / max | ${result.seedPickMedianMs.toFixed(0)} / ${result.seedPickMaxMs.toFixed(0)} ms |`,
  );
  console.log(`| longest task while interacting | ${result.interactLongestMs.toFixed(0)} ms |`);
  console.log(
    `| renderer RSS after everything (peak) | ${result.rendererRssMiB.toFixed(0)} MiB (${result.rendererPeakMiB.toFixed(0)} MiB) |`,
  );
  console.log(`| measureUserAgentSpecificMemory | ${result.uaMemoryMiB.toFixed(0)} MiB |`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
