/**
 * Step 1 of the search, preparation (see `index.ts` for the whole design):
 * Euclidean vectors are centred on the corpus mean (translation does not change
 * distances, and it avoids cancellation in ‖a‖² − 2a·b + ‖b‖²) and scaled by a power of two so
 * every norm is ≤ 1 (no float32 overflow, exact scaling). Cosine vectors are unit-normalised
 * (zero vectors stay zero: their cosine similarity with anything is defined as 0).
 */
import type { Metric } from '../types.ts';

/**
 * The rows of one matrix (corpus or queries) as the screen sees them: v = (u − μ)·scale, rounded
 * to float32 when packed (see `prepRow`); only per-row norms are stored here.
 */
export interface Prepared {
  src: Float32Array; // original rows
  inv: Float64Array | null; // cosine: 1/‖x‖ per row (0 for zero rows); Euclidean: null (u = x)
  kNorm: Float32Array; // the kernel's norm term: fl32(‖v‖²), +Infinity for zero rows (cosine)
  norm: Float64Array; // ‖v‖ of the float64 vector (before rounding to float32)
  maxNorm: number;
}

export interface Problem {
  metric: Metric;
  dim: number;
  k: number; // effective k
  m: number; // candidates kept per seed
  items: Float32Array; // original data
  n: number;
  itemNorm2: Float64Array | null; // cosine: Σb² in float64 of the original rows
  queries: Float32Array; // original query data
  queryRows: Int32Array; // query i is row queryRows[i] of `queries`
  queryNorm2: Float64Array | null;
  exclude: Int32Array | null; // item excluded for query i (or null: none)
  pItems: Prepared;
  pQueries: Prepared; // indexed by the same rows as `queries`
  mu: Float64Array;
  scale: number; // prepared = (u − μ)·scale
  maxNorm: number; // max prepared norm over items and queries (≤ 1)
  zeroItems: Int32Array; // cosine: rows with ‖x‖ = 0 (distance 1 to everything), ascending
}

/**
 * Σ a_d·b_d in float64 with four interleaved partial sums, combined as (s0 + s1) + (s2 + s3).
 * Row norms use the same function, so a row's dot product with itself equals its norm² bit for bit
 * (duplicates then sit at cosine distance exactly 0).
 */
export function dot64(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 4 <= dim; d += 4) {
    s0 += a[ao + d] * b[bo + d];
    s1 += a[ao + d + 1] * b[bo + d + 1];
    s2 += a[ao + d + 2] * b[bo + d + 2];
    s3 += a[ao + d + 3] * b[bo + d + 3];
  }
  for (; d < dim; d++) s0 += a[ao + d] * b[bo + d];
  return s0 + s1 + (s2 + s3);
}

/** Σ x² per row, float64. */
function rowNorms2(x: Float32Array, n: number, dim: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = dot64(x, i * dim, x, i * dim, dim);
  return out;
}

/**
 * The vectors the screen works on: u = x (Euclidean) or u = x/‖x‖ (cosine, float64), minus the
 * mean of u over the corpus rows (zero rows excluded for cosine), times `scale` (a power of two).
 * Cosine distance is ½‖û_a − û_b‖², so both metrics screen with the same Euclidean score; centring
 * keeps ‖a‖² − 2a·b + ‖b‖² well conditioned even when all vectors share a large offset.
 */
function inverseLengths(norms2: Float64Array | null, n: number): Float64Array | null {
  if (norms2 === null) return null;
  const inv = new Float64Array(n);
  for (let i = 0; i < n; i++) inv[i] = norms2[i] === 0 ? 0 : 1 / Math.sqrt(norms2[i]);
  return inv;
}

/** Column means of u over the rows (zero rows skipped for cosine), float64. */
function centre(x: Float32Array, n: number, dim: number, inv: Float64Array | null): Float64Array {
  const mu = new Float64Array(dim);
  let rows = 0;
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    if (inv === null) {
      for (let d = 0; d < dim; d++) mu[d] += x[o + d];
    } else {
      const f = inv[i];
      if (f === 0) continue;
      for (let d = 0; d < dim; d++) mu[d] += x[o + d] * f;
    }
    rows++;
  }
  if (rows > 0) for (let d = 0; d < dim; d++) mu[d] /= rows;
  return mu;
}

/** ‖u − μ‖² per row (float64, before scaling); NaN marks zero rows (cosine). */
function centredNorms2(x: Float32Array, n: number, dim: number, inv: Float64Array | null, mu: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    const f = inv === null ? 1 : inv[i];
    if (f === 0) {
      out[i] = NaN;
      continue;
    }
    let s = 0;
    for (let d = 0; d < dim; d++) {
      const v = x[o + d] * f - mu[d];
      s += v * v;
    }
    out[i] = s;
  }
  return out;
}

