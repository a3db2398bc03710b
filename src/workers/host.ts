/**
 * The one way the page owns a Web Worker. A `WorkerHost` spawns its worker lazily (so a host that was
 * terminated, e.g. by React's StrictMode unmount/remount, simply starts a fresh one on the next call),
 * watches it, and turns every way a call can end into a typed `WorkerError`:
 *
 * - `crashed`: the worker fired `error` (an uncaught exception, a module that failed to load);
 * - `hung`: no answer and no sign of life (`alive()`, e.g. a progress message) for `idleTimeoutMs`;
 * - `cancelled`: `restart()`/`terminate()` was called while it ran (cancel = kill + respawn);
 * - `gpu-lost`, `input`, `failed`: the worker's own error, classified by its `name` (never by text).
 *
 * Crashes and hangs kill the worker; the call is re-run on a fresh one up to `retries` times (jobs
 * are pure functions of their inputs), then rejects naming the worker and what it was doing.
 */
import { connect, type Remote } from './rpc.ts';

export type WorkerErrorCode = 'crashed' | 'hung' | 'cancelled' | 'gpu-lost' | 'input' | 'failed';

export class WorkerError extends Error {
  constructor(
    readonly code: WorkerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerError';
  }
}

/** A call stopped because its worker was restarted or terminated (new settings, cancel, unmount). */
export class CancelledError extends WorkerError {
  constructor() {
    super('cancelled', 'cancelled');
    this.name = 'CancelledError';
  }
}

/** Error names a worker throws on purpose (kept by comlink across the boundary). */
export const ERROR_NAMES = { cancelled: 'CancelledError', gpuLost: 'GpuLostError', input: 'InputError' } as const;

/** A worker-side error whose `name` the host maps to a code. */
export function namedError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

/** The code of any error a host call rejected with. */
export function errorCode(e: unknown): WorkerErrorCode {
  if (e instanceof WorkerError) return e.code;
  const name = (e as Error | undefined)?.name;
  if (name === ERROR_NAMES.cancelled || name === 'AbortError') return 'cancelled';
  if (name === ERROR_NAMES.gpuLost) return 'gpu-lost';
  if (name === ERROR_NAMES.input) return 'input';
  return 'failed';
}

export function isCancelled(e: unknown): boolean {
  return errorCode(e) === 'cancelled';
}

export interface HostOptions {
  /** Names the worker in messages ("compute worker crashed …"). */
  name: string;
  spawn: () => Worker;
  /** Re-runs after a crash or hang (default 1). */
  retries?: number;
  /** A call silent this long is hung (default: never). Progress callbacks should call `alive()`. */
  idleTimeoutMs?: number;
  /** Called on every crash or hang, before any retry (e.g. a console warning). */
  onFault?: (code: 'crashed' | 'hung', detail: string) => void;
}

interface Running {
  reject: (e: WorkerError) => void;
  touch: () => void;
}

export class WorkerHost<Api> {
  private worker: Worker | null = null;
  private api: Remote<Api> | null = null;
  private readonly running = new Set<Running>();
  /** Crashes and hangs seen so far. */
  faults = 0;

  constructor(private readonly opts: HostOptions) {}

  /** Calls in flight. */
  get busy(): number {
    return this.running.size;
  }

  /**
   * Runs `job` on the worker. `alive()` (pass it to progress callbacks) resets the hang watchdog.
   * A crash or hang re-runs the job on a fresh worker, `retries` times at most.
   */
  async call<T>(what: string, job: (api: Remote<Api>, alive: () => void) => Promise<T>, retries = this.opts.retries ?? 1): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(job);
      } catch (e) {
        const code = errorCode(e);
        if ((code !== 'crashed' && code !== 'hung') || attempt >= retries) throw this.describe(e, what, attempt);
      }
    }
  }

  /** Kills the worker: every running call rejects with CancelledError; the next call spawns a fresh one. */
  restart(): void {
    this.kill(() => new CancelledError());
  }

  terminate(): void {
    this.restart();
  }

  private describe(e: unknown, what: string, attempt: number): Error {
    if (!(e instanceof WorkerError) || e instanceof CancelledError) {
      if (e instanceof Error && !(e instanceof WorkerError)) return Object.assign(e, { code: errorCode(e) });
      return e as Error;
    }
    const times = attempt > 0 ? ` ${attempt + 1} times` : '';
    return new WorkerError(e.code, `${this.opts.name} worker ${e.code}${times} while ${what} (${e.message})`);
  }

  private connect(): Remote<Api> {
    if (this.api) return this.api;
    const worker = this.opts.spawn();
    worker.addEventListener('error', (ev: Event) => {
      ev.preventDefault?.();
      const e = ev as ErrorEvent;
      if (worker === this.worker) this.fault('crashed', e.message || e.error?.message || 'it failed to start or threw an uncaught error');
    });
    this.worker = worker;
    this.api = connect<Api>(worker);
    return this.api;
  }

  private fault(code: 'crashed' | 'hung', detail: string): void {
    this.faults++;
    this.opts.onFault?.(code, detail);
    this.kill(() => new WorkerError(code, detail));
  }

  private kill(reason: () => WorkerError): void {
    this.worker?.terminate();
    this.worker = null;
    this.api = null;
    const running = [...this.running];
    this.running.clear();
    for (const r of running) r.reject(reason());
  }

  private once<T>(job: (api: Remote<Api>, alive: () => void) => Promise<T>): Promise<T> {
    const api = this.connect();
    const limit = this.opts.idleTimeoutMs ?? 0;
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const entry: Running = {
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
        touch: () => {
          if (!limit) return;
          clearTimeout(timer);
          timer = setTimeout(() => this.fault('hung', `no answer for ${Math.round(limit / 1000)} s`), limit);
        },
      };
      this.running.add(entry);
      entry.touch();
      job(api, entry.touch)
        .then(resolve, reject)
        .finally(() => {
          clearTimeout(timer);
          this.running.delete(entry);
        });
    });
  }
}
