/**
 * A small pool of compute workers. Jobs go to the first idle worker; `restart()` terminates every
 * worker (dropping running jobs, whose promises reject) so stale work never holds a core.
 */
import { connect, type Remote } from './rpc.ts';
import type { ComputeApi } from './compute.worker.ts';

interface Slot {
  worker: Worker;
  api: Remote<ComputeApi>;
  busy: boolean;
  reject?: (e: Error) => void;
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export class ComputePool {
  private slots: Slot[] = [];
  private waiting: Array<() => void> = [];

  constructor(private readonly size: number) {
    this.spawn();
  }

  private spawn(): void {
    this.slots = Array.from({ length: this.size }, () => {
      const worker = new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module', name: 'compute' });
      return { worker, api: connect<ComputeApi>(worker), busy: false };
    });
  }

  async run<T>(job: (api: Remote<ComputeApi>) => Promise<T>): Promise<T> {
    let slot = this.slots.find((s) => !s.busy);
    while (!slot) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      slot = this.slots.find((s) => !s.busy);
    }
    slot.busy = true;
    const generation = this.slots;
    try {
      return await new Promise<T>((resolve, reject) => {
        slot.reject = reject;
        job(slot.api).then(resolve, reject);
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
      s.worker.terminate();
      s.reject?.(new CancelledError());
    }
    this.spawn();
    const waiting = this.waiting;
    this.waiting = [];
    waiting.forEach((wake) => wake());
  }

  terminate(): void {
    for (const s of this.slots) s.worker.terminate();
    this.slots = [];
  }
}
