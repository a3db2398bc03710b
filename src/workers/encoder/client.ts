/**
 * The encoder worker, seen from the page, behind a WorkerHost. A worker that dies is replaced and
 * every job it was running re-run once on a fresh one (the model's encode starts over: progress
 * resets), unless the job was cancelled meanwhile; a second crash rejects with "encoder worker crashed
 * twice while …". A WebGPU run that fails (`gpu-lost`: the device was lost) re-runs the job on WASM in
 * a fresh worker, and every later job runs on WASM; the result carries a notice saying so.
 */
import { callback } from '../rpc.ts';
import { errorCode, WorkerHost, type HostOptions } from '../host.ts';
import type { EncodeJob, EncodeResult, EncoderApi } from './encoder.worker.ts';

export type WorkerFactory = () => Worker;

const defaultFactory: WorkerFactory = () =>
  new Worker(new URL('./encoder.worker.ts', import.meta.url), { type: 'module', name: 'encoder' });

/** What a restarted job tells the analyst (the encoder panel shows it). */
export const RESTART_NOTICE = 'the encoder worker crashed; re-ran on a fresh one';
export const GPU_LOST_NOTICE = 'WebGPU device lost; finished on WASM';
export const GPU_FAILED_NOTICE = 'WebGPU failed; finished on WASM';
export const GPU_LOST_EARLIER_NOTICE = 'WebGPU device lost earlier; ran on WASM';

const withNotice = (r: EncodeResult, notice: string): EncodeResult => ({ ...r, notice: r.notice ? `${notice}; ${r.notice}` : notice });

export interface EncoderClientOptions {
  /** Injected faults (resilience tests): see HostOptions.faults; jobs are named "encoding <model>". */
  faults?: HostOptions['faults'];
  /** WebGPU batches after which the device is destroyed, for the next encode jobs (resilience tests). */
  loseDeviceAfter?: () => number | null;
}

export class EncoderClient {
  private readonly host: WorkerHost<EncoderApi>;
  private cancels = 0;
  /** Why WebGPU was given up (null while it works): later jobs then run on WASM. */
  private gpuLost: string | null = null;

  constructor(
    spawn: WorkerFactory = defaultFactory,
    private readonly opts: EncoderClientOptions = {},
  ) {
    this.host = new WorkerHost<EncoderApi>({ name: 'encoder', spawn, faults: opts.faults });
  }

  /** Worker crashes (and hangs) seen so far. */
  get crashes(): number {
    return this.host.faults;
  }

  /** Runs `fn` on the worker; a crash re-runs it once on a fresh worker (unless it was cancelled meanwhile). */
  private async call(
    what: string,
    fn: (api: Parameters<Parameters<WorkerHost<EncoderApi>['call']>[1]>[0], alive: () => void) => Promise<EncodeResult>,
  ) {
    const cancels = this.cancels;
    let retried = false;
    try {
      const result = await this.host.call(what, fn, {
        retryIf: () => cancels === this.cancels,
        onRetry: () => (retried = true),
      });
      return retried ? withNotice(result, RESTART_NOTICE) : result;
    } catch (e) {
      const code = errorCode(e);
      if ((code === 'crashed' || code === 'hung') && cancels !== this.cancels) {
        throw new Error(`${what} was aborted (the worker ${code} after a cancel)`);
      }
      throw e;
    }
  }

  /** Encodes one model over the corpus (see EncoderApi.encode). */
  encode(job: EncodeJob, onProgress: (done: number, total: number) => void): Promise<EncodeResult> {
    return this.gpuFallback(job, (j) =>
      this.call(`encoding ${j.card.name}`, (api, alive) => {
        const loseDeviceAfter = j.backend !== 'wasm' ? (this.opts.loseDeviceAfter?.() ?? null) : null;
        return api.encode(
          loseDeviceAfter === null ? j : { ...j, loseDeviceAfter },
          callback((done: number, total: number) => {
            alive();
            onProgress(done, total);
          }),
        );
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
      if (errorCode(e) !== 'gpu-lost' || job.backend === 'wasm') throw e;
      const message = (e as Error).message;
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
    if (this.host.busy > 0) await this.host.call('cancelling', (api) => api.cancel(), { retries: 0 }).catch(() => undefined);
  }

  terminate(): void {
    this.host.terminate();
  }
}
