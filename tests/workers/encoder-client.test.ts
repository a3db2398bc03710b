import { afterEach, describe, expect, it, vi } from 'vitest';
import { EncoderClient, GPU_LOST_EARLIER_NOTICE, GPU_LOST_NOTICE, RESTART_NOTICE } from '../../src/workers/encoder/client.ts';
import type { EncodeJob } from '../../src/workers/encoder/encoder.worker.ts';
import { callback } from '../../src/workers/rpc.ts';
import { FakeWorker, dieWhileRunning } from './fake-worker.ts';
import { ERROR_NAMES, namedError } from '../../src/workers/host.ts';

const noop = callback(() => {});
const job = (name: string, count: number) => ({ card: { name }, count, modelBytes: new Uint8Array(1) }) as unknown as EncodeJob;

/** A fake encoder worker: embeds item i as [i, i²]; dies on the first `crashes` jobs it gets. */
function fakeClient(behaviour: { crashes: number; failPart?: number }, lanes = 1) {
  const workers: FakeWorker[] = [];
  const jobs: EncodeJob[] = [];
  let cancelled = 0;
  const client = new EncoderClient(
    () => {
      let pending: Promise<unknown> = Promise.resolve();
      const w = new FakeWorker((self) => ({
        encode(j: EncodeJob, onProgress: (done: number, total: number) => void) {
          jobs.push(j);
          const run = encode(self, j, onProgress);
          pending = run.catch(() => undefined);
          return run;
        },
        decide: () => ({ backend: 'wasm', reason: 'no WebGPU adapter' }),
        // Like the real worker: a query waits for the inference in progress.
        embedQuery(j: EncodeJob) {
          return pending.then(() => ({
            embeddings: { n: j.count, dim: 2, data: new Float32Array(j.count * 2) },
            backend: 'wasm',
            seconds: 0,
          }));
        },
        cancel() {
          cancelled++;
        },
      }));
      workers.push(w);
      return w as unknown as Worker;
    },
    { lanes },
  );
  async function encode(self: FakeWorker, j: EncodeJob, onProgress: (done: number, total: number) => void) {
    await onProgress(0, j.count);
    if (behaviour.crashes > 0) {
      behaviour.crashes--;
      return dieWhileRunning(self, 'wasm memory exhausted');
    }
    const start = j.start ?? 0;
    if (behaviour.failPart === start) throw new Error(`pixels.onnx: output contains NaN (image ${start})`);
    await new Promise((r) => setTimeout(r, 5));
    await onProgress(j.count, j.count);
    const data = new Float32Array(j.count * 2).map((_, i) => (i % 2 ? (start + (i - 1) / 2) ** 2 : start + i / 2));
    return { embeddings: { n: j.count, dim: 2, data }, backend: 'wasm', backendReason: 'WASM, as chosen', seconds: 1 };
  }
  return { client, workers, jobs, cancels: () => cancelled };
}

describe('encoder client: lanes', () => {
  it('a WASM encode is split into contiguous parts, one per worker, joined in item order', async () => {
    const { client, workers, jobs } = fakeClient({ crashes: 0 }, 2);
    const seen: number[] = [];
    const r = await client.encode(
      { ...job('MoCo v2', 601), backend: 'auto' },
      callback((done: number) => void seen.push(done)),
    );
    expect(workers).toHaveLength(2);
    expect(jobs.map((j) => [j.start, j.count, j.backend])).toEqual([
      [0, 301, 'wasm'],
      [301, 300, 'wasm'],
    ]);
    const x = r.embeddings.data;
    expect(r.embeddings.n).toBe(601);
    expect(Array.from({ length: 601 }, (_, i) => x[i * 2] === i && x[i * 2 + 1] === i * i).every(Boolean)).toBe(true);
    expect(r.backendReason).toBe('no WebGPU adapter; 2 workers × 1 thread');
    expect(seen[seen.length - 1]).toBe(601); // progress is the sum over the parts
    expect(Math.max(...seen)).toBe(601);
    client.terminate();
  });

  it('a small job runs whole on the first worker', async () => {
    const { client, jobs } = fakeClient({ crashes: 0 }, 2);
    await client.encode({ ...job('MoCo v2', 300), backend: 'wasm' }, noop);
    expect(jobs.map((j) => [j.start ?? 0, j.count])).toEqual([[0, 300]]);
    client.terminate();
  });

  it('a part that fails stops the others and rejects the encode with its error', async () => {
    const { client, cancels } = fakeClient({ crashes: 0, failPart: 300 }, 2);
    await expect(client.encode({ ...job('Pixels', 600), backend: 'wasm' }, noop)).rejects.toThrow('output contains NaN (image 300)');
    expect(cancels()).toBe(1);
    client.terminate();
  });
});

