/** Comparing variants on the demo: the matrix, the brushed overlap histogram filtering the queue, the probe row, the align control. */
import { expect, test, type Page } from '@playwright/test';
import { expectedVariants, waitForAllRows } from './app.ts';

const SUBSET = 600;

async function open(page: Page): Promise<string[]> {
  await page.goto(`/?backend=wasm&subset=${SUBSET}`);
  const variants = expectedVariants();
  await waitForAllRows(page, variants);
  return variants;
}

test('compare: matrix of every pair, histogram brushing filters the queue and selects the items, probe and hubness columns', async ({
  page,
}) => {
  test.setTimeout(15 * 60_000); // 21 variants: the probe alone trains 63 models
  const variants = await open(page);
  const panel = page.getByTestId('compare-panel');
  await expect(panel).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  const matrix = page.getByTestId('compare-matrix');
  // Every ordered pair off the diagonal has a cell: overlap below, CKA above, both in [0, 1].
  await expect(matrix.getByTestId('compare-cell')).toHaveCount(variants.length * (variants.length - 1));
  const values = await matrix.getByTestId('compare-cell').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
  for (const v of values) {
    expect(v).toBeGreaterThanOrEqual(0);
    expect(v).toBeLessThanOrEqual(1 + 1e-9);
  }

  // Choose a pair on the matrix: the histogram follows, and its mean is the matrix's overlap.
  const [a, b] = [variants[0], variants[2]];
  await matrix.locator(`[data-testid="compare-cell"][data-a="${b}"][data-b="${a}"]`).click();
  const hist = page.getByTestId('overlap-histogram');
  await expect(hist).toHaveAttribute('data-pair', `${b}|${a}`);
  const bins = await hist.locator('rect[data-bin]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
  const K = bins.length - 1;
  const seeds = bins.reduce((s, c) => s + c, 0);
  expect(seeds).toBe(SUBSET);
  const mean = bins.reduce((s, c, j) => s + (c * j) / K, 0) / seeds;
  const cell = Number(await matrix.locator(`[data-testid="compare-cell"][data-a="${b}"][data-b="${a}"]`).getAttribute('data-value'));
  expect(Math.abs(mean - cell)).toBeLessThan(1e-9);

  // Brush exactly the lowest non-empty bin.
  const j0 = bins.findIndex((c) => c > 0);
  const svg = hist.locator('svg');
  await svg.scrollIntoViewIfNeeded();
  const box = (await svg.boundingBox())!;
  const W = 420,
    left = 36,
    right = 10;
  const px = (v: number) => box.x + (box.width / W) * (left + ((v + 0.5 / K) / (1 + 1 / K)) * (W - left - right));
  // Nothing covers the histogram where the drag starts.
  expect(await page.evaluate(([x, y]) => document.elementFromPoint(x, y)?.getAttribute('class'), [px((j0 - 0.4) / K), box.y + 60])).toBe(
    'overlay',
  );
  const y = box.y + 60;
  await page.mouse.move(px((j0 - 0.4) / K), y);
  await page.mouse.down();
  await page.mouse.move(px(j0 / K), y, { steps: 4 });
  await page.mouse.move(px((j0 + 0.4) / K), y, { steps: 4 });
  await page.mouse.up();
  await expect(hist).toHaveAttribute('data-brushed', String(bins[j0]), { timeout: 15_000 });

  // The queue is filtered to the brushed seeds; the selection (lasso) holds them for every panel.
  const filter = page.getByTestId('badcase-brush-filter');
  await expect(filter).toHaveAttribute('data-rows', String(bins[j0]), { timeout: 15_000 });
  const queueRows = await page
    .getByTestId('badcase-queue')
    .getByTestId('badcase-entry')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-row'))));
  expect(queueRows.length).toBeLessThanOrEqual(bins[j0]);
  await expect(page.getByTestId('lasso-list')).toContainText(`Selection: ${bins[j0]} items`);

  // Changed most: lowest overlap first; opening one shows A and B side by side with shared marks.
  const changed = page.getByTestId('changed-most');
  const overlaps = await changed.getByTestId('changed-entry').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-overlap'))));
  expect([...overlaps].sort((x, z) => x - z)).toEqual(overlaps);
  expect(overlaps[0]).toBeCloseTo(j0 / K, 9);
  await changed.getByTestId('changed-entry').first().click();
  const pairView = page.getByTestId('pair-neighbours');
  await expect(pairView.locator('[data-side="a"] [data-testid="pair-neighbour"]')).toHaveCount(K);
  await expect(pairView.locator('[data-side="b"] [data-testid="pair-neighbour"]')).toHaveCount(K);
  const shared = await pairView.locator('[data-side="a"] [data-shared="true"]').count();
  expect(shared).toBe(Math.round(overlaps[0] * K));
  await expect(page.getByTestId('gallery')).toHaveAttribute(
    'data-seed',
    (await changed.getByTestId('changed-entry').first().getAttribute('data-row')) ?? '',
  );

  // Clearing the brush restores the queue.
  await page.getByTestId('overlap-brush-clear').click();
  await expect(filter).toHaveCount(0);

  // Hubness column (every item is a seed at 600), then the probe row for every variant.
  await expect(page.getByTestId('hubness-cell')).toHaveCount(variants.length);
  await page.getByTestId('probe-run').click();
  for (const v of variants) {
    const cells = page.locator(`[data-testid="metrics-row"][data-variant="${v}"] [data-testid="probe-cell"]`);
    await expect(cells.first()).toHaveAttribute('data-top1', /^(0|1|0\.\d+)$/, { timeout: 180_000 });
  }
  const probe = await page
    .getByTestId('probe-cell')
    .evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-top1')), Number(e.getAttribute('data-top5'))]));
  for (const [t1, t5] of probe) {
    expect(t5).toBeGreaterThanOrEqual(t1);
    expect(t5).toBeLessThanOrEqual(1);
  }

  // The align control holds the reference panel's variant.
  await page.getByTestId('align-to').selectOption(variants[1]);
  await expect(page.getByTestId('align-to')).toHaveValue(variants[1]);
});
