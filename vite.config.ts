import { defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Cross-origin isolation (COOP/COEP) lets onnxruntime-web use SharedArrayBuffer, so its WASM backend
 * runs multi-threaded. The Content-Security-Policy keeps every request on the app's own origin.
 */
export const securityHeaders: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    "connect-src 'self' blob: data:",
    "img-src 'self' blob: data:",
    "style-src 'self' 'unsafe-inline'",
  ].join('; '),
};

export default defineConfig(({ command }) => ({
  plugins: [react()],
  server: { headers: devHeaders(command), port: 5173, strictPort: true },
  preview: { headers: securityHeaders, port: 4173, strictPort: true },
  worker: { format: 'es' },
  // onnxruntime-web's runtime (.mjs + .wasm) is served from /ort/ (scripts/copy-ort.ts); this condition
  // picks the build that loads it from there instead of bundling a second 28 MB copy.
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', sourcemap: true },
}));

/** Vite's dev server injects an inline React-refresh preamble and uses a websocket for HMR. */
function devHeaders(command: string): Record<string, string> {
  if (command !== 'serve') return securityHeaders;
  const csp = securityHeaders['Content-Security-Policy']
    .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    .replace("connect-src 'self'", "connect-src 'self' ws://127.0.0.1:5173 ws://localhost:5173");
  return { ...securityHeaders, 'Content-Security-Policy': csp };
}