function maxOf(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) if (v[i] > m) m = v[i]; // NaN (zero rows) never wins
  return m;
}

/**
 * Per-row norms of v = (u − μ)·scale. Scaling by a power of two is exact, so ‖v‖² is exactly
 * scale²·‖u − μ‖² as computed in float64 (no second pass over the data).
 */
function prepared(src: Float32Array, inv: Float64Array | null, norms2: Float64Array, scale: number): Prepared {
  const n = norms2.length;
  const kNorm = new Float32Array(n);
  const norm = new Float64Array(n);
  let maxNorm = 0;
  for (let i = 0; i < n; i++) {
    const s2 = norms2[i];
    if (s2 !== s2) {
      kNorm[i] = Infinity; // a zero vector (cosine): never screened, merged at distance 1
      continue;
    }
    const v = s2 * scale * scale;
    kNorm[i] = v;
    norm[i] = Math.sqrt(v);
    if (norm[i] > maxNorm) maxNorm = norm[i];
  }
  return { src, inv, kNorm, norm, maxNorm };
}

/** Row-major float32 copy of the prepared vectors (the JS kernel works on these). */
export function preparedVectors(p: Problem, which: Prepared, rows: number): Float32Array {
  const dim = p.dim;
  const out = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) prepRow(p, which, i, out, i * dim, 1);
  return out;
}

/** Writes prepared row i of `which` into dst[at + d·stride], rounded to float32. */
export function prepRow(p: Problem, which: Prepared, i: number, dst: Float32Array, at: number, stride: number): void {
  const dim = p.dim;
  const x = which.src;
  const o = i * dim;
  const mu = p.mu;
  const scale = p.scale;
  const f = which.inv === null ? 1 : which.inv[i];
  if (f === 0) {
    for (let d = 0; d < dim; d++) dst[at + d * stride] = 0;
    return;
  }
  for (let d = 0, w = at; d < dim; d++, w += stride) dst[w] = (x[o + d] * f - mu[d]) * scale;
}

function powerOfTwoScale(maxNorm: number): number {
  if (!(maxNorm > 0)) return 1;
  let e = Math.ceil(Math.log2(maxNorm));
  let scale = 2 ** -e;
  while (maxNorm * scale > 1) scale = 2 ** -++e;
  return scale;
}

export function buildProblem(
  metric: Metric,
  k: number,
  margin: number | undefined,
  items: Float32Array,
  n: number,
  dim: number,
  queries: Float32Array,
  nq: number,
  queryRows: Int32Array,
  exclude: Int32Array | null,
  sameSet: boolean,
): Problem {
  const marginN = margin ?? Math.max(8, Math.ceil(k / 4));
  if (!Number.isInteger(marginN) || marginN < 0) throw new Error(`knn: margin must be a non-negative integer`);
  const effK = Math.min(k, exclude === null ? n : n - 1);
  const m = Math.max(effK, Math.min(effK + marginN, exclude === null ? n : n - 1));
  const cos = metric === 'cosine';
  const itemNorm2 = cos ? rowNorms2(items, n, dim) : null;
  const queryNorm2 = cos ? (sameSet ? itemNorm2 : rowNorms2(queries, nq, dim)) : null;
  const itemInv = inverseLengths(itemNorm2, n);
  const queryInv = sameSet ? itemInv : inverseLengths(queryNorm2, nq);
  const mu = centre(items, n, dim, itemInv);
  const itemC2 = centredNorms2(items, n, dim, itemInv, mu);
  const queryC2 = sameSet ? itemC2 : centredNorms2(queries, nq, dim, queryInv, mu);
  const scale = powerOfTwoScale(Math.sqrt(Math.max(maxOf(itemC2), maxOf(queryC2))));
  const pItems = prepared(items, itemInv, itemC2, scale);
  const pQueries = sameSet ? pItems : prepared(queries, queryInv, queryC2, scale);
  let zeroItems = new Int32Array(0);
  if (itemNorm2 !== null) {
    const z: number[] = [];
    for (let i = 0; i < n; i++) if (itemNorm2[i] === 0) z.push(i);
    zeroItems = Int32Array.from(z);
  }
  const maxNorm = Math.max(pItems.maxNorm, pQueries.maxNorm);
  return {
    metric,
    dim,
    k: effK,
    m,
    items,
    n,
    itemNorm2,
    queries,
    queryRows,
    queryNorm2,
    exclude,
    pItems,
    pQueries,
    mu,
    scale,
    maxNorm,
    zeroItems,
  };
}
