/**
 * Step 3 of the search, the exact re-rank (see `index.ts` for the whole design):
 * candidates get their float64 distance from the original float32 data
 * (Euclidean: Σ(a−b)²; cosine: 1 − a·b/√(‖a‖²‖b‖²), clamped to [0, 2] like scikit-learn), and
 * are sorted by (distance, index) — the tie rule. `finalizeSeed` then applies the proof of
 * `bounds.ts` and falls back to a full float64 scan when it does not hold.
 */
import { distanceLowerBound } from './bounds.ts';
import type { Candidates } from './engine.ts';
import type { KnnStats } from './options.ts';
import { dot64, type Problem } from './prepare.ts';
import { cosineFrom, outputDistance, scanQuery } from './scan.ts';

function exactDistance(p: Problem, qRow: number, j: number): number {
  const dim = p.dim;
  const a = p.queries;
  const b = p.items;
  const ao = qRow * dim;
  const bo = j * dim;
  if (p.metric === 'euclidean') {
    // Four interleaved float64 partial sums (for speed), combined as (s0 + s1) + (s2 + s3).
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let d = 0;
    for (; d + 4 <= dim; d += 4) {
      const t0 = a[ao + d] - b[bo + d];
      const t1 = a[ao + d + 1] - b[bo + d + 1];
      const t2 = a[ao + d + 2] - b[bo + d + 2];
      const t3 = a[ao + d + 3] - b[bo + d + 3];
      s0 += t0 * t0;
      s1 += t1 * t1;
      s2 += t2 * t2;
      s3 += t3 * t3;
    }
    for (; d < dim; d++) {
      const t = a[ao + d] - b[bo + d];
      s0 += t * t;
    }
    return s0 + s1 + (s2 + s3);
  }
  return cosineFrom(dot64(a, ao, b, bo, dim), p.queryNorm2![qRow], p.itemNorm2![j]);
}

/** Sorts (dist, idx) pairs in place by distance, then index. */
function sortPairs(dist: Float64Array, idx: Int32Array, len: number): void {
  for (let i = 1; i < len; i++) {
    const dv = dist[i];
    const iv = idx[i];
    let j = i - 1;
    while (j >= 0 && (dist[j] > dv || (dist[j] === dv && idx[j] > iv))) {
      dist[j + 1] = dist[j];
      idx[j + 1] = idx[j];
      j--;
    }
    dist[j + 1] = dv;
    idx[j + 1] = iv;
  }
}

/** Full float64 scan for query qi of the problem (see scan.ts). */
function fullScan(p: Problem, qi: number, outIdx: Int32Array, outDist: Float64Array, outOff: number): void {
  const ex = p.exclude === null ? -1 : p.exclude[qi];
  scanQuery(p.metric, p.items, p.n, p.dim, p.queries, p.queryRows[qi] * p.dim, ex, p.k, outIdx, outDist, outOff);
}

/**
 * Re-rank slot `s` (query qi) exactly and prove that no non-candidate belongs in the top k;
 * otherwise recompute the query by a full float64 scan.
 */
export function finalizeSeed(
  p: Problem,
  cand: Candidates,
  s: number,
  qi: number,
  outIdx: Int32Array,
  outDist: Float64Array,
  stats: KnnStats,
  scratch: { dist: Float64Array; idx: Int32Array },
): void {
  const { k, m, dim, metric } = p;
  const outOff = qi * k;
  if (k === 0) return;
  const qRow = p.queryRows[qi];
  if (p.queryNorm2 !== null && p.queryNorm2[qRow] === 0) {
    fullScan(p, qi, outIdx, outDist, outOff); // zero query: every distance is 1
    return;
  }
  const ex = p.exclude === null ? -1 : p.exclude[qi];
  const zeros = p.zeroItems;
  // Items the screen could have seen: all rows except the excluded one and zero rows (cosine).
  const avail = p.n - zeros.length - (ex >= 0 && p.pItems.kNorm[ex] !== Infinity ? 1 : 0);
  const c = cand.count[s];
  const base = s * m;
  const na = p.pQueries.norm[qRow];
  // Lower bound, in exact-distance units, for every item whose screening score is ≥ t.
  const lowerBound = distanceLowerBound(metric, dim, na, p.maxNorm, p.scale);

  const { dist, idx } = scratch;
  let len = 0;
  let kth = -Infinity; // max exact distance among the first k computed
  for (let t = 0; t < c; t++) {
    if (len >= k && lowerBound(cand.score[base + t]) > kth) break; // the rest are all farther
    const j = cand.index[base + t];
    const v = exactDistance(p, qRow, j);
    dist[len] = v;
    idx[len] = j;
    len++;
    if (len <= k && v > kth) kth = v;
  }
  stats.reranked += len;
  // Zero rows (cosine) sit at distance exactly 1: only the k lowest indices can matter.
  for (let z = 0, added = 0; z < zeros.length && added < k; z++) {
    if (zeros[z] === ex) continue;
    dist[len] = 1;
    idx[len] = zeros[z];
    len++;
    added++;
  }
  sortPairs(dist, idx, len);
  let ok = len >= k;
  if (ok && c < avail) {
    // The buffer is full (c = m): every unseen item scored ≥ τ.
    ok = lowerBound(cand.tau[s]) > dist[k - 1];
  }
  if (!ok) {
    stats.fallbacks++;
    fullScan(p, qi, outIdx, outDist, outOff);
    return;
  }
  for (let t = 0; t < k; t++) {
    outIdx[outOff + t] = idx[t];
    outDist[outOff + t] = outputDistance(metric, dist[t]);
  }
}
