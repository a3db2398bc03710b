/** The WebGPU path (SwiftShader's adapter in headless Chromium: slow, so a small subset). */
import { expect, test } from '@playwright/test';
import { browserEmbeddings, cards, cosine, expectedVariants, waitForAllRows } from './app.ts';
import { nodeEmbeddings } from './parity.ts';

const SUBSET = 32;

test('demo subset on WebGPU: rows for every variant, embeddings equal onnxruntime-node', async ({ page }) => {
  const hasAdapter = await page.goto('/').then(() =>
    page.evaluate(async () => {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      return Boolean(await gpu?.requestAdapter());
    }),
  );
  expect(hasAdapter, 'headless Chromium with --enable-unsafe-webgpu should expose an adapter').toBe(true);
  await page.goto(`/?backend=webgpu&subset=${SUBSET}`);
  await waitForAllRows(page, expectedVariants());
  for (const c of cards()) {
    await expect(page.locator(`[data-testid="encoder-status"][data-encoder="${c.id}"]`)).toHaveAttribute('data-backend', 'webgpu');
    const inBrowser = await browserEmbeddings(page, c.id, 8);
    const inNode = await nodeEmbeddings(c.id, 8, SUBSET);
    inBrowser.rows.forEach((row, i) => expect(cosine(row, inNode[i])).toBeGreaterThanOrEqual(0.999));
  }
});
