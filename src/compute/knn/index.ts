/**
 * Exact k-nearest-neighbour search (Euclidean or cosine distance), fast and deterministic.
 *
 * Design (each step is documented, and for step 4 proved, in the file that implements it)
 * 1. Prepare (`prepare.ts`): centre, scale by a power of two (Euclidean) or unit-normalise (cosine).
 * 2. Screen (`engine.ts`, `engine-wasm.ts`, `engine-js.ts`): float32 score tiles from a WebAssembly
 *    SIMD or a plain JS kernel; each seed keeps its m = k + margin lowest scores.
 * 3. Re-rank exactly (`rerank.ts`): float64 distances of the candidates, sorted by (distance, index).
 * 4. Prove (`bounds.ts`): a rigorous bound on the float32 screening error shows that no
 *    non-candidate belongs in the top k; otherwise that seed is recomputed by a full float64 scan.
 *    So results are identical to a float64 brute-force search, on every engine.
 * A few queries (≤ SCAN_QUERIES, default backend) skip steps 1–4: each is that brute-force search
 * (`scan.ts`), one pass over the corpus, cheaper than preparing the screen.
 *
 * When `seeds` covers every row (the all-pairs case), the symmetric blocks are computed once and
 * used for both rows and columns (half the arithmetic; `search.ts`). The per-seed work is
 * independent, so the app splits seed ranges across workers and joins the parts with `concatKnn`.
 */
import type { Embeddings, KnnResult, Metric, Progress } from '../types.ts';
import { assertEmbeddings, assertShape } from '../validate.ts';
import { startStats, type KnnOptions, type KnnQueryOptions, type KnnStats } from './options.ts';
import { buildProblem } from './prepare.ts';
import { scanQuery } from './scan.ts';
import { searchGeneral, searchSymmetric, SYMMETRIC_BYTES } from './search.ts';

/**
 * Up to this many queries (with the default backend), each is a full float64 scan: preparing the
 * screen (centring, norms, packing the corpus) costs several passes over it, a scan one per query
 * (at 100k × 512 in Node: screened ~0.65 s for 1–8 seeds, scanned 0.11 s per seed; docs/BENCHMARKS.md).
 */
export const SCAN_QUERIES = 4;

export type { KnnBackend, KnnOptions, KnnQueryOptions, KnnStats, KnnTuning } from './options.ts';

function validateK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`knn: k must be a positive integer, got ${k}`);
}

function validateMetric(metric: Metric): void {
  if (metric !== 'euclidean' && metric !== 'cosine') throw new Error(`knn: unknown metric "${String(metric)}"`);
}

function emptyResult(seeds: Int32Array, k: number): KnnResult {
  return { k, seeds, indices: new Int32Array(seeds.length * k), distances: new Float64Array(seeds.length * k) };
}

/**
 * Exact top-k neighbours of each seed row of `x` (the seed itself excluded; ties → lower index).
 * k is clamped to n − 1; the result's `k` is the effective value.
 */
export function knn(x: Embeddings, opts: KnnOptions): KnnResult {
  validateK(opts.k);
  validateMetric(opts.metric);
  assertShape(x, 'knn');
  const n = x.n;
  let seeds: Int32Array;
  let allRows = true;
  if (opts.seeds === undefined) {
    seeds = new Int32Array(n);
    for (let i = 0; i < n; i++) seeds[i] = i;
  } else {
    seeds = opts.seeds;
    allRows = seeds.length === n;
    for (let i = 0; i < seeds.length; i++) {
      const s = seeds[i];
      if (s < 0 || s >= n) throw new Error(`knn: seed ${s} (position ${i}) is outside 0…${n - 1}`);
      if (s !== i) allRows = false;
    }
  }
  const stats = startStats(opts.stats);
  const effK = Math.min(opts.k, Math.max(0, n - 1));
  const validate = () => assertEmbeddings(x, 'knn');
  if (seeds.length <= SCAN_QUERIES && effK > 0 && (opts.backend ?? 'auto') === 'auto') {
    return { k: effK, seeds, ...scanEach(x, x.data, seeds, true, effK, opts.metric, stats, validate, opts.onProgress) };
  }
  validate();
  if (effK === 0 || seeds.length === 0) {
    opts.onProgress?.(seeds.length, seeds.length);
    return emptyResult(seeds, effK);
  }
  const p = buildProblem(opts.metric, opts.k, opts.margin, x.data, n, x.dim, x.data, n, seeds, seeds, true);
  const symmetric = allRows && (opts.symmetric ?? true) && n * x.dim * 4 <= (opts.tuning?.residentBytes ?? SYMMETRIC_BYTES);
  const backend = opts.backend ?? 'auto';
  const r =
    (symmetric ? searchSymmetric(p, backend, stats, opts.onProgress) : null) ??
    searchGeneral(p, backend, stats, opts.onProgress, opts.tuning);
  return { k: p.k, seeds, indices: r.indices, distances: r.distances };
}

