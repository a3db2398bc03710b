/** Regenerates docs/screenshot.png from the built site (run `npx vite preview` on :4173 first). */
import { chromium } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/browser.ts';
import { expectedVariants } from '../e2e/app.ts';

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 820 } });
await page.goto(process.env.URL ?? 'http://127.0.0.1:4173/');
await page.waitForFunction(
  (vs) => vs.every((v) => document.querySelector(`[data-testid="metrics-row"][data-variant="${v}"][data-status="done"]`)),
  expectedVariants(),
  { timeout: 600_000 },
);
// And every UMAP panel drawn (layouts are fitted once the encoders are done).
await page.waitForFunction(
  () => [...document.querySelectorAll('[data-testid="umap-panel"]')].every((p) => p.getAttribute('data-state') === 'ready'),
  undefined,
  { timeout: 600_000 },
);
// The panels share one WebGL canvas over the viewport and draw only what is in view: make the
// viewport as tall as the page rather than a `fullPage` capture (which would show them empty).
const height = await page.evaluate(() => document.documentElement.scrollHeight);
await page.setViewportSize({ width: 1280, height });
await page.waitForTimeout(1500);
await page.screenshot({ path: 'docs/screenshot.png' });
await browser.close();
