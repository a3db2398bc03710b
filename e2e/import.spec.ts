/**
 * Bringing your own data: a folder (manifest + images + .npy + CSV embeddings) imports through the
 * folder picker; the join report names the ids that did not join; metrics equal an independent
 * brute-force reference; nothing leaves the origin; the workspace comes back after a reload; a bad
 * file is refused by name and nothing changes; and "back to the demo" forgets the workspace.
 */
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { browserEmbeddings, expectedVariants, foreignRequests, trackRequests, waitForAllRows } from './app.ts';
import { DIM, MISSING, N, referenceConsistency, writeFixture } from './import-fixtures.ts';

const MODELS = join(import.meta.dirname, '..', 'public', 'models');
const IMPORTED = ['good', 'noise', 'extra'].flatMap((v) => [v, `${v}+w`]);

async function importFolder(page: Page, dir: string): Promise<void> {
  await page.getByTestId('import-folder').setInputFiles(dir);
}

async function facetValue(page: Page, variant: string, facet: string): Promise<number> {
  const cell = page.locator(`[data-testid="metrics-row"][data-variant="${variant}"] td[data-facet="${facet}"] .num`);
  return Number(await cell.textContent());
}

test('import a folder: join report, exact metrics, same-origin only, restored after reload, back to the demo', async ({
  page,
  baseURL,
}) => {
  const fx = writeFixture();
  const urls = trackRequests(page);
  await page.goto('/?backend=wasm&subset=200');
  await waitForAllRows(page, expectedVariants());

  await importFolder(page, fx.dir);
  await expect(page.getByTestId('import-status')).toHaveAttribute('data-state', 'done');
  await expect(page.getByTestId('corpus-info')).toContainText(`${(N - MISSING).toLocaleString('en-US')} items`);
  const unmatched = page.locator('[data-testid="import-unmatched"] li');
  await expect(unmatched).toHaveCount(1);
  await expect(unmatched.first()).toHaveAttribute('data-count', String(MISSING));
  await expect(unmatched.first()).toContainText('item-0000');

  await waitForAllRows(page, IMPORTED);
  // Only the imported variants: the built-in encoders do not run on an analyst's own embeddings.
  await expect(page.getByTestId('metrics-row')).toHaveCount(IMPORTED.length);
  const rows = Array.from({ length: N - MISSING }, (_, i) => i + MISSING);
  const expected = referenceConsistency(fx.good, DIM, rows, fx.style, 10);
  expect(await facetValue(page, 'good', 'style')).toBeCloseTo(expected, 5);
  expect(await facetValue(page, 'extra', 'style')).toBeCloseTo(expected, 5);
  expect(await facetValue(page, 'noise', 'style')).toBeCloseTo(referenceConsistency(fx.noise, DIM, rows, fx.style, 10), 5);
  expect(foreignRequests(urls, new URL(baseURL!).origin)).toEqual([]);
  // And the page could not send anything elsewhere if it tried: the CSP blocks it.
  const violation = await page.evaluate(async () => {
    const seen = new Promise<string>((resolve) =>
      document.addEventListener('securitypolicyviolation', (e) => resolve(`${e.violatedDirective} ${e.blockedURI}`), { once: true }),
    );
    const sent = await fetch('https://example.com/collect', { method: 'POST', body: 'x' }).then(
      () => 'sent',
      () => 'blocked',
    );
    return `${sent}: ${await seen}`;
  });
  expect(violation).toMatch(/^blocked: connect-src https:\/\/example\.com/);

  // Nothing lost: the imported workspace and its metrics come back after a reload.
  await page.reload();
  await expect(page.getByTestId('import-status')).toHaveAttribute('data-state', 'done');
  await waitForAllRows(page, IMPORTED);
  await expect(page.locator('[data-testid="metrics-row"][data-cached="true"]')).toHaveCount(IMPORTED.length);
  expect(await facetValue(page, 'good', 'style')).toBeCloseTo(expected, 5);

  await page.getByTestId('import-reset').click();
  await expect(page.getByTestId('import-status')).toHaveAttribute('data-state', 'idle');
  await waitForAllRows(page, expectedVariants());
  await page.reload();
  await expect(page.getByTestId('corpus-info')).toContainText('emoji-styles');
  // (The deliberate, CSP-blocked probe above is the only foreign URL the page ever tried.)
  expect(foreignRequests(urls, new URL(baseURL!).origin).filter((u) => u !== 'https://example.com/collect')).toEqual([]);
});

