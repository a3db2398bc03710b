/**
 * The spine on WASM: the demo corpus loads, every model encodes in the browser, every variant's row
 * fills in, the embeddings equal onnxruntime-node's, nothing leaves the origin, and a reload uses the cache.
 */
import { expect, test } from '@playwright/test';
import { browserEmbeddings, cards, cosine, expectedVariants, foreignRequests, trackRequests, waitForAllRows } from './app.ts';
import { nodeEmbeddings } from './parity.ts';

test('demo on WASM: every variant row, parity with onnxruntime-node, same-origin only, cached reload', async ({ page, baseURL }) => {
  const urls = trackRequests(page);
  await page.goto('/?backend=wasm');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  const variants = expectedVariants();
  await waitForAllRows(page, variants);

  const rows = page.getByTestId('metrics-row');
  await expect(rows).toHaveCount(variants.length);
  for (const c of cards()) {
    const status = page.locator(`[data-testid="encoder-status"][data-encoder="${c.id}"]`);
    await expect(status).toHaveAttribute('data-state', 'done');
    await expect(status).toHaveAttribute('data-backend', 'wasm');
    await expect(status).toContainText('items/s');
  }
  // Every facet cell holds a number in [0, 1].
  const cells = await page.locator('[data-testid="metrics-row"] td[data-facet] .num').allTextContents();
  expect(cells.length).toBeGreaterThanOrEqual(variants.length * 3);
  for (const text of cells) expect(Number(text)).toBeGreaterThanOrEqual(0);

  for (const c of cards()) {
    const inBrowser = await browserEmbeddings(page, c.id, 16);
    const inNode = await nodeEmbeddings(c.id, 16, null);
    inBrowser.rows.forEach((row, i) => expect(cosine(row, inNode[i])).toBeGreaterThanOrEqual(0.999));
  }

  await page.reload();
  await waitForAllRows(page, variants);
  for (const c of cards()) {
    await expect(page.locator(`[data-testid="encoder-status"][data-encoder="${c.id}"]`)).toHaveAttribute('data-state', 'cached');
  }
  // Metrics and neighbour lists come back from the cache too, with the same numbers.
  await expect(page.locator('[data-testid="metrics-row"][data-cached="true"]')).toHaveCount(variants.length);
  expect(await page.locator('[data-testid="metrics-row"] td[data-facet] .num').allTextContents()).toEqual(cells);
  expect(foreignRequests(urls, new URL(baseURL!).origin)).toEqual([]);
});

test('changing K and the distance recomputes every row; the CSV export has one line per variant', async ({ page }) => {
  await page.goto('/?backend=wasm&subset=600');
  const variants = expectedVariants();
  await waitForAllRows(page, variants);
  await page.getByTestId('k-select').selectOption('5');
  await page.getByTestId('metric-select').selectOption('cosine');
  await waitForAllRows(page, variants);
  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const csv = await (await download).createReadStream().then(async (s) => {
    const chunks: Buffer[] = [];
    for await (const c of s) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  });
  const lines = csv.trim().split('\n');
  expect(lines).toHaveLength(variants.length + 1);
  expect(lines[0]).toContain('style_consistency');
  for (const line of lines.slice(1)) expect(line).toMatch(/,5,cosine,/);
});

test('a model that fails to load is reported by file name and the other models still run', async ({ page }) => {
  const [broken, ...rest] = cards();
  await page.route(`**/models/${broken.file}`, (route) => route.fulfill({ status: 200, body: Buffer.from('this is not an onnx model') }));
  await page.goto('/?backend=wasm&subset=300');
  await expect(page.getByTestId('errors')).toContainText(broken.file, { timeout: 60_000 });
  await expect(page.locator(`[data-testid="encoder-status"][data-encoder="${broken.id}"]`)).toHaveAttribute('data-state', 'error');
  const unaffected = rest.filter((c) => c.pairs !== broken.id);
  await waitForAllRows(
    page,
    expectedVariants().filter((v) => unaffected.some((c) => v === c.id || v.startsWith(`${c.id}+`))),
  );
});

test('cancel stops encoding part-way and resume finishes it', async ({ page }) => {
  await page.goto('/?backend=wasm&subset=3000');
  const encoders = page.getByTestId('encoder-status');
  await expect(encoders.filter({ has: page.locator('progress') }).first()).toBeVisible();
  await expect(page.locator('[data-testid="encoder-status"][data-state="encoding"]')).toHaveCount(1, { timeout: 60_000 });
  await page.getByTestId('cancel-encoding').click();
  await expect(page.locator('[data-testid="encoder-status"][data-state="cancelled"]').first()).toBeVisible();
  await expect(page.locator('[data-testid="metrics-row"][data-status="error"]').first()).toContainText('cancelled');
  await page.getByTestId('resume-encoding').click();
  await waitForAllRows(page, expectedVariants());
});
