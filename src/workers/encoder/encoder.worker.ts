/// <reference lib="webworker" />
/**
 * Encoder worker: runs one ONNX encoder over the corpus images with onnxruntime-web, on the backend
 * `pickBackend` chooses (src/encoders/backend.ts). One job at a time; `cancel()` stops it between
 * batches (the job rejects with a CancelledError). A WebGPU run that fails (e.g. the device is lost)
 * rejects with a GpuLostError; the EncoderClient re-runs the job on WASM in a fresh worker.
 */
import { describeAdapter, pickBackend, type Backend, type BackendChoice, type BackendDecision } from '../../encoders/backend.ts';
import { encodeAll, encodeTexts, type EncodeOptions, type Encoder } from '../../encoders/encoder.ts';
import { loadWebEncoder, type WebEncoder } from '../../encoders/web-session.ts';
import { fetchModelBytes } from '../../encoders/model-bytes.ts';
import type { ModelCard } from '../../encoders/card.ts';
import type { Embeddings } from '../../compute/types.ts';
import { InputError } from '../../data/errors.ts';
import { expose, throttled, transfer } from '../rpc.ts';
import { ERROR_NAMES, namedError } from '../host.ts';

export type { BackendChoice };

export interface EncodeJob {
  card: ModelCard;
  modelUrl: string;
  /** The model itself, for encoders the user imported (then `modelUrl` is only a label). */
  modelBytes?: Uint8Array;
  /** n × size × size × 3 RGB bytes (ideally backed by a SharedArrayBuffer, so nothing is copied). */
  images: Uint8Array;
  /** The texts a text encoder embeds (one per item; e.g. the titles). */
  texts?: string[];
  /** Items `start … start + count − 1` are encoded (default start 0): the client splits a corpus over its workers. */
  start?: number;
  count: number;
  size: number;
  backend: BackendChoice;
  /** onnxruntime-web WASM threads in this worker (read once, at its first session; default: every core). */
  threads?: number;
  /** Resilience tests: the WebGPU device is destroyed after this many batches of this job. */
  loseDeviceAfter?: number;
}

export interface EncodeResult {
  embeddings: Embeddings;
  backend: Backend;
  /** Why that backend (the encoder panel shows it). */
  backendReason: string;
  seconds: number;
  /** Something the analyst should know about the run, e.g. "WebGPU device lost; finished on WASM". */
  notice?: string;
}

let controller: AbortController | null = null;
let queue: Promise<unknown> = Promise.resolve();

function serial<T>(fn: () => Promise<T>): Promise<T> {
  const next = queue.then(fn, fn);
  queue = next.catch(() => undefined);
  return next;
}

/** An encoder as jobs use it. */
interface WorkerEncoder extends Encoder {
  backend: 'webgpu' | 'wasm';
}

/** Sessions as jobs use them (runs serialised), by model hash and backend. */
const sessions = new Map<string, Promise<WorkerEncoder>>();
/** Plain onnxruntime-web sessions under them. */
const raw = new Map<string, Promise<WebEncoder>>();
/** Set once the WebGPU device is lost: every later job runs on WASM. */
let gpuLost: string | null = null;

/** WebGPU batches still to run before the device is destroyed (a job's `loseDeviceAfter`); null = never. */
let loseDeviceAfterBatches: number | null = null;

function modelBytes(job: EncodeJob): Promise<Uint8Array> {
  return job.modelBytes ? Promise.resolve(job.modelBytes) : fetchModelBytes(job.card.file, job.modelUrl);
}

function rawSession(job: EncodeJob, backend: 'webgpu' | 'wasm'): Promise<WebEncoder> {
  const key = `${job.card.sha256}:${backend}`;
  let open = raw.get(key);
  if (!open) {
    open = modelBytes(job).then((bytes) => loadWebEncoder(job.card, bytes, backend, { numThreads: job.threads }));
    open.catch(() => raw.delete(key));
    raw.set(key, open);
  }
  return open;
}

function session(job: EncodeJob, backend: 'webgpu' | 'wasm'): Promise<WorkerEncoder> {
  const key = `${job.card.sha256}:${backend}`;
  let open = sessions.get(key);
  if (!open) {
    open = rawSession(job, backend).then((enc) => {
      const encoder: WorkerEncoder =
        backend === 'webgpu' ? withWasmFallback(enc) : { card: enc.card, backend: 'wasm', run: enc.run, dispose: enc.dispose };
      // One inference at a time per worker: a query may arrive while the corpus is encoding.
      const run = encoder.run.bind(encoder);
      encoder.run = (input, count) => serial(() => run(input, count));
      return encoder;
    });
    open.catch(() => sessions.delete(key));
    sessions.set(key, open);
  }
  return open;
}

/**
 * A WebGPU encoder whose runs fail fast when the device is lost (a lost device can leave a run
 * pending forever): the error is a GpuLostError, and the EncoderClient then re-runs the job on WASM in
 * a fresh worker (this one's onnxruntime may still be inside the lost run).
 */