test('a truncated .npy is refused by name; nothing is imported and the current data keeps working', async ({ page }) => {
  const fx = writeFixture();
  const bad = readFileSync(join(fx.dir, 'good.npy'));
  writeFileSync(join(fx.dir, 'good.npy'), bad.subarray(0, bad.length - 100));
  await page.goto('/?backend=wasm&subset=200');
  const variants = expectedVariants();
  await waitForAllRows(page, variants);
  const before = await page.getByTestId('corpus-info').textContent();

  await importFolder(page, fx.dir);
  await expect(page.getByTestId('import-status')).toHaveAttribute('data-state', 'error');
  await expect(page.getByTestId('import-errors')).toContainText('good.npy');
  await expect(page.getByTestId('import-errors')).toContainText(/truncated|bytes/);
  await expect(page.getByTestId('corpus-info')).toHaveText(before!);
  await expect(page.getByTestId('metrics-row')).toHaveCount(variants.length);
  await waitForAllRows(page, variants);

  // A reload still shows the demo: the refused import was not saved.
  await page.reload();
  await expect(page.getByTestId('import-status')).toHaveAttribute('data-state', 'idle');
});

test('files dropped on the import panel go to the importer, not to query by example', async ({ page }) => {
  const fx = writeFixture();
  await page.goto('/?backend=wasm&subset=200');
  await waitForAllRows(page, expectedVariants());
  const files = ['noise.npy', 'manifest.csv'].map((name) => ({ name, bytes: Array.from(readFileSync(join(fx.dir, name))) }));
  // The manifest names images that were not dropped: the import is refused, naming one of them.
  await dropFiles(page, files);
  await expect(page.getByTestId('import-status')).toHaveAttribute('data-state', 'error');
  await expect(page.getByTestId('import-errors')).toContainText('images/item-0000.png');
  await expect(page.getByTestId('query-chip')).toHaveCount(0);
});

async function dropFiles(page: Page, files: { name: string; bytes: number[] }[]): Promise<void> {
  const dt = await page.evaluateHandle((list) => {
    const t = new DataTransfer();
    for (const f of list) t.items.add(new File([new Uint8Array(f.bytes)], f.name));
    return t;
  }, files);
  await page.getByTestId('import-drop').dispatchEvent('drop', { dataTransfer: dt });
}

test('an imported ONNX encoder with a short-form card runs on the imported images; a broken model is refused by name', async ({ page }) => {
  const fx = writeFixture();
  for (const f of ['good.npy', 'noise.npy', 'extra.csv']) rmSync(join(fx.dir, f));
  copyFileSync(join(MODELS, 'pixels.onnx'), join(fx.dir, 'tiny.onnx'));
  writeFileSync(join(fx.dir, 'tiny.json'), JSON.stringify({ input: { size: 64, mean: [0, 0, 0], std: [1, 1, 1] }, output: { dim: 192 } }));
  writeFileSync(join(fx.dir, 'broken.onnx'), Buffer.from('this is not a model at all'));
  writeFileSync(join(fx.dir, 'broken.json'), JSON.stringify({ input: { size: 64, mean: [0, 0, 0], std: [1, 1, 1] }, output: { dim: 8 } }));
  await page.goto('/?backend=wasm&subset=200');
  await waitForAllRows(page, expectedVariants());

  await importFolder(page, fx.dir);
  await expect(page.getByTestId('import-status')).toHaveAttribute('data-state', 'error');
  await expect(page.getByTestId('import-errors')).toContainText('broken.onnx');

  rmSync(join(fx.dir, 'broken.onnx'));
  rmSync(join(fx.dir, 'broken.json'));
  await importFolder(page, fx.dir);
  await expect(page.getByTestId('import-status')).toHaveAttribute('data-state', 'done');
  await waitForAllRows(page, ['tiny', 'tiny+w', 'tiny+w32']);
  await expect(page.locator('[data-testid="encoder-status"][data-encoder="tiny"]')).toHaveAttribute('data-state', 'done');
  // The model is 8×8 average pooling of the 64×64 tile, channel-major: a solid-colour image gives its colour / 255.
  const got = await browserEmbeddings(page, 'tiny', 3);
  const colours = [
    [220, 30, 40],
    [20, 200, 40],
    [20, 30, 210],
  ];
  got.rows.forEach((row, i) => {
    const expected = colours[i].flatMap((c) => Array<number>(64).fill(c / 255));
    row.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 5));
  });
});
