/** The portable screening engine, used where WebAssembly SIMD is unavailable (or asked for). */
import { COLS, ROWS, type Candidates, type Engine } from './engine.ts';
import { preparedVectors, type Problem } from './prepare.ts';

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

/** Portable fallback: same scores, float64 accumulation, rounded to float32 on store. */
export class JsEngine implements Engine {
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
