/**
 * A small pool of compute workers, each behind a WorkerHost. Jobs go to the first idle worker;
 * `restart()` kills every worker (running jobs reject with CancelledError) so stale work never holds
 * a core. A worker that crashes or hangs is replaced and its job re-run once on a fresh worker (jobs
 * are pure functions of their inputs); a second failure rejects with
 * "compute worker crashed twice while running <method>".
 */
import type { Remote } from '../rpc.ts';
import { CancelledError, WorkerHost, type HostOptions } from '../host.ts';
import type { ComputeApi } from './compute.worker.ts';

export { CancelledError };

export type WorkerFactory = () => Worker;

const defaultFactory: WorkerFactory = () =>
  new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module', name: 'compute' });

export interface PoolOptions {
  spawn?: WorkerFactory;
  /** Injected faults (see HostOptions.faults); the job is named "running <method>". */
  faults?: HostOptions['faults'];
  /** A job silent (no progress) this long is hung (default 10 minutes). */
  idleTimeoutMs?: number;
}

export class ComputePool {
  private readonly hosts: WorkerHost<ComputeApi>[];
  private waiting: Array<() => void> = [];

  constructor(size: number, opts: PoolOptions = {}) {
    const spawn = opts.spawn ?? defaultFactory;
    this.hosts = Array.from(
      { length: size },
      () =>
        new WorkerHost<ComputeApi>({
          name: 'compute',
          spawn,
          faults: opts.faults,
          idleTimeoutMs: opts.idleTimeoutMs ?? 10 * 60_000,
          retryWords: 'retrying on a fresh worker',
        }),
    );
    for (const h of this.hosts) h.start(); // warm: the first jobs do not wait for module loads
  }

  /** Crashes and hangs seen so far. */
  get crashes(): number {
    return this.hosts.reduce((s, h) => s + h.faults, 0);
  }

  /**
   * Runs `job` on an idle worker. `label` names the job in the error a second crash gives (default:
   * "running <the worker method the job called>"). The job gets `alive` to pass to progress callbacks.
   */
  async run<T>(job: (api: Remote<ComputeApi>, alive: () => void) => Promise<T>, label?: string): Promise<T> {
    let host = this.hosts.find((h) => h.busy === 0);
    while (!host) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      host = this.hosts.find((h) => h.busy === 0);
    }
    const called = { method: '' };
    const what = () => `running ${label ?? (called.method || 'a job')}`;
    try {
      return await host.call(what, (api, alive) => job(watch(api, called), alive));
    } finally {
      this.waiting.shift()?.();
    }
  }

  /** Stops every running job (their promises reject with CancelledError) and starts fresh workers. */
  restart(): void {
    for (const h of this.hosts) {
      h.restart();
      h.start();
    }
    const waiting = this.waiting;
    this.waiting = [];
    waiting.forEach((wake) => wake());
  }

  terminate(): void {
    for (const h of this.hosts) h.terminate();
  }
}

/** The worker API as a job sees it: records which method the job called. */
function watch(api: Remote<ComputeApi>, called: { method: string }): Remote<ComputeApi> {
  return new Proxy(api, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof prop === 'string' && typeof value === 'function') called.method ||= prop;
      return value;
    },
  });
}
