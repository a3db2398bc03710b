import { afterEach, describe, expect, it, vi } from 'vitest';
import { CancelledError, ComputePool } from '../../src/workers/compute/pool.ts';
import { FakeWorker, dieWhileRunning } from './fake-worker.ts';

/** The pool only calls methods by name: a fake API stands in for the compute worker's. */
type FakeApi = {
  double(x: number): Promise<number>;
  evaluate(x: number): Promise<number>;
  crashForTest(at: number): Promise<void>;
  hang(): Promise<never>;
};
const as = (api: unknown) => api as FakeApi;

function fakePool(size: number, behaviour: { crashes: number }, calls: string[] = [], faults?: (what: string) => number | null) {
  const workers: FakeWorker[] = [];
  const spawn = () => {
    const w = new FakeWorker((self) => ({
      double(x: number) {
        calls.push('double');
        if (behaviour.crashes > 0) {
          behaviour.crashes--;
          return dieWhileRunning(self, 'out of memory');
        }
        return 2 * x;
      },
      evaluate(x: number) {
        calls.push('evaluate');
        return new Promise((resolve) => setTimeout(() => resolve(x + 1), 20));
      },
      crashForTest() {
        calls.push('crashForTest');
      },
      hang() {
        return new Promise(() => undefined);
      },
    }));
    workers.push(w);
    return w as unknown as Worker;
  };
  const pool = new ComputePool(size, { spawn, faults });
  return { pool, workers };
}

describe('compute pool: worker crashes', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    delete (globalThis as { __recallLensTest?: unknown }).__recallLensTest;
  });

  it('a worker that dies mid-job is replaced and the job is retried once, with the same answer', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { pool, workers } = fakePool(2, { crashes: 1 });
    await expect(pool.run((api) => as(api).double(21))).resolves.toBe(42);
    expect(pool.crashes).toBe(1);
    expect(workers).toHaveLength(3); // two at start, one fresh for the retry
    expect(workers.filter((w) => w.terminated)).toHaveLength(1);
    expect(String(warn.mock.calls[0][0])).toMatch(/crashed while running double \(out of memory\); retrying/);
    // The pool keeps working afterwards.
    await expect(Promise.all([1, 2, 3, 4].map((x) => pool.run((api) => as(api).double(x))))).resolves.toEqual([2, 4, 6, 8]);
    pool.terminate();
  });

  it('a second crash rejects with a clear error naming the job', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { pool } = fakePool(1, { crashes: 2 });
    await expect(pool.run((api) => as(api).double(1))).rejects.toThrow('compute worker crashed twice while running double (out of memory)');
    await expect(pool.run((api) => as(api).double(1), 'the pixels row')).resolves.toBe(2);
    pool.terminate();
  });

  it('an explicit label names the job', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { pool } = fakePool(1, { crashes: 2 });
    await expect(pool.run((api) => as(api).double(1), 'evaluating pixels+w')).rejects.toThrow(
      'compute worker crashed twice while running evaluating pixels+w',
    );
    pool.terminate();
  });

  it('a worker whose module never loads fails each job after two tries, without respawning forever', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    let spawned = 0;
    const pool = new ComputePool(2, {
      spawn: () => {
        spawned++;
        const w = new FakeWorker(null);
        setTimeout(() => w.crash('failed to fetch module'));
        return w as unknown as Worker;
      },
    });
    await vi.waitFor(() => expect(pool.crashes).toBe(2)); // both start-up workers died idle
    expect(spawned).toBe(2);
    await expect(pool.run((api) => as(api).hang())).rejects.toThrow(/crashed twice while running hang \(failed to fetch module\)/);
    expect(spawned).toBe(4); // one fresh worker per try, none while idle
    pool.terminate();
  });

  it('restart still cancels running jobs', async () => {
    const { pool } = fakePool(1, { crashes: 0 });
    const running = pool.run((api) => as(api).hang());
    pool.restart();
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    await expect(pool.run((api) => as(api).double(5))).resolves.toBe(10);
    pool.terminate();
  });

  it("injected faults (the resilience tests' hook, passed in) crash the next N evaluate jobs once each", async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const calls: string[] = [];
    let armed = 1;
    const faults = (what: string) => (what === 'running evaluate' && armed-- > 0 ? 0 : null);
    const { pool } = fakePool(1, { crashes: 0 }, calls, faults);
    await pool.run((api) => as(api).double(1));
    await expect(pool.run((api) => as(api).evaluate(1))).resolves.toBe(2);
    await pool.run((api) => as(api).evaluate(2));
    expect(calls).toEqual(['double', 'evaluate', 'evaluate', 'evaluate']);
    expect(pool.crashes).toBe(1);
    pool.terminate();
  });
});