/**
 * Exact top-k corpus rows for each external query vector (nothing excluded). `seeds` is filled
 * with −1. k is clamped to the corpus size.
 */
export function knnQuery(x: Embeddings, queries: Embeddings, opts: KnnQueryOptions): KnnResult {
  validateK(opts.k);
  validateMetric(opts.metric);
  assertShape(x, 'knnQuery corpus');
  assertEmbeddings(queries, 'knnQuery queries');
  if (queries.dim !== x.dim) throw new Error(`knnQuery: queries have dimension ${queries.dim}, the corpus ${x.dim}`);
  const stats = startStats(opts.stats);
  const seeds = new Int32Array(queries.n).fill(-1);
  const effK = Math.min(opts.k, x.n);
  const rows = new Int32Array(queries.n);
  for (let i = 0; i < rows.length; i++) rows[i] = i;
  const validate = () => assertEmbeddings(x, 'knnQuery corpus');
  if (queries.n > 0 && queries.n <= SCAN_QUERIES && effK > 0 && (opts.backend ?? 'auto') === 'auto') {
    return { k: effK, seeds, ...scanEach(x, queries.data, rows, false, effK, opts.metric, stats, validate, opts.onProgress) };
  }
  validate();
  if (effK === 0 || queries.n === 0) return emptyResult(seeds, effK);
  const p = buildProblem(opts.metric, opts.k, opts.margin, x.data, x.n, x.dim, queries.data, queries.n, rows, null, false);
  const r = searchGeneral(p, opts.backend ?? 'auto', stats, opts.onProgress, opts.tuning);
  return { k: p.k, seeds, indices: r.indices, distances: r.distances };
}

/**
 * Each query row by a full float64 scan (a few queries: see SCAN_QUERIES); `self`: each excludes
 * its own row. The corpus is validated only when the scan met a non-finite value (`validate` then
 * throws, naming it): a separate pass would cost as much as the scan.
 */
function scanEach(
  x: Embeddings,
  queries: Float32Array,
  rows: Int32Array,
  self: boolean,
  k: number,
  metric: Metric,
  stats: KnnStats,
  validate: () => void,
  onProgress?: Progress,
): { indices: Int32Array; distances: Float64Array } {
  stats.backend = 'scan';
  const indices = new Int32Array(rows.length * k);
  const distances = new Float64Array(rows.length * k);
  for (let q = 0; q < rows.length; q++) {
    if (!scanQuery(metric, x.data, x.n, x.dim, queries, rows[q] * x.dim, self ? rows[q] : -1, k, indices, distances, q * k)) validate();
    onProgress?.(q + 1, rows.length);
  }
  return { indices, distances };
}

/** Joins results computed for disjoint seed ranges (e.g. by several workers), in the given order. */
export function concatKnn(parts: KnnResult[]): KnnResult {
  if (parts.length === 0) return { k: 0, seeds: new Int32Array(0), indices: new Int32Array(0), distances: new Float64Array(0) };
  const k = parts[0].k;
  let total = 0;
  for (const part of parts) {
    if (part.k !== k) throw new Error(`concatKnn: parts have different k (${part.k} vs ${k})`);
    total += part.seeds.length;
  }
  const seeds = new Int32Array(total);
  const indices = new Int32Array(total * k);
  const distances = new Float64Array(total * k);
  let o = 0;
  for (const part of parts) {
    seeds.set(part.seeds, o);
    indices.set(part.indices, o * k);
    distances.set(part.distances, o * k);
    o += part.seeds.length;
  }
  return { k, seeds, indices, distances };
}
