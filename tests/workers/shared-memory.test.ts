import { afterEach, describe, expect, it, vi } from 'vitest';
import { isShared, toShared, toSharedKnn } from '../../src/workers/shared-memory.ts';

const knn = {
  k: 2,
  seeds: Int32Array.of(0, 3),
  indices: Int32Array.of(1, 2, 0, 1),
  distances: Float64Array.of(0.1, 0.2, 0.3, 0.4),
};

describe('shared memory', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('copies neighbour lists and vectors into shared memory once, when the context is cross-origin isolated', () => {
    vi.stubGlobal('crossOriginIsolated', true);
    const shared = toSharedKnn(knn);
    expect(shared.k).toBe(2);
    for (const key of ['seeds', 'indices', 'distances'] as const) {
      expect(isShared(shared[key])).toBe(true);
      expect(Array.from(shared[key])).toEqual(Array.from(knn[key]));
    }
    expect(toSharedKnn(shared).indices).toBe(shared.indices); // already shared: no second copy
    const x = toShared({ n: 2, dim: 1, data: Float32Array.of(1, 2) });
    expect(isShared(x.data)).toBe(true);
    expect(toShared(x)).toBe(x);
  });

  it('leaves them as they are where memory cannot be shared', () => {
    vi.stubGlobal('crossOriginIsolated', false);
    expect(toSharedKnn(knn).indices).toBe(knn.indices);
  });
});
