/**
 * The onnxruntime-web runtime files the app serves itself from `public/ort/` (never a CDN), for the
 * import used by web-session.ts: `import * as ort from 'onnxruntime-web'`, which in a browser bundle
 * resolves to `dist/ort.bundle.min.mjs`, the JSEP build with both the 'webgpu' and the 'wasm'
 * execution providers (SIMD, multi-threaded when cross-origin isolated). That build loads:
 *   - ort-wasm-simd-threaded.jsep.mjs   the Emscripten glue; because `env.wasm.wasmPaths` is set it is
 *                                       imported from there (also the script of the pthread workers);
 *   - ort-wasm-simd-threaded.jsep.wasm  the WebAssembly binary (~28 MB).
 * (`onnxruntime-web/webgpu` in 1.30 is the newer native-WebGPU build, which needs the .asyncify.* pair
 * instead; `onnxruntime-web/wasm` has no WebGPU.) Pure module: scripts/copy-ort.ts imports it in Node.
 */
export const ORT_PUBLIC_DIR = 'public/ort';
/** URL prefix under which the app serves them (env.wasm.wasmPaths). */
export const ORT_URL_PREFIX = '/ort/';

export function ortRuntimeFiles(): string[] {
  return ['ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'];
}
