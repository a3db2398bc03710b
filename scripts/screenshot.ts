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
await page.screenshot({ path: 'docs/screenshot.png', fullPage: true });
await browser.close();
