/**
 * What `npm start` serves (Vite's dev server, React's StrictMode and all): on a 300-item subset of
 * the demo every row fills in and every UMAP panel is drawn (its pixels, scrolled into view), with
 * no request leaving the origin but the dev server's own websocket, and WASM chosen over the
 * software WebGPU adapter when the browser offers one. Runs in the `dev` project (playwright.config.ts).
 */
import { expect, test } from '@playwright/test';
import { expectedVariants, foreignRequests, trackRequests, waitForAllRows } from './app.ts';

test('npm start: every row and every UMAP panel of the demo', async ({ page, baseURL }) => {
  const urls = trackRequests(page);
  await page.goto('/?subset=300');
  const variants = expectedVariants();
  await waitForAllRows(page, variants);
  for (const v of variants) {
    const panel = page.locator(`[data-testid="umap-panel"][data-variant="${v}"]`);
    await expect(panel).toHaveAttribute('data-state', 'ready', { timeout: 3 * 60_000 });
    await panel.scrollIntoViewIfNeeded();
    await expect
      .poll(() =>
        panel.evaluate((el) => {
          const c = el.querySelector<HTMLCanvasElement>('canvas.umap-points')!;
          const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
          return n;
        }),
      )
      .toBeGreaterThan(200);
  }
  const pixels = page.locator('[data-testid="encoder-status"][data-encoder="pixels"]');
  await expect(pixels).toHaveAttribute('data-backend', 'wasm');
  const hasAdapter = await page.evaluate(async () =>
    Boolean(await (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()),
  );
  await expect(pixels).toHaveAttribute('data-backend-reason', hasAdapter ? /software/ : /no WebGPU adapter/);
  const origin = new URL(baseURL!).origin;
  const ws = `ws://${new URL(baseURL!).host}/`;
  expect(foreignRequests(urls, origin).filter((u) => !u.startsWith(ws))).toEqual([]);
});
