/**
 * Exact k-nearest-neighbour search (Euclidean or cosine distance), fast and deterministic.
 *
 * Design
 * 1. Prepare: Euclidean vectors are centred on the corpus mean (translation does not change
 *    distances, and it avoids cancellation in ‖a‖² − 2a·b + ‖b‖²) and scaled by a power of two so
 *    every norm is ≤ 1 (no float32 overflow, exact scaling). Cosine vectors are unit-normalised
 *    (zero vectors stay zero: their cosine similarity with anything is defined as 0).
 * 2. Screen: float32 blocks of scores ŝ_ij = ‖b_j‖² − 2⟨a_i, b_j⟩ (cosine: −2⟨â_i, b̂_j⟩) computed by a
 *    WebAssembly SIMD micro-kernel (4 seeds × 8 items register tile, `wasm-kernels.ts`) or, where
 *    WebAssembly SIMD is unavailable, a plain JS kernel. Each seed keeps its m = k + margin lowest
 *    scores in a sorted insertion buffer; everything else is rejected with one comparison against
 *    the buffer's current maximum τ.
 * 3. Re-rank exactly: candidates get their float64 distance from the original float32 data
 *    (Euclidean: Σ(a−b)²; cosine: 1 − a·b/√(‖a‖²‖b‖²), clamped to [0, 2] like scikit-learn), and
 *    are sorted by (distance, index) — the tie rule.
 * 4. Prove: a rigorous bound E on |ŝ − s| (float32 rounding of the inputs, of the dot product with
 *    D terms, of the norms and of the final subtraction; see `errorBound`) shows that every
 *    non-candidate is strictly farther than the k-th result: (τ − E) mapped to distance space must
 *    exceed the k-th exact distance (with a float64 slack). When it does not (exact ties or
 *    near-ties at the candidate boundary, e.g. many duplicates), that seed is recomputed by a full
 *    float64 scan. So results are identical to a float64 brute-force search, on every engine.
 *
 * When `seeds` covers every row (the all-pairs case), the symmetric blocks are computed once and
 * used for both rows and columns (half the arithmetic). The per-seed work is independent, so the
 * app splits seed ranges across workers and joins the parts with `concatKnn`.
 */
import type { Embeddings, KnnResult, Metric, Progress } from './types.ts';
import { assertEmbeddings } from './validate.ts';
import { createScoreKernel, wasmAvailable, type ScoreKernel } from './wasm-kernels.ts';

export type KnnBackend = 'auto' | 'wasm' | 'js';

/** Filled in by `knn`/`knnQuery` when passed in the options (for tests and benchmarks). */
export interface KnnStats {
  backend: 'wasm' | 'js' | 'none';
  symmetric: boolean;
  /** Seeds whose screening bound did not hold and that were recomputed by a full float64 scan. */
  fallbacks: number;
  /** Candidates re-ranked in float64 (excluding full scans). */
  reranked: number;
}

export interface KnnOptions {
  /** Neighbours per seed; clamped to the number of other rows (n − 1). */
  k: number;
  metric: Metric;
  /** Row indices of the seeds (default: every row, in order). */
  seeds?: Int32Array;
  onProgress?: Progress;
  /** Kernel choice (default 'auto': WebAssembly SIMD when available, else JS). */
  backend?: KnnBackend;
  /** Extra candidates per seed kept for the exact re-rank (default max(8, ⌈k/4⌉)). */
  margin?: number;
  /** Use the symmetric all-pairs path when seeds cover every row (default true). */
  symmetric?: boolean;
  stats?: KnnStats;
  /** Block sizes (tests use small ones to exercise the chunked paths). */
  tuning?: KnnTuning;
}

export interface KnnTuning {
  /** Seeds packed per pass over the corpus (default 4096). */
  chunkRows?: number;
  /**
   * Corpus bytes (float32) up to which the whole corpus is packed once: the all-pairs path
   * (default 256 MiB) and the seeds path (default 64 MiB, so the WebAssembly copy stays bounded).
   */
  residentBytes?: number;
  /** Items per block when it is not (default: 64 MiB worth). */
  blockItems?: number;
}

export interface KnnQueryOptions {
  k: number;
  metric: Metric;
  onProgress?: Progress;
  backend?: KnnBackend;
  margin?: number;
  stats?: KnnStats;
  tuning?: KnnTuning;
}

