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
  /**
   * Injected faults (resilience tests; see src/debug.ts): for a call about to start, the number of
   * progress reports (`alive()`) after which its worker is killed as if it crashed (0: right after
   * the job is sent), or null for none.
   */
  faults?: (what: string) => number | null;
  /** What the warning says happens next (default "re-running on a fresh worker"). */
  retryWords?: string;
}

interface Running {
  reject: (e: WorkerError) => void;
}

type Job<Api, T> = (api: Remote<Api>, alive: () => void) => Promise<T>;

export interface CallOptions {
  /** Re-runs after a crash or hang (default: the host's `retries`). */
  retries?: number;
  /** Checked before a re-run: false rejects with the fault instead (e.g. the job was cancelled meanwhile). */
  retryIf?: () => boolean;
  /** Told before each re-run. */
  onRetry?: () => void;
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
   * A crash or hang re-runs the job on a fresh worker, `retries` times at most. `what` (a string, or a
   * function read when needed) names the job in warnings and errors.
   */
  async call<T>(what: string | (() => string), job: Job<Api, T>, opts: CallOptions = {}): Promise<T> {
    const label = () => (typeof what === 'string' ? what : what());
    const retries = opts.retries ?? this.opts.retries ?? 1;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(job, label);
      } catch (e) {
        const code = errorCode(e);
        const again = (code === 'crashed' || code === 'hung') && attempt < retries && (opts.retryIf?.() ?? true);
        if (!again) throw this.describe(e, label(), attempt);
        opts.onRetry?.();
        const next = this.opts.retryWords ?? 're-running on a fresh worker';
        console.warn(`recall-lens: ${this.opts.name} worker ${code} while ${label()} (${(e as Error).message}); ${next}`);
      }
    }
  }

  /** Starts the worker now (otherwise it starts with the first call). */
  start(): void {
    this.connect();
  }

  /** Kills the worker: every running call rejects with CancelledError; the next call spawns a fresh one. */
  restart(): void {
    this.kill(() => new CancelledError());
  }

  terminate(): void {
    this.restart();
  }

  private describe(e: unknown, what: string, attempt: number): Error {
    if (!(e instanceof WorkerError)) return e instanceof Error ? Object.assign(e, { code: errorCode(e) }) : new Error(String(e));
    if (e instanceof CancelledError) return e;
    const times = attempt === 0 ? '' : attempt === 1 ? ' twice' : ` ${attempt + 1} times`;
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

  private once<T>(job: Job<Api, T>, what: () => string): Promise<T> {
    const api = this.connect();
    const worker = this.worker;
    const limit = this.opts.idleTimeoutMs ?? 0;
    let crashAfter: number | null = null;
    const injected = () => {
      if (worker === this.worker) this.fault('crashed', 'fault injected by a test');
    };
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const watchdog = () => {
        if (!limit) return;
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (worker === this.worker) this.fault('hung', `no answer for ${Math.round(limit / 1000)} s`);
        }, limit);
      };
      const alive = () => {
        if (crashAfter !== null && --crashAfter <= 0) {
          crashAfter = null;
          setTimeout(injected);
        }
        watchdog();
      };
      const entry: Running = {
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.running.add(entry);
      watchdog();
      // Faults are armed once the job has been sent (so `what` can name the method it called).
      if (this.opts.faults) {
        setTimeout(() => {
          crashAfter = this.opts.faults!(what());
          if (crashAfter === 0) injected();
        });
      }
      job(api, alive)
        .then(resolve, reject)
        .finally(() => {
          clearTimeout(timer);
          this.running.delete(entry);
        });
    });
  }
}
