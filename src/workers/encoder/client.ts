/**
 * The encoder workers, seen from the page, each behind a WorkerHost.
 *
 * Lanes: on WASM a model's corpus is split into contiguous parts, one per worker, each worker running
 * onnxruntime-web on one thread (`lanes` workers × `threads` threads = the cores). Measured on 2 cores
 * (docs/BENCHMARKS.md): two single-threaded sessions encode ~1.7× as many items/s as one session on
 * two threads, and they degrade in proportion when other workers share the cores, where ORT's own
 * thread pool stalls at every operator's barrier (0.3× with two busy workers beside it). WebGPU jobs,
 * queries and small jobs run whole on the first lane, which also decides the backend for `auto`.
 *
 * A worker that dies is replaced and
 * every job it was running re-run once on a fresh one (the model's encode starts over: progress
 * resets), unless the job was cancelled meanwhile; a second crash rejects with "encoder worker crashed
 * twice while …". A WebGPU run that fails (`gpu-lost`: the device was lost) re-runs the job on WASM in
 * a fresh worker, and every later job runs on WASM; the result carries a notice saying so.
 */
import { fetchModelBytes } from '../../encoders/model-bytes.ts';
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
  /** Injected faults (resilience tests), on the first lane: see HostOptions.faults; jobs are named "encoding <model>". */
  faults?: HostOptions['faults'];
  /** Encoder workers a WASM encode is split over (default: the cores, at most 4; 1 where unknown). */
  lanes?: number;
  /** WebGPU batches after which the device is destroyed, for the next encode jobs (resilience tests). */
  loseDeviceAfter?: () => number | null;
}

/** A part is at least this many items: below it, the job runs whole on the first lane. */
const MIN_PART = 256;

type Api = Parameters<Parameters<WorkerHost<EncoderApi>['call']>[1]>[0];

export class EncoderClient {
  private readonly hosts: WorkerHost<EncoderApi>[];
  /** onnxruntime-web threads per worker. */
  private readonly threads: number;
  private cancels = 0;
  /** Why WebGPU was given up (null while it works): later jobs then run on WASM. */
  private gpuLost: string | null = null;

  constructor(
    spawn: WorkerFactory = defaultFactory,
    private readonly opts: EncoderClientOptions = {},
  ) {
    const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
    const lanes = Math.max(1, Math.floor(opts.lanes ?? Math.min(cores, 4)));
    this.threads = Math.max(1, Math.floor(cores / lanes));
    this.hosts = Array.from(
      { length: lanes },
      (_, i) => new WorkerHost<EncoderApi>({ name: 'encoder', spawn, faults: i === 0 ? opts.faults : undefined }),
    );
  }

  /** Worker crashes (and hangs) seen so far. */
  get crashes(): number {
    return this.hosts.reduce((sum, h) => sum + h.faults, 0);
  }

  /** Runs `fn` on a lane's worker; a crash re-runs it once on a fresh worker (unless it was cancelled meanwhile). */
  private async call(what: string, fn: (api: Api, alive: () => void) => Promise<EncodeResult>, lane = 0) {
    const cancels = this.cancels;
    let retried = false;
    try {
      const result = await this.hosts[lane].call(what, fn, {
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

  /** Encodes one model over the corpus (see EncoderApi.encode), split over the lanes on WASM. */
  encode(job: EncodeJob, onProgress: (done: number, total: number) => void): Promise<EncodeResult> {
    return this.gpuFallback({ ...job, threads: this.threads }, async (j) => {
      const parts = Math.min(this.hosts.length, Math.floor(j.count / MIN_PART));
      if (parts < 2 || j.backend === 'webgpu') return this.encodeOn(0, j, onProgress);
      const decision = j.backend === 'wasm' ? null : await this.decide(j);
      if (decision && decision.backend !== 'wasm') return this.encodeOn(0, j, onProgress);
      // One download for every lane (see fetchModelBytes).
      const modelBytes = j.modelBytes ?? (await fetchModelBytes(j.card.file, j.modelUrl));
      return this.encodeSplit({ ...j, modelBytes, backend: 'wasm' }, parts, decision?.reason, onProgress);
    });
  }

  private async decide(job: EncodeJob) {
    const cancels = this.cancels;
    return this.hosts[0].call(`choosing a backend for ${job.card.name}`, (api) => api.decide(job), {
      retryIf: () => cancels === this.cancels,
    });
  }

  /** One encode job on one lane (items job.start … job.start + job.count − 1). */
  private encodeOn(lane: number, job: EncodeJob, onProgress: (done: number, total: number) => void): Promise<EncodeResult> {
    const part = lane === 0 ? '' : ` (part ${lane + 1})`;
    return this.call(
      `encoding ${job.card.name}${part}`,
      (api, alive) => {
        const loseDeviceAfter = job.backend !== 'wasm' ? (this.opts.loseDeviceAfter?.() ?? null) : null;
        return api.encode(
          loseDeviceAfter === null ? job : { ...job, loseDeviceAfter },
          callback((done: number, total: number) => {
            alive();
            onProgress(done, total);
          }),
        );
      },
      lane,
    );
  }

  /**
   * The corpus in `parts` contiguous ranges, one per lane, all at once; the embeddings are joined in
   * item order. A part that fails stops the others (between batches) and rejects the whole encode.
   */
  private async encodeSplit(
    job: EncodeJob,
    parts: number,
    reason: string | undefined,
    onProgress: (done: number, total: number) => void,
  ): Promise<EncodeResult> {
    const done = new Array<number>(parts).fill(0);
    const bounds = Array.from({ length: parts + 1 }, (_, i) => Math.round((i * job.count) / parts));
    const runs = done.map((_, lane) =>
      this.encodeOn(lane, { ...job, start: (job.start ?? 0) + bounds[lane], count: bounds[lane + 1] - bounds[lane] }, (d) => {
        done[lane] = d;
        onProgress(
          done.reduce((a, b) => a + b, 0),
          job.count,
        );
      }),
    );
    let results: EncodeResult[];
    try {
      results = await Promise.all(runs);
    } catch (e) {
      await this.stopRunning();
      await Promise.allSettled(runs);
      throw e;
    }
    const dim = results[0].embeddings.dim;
    const data = new Float32Array(job.count * dim);
    results.forEach((r, lane) => data.set(r.embeddings.data, bounds[lane] * dim));
    const notices = [...new Set(results.map((r) => r.notice).filter((n): n is string => !!n))];
    return {
      embeddings: { n: job.count, dim, data },
      backend: 'wasm',
      backendReason: `${reason ?? results[0].backendReason}; ${parts} workers × ${this.threads} thread${this.threads > 1 ? 's' : ''}`,
      // The parts run side by side: the slowest part's encode time (model loading excluded, as on one lane).
      seconds: Math.max(...results.map((r) => r.seconds)),
      notice: notices.length ? notices.join('; ') : undefined,
    };
  }

  /** Embeds a few query items (see EncoderApi.embedQuery), on the first lane. */
  embedQuery(job: EncodeJob): Promise<EncodeResult> {
    return this.gpuFallback({ ...job, threads: this.threads }, (j) =>
      this.call(`embedding a query with ${j.card.name}`, (api) => api.embedQuery(j)),
    );
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
    await this.stopRunning();
  }

  /** Asks every busy worker to stop its encode between batches. */
  private async stopRunning(): Promise<void> {
    const busy = this.hosts.filter((h) => h.busy > 0);
    await Promise.all(busy.map((h) => h.call('cancelling', (api) => api.cancel(), { retries: 0 }).catch(() => undefined)));
  }

  terminate(): void {
    for (const h of this.hosts) h.terminate();
  }
}
