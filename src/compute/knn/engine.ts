/**
 * Step 2 of the search, the screen (see `index.ts` for the whole design):
 * float32 blocks of scores ŝ_ij = ‖b_j‖² − 2⟨a_i, b_j⟩ (cosine: −2⟨â_i, b̂_j⟩) computed by a
 * WebAssembly SIMD micro-kernel (4 seeds × 8 items register tile, `wasm-kernels.ts`, in
 * `engine-wasm.ts`) or, where WebAssembly SIMD is unavailable, a plain JS kernel (`engine-js.ts`).
 * Each seed keeps its m = k + margin lowest scores in a sorted insertion buffer (`Candidates`);
 * everything else is rejected with one comparison against the buffer's current maximum τ.
 */

export const ROWS = 64; // seeds per tile
export const COLS_LOG2 = 10;
export const COLS = 1 << COLS_LOG2; // items per tile

// ---------------------------------------------------------------------------------------------
// Candidate buffers: per seed slot, `m` (score, index) pairs sorted by score; tau = the m-th score.

export class Candidates {
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

// ---------------------------------------------------------------------------------------------
// Kernels behind one interface. tile(r0, rows, c0, cols) fills a ROWS × COLS score tile for
// chunk-relative query rows r0.. against block-relative items c0..; selectRows inserts each row's
// items that beat its threshold; selectCols (all-pairs path) does the same for the transposed tile.

export interface Engine {
  kind: 'wasm' | 'js';
  loadItems(j0: number, count: number): void;
  loadQueries(q0: number, count: number): void;
  tile(r0: number, rows: number, c0: number, cols: number): void;
  /** Slot slot0 + r gets items jBase + c (c < cols) except ex[r]. */
  selectRows(rows: number, cols: number, cand: Candidates, slot0: number, jBase: number, ex: Int32Array): void;
  /** Seeds jBase + c (cStart ≤ c < cols) get items i0 + r, scores out + kn[i] − kn[j]; colThr[j] = τ_j + kn[j]. */
  selectCols(rows: number, cStart: number, cols: number, cand: Candidates, i0: number, jBase: number, colThr: Float64Array): void;
}
