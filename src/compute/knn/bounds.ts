/**
 * Step 4 of the search, the proof of exactness (see `index.ts` for the whole design):
 * a rigorous bound E on |ŝ − s| (float32 rounding of the inputs, of the dot product with
 * D terms, of the norms and of the final subtraction; see `errorBound`) shows that every
 * non-candidate is strictly farther than the k-th result: (τ − E) mapped to distance space must
 * exceed the k-th exact distance (with a float64 slack; see `distanceLowerBound`, applied in
 * `rerank.ts`). When it does not (exact ties or near-ties at the candidate boundary, e.g. many
 * duplicates), that seed is recomputed by a full float64 scan. So results are identical to a
 * float64 brute-force search, on every engine.
 */
import type { Metric } from '../types.ts';

const U32 = 2 ** -24; // float32 unit roundoff

/**
 * Bound on |ŝ − s| for one seed with prepared norm `na` (all prepared norms ≤ maxNorm ≤ 1):
 *   inputs rounded to float32 (2u·na·M), float32 dot of D terms (D·u·na·M, ×2 for the −2 factor),
 *   ‖b‖² rounded to float32 (u·M²), the final subtraction (u·|ŝ| ≤ u(M² + 2na·M)), and in the
 *   symmetric path the transposed use (u·na²). Underflow of tiny float32 components adds at most
 *   (6D+16)·2^-149. The 5% slack absorbs the float64 roundings of the bookkeeping (≪ u).
 */
export function errorBound(dim: number, na: number, maxNorm: number): number {
  return 1.05 * U32 * ((2 * dim + 8) * na * maxNorm + 2 * maxNorm * maxNorm + na * na) + (8 * dim + 32) * 2 ** -149;
}

/**
 * Lower bound, in exact-distance units (squared Euclidean, or cosine distance), for every item
 * whose screening score is ≥ t, for a query with prepared norm `na`: t + na² − E is a lower bound
 * of the prepared squared distance; dividing by scale² undoes the exact power-of-two scaling
 * (cosine: half of it, since cosine distance is ½‖û_a − û_b‖²), and the relative / absolute
 * slacks cover the float64 roundings of the exact re-rank.
 */
export function distanceLowerBound(metric: Metric, dim: number, na: number, maxNorm: number, scale: number): (t: number) => number {
  const E = errorBound(dim, na, maxNorm);
  const s2 = scale * scale;
  const relSlack = (dim + 3) * 2 ** -52;
  const absSlack = (2 * dim + 16) * 2 ** -53;
  return (t: number): number =>
    metric === 'euclidean' ? ((t + na * na - E) / s2) * (1 - relSlack) : (0.5 * (t + na * na - E)) / s2 - absSlack;
}

/** The smallest float32 value ≥ x (or a slightly larger one): a conservative float32 threshold. */
export function roundUp32(x: number): number {
  const f = Math.fround(x);
  if (f >= x) return f;
  return Math.fround(x + Math.abs(x) * 2 ** -22 + 1e-38);
}
