import { afterEach, describe, expect, it, vi } from 'vitest';
import { isShared, toShared, shareArrays } from '../../src/workers/shared-memory.ts';

const n = 2000;
const knn = {
  k: 2,
  seeds: Int32Array.from({ length: n }, (_, i) => i),
  indices: Int32Array.from({ length: n * 2 }, (_, i) => (i * 7) % n),
  distances: Float64Array.from({ length: n * 2 }, (_, i) => i / 10),
  label: 'kept as it is',
  small: Int32Array.of(1, 2, 3),
};

describe('shared memory', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('copies the typed arrays of a value (neighbour lists) and vectors into shared memory once, when the context is cross-origin isolated', () => {
    vi.stubGlobal('crossOriginIsolated', true);
    const shared = shareArrays(knn);
    expect(shared.k).toBe(2);
    expect(shared.label).toBe(knn.label);
    expect(shared.small).toBe(knn.small); // below 4 KB: copying it in a message is cheaper
    for (const key of ['seeds', 'indices', 'distances'] as const) {
      expect(isShared(shared[key])).toBe(true);
      expect(Array.from(shared[key])).toEqual(Array.from(knn[key]));
    }
    expect(shareArrays(shared).indices).toBe(shared.indices); // already shared: no second copy
    const stored = shareArrays({ n: 2, dim: 1024, data: new Float32Array(2048).fill(0.5).buffer }); // as IndexedDB gives embeddings back
    expect(stored.data).toBeInstanceOf(SharedArrayBuffer);
    expect(new Float32Array(stored.data)[2047]).toBe(0.5);
    const x = toShared({ n: 2, dim: 1, data: Float32Array.of(1, 2) });
    expect(isShared(x.data)).toBe(true);
    expect(toShared(x)).toBe(x);
  });

  it('leaves them as they are where memory cannot be shared', () => {
    vi.stubGlobal('crossOriginIsolated', false);
    expect(shareArrays(knn).indices).toBe(knn.indices);
  });
});
