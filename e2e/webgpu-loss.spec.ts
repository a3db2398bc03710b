/**
 * A WebGPU device lost mid-encode (SwiftShader's adapter; the test destroys the device after the first
 * batch of the first model): that model is re-run on WASM in a fresh encoder worker, later ones run on
 * WASM, the encoder panel says so, and every embedding equals onnxruntime-node's.
 */
import { expect, test } from '@playwright/test';
import { browserEmbeddings, cards, cosine, expectedVariants, waitForAllRows } from './app.ts';
import { nodeEmbeddings } from './parity.ts';

const SUBSET = 32;

test('WebGPU device lost mid-encode: the rest runs on WASM with a notice, embeddings equal onnxruntime-node', async ({ page }) => {
  // Destroy the device after one WebGPU batch (16 items) of the first encode job.
  await page.addInitScript(() => ((globalThis as { __recallLensTest?: unknown }).__recallLensTest = { loseDevice: 1, loseDeviceAfter: 1 }));
  const warnings: string[] = [];
  page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
  await page.goto(`/?backend=webgpu&subset=${SUBSET}`);
  await waitForAllRows(page, expectedVariants());
  const [first, ...rest] = cards();
  const status = (id: string) => page.locator(`[data-testid="encoder-status"][data-encoder="${id}"]`);
  await expect(status(first.id)).toHaveAttribute('data-backend', 'wasm');
  await expect(status(first.id).getByTestId('encoder-notice')).toHaveText('WebGPU device lost; finished on WASM');
  for (const c of rest) {
    await expect(status(c.id)).toHaveAttribute('data-backend', 'wasm');
    await expect(status(c.id).getByTestId('encoder-notice')).toHaveText('WebGPU device lost earlier; ran on WASM');
  }
  // The device really was lost mid-run (after one batch on the GPU), once.
  expect(warnings.filter((w) => w.includes(`${first.file}: WebGPU lost: device lost`))).toHaveLength(1);
  for (const c of cards()) {
    const inBrowser = await browserEmbeddings(page, c.id, SUBSET);
    const inNode = await nodeEmbeddings(c.id, SUBSET, SUBSET);
    inBrowser.rows.forEach((row, i) => expect(cosine(row, inNode[i]), `${c.id} item ${i}`).toBeGreaterThanOrEqual(0.999));
  }
});
