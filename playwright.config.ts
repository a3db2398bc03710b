import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS, WEBGPU_ARGS } from './e2e/browser.ts';

const PORT = Number(process.env.E2E_PORT ?? 4173);
/** `npm start` (Vite's dev server, strict port 5173) for the `dev` project. */
const DEV_PORT = 5173;
/** The built site to serve (`vite build --outDir X`): lets parallel local runs keep separate builds. */
const DIST = process.env.E2E_DIST ?? 'dist';

export default defineConfig({
  testDir: 'e2e',
  timeout: 10 * 60_000,
  expect: { timeout: 5 * 60_000 },
  workers: 1,
  reporter: [['list']],
  use: { baseURL: `http://127.0.0.1:${PORT}`, headless: true },
  webServer: [
    {
      command: `npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort --outDir ${DIST}`,
      url: `http://127.0.0.1:${PORT}/`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      // Exactly what the README's start command serves.
      command: 'npm start',
      url: `http://127.0.0.1:${DEV_PORT}/`,
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
    },
  ],
  projects: [
    {
      name: 'wasm',
      testIgnore: /webgpu(-loss)?\.spec\.ts|dev-server\.spec\.ts/,
      use: { launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS } },
    },
    {
      name: 'webgpu',
      testMatch: /webgpu(-loss)?\.spec\.ts/,
      use: { launchOptions: { executablePath: CHROMIUM, args: WEBGPU_ARGS } },
    },
    {
      // `npm start`, in a browser that offers a (software) WebGPU adapter: auto must pick WASM.
      name: 'dev',
      testMatch: /dev-server\.spec\.ts/,
      use: { baseURL: `http://127.0.0.1:${DEV_PORT}`, launchOptions: { executablePath: CHROMIUM, args: WEBGPU_ARGS } },
    },
  ],
});
