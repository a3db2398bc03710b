/**
 * Float32 storage that every worker can read without a copy: backed by a SharedArrayBuffer when the
 * page (or worker) is cross-origin isolated, else by a plain ArrayBuffer. Posting a
 * SharedArrayBuffer-backed typed array to a worker (comlink / structured clone) shares the memory;
 * `transfer()` in rpc.ts never lists shared buffers, so they stay usable on both sides.
 */
import type { Embeddings, KnnResult } from '../compute/types.ts';

/** Whether this context can allocate SharedArrayBuffers (cross-origin isolated). */
export function canShare(): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/** A zeroed Float32Array of `length`, in shared memory where possible. */
export function sharedFloat32(length: number): Float32Array {
  return canShare() ? new Float32Array(new SharedArrayBuffer(length * 4)) : new Float32Array(length);
}

export function isShared(a: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;
}

/** `x` itself when already shared (or sharing is unavailable), else one copy into shared memory. */
export function toShared(x: Embeddings): Embeddings {
  if (isShared(x.data) || !canShare()) return x;
  const data = sharedFloat32(x.data.length);
  data.set(x.data);
  return { n: x.n, dim: x.dim, data };
}

/** A copy of `a` in shared memory (or `a` itself when it is shared already or sharing is unavailable). */
function sharedCopy<T extends Int32Array | Float64Array>(a: T, make: (buffer: SharedArrayBuffer) => T): T {
  if (isShared(a) || !canShare()) return a;
  const out = make(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}

/**
 * Neighbour lists in shared memory: a row's lists go to the UMAP workers and the compute pool many
 * times (every panel, every comparison), and posting shared memory copies nothing. Store them in
 * IndexedDB before sharing them: shared memory cannot be stored.
 */
export function toSharedKnn(knn: KnnResult): KnnResult {
  return {
    ...knn,
    seeds: sharedCopy(knn.seeds, (b) => new Int32Array(b)),
    indices: sharedCopy(knn.indices, (b) => new Int32Array(b)),
    distances: sharedCopy(knn.distances, (b) => new Float64Array(b)),
  };
}
