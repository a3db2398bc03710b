/**
 * Neighbour overlap between two variants of the same items: for seed i,
 *   overlap@K(i) = |N_A(i) ∩ N_B(i)| / K,
 * N_A(i) being i's exact K nearest neighbours in A (self excluded, ties to the lower index): the
 * neighbour lists the metrics table scores (their first K columns).
 */
import type { KnnResult } from '../types.ts';

/** Checks that two neighbour lists cover the same seeds and hold at least k columns. */
function checkPair(a: KnnResult, b: KnnResult, k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`overlap: K must be a positive integer, got ${k}`);
  if (k > a.k || k > b.k) throw new Error(`overlap: K = ${k} but the neighbour lists hold ${Math.min(a.k, b.k)}`);
  if (a.seeds.length !== b.seeds.length) throw new Error(`overlap: the lists cover ${a.seeds.length} and ${b.seeds.length} seeds`);
  for (let s = 0; s < a.seeds.length; s++) {
    if (a.seeds[s] !== b.seeds[s]) throw new Error(`overlap: seed ${s} is row ${a.seeds[s]} in A but row ${b.seeds[s]} in B`);
  }
}

/** overlap@K of every seed (in the lists' seed order), each in {0, 1/K, …, 1}. */
export function overlapPerItem(a: KnnResult, b: KnnResult, k: number): Float64Array {
  checkPair(a, b, k);
  const out = new Float64Array(a.seeds.length);
  const A = a.indices,
    B = b.indices;
  if (k <= 64) {
    // Small K: k² comparisons per seed beat any set (lists hold distinct rows).
    for (let s = 0; s < a.seeds.length; s++) {
      const ra = s * a.k,
        rb = s * b.k;
      let shared = 0;
      for (let i = 0; i < k; i++) {
        const v = A[ra + i];
        for (let j = 0; j < k; j++) {
          if (B[rb + j] === v) {
            shared++;
            break;
          }
        }
      }
      out[s] = shared / k;
    }
    return out;
  }
  const mark = new Set<number>();
  for (let s = 0; s < a.seeds.length; s++) {
    mark.clear();
    for (let j = 0; j < k; j++) mark.add(A[s * a.k + j]);
    let shared = 0;
    for (let j = 0; j < k; j++) if (mark.has(B[s * b.k + j])) shared++;
    out[s] = shared / k;
  }
  return out;
}

export function mean(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length > 0 ? s / values.length : NaN;
}

/** Mean overlap@K over the seeds. */
export function meanOverlap(a: KnnResult, b: KnnResult, k: number): number {
  return mean(overlapPerItem(a, b, k));
}

/** One seed's K neighbours in A and in B, each marked shared (in both lists) or not. */
export interface NeighbourDiff {
  a: { row: number; shared: boolean }[];
  b: { row: number; shared: boolean }[];
}

/** The shared/unique split of seed position `s` (an index into the lists' seeds). */
export function neighbourDiff(a: KnnResult, b: KnnResult, s: number, k: number): NeighbourDiff {
  checkPair(a, b, k);
  const la = Array.from(a.indices.subarray(s * a.k, s * a.k + k));
  const lb = Array.from(b.indices.subarray(s * b.k, s * b.k + k));
  const sa = new Set(la);
  const sb = new Set(lb);
  return { a: la.map((row) => ({ row, shared: sb.has(row) })), b: lb.map((row) => ({ row, shared: sa.has(row) })) };
}

/** Seed positions by overlap, lowest first (ties → lower seed row): the items whose neighbours changed most. */
export function changedMost(per: Float64Array, seeds: Int32Array, limit: number): number[] {
  const order = Array.from(per.keys());
  order.sort((i, j) => per[i] - per[j] || seeds[i] - seeds[j]);
  return order.slice(0, limit);
}

/** Histogram of overlap values: one bin per possible value 0, 1/K, …, 1 (counts). */
export function overlapHistogram(per: Float64Array, k: number): Int32Array {
  const bins = new Int32Array(k + 1);
  for (let i = 0; i < per.length; i++) bins[Math.round(per[i] * k)]++;
  return bins;
}