describe('encoder client: worker crashes', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a crashed encode re-runs on a fresh worker, with the same embeddings and a notice', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { client, workers } = fakeClient({ crashes: 1 });
    const seen: Array<[number, number]> = [];
    const r = await client.encode(
      job('Pixels', 3),
      callback((done: number, total: number) => void seen.push([done, total])),
    );
    expect(Array.from(r.embeddings.data)).toEqual([0, 0, 1, 1, 2, 4]);
    expect(r.notice).toBe(RESTART_NOTICE);
    expect(client.crashes).toBe(1);
    expect(workers.map((w) => w.terminated)).toEqual([true, false]);
    // Progress starts over on the fresh worker.
    expect(seen).toEqual([
      [0, 3],
      [0, 3],
      [3, 3],
    ]);
    expect(String(warn.mock.calls[0][0])).toMatch(/crashed while encoding Pixels \(wasm memory exhausted\); re-running/);
    // Later jobs use the fresh worker and carry no notice.
    expect((await client.encode(job('Pixels', 1), noop)).notice).toBeUndefined();
    client.terminate();
  });

  it('a second crash rejects with a clear error naming the model', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { client } = fakeClient({ crashes: 2 });
    await expect(client.encode(job('MoCo v2', 4), noop)).rejects.toThrow(
      'encoder worker crashed twice while encoding MoCo v2 (wasm memory exhausted)',
    );
    client.terminate();
  });

  it('every job on the dead worker is re-run (a query that was waiting too)', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { client, workers } = fakeClient({ crashes: 1 });
    const encoding = client.encode(job('SwAV', 2), noop);
    const query = client.embedQuery(job('SwAV', 1));
    await expect(encoding).resolves.toMatchObject({ notice: RESTART_NOTICE });
    await expect(query).resolves.toMatchObject({ notice: RESTART_NOTICE });
    expect(workers).toHaveLength(2);
    client.terminate();
  });

  it('a job cancelled before the crash is not re-run', async () => {
    const { client, workers } = fakeClient({ crashes: 1 });
    const encoding = client.encode(job('Pixels', 2), noop);
    await client.cancel();
    await expect(encoding).rejects.toThrow(/aborted/);
    expect(workers).toHaveLength(1);
    client.terminate();
  });

  it('a lost WebGPU device: the job re-runs on WASM in a fresh worker, and so does every later one', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const backends: string[] = [];
    const workers: FakeWorker[] = [];
    const client = new EncoderClient(() => {
      const w = new FakeWorker(() => ({
        encode(j: EncodeJob) {
          backends.push(j.backend);
          if (j.backend !== 'wasm')
            return Promise.reject(namedError(ERROR_NAMES.gpuLost, 'pixels.onnx: WebGPU lost: device lost (destroyed)'));
          return { embeddings: { n: 1, dim: 1, data: Float32Array.of(7) }, backend: 'wasm', seconds: 1 };
        },
      }));
      workers.push(w);
      return w as unknown as Worker;
    });
    const r = await client.encode({ ...job('Pixels', 1), backend: 'webgpu' }, noop);
    expect(r).toMatchObject({ backend: 'wasm', notice: GPU_LOST_NOTICE });
    expect(Array.from(r.embeddings.data)).toEqual([7]);
    expect(workers.map((w) => w.terminated)).toEqual([true, false]);
    const later = await client.encode({ ...job('SwAV', 1), backend: 'auto' }, noop);
    expect(later.notice).toBe(GPU_LOST_EARLIER_NOTICE);
    expect(backends).toEqual(['webgpu', 'wasm', 'wasm']);
    client.terminate();
  });
});
