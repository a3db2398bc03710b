/**
 * UMAP's layout: the (a, b) curve fit, a PCA start, and the stochastic gradient descent over a
 * fuzzy graph's edges (attraction along edges, repulsion from negative samples), as in umap-learn's
 * `optimize_layout_euclidean`. Coordinates are a flat Float32Array (n × 2); one integer PRNG seeded
 * by the caller drives the negative samples, so the same input and seed give the same layout.
 */
import type { FuzzyGraph } from './graph.ts';

/** Fits 1 / (1 + a·x^(2b)) to UMAP's target curve for (spread, minDist) (Levenberg–Marquardt). */
export function findAB(spread = 1, minDist = 0.1): { a: number; b: number } {
  const m = 300;
  const xs = new Float64Array(m);
  const ys = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const x = (3 * spread * i) / (m - 1);
    xs[i] = x;
    ys[i] = x < minDist ? 1 : Math.exp(-(x - minDist) / spread);
  }
  const loss = (a: number, b: number): number => {
    let s = 0;
    for (let i = 0; i < m; i++) {
      const r = 1 / (1 + a * Math.pow(xs[i], 2 * b)) - ys[i];
      s += r * r;
    }
    return s;
  };
  let a = 1;
  let b = 1;
  let lambda = 1e-3;
  let current = loss(a, b);
  for (let it = 0; it < 200; it++) {
    // Normal equations JᵀJ δ = −Jᵀr with analytic derivatives.
    let jaa = 0,
      jab = 0,
      jbb = 0,
      ga = 0,
      gb = 0;
    for (let i = 0; i < m; i++) {
      const x = xs[i];
      if (x <= 0) {
        const r = 1 - ys[i];
        void r;
        continue;
      }
      const p = Math.pow(x, 2 * b);
      const f = 1 / (1 + a * p);
      const r = f - ys[i];
      const da = -p * f * f;
      const db = -a * p * 2 * Math.log(x) * f * f;
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r;
      gb += db * r;
    }
    let improved = false;
    for (let tries = 0; tries < 20; tries++) {
      const A = jaa * (1 + lambda),
        B = jab,
        D = jbb * (1 + lambda);
      const det = A * D - B * B;
      if (det === 0) break;
      const sa = -(D * ga - B * gb) / det;
      const sb = -(A * gb - B * ga) / det;
      const na = a + sa;
      const nb = b + sb;
      const l = na > 0 && nb > 0 ? loss(na, nb) : Infinity;
      if (l < current) {
        const rel = (current - l) / Math.max(current, 1e-300);
        a = na;
        b = nb;
        current = l;
        lambda = Math.max(lambda / 10, 1e-12);
        improved = rel > 1e-12;
        break;
      }
      lambda *= 10;
    }
    if (!improved) break;
  }
  return { a, b };
}

/** Uniform start in [−10, 10]² (for graphs without vectors). */
export function randomInit(n: number, seed: number): Float32Array {
  const out = new Float32Array(n * 2);
  let s = seed >>> 0 || 0x9e3779b9;
  for (let t = 0; t < n * 2; t++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[t] = ((s >>> 0) / 4294967296) * 20 - 10;
  }
  return out;
}

const SCRATCH_F = new Float32Array(1);
const SCRATCH_I = new Int32Array(SCRATCH_F.buffer);
/** 2^i for integer i in [−1022, 1023], at POW2[i + 1022]. */
const POW2 = Float64Array.from({ length: 2046 }, (_, i) => Math.pow(2, i - 1022));
const LN2 = Math.LN2;
const INV_LN2 = 1 / Math.LN2;

/**
 * x^p for x > 0, to about 1e-5 relative error: log2 from the float32 exponent plus an atanh series
 * on the mantissa, 2^y from a table and a short Taylor series. The SGD spends most of its time in
 * powers, and Math.pow is several times slower; the gradient does not need more precision.
 * Deterministic like any plain arithmetic.
 */
export function fastPow(x: number, p: number): number {
  if (!(x > 1e-30 && x < 1e30)) return Math.pow(x, p);
  SCRATCH_F[0] = x;
  const bits = SCRATCH_I[0];
  const e = (bits >> 23) - 127;
  SCRATCH_I[0] = (bits & 0x007fffff) | 0x3f800000;
  const m = SCRATCH_F[0]; // x rounded to float32 (6e-8 relative): well inside the tolerance
  // ln(m) = 2·atanh((m−1)/(m+1)), m ∈ [1, 2) so |s| < 1/3.
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  const lnm = 2 * s * (1 + s2 * (1 / 3 + s2 * (1 / 5 + s2 * (1 / 7 + s2 * (1 / 9)))));
  const y = p * (e + lnm * INV_LN2);
  const yi = Math.floor(y);
  if (yi < -1022 || yi > 1023) return Math.pow(x, p);
  const t = (y - yi) * LN2; // ∈ [0, ln 2)
  const ex = 1 + t * (1 + t * (1 / 2 + t * (1 / 6 + t * (1 / 24 + t * (1 / 120 + t * (1 / 720 + t * (1 / 5040)))))));
  return ex * POW2[yi + 1022];
}

export interface OptimizeOptions {
  nEpochs: number;
  a: number;
  b: number;
  seed: number;
  /** Repulsion strength γ (default 1). */
  gamma?: number;
  learningRate?: number;
  negativeSampleRate?: number;
}

