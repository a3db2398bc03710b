/**
 * Workers that die mid-job: a compute worker crashing half-way through a variant's evaluation, and
 * the encoder worker crashing part-way through a model. Each is replaced and its job re-run; every row
 * then holds exactly the metrics of an undisturbed run. A job that crashes twice is reported.
 * The crashes are armed through `globalThis.__recallLensTest` before the page loads (see pool.ts and
 * encoder-client.ts), so they hit the first jobs deterministically.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { browserEmbeddings, cards, expectedVariants, waitForAllRows } from './app.ts';

const SUBSET = 300;
const URL_ = `/?backend=wasm&subset=${SUBSET}`;

type Hooks = { crashEvaluates?: number; crashEncoder?: number; crashEncoderAfter?: number };

/** A fresh profile (empty caches), with the crash hooks armed and console warnings collected. */
async function openFresh(browser: Browser, hooks: Hooks): Promise<{ page: Page; warnings: string[]; close(): Promise<void> }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript((h) => ((globalThis as { __recallLensTest?: unknown }).__recallLensTest = h), hooks);
  const warnings: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  await page.goto(URL_);
  return { page, warnings, close: () => context.close() };
}

/** Every variant's full-precision metrics, as the app stored them in IndexedDB (keyed by embeddings + settings). */
async function storedMetrics(page: Page, count: number): Promise<Record<string, unknown>> {
  const read = () =>
    page.evaluate(
      () =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          const req = indexedDB.open('recall-lens');
          req.onsuccess = () => {
            const tx = req.result.transaction('embeddings', 'readonly');
            const store = tx.objectStore('embeddings');
            const keys = store.getAllKeys();
            const values = store.getAll();
            tx.oncomplete = () => {
              const out: Record<string, unknown> = {};
              keys.result.forEach((k, i) => {
                if (String(k).startsWith('metrics:')) out[String(k)] = (values.result[i] as { metrics: unknown }).metrics;
              });
              req.result.close();
              resolve(out);
            };
            tx.onerror = () => reject(tx.error);
          };
          req.onerror = () => reject(req.error);
        }),
    );
  await expect.poll(async () => Object.keys(await read()).length).toBe(count);
  return read();
}

/** Rows that ended (done or error), once every row has. */
async function waitForSettledRows(page: Page, variants: string[]): Promise<void> {
  const rows = page.getByTestId('metrics-row');
  await expect(rows).toHaveCount(variants.length, { timeout: 8 * 60_000 });
  await expect(
    page.locator('[data-testid="metrics-row"][data-status="done"], [data-testid="metrics-row"][data-status="error"]'),
  ).toHaveCount(variants.length, { timeout: 8 * 60_000 });
}

test('a compute worker and the encoder worker crash mid-job: both are replaced, every row equals an undisturbed run', async ({
  browser,
}) => {
  const variants = expectedVariants();
  const first = cards()[0];

  const calm = await openFresh(browser, {});
  await waitForAllRows(calm.page, variants);
  const expected = await storedMetrics(calm.page, variants.length);
  const expectedVectors = await browserEmbeddings(calm.page, first.id, 16);
  expect(calm.warnings.filter((w) => /crashed/.test(w))).toEqual([]);
  await calm.close();

  const hit = await openFresh(browser, { crashEvaluates: 1, crashEncoder: 1, crashEncoderAfter: 2 });
  await waitForAllRows(hit.page, variants);
  // Both crashes happened (and only once each), and the hooks were used up.
  expect(hit.warnings.filter((w) => /compute worker crashed while running evaluate/.test(w))).toHaveLength(1);
  expect(hit.warnings.filter((w) => w.includes(`encoder worker crashed while encoding ${first.name} (`))).toHaveLength(1);
  expect(await hit.page.evaluate(() => (globalThis as unknown as { __recallLensTest: Hooks }).__recallLensTest)).toMatchObject({
    crashEvaluates: 0,
    crashEncoder: 0,
  });
  const status = hit.page.locator(`[data-testid="encoder-status"][data-encoder="${first.id}"]`);
  await expect(status).toHaveAttribute('data-state', 'done');
  await expect(status.getByTestId('encoder-notice')).toContainText('encoder worker crashed; re-ran on a fresh one');
  // Same embeddings (same WASM backend, same batches) and the same metrics, to the last bit.
  expect(await browserEmbeddings(hit.page, first.id, 16)).toEqual(expectedVectors);
  expect(await storedMetrics(hit.page, variants.length)).toEqual(expected);
  await hit.close();
});

test('a job whose worker crashes twice is reported in its row; the others finish', async ({ browser }) => {
  const variants = expectedVariants();
  const [first, ...rest] = cards();
  // Every evaluate crashes (both tries); the first model's encode crashes on both tries too.
  const hit = await openFresh(browser, { crashEvaluates: 1000, crashEncoder: 2, crashEncoderAfter: 1 });
  await waitForSettledRows(hit.page, variants);
  const status = hit.page.locator(`[data-testid="encoder-status"][data-encoder="${first.id}"]`);
  await expect(status).toHaveAttribute('data-state', 'error');
  await expect(status).toContainText(`encoder worker crashed twice while encoding ${first.name}`);
  for (const c of rest) {
    await expect(hit.page.locator(`[data-testid="encoder-status"][data-encoder="${c.id}"]`)).toHaveAttribute('data-state', 'done');
  }
  const errors = hit.page.locator('[data-testid="metrics-row"][data-status="error"]');
  await expect(errors).toHaveCount(variants.length);
  const own = hit.page.locator(`[data-testid="metrics-row"][data-variant="${first.id}"]`);
  await expect(own).toContainText(`encoder worker crashed twice while encoding ${first.name}`);
  const other = hit.page.locator(`[data-testid="metrics-row"][data-variant="${rest[0].id}"]`);
  await expect(other).toContainText('compute worker crashed twice while running evaluate');
  await hit.close();
});
