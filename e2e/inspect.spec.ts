/** Inspecting recalls: seed → gallery, the bad-case queue against the metrics, query by image, the URL view. */
import { expect, test, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { expectedVariants, waitForAllRows } from './app.ts';
import { demoItemPng } from './parity.ts';

const SUBSET = 600;

async function open(page: Page, extra = ''): Promise<string[]> {
  await page.goto(`/?backend=wasm&subset=${SUBSET}${extra}`);
  const variants = expectedVariants();
  await waitForAllRows(page, variants);
  return variants;
}

function itemPng(row: number): Promise<Buffer> {
  return demoItemPng(row, SUBSET);
}

test('search a seed by title: one gallery column per variant with K neighbours and facet marks; keys step seeds', async ({ page }) => {
  const variants = await open(page);
  await page.getByTestId('seed-search').fill('grinning');
  await page.getByTestId('seed-search-results').locator('button').first().click();
  const gallery = page.getByTestId('gallery');
  const seed = Number(await gallery.getAttribute('data-seed'));
  expect(seed).toBeGreaterThanOrEqual(0);
  await expect(page.getByTestId('gallery-seed')).toContainText(/grinning/i);
  await expect(page.getByTestId('gallery-column')).toHaveCount(variants.length);
  for (const v of variants) {
    const column = page.locator(`[data-testid="gallery-column"][data-variant="${v}"]`);
    await expect(column.getByTestId('neighbour')).toHaveCount(10);
    // The seed never recalls itself.
    expect(await column.locator(`[data-row="${seed}"]`).count()).toBe(0);
    await expect(column.locator('.mark[data-facet="style"]')).toHaveCount(10);
  }
  await page.keyboard.press('m');
  await expect(page.locator('.mark')).toHaveCount(0);
  await page.keyboard.press('j');
  await expect(gallery).toHaveAttribute('data-seed', String((seed + 1) % SUBSET));
  await page.keyboard.press('k');
  await expect(gallery).toHaveAttribute('data-seed', String(seed));
});

test('bad-case queue: lowest consistency first, same numbers as the table; A right B wrong; confusion opens seeds', async ({ page }) => {
  await open(page);
  const queue = page.getByTestId('badcase-queue');
  const variant = await queue.getAttribute('data-variant');
  const scores = await queue.getByTestId('badcase-entry').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-score'))));
  expect(scores.length).toBeGreaterThan(10);
  expect([...scores].sort((a, b) => a - b)).toEqual(scores);
  // The queue's scores are per-seed consistencies: the table's mean for this variant bounds them.
  const tableMean = Number(
    await page.locator(`[data-testid="metrics-row"][data-variant="${variant}"] td[data-facet="style"] .num`).textContent(),
  );
  expect(scores[0]).toBeLessThanOrEqual(tableMean);
  await queue.getByTestId('badcase-entry').nth(2).click();
  const row = await queue.getByTestId('badcase-entry').nth(2).getAttribute('data-row');
  await expect(page.getByTestId('gallery')).toHaveAttribute('data-seed', row!);

  await page.getByTestId('badcase-mode').selectOption('a-vs-b');
  await expect(queue).toHaveAttribute('data-mode', 'a-vs-b');
  const pairs = await queue.getByTestId('badcase-entry').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-score'))));
  for (const s of pairs) expect(s).toBeGreaterThanOrEqual(0.5);

  await page.getByTestId('confusion-pair').first().click();
  await expect(page.getByTestId('gallery')).not.toHaveAttribute('data-seed', row!);
  await expect(page.getByTestId('confusion-cell').first()).toBeVisible();
});

test('dropping an image file fills every column; the exact corpus image is its own nearest raw-pixel neighbour; a bad file is named', async ({
  page,
}) => {
  const variants = await open(page);
  const png = await itemPng(7);
  // A real drop event on the window, carrying a File, as a person's drag would.
  await page.evaluate(
    async ([bytes, name]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
      dt.items.add(new File(['not an image'], 'notes.txt', { type: 'text/plain' }));
      dt.items.add(new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])], 'broken.png', { type: 'image/png' }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    [Array.from(png), 'seven.png'] as const,
  );
  await expect(page.getByTestId('gallery-query')).toContainText('seven.png');
  await expect(page.getByTestId('query-chip').first()).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  for (const v of variants) {
    await expect(page.locator(`[data-testid="gallery-column"][data-variant="${v}"]`).getByTestId('neighbour')).toHaveCount(10);
  }
  await expect(page.locator('[data-testid="gallery-column"][data-variant="pixels"]').getByTestId('neighbour').first()).toHaveAttribute(
    'data-row',
    '7',
  );
  await expect(page.getByTestId('errors')).toContainText('notes.txt');
  await expect(page.getByTestId('errors')).toContainText('broken.png');

  // The file picker takes the same path.
  await page.getByTestId('query-file-input').setInputFiles({ name: 'again.png', mimeType: 'image/png', buffer: png });
  await expect(page.getByTestId('query-chip')).toHaveCount(2);
});

