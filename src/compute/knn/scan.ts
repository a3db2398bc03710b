/**
 * The full float64 scan: one query's exact top-k by (distance, index) over every item. It is what
 * the screened search (`index.ts`) is proved to equal, the fallback of that proof (`rerank.ts`),
 * and, for a few queries, the whole search: it needs no screen prepared (centring, norms, packing
 * the corpus), only one pass. Distances are exactly the re-rank's: Euclidean Σ(a−b)², cosine
 * 1 − a·b/√(‖a‖²‖b‖²) clamped to [0, 2], each sum as four interleaved float64 partial sums combined
 * as (s0 + s1) + (s2 + s3), the tail added to s0 (`dot64`), so both give the same bits.
 */
import type { Metric } from '../types.ts';
import { dot64 } from './prepare.ts';

/** Cosine distance from a·b and the squared norms (1 when either vector is zero), clamped to [0, 2]. */
export function cosineFrom(dot: number, na2: number, nb2: number): number {
  if (na2 === 0 || nb2 === 0) return 1;
  const d = 1 - dot / Math.sqrt(na2 * nb2);
  return d < 0 ? 0 : d > 2 ? 2 : d;
}

/** Output distance from the internal exact value (squared Euclidean → Euclidean). */
export function outputDistance(metric: Metric, v: number): number {
  return metric === 'euclidean' ? Math.sqrt(v) : v;
}

/**
 * One query (row `qo / dim` of `queries`) against every item but `exclude` (−1: none); top k into
 * out at outOff. Returns false when a value it read was NaN or ±Infinity (a sum came out non-finite),
 * so a caller that skipped validating the inputs (one more pass) can name the bad value then.
 */
export function scanQuery(
  metric: Metric,
  items: Float32Array,
  n: number,
  dim: number,
  queries: Float32Array,
  qo: number,
  exclude: number,
  k: number,
  outIdx: Int32Array,
  outDist: Float64Array,
  outOff: number,
): boolean {
  const q = Float64Array.from(queries.subarray(qo, qo + dim)); // the same values, read faster
  const cos = metric === 'cosine';
  const na2 = cos ? dot64(queries, qo, queries, qo, dim) : 0;
  let finite = na2 - na2 === 0;
  const dist = new Float64Array(k);
  const idx = new Int32Array(k);
  let cnt = 0;
  for (let j = 0; j < n; j++) {
    if (j === exclude) continue;
    const o = j * dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let d = 0;
    let v: number;
    if (cos) {
      let n0 = 0;
      let n1 = 0;
      let n2 = 0;
      let n3 = 0;
      for (; d + 4 <= dim; d += 4) {
        const b0 = items[o + d];
        const b1 = items[o + d + 1];
        const b2 = items[o + d + 2];
        const b3 = items[o + d + 3];
        s0 += q[d] * b0;
        s1 += q[d + 1] * b1;
        s2 += q[d + 2] * b2;
        s3 += q[d + 3] * b3;
        n0 += b0 * b0;
        n1 += b1 * b1;
        n2 += b2 * b2;
        n3 += b3 * b3;
      }
      for (; d < dim; d++) {
        const b = items[o + d];
        s0 += q[d] * b;
        n0 += b * b;
      }
      const dot = s0 + s1 + (s2 + s3);
      const nb2 = n0 + n1 + (n2 + n3);
      if (dot - dot !== 0 || nb2 - nb2 !== 0) finite = false;
      v = cosineFrom(dot, na2, nb2);
    } else {
      for (; d + 4 <= dim; d += 4) {
        const t0 = q[d] - items[o + d];
        const t1 = q[d + 1] - items[o + d + 1];
        const t2 = q[d + 2] - items[o + d + 2];
        const t3 = q[d + 3] - items[o + d + 3];
        s0 += t0 * t0;
        s1 += t1 * t1;
        s2 += t2 * t2;
        s3 += t3 * t3;
      }
      for (; d < dim; d++) {
        const t = q[d] - items[o + d];
        s0 += t * t;
      }
      v = s0 + s1 + (s2 + s3);
      if (v - v !== 0) finite = false;
    }
    if (cnt === k && !(v < dist[k - 1])) continue; // j is larger than every kept index: ties lose
    let pos = cnt < k ? cnt++ : k - 1;
    while (pos > 0 && dist[pos - 1] > v) {
      dist[pos] = dist[pos - 1];
      idx[pos] = idx[pos - 1];
      pos--;
    }
    dist[pos] = v;
    idx[pos] = j;
  }
  for (let t = 0; t < k; t++) {
    outIdx[outOff + t] = idx[t];
    outDist[outOff + t] = outputDistance(metric, dist[t]);
  }
  return finite;
}