const U32 = 2 ** -24; // float32 unit roundoff
const ROWS = 64; // seeds per tile
const COLS_LOG2 = 10;
const COLS = 1 << COLS_LOG2; // items per tile
const CHUNK = 4096; // seeds packed per pass over the corpus
// The all-pairs path packs the whole corpus once when it fits in this much.
const SYMMETRIC_BYTES = 256 * 2 ** 20;
// The seeds path packs it whole up to this size, else streams it through a bounded block: a
// corpus is re-packed once per CHUNK seeds, which costs next to nothing against the scores, and
// the WebAssembly memory (kept between calls) stays ≤ ~64 MiB + one seed chunk instead of a
// second copy of the corpus (at 1M × 128 the budget is 2× the embedding bytes, see evaluate-whitenings.ts).
const RESIDENT_BYTES = 64 * 2 ** 20;
const BLOCK_BYTES = 64 * 2 ** 20; // otherwise pack it in blocks of this size

/**
 * The rows of one matrix (corpus or queries) as the screen sees them: v = (u − μ)·scale, rounded
 * to float32 when packed (see `prepRow`); only per-row norms are stored here.
 */
interface Prepared {
  src: Float32Array; // original rows
  inv: Float64Array | null; // cosine: 1/‖x‖ per row (0 for zero rows); Euclidean: null (u = x)
  kNorm: Float32Array; // the kernel's norm term: fl32(‖v‖²), +Infinity for zero rows (cosine)
  norm: Float64Array; // ‖v‖ of the float64 vector (before rounding to float32)
  maxNorm: number;
}

interface Problem {
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

function validateK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`knn: k must be a positive integer, got ${k}`);
}

function validateMetric(metric: Metric): void {
  if (metric !== 'euclidean' && metric !== 'cosine') throw new Error(`knn: unknown metric "${String(metric)}"`);
}

/**
 * Σ a_d·b_d in float64 with four interleaved partial sums, combined as (s0 + s1) + (s2 + s3).
 * Row norms use the same function, so a row's dot product with itself equals its norm² bit for bit
 * (duplicates then sit at cosine distance exactly 0).
 */
function dot64(a: Float32Array, ao: number, b: Float32Array, bo: number, dim: number): number {
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
function preparedVectors(p: Problem, which: Prepared, rows: number): Float32Array {
  const dim = p.dim;
  const out = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) prepRow(p, which, i, out, i * dim, 1);
  return out;
}

