/**
 * The two search loops over tiles. When `seeds` covers every row (the all-pairs case), the
 * symmetric blocks are computed once and used for both rows and columns (half the arithmetic).
 */
import type { Progress } from '../types.ts';
import { wasmAvailable } from '../wasm-kernels.ts';
import { Candidates, COLS, ROWS, type Engine } from './engine.ts';
import { JsEngine } from './engine-js.ts';
import { WasmEngine } from './engine-wasm.ts';
import type { KnnBackend, KnnStats, KnnTuning } from './options.ts';
import type { Problem } from './prepare.ts';
import { finalizeSeed } from './rerank.ts';

const CHUNK = 4096; // seeds packed per pass over the corpus
// The all-pairs path packs the whole corpus once when it fits in this much.
export const SYMMETRIC_BYTES = 256 * 2 ** 20;
// The seeds path packs it whole up to this size, else streams it through a bounded block: a
// corpus is re-packed once per CHUNK seeds, which costs next to nothing against the scores, and
// the WebAssembly memory (kept between calls) stays ≤ ~64 MiB + one seed chunk instead of a
// second copy of the corpus (at 1M × 128 the budget is 2× the embedding bytes, see evaluate-whitenings.ts).
const RESIDENT_BYTES = 64 * 2 ** 20;
const BLOCK_BYTES = 64 * 2 ** 20; // otherwise pack it in blocks of this size

const NO_WASM = 'knn: WebAssembly SIMD is not available in this engine (or its memory could not be reserved)';

/** General path: query chunks × item blocks × tiles. */
export function searchGeneral(
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
export function searchSymmetric(
  p: Problem,
  backend: KnnBackend,
  stats: KnnStats,
  onProgress?: Progress,
): { indices: Int32Array; distances: Float64Array } | null {
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
