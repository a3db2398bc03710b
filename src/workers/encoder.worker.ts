/// <reference lib="webworker" />
/**
 * Encoder worker: runs one ONNX encoder over the corpus images with onnxruntime-web.
 * WebGPU when an adapter exists (or when asked), WASM otherwise. One job at a time; `cancel()` stops it
 * between batches.
 */
import { probeWebGPU } from '../encoders/backend.ts';
import { encodeAll, encodeTexts, type EncodeOptions, type Encoder } from '../encoders/encoder.ts';
import { loadWebEncoder } from '../encoders/web-session.ts';
import type { ModelCard } from '../encoders/card.ts';
import type { Embeddings } from '../compute/types.ts';
import { InputError } from '../data/errors.ts';
import { expose, throttled, transfer } from './rpc.ts';

export type BackendChoice = 'auto' | 'webgpu' | 'wasm';

export interface EncodeJob {
  card: ModelCard;
  modelUrl: string;
  /** The model itself, for encoders the user imported (then `modelUrl` is only a label). */
  modelBytes?: Uint8Array;
  /** n × size × size × 3 RGB bytes (ideally backed by a SharedArrayBuffer, so nothing is copied). */
  images: Uint8Array;
  /** The texts a text encoder embeds (one per item; e.g. the titles). */
  texts?: string[];
  count: number;
  size: number;
  backend: BackendChoice;
}

export interface EncodeResult {
  embeddings: Embeddings;
  backend: 'webgpu' | 'wasm';
  seconds: number;
}

let controller: AbortController | null = null;
let queue: Promise<unknown> = Promise.resolve();

function serial<T>(fn: () => Promise<T>): Promise<T> {
  const next = queue.then(fn, fn);
  queue = next.catch(() => undefined);
  return next;
}
const sessions = new Map<string, Encoder>();

async function session(job: EncodeJob, backend: 'webgpu' | 'wasm'): Promise<Encoder> {
  const key = `${job.card.sha256}:${backend}`;
  const open = sessions.get(key);
  if (open) return open;
  let bytes = job.modelBytes;
  if (!bytes) {
    const response = await fetch(job.modelUrl);
    if (!response.ok) throw new InputError(job.card.file, `model file could not be loaded (HTTP ${response.status})`);
    bytes = new Uint8Array(await response.arrayBuffer());
  }
  const encoder = await loadWebEncoder(job.card, bytes, backend);
  // One inference at a time per session: a query may arrive while the corpus is encoding.
  const run = encoder.run.bind(encoder);
  encoder.run = (input, count) => serial(() => run(input, count));
  sessions.set(key, encoder);
  return encoder;
}

async function chooseBackend(choice: BackendChoice): Promise<'webgpu' | 'wasm'> {
  if (choice === 'wasm') return 'wasm';
  const hasGpu = await probeWebGPU();
  if (choice === 'webgpu' && !hasGpu) throw new Error('WebGPU was requested but no adapter is available');
  return hasGpu ? 'webgpu' : 'wasm';
}

function encodeJob(encoder: Encoder, job: EncodeJob, opts: EncodeOptions): Promise<Embeddings> {
  if (job.card.modality === 'text') {
    if (!job.texts) throw new InputError(job.card.file, 'is a text model but no texts were given');
    return encodeTexts(encoder, job.texts.slice(0, job.count), opts);
  }
  return encodeAll(encoder, job.images, job.count, job.size, opts);
}

const api = {
  async encode(job: EncodeJob, onProgress: (done: number, total: number) => void): Promise<EncodeResult> {
    controller?.abort();
    controller = new AbortController();
    const backend = await chooseBackend(job.backend);
    const encoder = await session(job, backend);
    const start = performance.now();
    const embeddings = await encodeJob(encoder, job, {
      batchSize: backend === 'webgpu' ? 16 : 64,
      onProgress: throttled(onProgress),
      signal: controller.signal,
    });
    const seconds = (performance.now() - start) / 1000;
    return transfer({ embeddings, backend, seconds }, [embeddings.data.buffer]);
  },

  /** Embeds a few query images (e.g. dropped files) without touching a running corpus job. */
  async embedQuery(job: EncodeJob): Promise<EncodeResult> {
    const backend = await chooseBackend(job.backend);
    const encoder = await session(job, backend);
    const start = performance.now();
    const embeddings = await encodeJob(encoder, job, { batchSize: 16 });
    return transfer({ embeddings, backend, seconds: (performance.now() - start) / 1000 }, [embeddings.data.buffer]);
  },

  cancel(): void {
    controller?.abort();
  },
};

export type EncoderApi = typeof api;
expose(api);