/** Writes prepared row i of `which` into dst[at + d·stride], rounded to float32. */
function prepRow(p: Problem, which: Prepared, i: number, dst: Float32Array, at: number, stride: number): void {
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

/**
 * Bound on |ŝ − s| for one seed with prepared norm `na` (all prepared norms ≤ maxNorm ≤ 1):
 *   inputs rounded to float32 (2u·na·M), float32 dot of D terms (D·u·na·M, ×2 for the −2 factor),
 *   ‖b‖² rounded to float32 (u·M²), the final subtraction (u·|ŝ| ≤ u(M² + 2na·M)), and in the
 *   symmetric path the transposed use (u·na²). Underflow of tiny float32 components adds at most
 *   (6D+16)·2^-149. The 5% slack absorbs the float64 roundings of the bookkeeping (≪ u).
 */
function errorBound(dim: number, na: number, maxNorm: number): number {
  return 1.05 * U32 * ((2 * dim + 8) * na * maxNorm + 2 * maxNorm * maxNorm + na * na) + (8 * dim + 32) * 2 ** -149;
}

// ---------------------------------------------------------------------------------------------
// Candidate buffers: per seed slot, `m` (score, index) pairs sorted by score; tau = the m-th score.

class Candidates {
  readonly score: Float64Array;
  readonly index: Int32Array;
  readonly count: Int32Array;
  readonly tau: Float64Array;
  constructor(
    readonly slots: number,
    readonly m: number,
  ) {
    this.score = new Float64Array(slots * m);
    this.index = new Int32Array(slots * m);
    this.count = new Int32Array(slots);
    this.tau = new Float64Array(slots).fill(Infinity);
  }

  reset(): void {
    this.count.fill(0);
    this.tau.fill(Infinity);
  }

  /** Insert (v, j) into slot s; returns the slot's new threshold τ. */
  insert(s: number, v: number, j: number): number {
    const { score, index, m } = this;
    const base = s * m;
    let c = this.count[s];
    let pos: number;
    if (c < m) {
      pos = base + c;
      this.count[s] = ++c;
    } else {
      pos = base + m - 1;
    }
    while (pos > base && score[pos - 1] > v) {
      score[pos] = score[pos - 1];
      index[pos] = index[pos - 1];
      pos--;
    }
    score[pos] = v;
    index[pos] = j;
    const t = c < m ? Infinity : score[base + m - 1];
    this.tau[s] = t;
    return t;
  }
}

/** The smallest float32 value ≥ x (or a slightly larger one): a conservative float32 threshold. */
function roundUp32(x: number): number {
  const f = Math.fround(x);
  if (f >= x) return f;
  return Math.fround(x + Math.abs(x) * 2 ** -22 + 1e-38);
}

// ---------------------------------------------------------------------------------------------
// Kernels behind one interface. tile(r0, rows, c0, cols) fills a ROWS × COLS score tile for
// chunk-relative query rows r0.. against block-relative items c0..; selectRows inserts each row's
// items that beat its threshold; selectCols (all-pairs path) does the same for the transposed tile.

interface Engine {
  kind: 'wasm' | 'js';
  loadItems(j0: number, count: number): void;
  loadQueries(q0: number, count: number): void;
  tile(r0: number, rows: number, c0: number, cols: number): void;
  /** Slot slot0 + r gets items jBase + c (c < cols) except ex[r]. */
  selectRows(rows: number, cols: number, cand: Candidates, slot0: number, jBase: number, ex: Int32Array): void;
  /** Seeds jBase + c (cStart ≤ c < cols) get items i0 + r, scores out + kn[i] − kn[j]; colThr[j] = τ_j + kn[j]. */
  selectCols(rows: number, cStart: number, cols: number, cand: Candidates, i0: number, jBase: number, colThr: Float64Array): void;
}

/** Portable selection over a tile held in a Float32Array (row stride COLS). */
function selectRowsJs(out: Float32Array, rows: number, cols: number, cand: Candidates, slot0: number, jBase: number, ex: Int32Array): void {
  for (let r = 0; r < rows; r++) {
    const s = slot0 + r;
    const off = r * COLS;
    const skip = ex[r];
    let thr = cand.tau[s];
    for (let c = 0; c < cols; c++) {
      const v = out[off + c];
      if (v < thr) {
        const j = jBase + c;
        if (j !== skip) thr = cand.insert(s, v, j);
      }
    }
  }
}

function selectColsJs(
  out: Float32Array,
  kn: Float32Array,
  rows: number,
  cStart: number,
  cols: number,
  cand: Candidates,
  i0: number,
  jBase: number,
  colThr: Float64Array,
): void {
  for (let r = 0; r < rows; r++) {
    const i = i0 + r;
    const ni = kn[i];
    const off = r * COLS;
    for (let c = cStart; c < cols; c++) {
      const v = out[off + c] + ni;
      const j = jBase + c;
      if (v < colThr[j]) colThr[j] = cand.insert(j, v - kn[j], i) + kn[j];
    }
  }
}

class WasmEngine implements Engine {
  readonly kind = 'wasm';
  private readonly f32: Float32Array;
  private readonly i32: Int32Array;
  private readonly out: Float32Array;
  private loaded = -1;
  private loadedCount = 0;

  private constructor(
    private readonly kernel: ScoreKernel,
    private readonly p: Problem,
    private readonly at: { panel: number; norm: number; quad: number; out: number; rowThr: number; rowAdd: number; colThr: number; hits: number },
  ) {
    this.f32 = new Float32Array(kernel.memory.buffer);
    this.i32 = new Int32Array(kernel.memory.buffer);
    this.out = this.f32.subarray(at.out, at.out + ROWS * COLS);
  }

  /** Memory for a block of `blockItems` items, `chunkRows` queries and `colItems` column thresholds. */
  static create(p: Problem, blockItems: number, chunkRows: number, colItems: number): WasmEngine | null {
    const dim = p.dim;
    const itemsPadded = Math.ceil(blockItems / 8) * 8;
    const rowsPadded = Math.ceil(chunkRows / 4) * 4;
    // Offsets in 4-byte words; every region 16-byte aligned.
    const align = (w: number): number => Math.ceil(w / 4) * 4;
    const panel = 0;
    const norm = align(panel + itemsPadded * dim);
    const quad = align(norm + itemsPadded);
    const out = align(quad + rowsPadded * dim);
    const rowThr = align(out + ROWS * COLS);
    const rowAdd = align(rowThr + ROWS);
    const colThr = align(rowAdd + ROWS);
    const hits = align(colThr + colItems + COLS);
    const total = hits + (ROWS * COLS) / 2;
    const kernel = createScoreKernel(total * 4);
    if (kernel === null) return null;
    const e = new WasmEngine(kernel, p, { panel, norm, quad, out, rowThr, rowAdd, colThr, hits });
    e.f32.fill(Infinity, colThr, colThr + colItems + COLS);
    return e;
  }

  loadItems(j0: number, count: number): void {
    if (this.loaded === j0 && this.loadedCount === count) return;
    const f32 = this.f32;
    const p = this.p;
    const dim = p.dim;
    const kn = p.pItems.kNorm;
    const panels = Math.ceil(count / 8);
    for (let q = 0; q < panels; q++) {
      const base = this.at.panel + q * 8 * dim;
      const t0 = q * 8;
      for (let l = 0; l < 8; l++) {
        if (t0 + l < count) prepRow(p, p.pItems, j0 + t0 + l, f32, base + l, 8);
        else for (let d = 0; d < dim; d++) f32[base + l + d * 8] = 0;
      }
      // Padding items get +Infinity: they never rank.
      for (let l = 0; l < 8; l++) f32[this.at.norm + t0 + l] = t0 + l < count ? kn[j0 + t0 + l] : Infinity;
    }
    this.loaded = j0;
    this.loadedCount = count;
  }

  loadQueries(q0: number, count: number): void {
    const f32 = this.f32;
    const p = this.p;
    const dim = p.dim;
    const rows = p.queryRows;
    const quads = Math.ceil(count / 4);
    for (let q = 0; q < quads; q++) {
      const base = this.at.quad + q * 4 * dim;
      for (let l = 0; l < 4; l++) {
        const t = q * 4 + l;
        if (t < count) prepRow(p, p.pQueries, rows[q0 + t], f32, base + l, 4);
        else for (let d = 0; d < dim; d++) f32[base + l + d * 4] = 0;
      }
    }
  }

  tile(r0: number, rows: number, c0: number, cols: number): void {
    const dim = this.p.dim;
    this.kernel.scores(
      (this.at.quad + r0 * dim) * 4,
      Math.ceil(rows / 4),
      (this.at.panel + c0 * dim) * 4,
      Math.ceil(cols / 8),
      dim,
      (this.at.norm + c0) * 4,
      this.at.out * 4,
      COLS * 4,
    );
  }

  selectRows(rows: number, cols: number, cand: Candidates, slot0: number, jBase: number, ex: Int32Array): void {
    const { f32, i32, out, at } = this;
    const tau = cand.tau;
    for (let r = 0; r < rows; r++) f32[at.rowThr + r] = roundUp32(tau[slot0 + r]);
    const hits = this.kernel.filterRows(at.out * 4, rows, 0, Math.ceil(cols / 4), COLS * 4, 0, at.rowThr * 4, at.hits * 4);
    for (let h = 0; h < hits; h++) {
      const idx = i32[at.hits + 2 * h];
      let mask = i32[at.hits + 2 * h + 1];
      const r = idx >> COLS_LOG2;
      const c = idx & (COLS - 1);
      const s = slot0 + r;
      while (mask !== 0) {
        const bit = 31 - Math.clz32(mask & -mask);
        mask &= mask - 1;
        const cc = c + bit;
        if (cc >= cols) break;
        const v = out[idx + bit];
        if (v < tau[s]) {
          const j = jBase + cc;
          if (j !== ex[r]) cand.insert(s, v, j);
        }
      }
    }
  }

  selectCols(rows: number, cStart: number, cols: number, cand: Candidates, i0: number, jBase: number, colThr: Float64Array): void {
    const { f32, i32, out, at } = this;
    const kn = this.p.pItems.kNorm;
    for (let r = 0; r < rows; r++) f32[at.rowAdd + r] = kn[i0 + r];
    const g0 = cStart >> 2;
    const groups = Math.ceil(cols / 4) - g0;
    const hits = this.kernel.filterCols(at.out * 4, rows, g0, groups, COLS * 4, at.rowAdd * 4, (at.colThr + jBase) * 4, at.hits * 4);
    for (let h = 0; h < hits; h++) {
      const idx = i32[at.hits + 2 * h];
      let mask = i32[at.hits + 2 * h + 1];
      const r = idx >> COLS_LOG2;
      const c = idx & (COLS - 1);
      const i = i0 + r;
      const ni = kn[i];
      while (mask !== 0) {
        const bit = 31 - Math.clz32(mask & -mask);
        mask &= mask - 1;
        const cc = c + bit;
        if (cc < cStart) continue;
        if (cc >= cols) break;
        const v = out[idx + bit] + ni;
        const j = jBase + cc;
        if (v < colThr[j]) {
          const t = cand.insert(j, v - kn[j], i) + kn[j];
          colThr[j] = t;
          f32[at.colThr + j] = roundUp32(t);
        }
      }
    }
  }
}

/** Portable fallback: same scores, float64 accumulation, rounded to float32 on store. */
class JsEngine implements Engine {
  readonly kind = 'js';
  private readonly out = new Float32Array(ROWS * COLS);
  private readonly items: Float32Array;
  private readonly queries: Float32Array;
  private j0 = 0;
  private q0 = 0;
  constructor(private readonly p: Problem) {
    this.items = preparedVectors(p, p.pItems, p.n);
    this.queries = p.pQueries === p.pItems ? this.items : preparedVectors(p, p.pQueries, p.pQueries.kNorm.length);
  }

  loadItems(j0: number): void {
    this.j0 = j0;
  }

  loadQueries(q0: number): void {
    this.q0 = q0;
  }

  tile(r0: number, rows: number, c0: number, cols: number): void {
    const { out } = this;
    const dim = this.p.dim;
    const a = this.queries;
    const b = this.items;
    const kn = this.p.pItems.kNorm;
    const qr = this.p.queryRows;
    const jBase = this.j0 + c0;
    for (let r = 0; r < rows; r++) {
      const ao = qr[this.q0 + r0 + r] * dim;
      const oo = r * COLS;
      let c = 0;
      for (; c + 4 <= cols; c += 4) {
        const b0 = (jBase + c) * dim;
        const b1 = b0 + dim;
        const b2 = b1 + dim;
        const b3 = b2 + dim;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let d = 0; d < dim; d++) {
          const av = a[ao + d];
          s0 += av * b[b0 + d];
          s1 += av * b[b1 + d];
          s2 += av * b[b2 + d];
          s3 += av * b[b3 + d];
        }
        out[oo + c] = kn[jBase + c] - 2 * s0;
        out[oo + c + 1] = kn[jBase + c + 1] - 2 * s1;
        out[oo + c + 2] = kn[jBase + c + 2] - 2 * s2;
        out[oo + c + 3] = kn[jBase + c + 3] - 2 * s3;
      }
      for (; c < cols; c++) {
        const bo = (jBase + c) * dim;
        let s = 0;
        for (let d = 0; d < dim; d++) s += a[ao + d] * b[bo + d];
        out[oo + c] = kn[jBase + c] - 2 * s;
      }
    }
  }

  selectRows(rows: number, cols: number, cand: Candidates, slot0: number, jBase: number, ex: Int32Array): void {
    selectRowsJs(this.out, rows, cols, cand, slot0, jBase, ex);
  }

  selectCols(rows: number, cStart: number, cols: number, cand: Candidates, i0: number, jBase: number, colThr: Float64Array): void {
    selectColsJs(this.out, this.p.pItems.kNorm, rows, cStart, cols, cand, i0, jBase, colThr);
  }
}