function withWasmFallback(gpu: WebEncoder): WorkerEncoder {
  const device = gpu.device;
  const lost = device?.lost.then((info) => {
    gpuLost = info.message || info.reason || 'no reason given';
    return gpuLost;
  });
  const gone = lost?.then((why) => Promise.reject(new Error(`WebGPU device lost (${why})`)));
  gone?.catch(() => undefined);
  return {
    card: gpu.card,
    backend: 'webgpu',
    async run(input, count) {
      if (loseDeviceAfterBatches !== null && loseDeviceAfterBatches-- <= 0) {
        loseDeviceAfterBatches = null;
        device?.destroy();
      }
      try {
        return await (gone ? Promise.race([gpu.run(input, count), gone]) : gpu.run(input, count));
      } catch (e) {
        const what = gpuLost ? `device lost (${gpuLost})` : `run failed (${(e as Error).message})`;
        throw namedError(ERROR_NAMES.gpuLost, `${gpu.card.file}: WebGPU lost: ${what}`);
      }
    },
    dispose: () => gpu.dispose(),
  };
}

/** Decisions of 'auto' by model: calibrated once per model and worker. */
const decisions = new Map<string, Promise<BackendDecision>>();
const CALIBRATION_ITEMS = 16;

/** Items/s of one warmed-up batch on each backend (a real GPU's first batch compiles its shaders). */
async function calibrate(job: EncodeJob): Promise<{ webgpu: number; wasm: number }> {
  const count = Math.min(CALIBRATION_ITEMS, job.count);
  const sample = { ...job, count };
  const speed = async (backend: Backend) => {
    const encoder = await session(job, backend);
    await encodeJob(encoder, { ...sample, count: Math.min(2, count) }, { batchSize: count });
    const t = performance.now();
    await encodeJob(encoder, sample, { batchSize: count });
    return count / Math.max((performance.now() - t) / 1000, 1e-6);
  };
  try {
    return { webgpu: await speed('webgpu'), wasm: await speed('wasm') };
  } catch {
    return { webgpu: 0, wasm: 1 }; // WebGPU failed on this model: WASM
  }
}

async function chooseBackend(job: EncodeJob): Promise<BackendDecision> {
  if (gpuLost && job.backend !== 'wasm') return { backend: 'wasm', reason: `WebGPU device lost earlier (${gpuLost})` };
  const key = `${job.card.sha256}:${job.backend}`;
  let d = decisions.get(key);
  if (!d) {
    d = describeAdapter().then((adapter) => pickBackend(job.backend, adapter, () => calibrate(job)));
    d.catch(() => decisions.delete(key));
    decisions.set(key, d);
  }
  return d;
}

/** Encodes the job's items `start … start + count − 1`. */
function encodeJob(encoder: Encoder, job: EncodeJob, opts: EncodeOptions): Promise<Embeddings> {
  const start = job.start ?? 0;
  if (job.card.modality === 'text') {
    if (!job.texts) throw new InputError(job.card.file, 'is a text model but no texts were given');
    return encodeTexts(encoder, job.texts.slice(start, start + job.count), opts);
  }
  const bytes = job.size * job.size * 3;
  return encodeAll(encoder, job.images.subarray(start * bytes, (start + job.count) * bytes), job.count, job.size, opts);
}

const api = {
  /** The backend `auto` (or the analyst's choice) comes to for this model, and why (calibrated once per model). */
  decide(job: EncodeJob): Promise<BackendDecision> {
    return chooseBackend(job);
  },

  async encode(job: EncodeJob, onProgress: (done: number, total: number) => void): Promise<EncodeResult> {
    controller?.abort();
    controller = new AbortController();
    loseDeviceAfterBatches = job.loseDeviceAfter ?? null;
    const { backend, reason } = await chooseBackend(job);
    const encoder = await session(job, backend);
    const start = performance.now();
    const signal = controller.signal;
    const embeddings = await encodeJob(encoder, job, {
      batchSize: backend === 'webgpu' ? 16 : 64,
      onProgress: throttled(onProgress),
      signal,
    }).catch((e: unknown) => {
      throw signal.aborted ? namedError(ERROR_NAMES.cancelled, `encoding ${job.card.name} was cancelled`) : e;
    });
    const seconds = (performance.now() - start) / 1000;
    const result: EncodeResult = { embeddings, backend: encoder.backend, backendReason: reason, seconds };
    return transfer(result, [embeddings.data.buffer]);
  },

  /** Embeds a few query images (e.g. dropped files) without touching a running corpus job. */
  async embedQuery(job: EncodeJob): Promise<EncodeResult> {
    const { backend, reason } = await chooseBackend(job);
    const encoder = await session(job, backend);
    const start = performance.now();
    const embeddings = await encodeJob(encoder, job, { batchSize: 16 });
    const result: EncodeResult = {
      embeddings,
      backend: encoder.backend,
      backendReason: reason,
      seconds: (performance.now() - start) / 1000,
    };
    return transfer(result, [embeddings.data.buffer]);
  },

  cancel(): void {
    controller?.abort();
  },
};

export type EncoderApi = typeof api;
expose(api);