test('the URL holds the view: a link reproduces K, distance, seed, facet and hidden variants', async ({ page }) => {
  const variants = expectedVariants();
  await page.goto(`/?backend=wasm&subset=${SUBSET}&k=5&metric=cosine&seed=3&facet=category&hide=${encodeURIComponent(variants[0])}`);
  await waitForAllRows(page, variants);
  await expect(page.getByTestId('k-select')).toHaveValue('5');
  await expect(page.getByTestId('metric-select')).toHaveValue('cosine');
  await expect(page.getByTestId('gallery')).toHaveAttribute('data-seed', '3');
  await expect(page.getByTestId('badcase-facet')).toHaveValue('category');
  await expect(page.getByTestId('gallery-column')).toHaveCount(variants.length - 1);
  await expect(page.locator(`[data-testid="gallery-column"][data-variant="${variants[0]}"]`)).toHaveCount(0);
  await page.getByTestId('k-select').selectOption('20');
  await page.locator('h1').click();
  await page.keyboard.press('j');
  await expect(page).toHaveURL(/k=20/);
  await expect(page).toHaveURL(/seed=4/);
  const url = page.url();
  await page.goto(url);
  await expect(page.getByTestId('k-select')).toHaveValue('20');
  await expect(page.getByTestId('gallery')).toHaveAttribute('data-seed', '4');
});

test('exports: neighbour lists as CSV, the gallery and the UMAP panels as PNG', async ({ page }) => {
  await open(page, '&seed=11');
  await expect(page.locator('[data-testid="umap-panel"][data-state="ready"]')).toHaveCount(expectedVariants().length, {
    timeout: 5 * 60_000,
  });
  const saved = async (testId: string) => {
    const download = page.waitForEvent('download');
    await page.getByTestId(testId).click();
    const d = await download;
    const chunks: Buffer[] = [];
    for await (const c of await d.createReadStream()) chunks.push(c as Buffer);
    return { name: d.suggestedFilename(), bytes: Buffer.concat(chunks) };
  };
  const csv = await saved('export-neighbours-csv');
  const lines = csv.bytes.toString('utf8').trim().split('\n');
  expect(lines[0]).toMatch(/^query,variant,rank,row,id,title,distance/);
  expect(lines).toHaveLength(1 + 10 * expectedVariants().length);
  for (const id of ['export-gallery-png', 'export-umap-png']) {
    const png = await saved(id);
    expect(png.name).toMatch(/\.png$/);
    expect(png.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(PNG.sync.read(png.bytes).width).toBeGreaterThan(300);
  }
  await page.getByTestId('umap-color').selectOption('category');
  await expect(page).toHaveURL(/color=category/);
});

test('typing words queries the text tower: its columns fill with items whose titles match', async ({ page }) => {
  const variants = await open(page);
  // The title tower, and across the dual encoder its image tower and the fused item embedding.
  const textVariants = variants.filter((v) => v.startsWith('image-title-'));
  expect(textVariants.length).toBeGreaterThan(0);
  await page.getByTestId('text-query').fill('grinning face');
  await page.getByTestId('text-query').press('Enter');
  await expect(page.getByTestId('gallery-query')).toContainText('grinning face');
  await expect(page.getByTestId('query-chip').first()).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  for (const v of textVariants) {
    const column = page.locator(`[data-testid="gallery-column"][data-variant="${v}"]`);
    await expect(column.getByTestId('neighbour')).toHaveCount(10);
  }
  await expect(
    page.locator(`[data-testid="gallery-column"][data-variant="image-title-text"]`).getByTestId('neighbour').first(),
  ).toContainText(/face/i);
  // Image-only encoders cannot read words: their columns say so instead of waiting.
  await expect(page.locator(`[data-testid="gallery-column"][data-variant="pixels"]`).getByTestId('unsupported')).toBeVisible();
});