/**
 * SGD over `graph`'s edges for `nEpochs` epochs, stepping `head` (moved) against `tail`. When
 * `head === tail` (fitting) both ends move; otherwise (transforming new points) only `head` does
 * and negative samples come from `tail`. Run it in chunks with `step(epochs)` for progress.
 */
export class LayoutOptimizer {
  private readonly headIdx: Int32Array;
  private readonly tailIdx: Int32Array;
  private readonly epochsPerSample: Float32Array;
  private readonly nextSample: Float32Array;
  private readonly epochsPerNeg: Float32Array;
  private readonly nextNeg: Float32Array;
  private readonly nTail: number;
  private rng: number;
  epoch = 0;

  constructor(
    graph: FuzzyGraph,
    readonly head: Float32Array,
    readonly tail: Float32Array,
    private readonly opts: OptimizeOptions,
  ) {
    const { nEpochs } = opts;
    let max = 0;
    for (let e = 0; e < graph.weight.length; e++) max = Math.max(max, graph.weight[e]);
    // Edges too weak to be sampled once in nEpochs are dropped (as umap-learn does).
    let m = 0;
    for (let e = 0; e < graph.weight.length; e++) if (graph.weight[e] >= max / nEpochs) m++;
    this.headIdx = new Int32Array(m);
    this.tailIdx = new Int32Array(m);
    this.epochsPerSample = new Float32Array(m);
    let t = 0;
    for (let e = 0; e < graph.weight.length; e++) {
      const w = graph.weight[e];
      if (w < max / nEpochs) continue;
      this.headIdx[t] = graph.head[e];
      this.tailIdx[t] = graph.tail[e];
      this.epochsPerSample[t] = max / w;
      t++;
    }
    const rate = opts.negativeSampleRate ?? 5;
    this.nextSample = this.epochsPerSample.slice();
    this.epochsPerNeg = new Float32Array(m);
    for (let e = 0; e < m; e++) this.epochsPerNeg[e] = this.epochsPerSample[e] / rate;
    this.nextNeg = this.epochsPerNeg.slice();
    this.nTail = tail.length / 2;
    this.rng = (opts.seed >>> 0) ^ 0x2545f491 || 1;
  }

  get done(): boolean {
    return this.epoch >= this.opts.nEpochs;
  }

  /** Runs up to `epochs` more epochs; returns true when all are done. */
  step(epochs: number): boolean {
    const { a, b, nEpochs } = this.opts;
    const gamma = this.opts.gamma ?? 1;
    const lr = this.opts.learningRate ?? 1;
    const { headIdx, tailIdx, epochsPerSample, nextSample, epochsPerNeg, nextNeg, nTail } = this;
    const H = this.head;
    const T = this.tail;
    const moveOther = H === T;
    const m = headIdx.length;
    const twoAB = 2 * a * b;
    const twoGB = 2 * gamma * b;
    const bm1 = b - 1;
    const tailScale = nTail / 4294967296;
    let s = this.rng;
    const end = Math.min(nEpochs, this.epoch + epochs);
    for (let n = this.epoch; n < end; n++) {
      const alpha = lr * (1 - n / nEpochs);
      for (let e = 0; e < m; e++) {
        if (nextSample[e] > n) continue;
        const j = headIdx[e];
        const k = tailIdx[e];
        const jx = j * 2;
        const kx = k * 2;
        let cx = H[jx];
        let cy = H[jx + 1];
        const dx = cx - T[kx];
        const dy = cy - T[kx + 1];
        const d2 = dx * dx + dy * dy;
        if (d2 > 0) {
          const pb = fastPow(d2, bm1);
          const coeff = (-twoAB * pb) / (a * pb * d2 + 1);
          let gx = coeff * dx;
          let gy = coeff * dy;
          gx = gx > 4 ? 4 : gx < -4 ? -4 : gx;
          gy = gy > 4 ? 4 : gy < -4 ? -4 : gy;
          cx += gx * alpha;
          cy += gy * alpha;
          if (moveOther) {
            T[kx] -= gx * alpha;
            T[kx + 1] -= gy * alpha;
          }
        }
        nextSample[e] += epochsPerSample[e];
        const nNeg = Math.floor((n - nextNeg[e]) / epochsPerNeg[e]);
        for (let p = 0; p < nNeg; p++) {
          // xorshift32
          s ^= s << 13;
          s ^= s >>> 17;
          s ^= s << 5;
          const r = Math.floor((s >>> 0) * tailScale); // uniform in 0…nTail−1 without an integer division
          if (moveOther && r === j) continue;
          const ox = cx - T[r * 2];
          const oy = cy - T[r * 2 + 1];
          const q2 = ox * ox + oy * oy;
          if (q2 > 0) {
            const coeff = twoGB / ((0.001 + q2) * (a * fastPow(q2, b) + 1));
            let gx = coeff * ox;
            let gy = coeff * oy;
            gx = gx > 4 ? 4 : gx < -4 ? -4 : gx;
            gy = gy > 4 ? 4 : gy < -4 ? -4 : gy;
            cx += gx * alpha;
            cy += gy * alpha;
          }
        }
        H[jx] = cx;
        H[jx + 1] = cy;
        nextNeg[e] += nNeg * epochsPerNeg[e];
      }
    }
    this.rng = s;
    this.epoch = end;
    return this.done;
  }
}
