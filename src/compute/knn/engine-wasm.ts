/** The WebAssembly SIMD screening engine (kernels in `../wasm-kernels.ts`). */
import { createScoreKernel, type ScoreKernel } from '../wasm-kernels.ts';
import { roundUp32 } from './bounds.ts';
import { COLS, COLS_LOG2, ROWS, type Candidates, type Engine } from './engine.ts';
import { prepRow, type Problem } from './prepare.ts';

export class WasmEngine implements Engine {
  readonly kind = 'wasm';
  private readonly f32: Float32Array;
  private readonly i32: Int32Array;
  private readonly out: Float32Array;
  private loaded = -1;
  private loadedCount = 0;

  private constructor(
    private readonly kernel: ScoreKernel,
    private readonly p: Problem,
    private readonly at: {
      panel: number;
      norm: number;
      quad: number;
      out: number;
      rowThr: number;
      rowAdd: number;
      colThr: number;
      hits: number;
    },
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
