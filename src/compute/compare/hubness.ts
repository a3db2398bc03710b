/**
 * Hubness of a variant's K-nearest-neighbour graph (Radovanović et al. 2010): the k-occurrence
 * N_K(x) = how many items have x among their K nearest neighbours; its skewness (population moment
 * coefficient, as scipy.stats.skew with bias=True) and the share of items with N_K = 0 (anti-hubs).
 * Needs every item's list (seeds = all rows); with sampled seeds the counts would be meaningless.
 */
import type { KnnResult } from '../types.ts';

export interface HubnessScore {
  /** Skewness of the k-occurrence distribution (0 for a regular graph; large positive = hubs). */
  skew: number;
  /** Share of items that appear in no one's top-K. */
  antihubs: number;
}

/** k-occurrence of every row 0..n−1 over the first k columns of the lists. */
export function kOccurrence(knn: KnnResult, n: number, k: number): Int32Array {
  if (k > knn.k) throw new Error(`hubness: K = ${k} but the neighbour lists hold ${knn.k}`);
  const occ = new Int32Array(n);
  for (let s = 0; s < knn.seeds.length; s++) {
    for (let j = 0; j < k; j++) occ[knn.indices[s * knn.k + j]]++;
  }
  return occ;
}

/** True when the lists hold every row 0..n−1 as a seed. */
export function coversAll(knn: KnnResult, n: number): boolean {
  if (knn.seeds.length !== n) return false;
  for (let i = 0; i < n; i++) if (knn.seeds[i] !== i) return false;
  return true;
}

/** Skewness and anti-hub share; NaN for both when the lists do not cover every item. */
export function hubness(knn: KnnResult, n: number, k: number): HubnessScore {
  if (!coversAll(knn, n) || k < 1) return { skew: NaN, antihubs: NaN };
  const occ = kOccurrence(knn, n, k);
  let mean = 0;
  let zero = 0;
  for (let i = 0; i < n; i++) {
    mean += occ[i];
    if (occ[i] === 0) zero++;
  }
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = occ[i] - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  return { skew: m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0, antihubs: zero / n };
}

/** The rows with the largest k-occurrence (ties → lower row), with their counts. */
export function topHubs(occ: Int32Array, limit: number): { row: number; count: number }[] {
  const rows = Array.from(occ.keys());
  rows.sort((a, b) => occ[b] - occ[a] || a - b);
  return rows.slice(0, limit).map((row) => ({ row, count: occ[row] }));
}
