/**
 * onnxruntime-web sessions for the encoder Web Worker (no DOM access).
 *
 * Import: the package's default entry ('onnxruntime-web' → dist/ort.bundle.min.mjs in a browser
 * bundle), the JSEP build, which offers both the 'webgpu' and the 'wasm' execution providers.
 * Its runtime files (ortRuntimeFiles()) are copied to public/ort/ by scripts/copy-ort.ts and served
 * by the app at /ort/; `env.wasm.wasmPaths` points there (as an absolute same-origin URL, see
 * defaultWasmPaths) so nothing is fetched from a CDN.
 * Threads: navigator.hardwareConcurrency when the page is cross-origin isolated (COOP/COEP, needed for
 * SharedArrayBuffer), else 1. `env.wasm.proxy` stays false: we already are in a worker.
 * The env is read once, when the first session is created; later changes have no effect.
 */
import * as ort from 'onnxruntime-web';
import { InputError } from '../data/errors.ts';
import type { ModelCard } from './card.ts';
import type { Encoder } from './encoder.ts';
import { ORT_URL_PREFIX, ortRuntimeFiles } from './ort-files.ts';
import { checkModelHash, checkSessionAgainstCard, ortMessage, runBatch } from './session-check.ts';

export { ortRuntimeFiles };

export interface WebEncoderOptions {
  /** Where the runtime files are served (default '/ort/'); tests in Node pass a file path. */
  wasmPaths?: string;
  /** WASM threads (default: hardwareConcurrency when crossOriginIsolated, else 1). */
  numThreads?: number;
}

/** The parts of a WebGPU `GPUDevice` the encoder worker uses (no @webgpu/types dependency). */
export interface GpuDeviceLike {
  /** Resolves when the device is lost (driver reset, `destroy()`, …). */
  lost: Promise<{ reason?: string; message?: string }>;
  destroy(): void;
}

/** An encoder on onnxruntime-web; on WebGPU it carries the device its runs use. */
export interface WebEncoder extends Encoder {
  device?: GpuDeviceLike;
}

let configured = false;

/**
 * '/ort/' as an absolute URL on this origin. Absolute on purpose: Vite's dev server rewrites a
 * root-relative dynamic `import('/ort/….mjs')` inside onnxruntime-web to `…mjs?import` and then
 * refuses to serve a public file as a module (HTTP 500); a full URL is left alone (dev, preview, build).
 */
function defaultWasmPaths(): string {
  const href = (globalThis as { location?: { href?: string } }).location?.href;
  return href ? new URL(ORT_URL_PREFIX, href).href : ORT_URL_PREFIX;
}

function configure(opts: WebEncoderOptions): void {
  if (configured) return;
  configured = true;
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  const threads = g.crossOriginIsolated ? Math.max(1, g.navigator?.hardwareConcurrency ?? 1) : 1;
  ort.env.wasm.wasmPaths = opts.wasmPaths ?? defaultWasmPaths();
  ort.env.wasm.numThreads = opts.numThreads ?? threads;
  ort.env.wasm.simd = true;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
}

/**
 * Create a session for `model` (the bytes of card.file) on `backend`. Checks, before encoding: the
 * bytes' sha256 equals the card's (when Web Crypto is available), the model loads, and its input and
 * output agree with the card. Failures are InputErrors naming card.file. A WebGPU failure is not
 * retried on WASM here: the caller decides (encoder.backend says which one ran).
 */
export async function loadWebEncoder(
  card: ModelCard,
  model: Uint8Array,
  backend: 'webgpu' | 'wasm',
  opts: WebEncoderOptions = {},
): Promise<WebEncoder> {
  configure(opts);
  const file = card.file;
  if (model.length === 0) throw new InputError(file, 'the ONNX model file is empty');
  await checkModelHash(model, card, file);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(model, {
      executionProviders: [backend],
      graphOptimizationLevel: 'all',
    });
  } catch (e) {
    const message = ortMessage(e);
    if (/no available backend found/i.test(message)) {
      // The runtime itself did not start (missing /ort/ files, no WebGPU, …): not the model's fault.
      throw new Error(
        `onnxruntime-web could not start its ${backend} backend (runtime files from ${ort.env.wasm.wasmPaths as string}; ` +
          `see scripts/copy-ort.ts): ${message}`,
      );
    }
    throw new InputError(file, `could not be loaded on ${backend} (onnxruntime-web: ${message})`);
  }
  try {
    checkSessionAgainstCard(session, card, file);
  } catch (e) {
    await session.release();
    throw e;
  }
  // Once a WebGPU session exists, env.webgpu.device resolves to the device it runs on.
  const device = backend === 'webgpu' ? ((await ort.env.webgpu.device) as unknown as GpuDeviceLike) : undefined;
  return {
    card,
    backend,
    device,
    async run(input: Float32Array | BigInt64Array, count: number): Promise<Float32Array> {
      const { output, outputs } = await runBatch(
        session,
        card,
        file,
        input,
        count,
        webTensor,
        (m) => `inference failed on ${backend} (onnxruntime-web: ${m})`,
        (tensor) => tensor.dispose(),
      );
      // Copy out of ORT's buffer, then release every output tensor (GPU-side ones included).
      const data = (await output.getData()) as Float32Array;
      const copy = new Float32Array(data);
      for (const t of Object.values(outputs)) t.dispose();
      return copy;
    },
    async dispose(): Promise<void> {
      await session.release();
    },
  };
}

function webTensor(type: 'float32' | 'int64', input: Float32Array | BigInt64Array, dims: number[]): ort.Tensor {
  return type === 'int64' ? new ort.Tensor('int64', input as BigInt64Array, dims) : new ort.Tensor('float32', input as Float32Array, dims);
}