// ---------------------------------------------------------------------------------------------
// Exact float64 distances.

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

function cosineFrom(dot: number, na2: number, nb2: number): number {
  if (na2 === 0 || nb2 === 0) return 1;
  const d = 1 - dot / Math.sqrt(na2 * nb2);
  return d < 0 ? 0 : d > 2 ? 2 : d;
}

/** Output distance from the internal exact value (squared Euclidean → Euclidean). */
function outputDistance(metric: Metric, v: number): number {
  return metric === 'euclidean' ? Math.sqrt(v) : v;
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

/** Full float64 scan for one query: top-k by (distance, index). */
function fullScan(p: Problem, qi: number, outIdx: Int32Array, outDist: Float64Array, outOff: number): void {
  const k = p.k;
  const qRow = p.queryRows[qi];
  const ex = p.exclude === null ? -1 : p.exclude[qi];
  const dist = new Float64Array(k);
  const idx = new Int32Array(k);
  let cnt = 0;
  for (let j = 0; j < p.n; j++) {
    if (j === ex) continue;
    const v = exactDistance(p, qRow, j);
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
    outDist[outOff + t] = outputDistance(p.metric, dist[t]);
  }
}

/**
 * Re-rank slot `s` (query qi) exactly and prove that no non-candidate belongs in the top k;
 * otherwise recompute the query by a full float64 scan.
 */
function finalizeSeed(
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
  const E = errorBound(dim, na, p.maxNorm);
  const s2 = p.scale * p.scale;
  const relSlack = (dim + 3) * 2 ** -52;
  const absSlack = (2 * dim + 16) * 2 ** -53;
  // Lower bound, in exact-distance units, for every item whose screening score is ≥ t.
  const lowerBound = (t: number): number =>
    metric === 'euclidean'
      ? ((t + na * na - E) / s2) * (1 - relSlack)
      : (0.5 * (t + na * na - E)) / s2 - absSlack;

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

// ---------------------------------------------------------------------------------------------

const NO_WASM = 'knn: WebAssembly SIMD is not available in this engine (or its memory could not be reserved)';

function newStats(): KnnStats {
  return { backend: 'none', symmetric: false, fallbacks: 0, reranked: 0 };
}

function emptyResult(seeds: Int32Array, k: number): KnnResult {
  return { k, seeds, indices: new Int32Array(seeds.length * k), distances: new Float64Array(seeds.length * k) };
}

/** General path: query chunks × item blocks × tiles. */
function searchGeneral(
  p: Problem,
  backend: KnnBackend,
  stats: KnnStats,
  onProgress?: Progress,
  tuning: KnnTuning = {},
): { indices: Int32Array; distances: Float64Array } {
  const Q = p.queryRows.length;
  const indices = new Int32Array(Q * p.k);
  const distances = new Float64Array(Q * p.k);
  const itemBytes = p.n * p.dim * 4;
  let blockItems =
    itemBytes <= (tuning.residentBytes ?? RESIDENT_BYTES)
      ? p.n
      : Math.max(1, tuning.blockItems ?? Math.max(COLS, Math.floor(BLOCK_BYTES / (p.dim * 4 * COLS)) * COLS));
  let chunkRows = Math.max(1, Math.min(tuning.chunkRows ?? CHUNK, Q));
  let engine: Engine | null = null;
  if (backend !== 'js') {
    engine = WasmEngine.create(p, Math.min(blockItems, p.n), chunkRows, 0);
    if (engine === null && blockItems === p.n) {
      // The resident corpus did not fit in WebAssembly memory: stream it in blocks instead.
      blockItems = Math.max(COLS, Math.floor(BLOCK_BYTES / (p.dim * 4 * COLS)) * COLS);
      chunkRows = Math.min(chunkRows, 1024);
      engine = WasmEngine.create(p, Math.min(blockItems, p.n), chunkRows, 0);
    }
    if (engine === null && backend === 'wasm') throw new Error(NO_WASM);
  }
  engine ??= new JsEngine(p);
  stats.backend = engine.kind;
  const cand = new Candidates(chunkRows, p.m);
  const scratch = { dist: new Float64Array(p.m + p.k + 1), idx: new Int32Array(p.m + p.k + 1) };
  const exRows = new Int32Array(ROWS).fill(-1);
  const totalWork = Q * p.n;
  let work = 0;
  for (let q0 = 0; q0 < Q; q0 += chunkRows) {
    const qc = Math.min(chunkRows, Q - q0);
    engine.loadQueries(q0, qc);
    cand.reset();
    for (let j0 = 0; j0 < p.n; j0 += blockItems) {
      const jc = Math.min(blockItems, p.n - j0);
      engine.loadItems(j0, jc);
      for (let r0 = 0; r0 < qc; r0 += ROWS) {
        const rows = Math.min(ROWS, qc - r0);
        if (p.exclude !== null) for (let r = 0; r < rows; r++) exRows[r] = p.exclude[q0 + r0 + r];
        for (let c0 = 0; c0 < jc; c0 += COLS) {
          const cols = Math.min(COLS, jc - c0);
          engine.tile(r0, rows, c0, cols);
          engine.selectRows(rows, cols, cand, r0, j0 + c0, exRows);
        }
        work += rows * jc;
        if (onProgress !== undefined) onProgress(Math.min(Q, Math.floor((Q * work) / totalWork)), Q);
      }
    }
    for (let s = 0; s < qc; s++) finalizeSeed(p, cand, s, q0 + s, indices, distances, stats, scratch);
  }
  return { indices, distances };
}

/**
 * All-pairs path (queries are all rows in order, exclusion of self): each block pair once.
 * Returns null when the WebAssembly memory for it cannot be reserved (the caller then uses the
 * blocked general path).
 */
function searchSymmetric(p: Problem, backend: KnnBackend, stats: KnnStats, onProgress?: Progress): { indices: Int32Array; distances: Float64Array } | null {
  const n = p.n;
  let engine: Engine;
  if (backend === 'js' || (backend === 'auto' && !wasmAvailable())) {
    engine = new JsEngine(p);
  } else {
    const e = WasmEngine.create(p, n, n, n);
    if (e === null) return null;
    engine = e;
  }
  const indices = new Int32Array(n * p.k);
  const distances = new Float64Array(n * p.k);
  stats.backend = engine.kind;
  stats.symmetric = true;
  engine.loadItems(0, n);
  engine.loadQueries(0, n);
  const cand = new Candidates(n, p.m);
  const colThr = new Float64Array(n).fill(Infinity); // τ_j + kn[j]
  const exRows = new Int32Array(ROWS);
  const totalWork = (n * (n + 1)) / 2;
  let work = 0;
  for (let s0 = 0; s0 < n; s0 += ROWS) {
    const rows = Math.min(ROWS, n - s0);
    for (let r = 0; r < rows; r++) exRows[r] = s0 + r;
    for (let c0 = s0; c0 < n; c0 += COLS) {
      const cols = Math.min(COLS, n - c0);
      engine.tile(s0, rows, c0, cols);
      // Rows: seeds s0.. against items c0.. (includes the diagonal square).
      engine.selectRows(rows, cols, cand, s0, c0, exRows);
      // Columns: items beyond the diagonal square as seeds, against seeds s0.. as items.
      const cStart = Math.max(0, s0 + rows - c0);
      if (cStart < cols) engine.selectCols(rows, cStart, cols, cand, s0, c0, colThr);
    }
    work += rows * (n - s0);
    if (onProgress !== undefined) onProgress(Math.min(n, Math.floor((n * work) / totalWork)), n);
  }
  const scratch = { dist: new Float64Array(p.m + p.k + 1), idx: new Int32Array(p.m + p.k + 1) };
  for (let s = 0; s < n; s++) finalizeSeed(p, cand, s, s, indices, distances, stats, scratch);
  return { indices, distances };
}

function buildProblem(
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
    metric, dim, k: effK, m, items, n, itemNorm2, queries, queryRows, queryNorm2, exclude,
    pItems, pQueries, mu, scale, maxNorm, zeroItems,
  };
}

/**
 * Exact top-k neighbours of each seed row of `x` (the seed itself excluded; ties → lower index).
 * k is clamped to n − 1; the result's `k` is the effective value.
 */
export function knn(x: Embeddings, opts: KnnOptions): KnnResult {
  validateK(opts.k);
  validateMetric(opts.metric);
  assertEmbeddings(x, 'knn');
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
  const stats = opts.stats ?? newStats();
  stats.backend = 'none';
  stats.symmetric = false;
  stats.fallbacks = 0;
  stats.reranked = 0;
  const effK = Math.min(opts.k, Math.max(0, n - 1));
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
  assertEmbeddings(x, 'knnQuery corpus');
  assertEmbeddings(queries, 'knnQuery queries');
  if (queries.dim !== x.dim) throw new Error(`knnQuery: queries have dimension ${queries.dim}, the corpus ${x.dim}`);
  const stats = opts.stats ?? newStats();
  stats.backend = 'none';
  stats.symmetric = false;
  stats.fallbacks = 0;
  stats.reranked = 0;
  const seeds = new Int32Array(queries.n).fill(-1);
  const effK = Math.min(opts.k, x.n);
  if (effK === 0 || queries.n === 0) return emptyResult(seeds, effK);
  const rows = new Int32Array(queries.n);
  for (let i = 0; i < rows.length; i++) rows[i] = i;
  const p = buildProblem(opts.metric, opts.k, opts.margin, x.data, x.n, x.dim, queries.data, queries.n, rows, null, false);
  const r = searchGeneral(p, opts.backend ?? 'auto', stats, opts.onProgress, opts.tuning);
  return { k: p.k, seeds, indices: r.indices, distances: r.distances };
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
