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

/** Smaller typed arrays are cheaper to copy in a message than to keep in a shared buffer of their own. */
const SHARE_MIN_BYTES = 4096;

type TypedArray = Exclude<ArrayBufferView, DataView> & ArrayLike<unknown> & { set(a: ArrayLike<unknown>): void };

/**
 * `value` with every typed array (or ArrayBuffer) of 4 KB or more in it, at any depth of plain objects
 * and arrays, copied into shared memory, once: e.g. a row's neighbour lists, which go to the UMAP workers and the compute pool many
 * times (every panel, every comparison) — posting shared memory copies nothing. Values stored in
 * IndexedDB must be stored before they are shared: shared memory cannot be stored.
 */
export function shareArrays<T>(value: T): T {
  if (!canShare()) return value;
  return shareDeep(value) as T;
}

function shareDeep(v: unknown): unknown {
  if (v instanceof ArrayBuffer) {
    if (v.byteLength < SHARE_MIN_BYTES) return v;
    const out = new SharedArrayBuffer(v.byteLength);
    new Uint8Array(out).set(new Uint8Array(v));
    return out;
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    if (isShared(v) || v.byteLength < SHARE_MIN_BYTES) return v;
    const out = new (v.constructor as new (b: SharedArrayBuffer) => TypedArray)(new SharedArrayBuffer(v.byteLength));
    out.set(v as TypedArray);
    return out;
  }
  if (Array.isArray(v)) return v.map(shareDeep);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shareDeep(x)]));
  }
  return v;
}
