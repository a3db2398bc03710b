/** Input checks shared by the compute modules. Errors name the row and column of the bad value. */
import type { Embeddings } from './types.ts';

/** Throws a clear Error unless `x` has a valid shape and as many values as it says. */
export function assertShape(x: Embeddings, what = 'embeddings'): void {
  if (!Number.isInteger(x.n) || x.n < 0 || !Number.isInteger(x.dim) || x.dim < 1) {
    throw new Error(`${what}: invalid shape ${x.n} × ${x.dim}`);
  }
  if (x.data.length !== x.n * x.dim) {
    throw new Error(`${what}: data has ${x.data.length} values, expected ${x.n} × ${x.dim} = ${x.n * x.dim}`);
  }
}

/** Throws a clear Error unless `x` is a well-formed matrix of finite values. */
export function assertEmbeddings(x: Embeddings, what = 'embeddings'): void {
  assertShape(x, what);
  const d = x.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    // v - v is 0 for finite values and NaN for NaN/±Infinity: one cheap test in the hot loop.
    if (v - v !== 0) {
      const row = Math.floor(i / x.dim);
      const col = i - row * x.dim;
      const kind = Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
      throw new Error(`${what}: ${kind} at row ${row}, column ${col}`);
    }
  }
}
