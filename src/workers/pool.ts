/**
 * A small pool of compute workers. Jobs go to the first idle worker; `restart()` terminates every
 * worker (dropping running jobs, whose promises reject) so stale work never holds a core.
 *
 * A worker that dies (an uncaught error or a failed module load fires `error` on the Worker) is
 * dropped and replaced by a fresh one when next needed; the job it was running is retried once on a
 * fresh worker (jobs are pure functions of their inputs). A second crash rejects the job with
 * "compute worker crashed twice while running <method>".
 */
import { connect, type Remote } from './rpc.ts';
import { CancelledError } from './host.ts';
import type { ComputeApi } from './compute.worker.ts';

interface Slot {
  /** null once its worker crashed: a fresh one is spawned when a job needs this slot. */
  worker: Worker | null;
  api: Remote<ComputeApi> | null;
  busy: boolean;
  reject?: (e: Error) => void;
}

export { CancelledError };

/** A worker died while running a job (internal: the pool retries once, then reports). */
class WorkerCrash extends Error {
  constructor(readonly detail: string) {
    super(`compute worker crashed (${detail})`);
    this.name = 'WorkerCrash';
  }
}

export type WorkerFactory = () => Worker;

const defaultFactory: WorkerFactory = () =>
  new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module', name: 'compute' });

/**
 * Test hook (Playwright, via `page.addInitScript`): while `globalThis.__recallLensTest.crashEvaluates`
 * is above zero, each `evaluate` job dispatched first arms its worker to crash half-way through it
 * (and the counter goes down by one). 1 exercises the retry, 2 the error a row shows.
 */
function takeCrashArm(method: string): boolean {
  const t = (globalThis as { __recallLensTest?: { crashEvaluates?: number } }).__recallLensTest;
  if (method !== 'evaluate' || !t?.crashEvaluates || t.crashEvaluates <= 0) return false;
  t.crashEvaluates--;
  return true;
}

export class ComputePool {
  private slots: Slot[] = [];
  private waiting: Array<() => void> = [];
  /** Worker crashes seen so far (each one logged with a console warning). */
  crashes = 0;

  constructor(
    private readonly size: number,
    private readonly factory: WorkerFactory = defaultFactory,
  ) {
    this.spawn();
  }

  private spawn(): void {
    this.slots = Array.from({ length: this.size }, () => {
      const slot: Slot = { worker: null, api: null, busy: false };
      this.revive(slot);
      return slot;
    });
  }

  /** Gives a slot a fresh worker, watching it for crashes. */
  private revive(slot: Slot): void {
    const worker = this.factory();
    worker.addEventListener('error', (ev: Event) => {
      ev.preventDefault?.();
      const e = ev as ErrorEvent;
      this.crashed(slot, worker, e.message || e.error?.message || 'the worker failed to start or threw an uncaught error');
    });
    slot.worker = worker;
    slot.api = connect<ComputeApi>(worker);
  }

  private crashed(slot: Slot, worker: Worker, detail: string): void {
    if (slot.worker !== worker) return; // already replaced or terminated
    this.crashes++;
    worker.terminate();
    slot.worker = null;
    slot.api = null;
    slot.reject?.(new WorkerCrash(detail));
  }

  /**
   * Runs `job` on an idle worker. `label` names the job in the error a second crash gives (default:
   * the worker method the job called).
   */
  async run<T>(job: (api: Remote<ComputeApi>) => Promise<T>, label?: string): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const called: { method: string } = { method: '' };
      try {
        return await this.runOnce(job, called);
      } catch (e) {
        if (!(e instanceof WorkerCrash)) throw e;
        const what = label ?? (called.method || 'a job');
        if (attempt >= 2) throw new Error(`compute worker crashed twice while running ${what} (${e.detail})`);
        console.warn(`recall-lens: compute worker crashed while running ${what} (${e.detail}); retrying on a fresh worker`);
      }
    }
  }

  private async runOnce<T>(job: (api: Remote<ComputeApi>) => Promise<T>, called: { method: string }): Promise<T> {
    let slot = this.slots.find((s) => !s.busy);
    while (!slot) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      slot = this.slots.find((s) => !s.busy);
    }
    slot.busy = true;
    if (!slot.worker) this.revive(slot);
    const generation = this.slots;
    const api = watch(slot.api!, called);
    try {
      return await new Promise<T>((resolve, reject) => {
        slot.reject = reject;
        job(api).then(resolve, reject);
      });
    } finally {
      slot.busy = false;
      slot.reject = undefined;
      if (generation === this.slots) this.waiting.shift()?.();
    }
  }

  /** Stops every running job (their promises reject with CancelledError) and starts fresh workers. */
  restart(): void {
    const old = this.slots;
    for (const s of old) {
      s.worker?.terminate();
      s.worker = null;
      s.reject?.(new CancelledError());
    }
    this.spawn();
    const waiting = this.waiting;
    this.waiting = [];
    waiting.forEach((wake) => wake());
  }

  terminate(): void {
    for (const s of this.slots) {
      s.worker?.terminate();
      s.worker = null;
    }
    this.slots = [];
  }
}

/** The worker API as a job sees it: records which method the job called, and applies the crash test hook. */
function watch(api: Remote<ComputeApi>, called: { method: string }): Remote<ComputeApi> {
  return new Proxy(api, {
    get(target, prop) {
      const value = Reflect.get(target, prop) as unknown;
      if (typeof prop !== 'string' || typeof value !== 'function') return value;
      called.method ||= prop;
      if (!takeCrashArm(prop)) return value;
      return (...args: unknown[]) => {
        // Messages are handled in order: the worker is armed before the job arrives.
        void target.crashForTest(0.5).catch(() => undefined);
        return (value as (...a: unknown[]) => unknown)(...args);
      };
    },
  });
}
