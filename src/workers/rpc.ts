/**
 * Typed worker RPC over comlink. A worker module calls `expose(api)`; the app calls
 * `connect<typeof api>(worker)` and gets a proxy whose methods return promises.
 * Large buffers go through `transfer(value, [buffers])` so they move instead of being copied.
 */
import * as Comlink from 'comlink';

export type Remote<T> = Comlink.Remote<T>;

export function expose(api: object): void {
  Comlink.expose(api);
}

export function connect<T>(worker: Worker): Remote<T> {
  return Comlink.wrap<T>(worker);
}

/** Marks `buffers` for transfer with `value` (the sender loses access to them). */
export function transfer<T>(value: T, buffers: ArrayBufferLike[]): T {
  const owned = buffers.filter((b): b is ArrayBuffer => b instanceof ArrayBuffer && b.byteLength > 0);
  return Comlink.transfer(value, [...new Set(owned)]);
}

/** A callback that may be passed to a worker (it is called back across the boundary). */
export function callback<F extends (...args: never[]) => unknown>(fn: F): F {
  return Comlink.proxy(fn);
}

/** Calls `fn` at most every `ms` milliseconds, plus always on the last step. */
export function throttled(fn: (done: number, total: number) => void, ms = 100): (done: number, total: number) => void {
  let last = 0;
  return (done, total) => {
    const now = performance.now();
    if (done >= total || now - last >= ms) {
      last = now;
      fn(done, total);
    }
  };
}
