/**
 * Float32 storage that every worker can read without a copy: backed by a SharedArrayBuffer when the
 * page (or worker) is cross-origin isolated, else by a plain ArrayBuffer. Posting a
 * SharedArrayBuffer-backed typed array to a worker (comlink / structured clone) shares the memory;
 * `transfer()` in rpc.ts never lists shared buffers, so they stay usable on both sides.
 */
import type { Embeddings } from '../compute/types.ts';

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
