/**
 * Owns the encoder worker for a session. A worker that dies (an uncaught error or a failed module
 * load fires `error` on the Worker) is dropped; a fresh one starts on the next call, and every job
 * the dead one was running is re-run once on it (the model's encode starts over: progress resets).
 * A second crash rejects with "encoder worker crashed twice while …". Same calls as the worker's API.
 * A WebGPU run that fails (the device was lost) re-runs the job on WASM in a fresh worker, and every
 * later job runs on WASM; the result carries a notice saying so.
 */
import { connect, type Remote } from '../workers/rpc.ts';
import type { EncodeJob, EncodeResult, EncoderApi } from '../workers/encoder.worker.ts';
import { isGpuLoss } from '../workers/gpu-loss.ts';

export type WorkerFactory = () => Worker;

const defaultFactory: WorkerFactory = () =>
  new Worker(new URL('../workers/encoder.worker.ts', import.meta.url), { type: 'module', name: 'encoder' });

class WorkerCrash extends Error {
  constructor(readonly detail: string) {
    super(`encoder worker crashed (${detail})`);
    this.name = 'WorkerCrash';
  }
}

/** What a restarted job tells the analyst (the encoder panel shows it). */
export const RESTART_NOTICE = 'the encoder worker crashed; re-ran on a fresh one';
export const GPU_LOST_NOTICE = 'WebGPU device lost; finished on WASM';
export const GPU_FAILED_NOTICE = 'WebGPU failed; finished on WASM';
export const GPU_LOST_EARLIER_NOTICE = 'WebGPU device lost earlier; ran on WASM';

const withNotice = (r: EncodeResult, notice: string): EncodeResult => ({ ...r, notice: r.notice ? `${notice}; ${r.notice}` : notice });

/**
 * Test hooks (Playwright, via `page.addInitScript`): `globalThis.__recallLensTest.crashEncoder = N`
 * makes the next N encode jobs each kill their worker after `crashEncoderAfter` batches (default 2);
 * `loseDevice = N` destroys the WebGPU device after `loseDeviceAfter` batches (default 1) of the next
 * N encode jobs.
 */
interface TestHooks {
  crashEncoder?: number;
  crashEncoderAfter?: number;
  loseDevice?: number;
  loseDeviceAfter?: number;
}

function testHooks(): TestHooks | undefined {
  return (globalThis as { __recallLensTest?: TestHooks }).__recallLensTest;
}

export class EncoderClient {
  private worker: Worker | null = null;
  private api: Remote<EncoderApi> | null = null;
  private readonly running = new Set<(e: Error) => void>();
  private cancels = 0;
  /** Why WebGPU was given up (null while it works): later jobs then run on WASM. */
  private gpuLost: string | null = null;
  /** Worker crashes seen so far. */
  crashes = 0;

  constructor(private readonly factory: WorkerFactory = defaultFactory) {}

  private connect(): Remote<EncoderApi> {
    if (this.api) return this.api;
    const worker = this.factory();
    worker.addEventListener('error', (ev: Event) => {
      ev.preventDefault?.();
      const e = ev as ErrorEvent;
      this.crashed(worker, e.message || e.error?.message || 'the worker failed to start or threw an uncaught error');
    });
    this.worker = worker;
    this.api = connect<EncoderApi>(worker);
    return this.api;
  }

  private crashed(worker: Worker, detail: string): void {
    if (worker !== this.worker) return;
    this.crashes++;
    worker.terminate();
    this.worker = null;
    this.api = null;
    const running = [...this.running];
    this.running.clear();
    for (const reject of running) reject(new WorkerCrash(detail));
  }

  /** Runs `fn` on the worker; a crash re-runs it once on a fresh worker (unless it was cancelled meanwhile). */
  private async call(what: string, fn: (api: Remote<EncoderApi>) => Promise<EncodeResult>): Promise<EncodeResult> {
    for (let attempt = 1; ; attempt++) {
      const cancels = this.cancels;
      try {
        const result = await this.once(fn);
        if (attempt > 1) result.notice = result.notice ? `${result.notice}; ${RESTART_NOTICE}` : RESTART_NOTICE;
        return result;
      } catch (e) {
        if (!(e instanceof WorkerCrash)) throw e;
        if (cancels !== this.cancels) throw new Error(`${what} was aborted (the worker crashed after a cancel)`);
        if (attempt >= 2) throw new Error(`encoder worker crashed twice while ${what} (${e.detail})`);
        console.warn(`recall-lens: encoder worker crashed while ${what} (${e.detail}); re-running on a fresh worker`);
      }
    }
  }

  private once<T>(fn: (api: Remote<EncoderApi>) => Promise<T>): Promise<T> {
    const api = this.connect();
    return new Promise<T>((resolve, reject) => {
      this.running.add(reject);
      fn(api)
        .then(resolve, reject)
        .finally(() => this.running.delete(reject));
    });
  }

  /** Encodes one model over the corpus (see EncoderApi.encode). */
  encode(job: EncodeJob, onProgress: (done: number, total: number) => void): Promise<EncodeResult> {
    return this.gpuFallback(job, (j) =>
      this.call(`encoding ${j.card.name}`, (api) => {
        const hooks = testHooks();
        if (hooks?.crashEncoder && hooks.crashEncoder > 0) {
          hooks.crashEncoder--;
          void api.crashForTest(hooks.crashEncoderAfter ?? 2);
        }
        if (j.backend !== 'wasm' && hooks?.loseDevice && hooks.loseDevice > 0) {
          hooks.loseDevice--;
          void api.loseDeviceForTest(hooks.loseDeviceAfter ?? 1);
        }
        return api.encode(j, onProgress);
      }),
    );
  }

  /** Embeds a few query items (see EncoderApi.embedQuery). */
  embedQuery(job: EncodeJob): Promise<EncodeResult> {
    return this.gpuFallback(job, (j) => this.call(`embedding a query with ${j.card.name}`, (api) => api.embedQuery(j)));
  }

  /** Runs a job; if WebGPU fails under it, restarts the worker and re-runs it on WASM (and every later job). */
  private async gpuFallback(job: EncodeJob, run: (job: EncodeJob) => Promise<EncodeResult>): Promise<EncodeResult> {
    if (this.gpuLost !== null && job.backend !== 'wasm') return withNotice(await run({ ...job, backend: 'wasm' }), GPU_LOST_EARLIER_NOTICE);
    try {
      return await run(job);
    } catch (e) {
      const message = (e as Error)?.message;
      if (!isGpuLoss(message) || job.backend === 'wasm') throw e;
      this.gpuLost = message;
      console.warn(`recall-lens: ${message}; re-running on WASM in a fresh encoder worker`);
      this.terminate(); // its onnxruntime may still be inside the lost run
      const notice = /device lost/.test(message) ? GPU_LOST_NOTICE : GPU_FAILED_NOTICE;
      return withNotice(await run({ ...job, backend: 'wasm' }), notice);
    }
  }

  /** Stops the running encode between batches. */
  async cancel(): Promise<void> {
    this.cancels++;
    await this.api?.cancel();
  }

  /** Test hook: the worker dies after `batches` more inference batches (the job then re-runs). */
  async crashForTest(batches = 1): Promise<void> {
    await this.connect().crashForTest(batches);
  }

  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    this.api = null;
    this.running.clear();
  }
}
