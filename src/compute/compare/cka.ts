/**
 * Linear CKA (Kornblith et al. 2019) between two representations of the same items:
 *   CKA(X, Y) = ‖Y_cᵀX_c‖²_F / (‖X_cᵀX_c‖_F · ‖Y_cᵀY_c‖_F),
 * X_c, Y_c column-centred. Computed in feature space (d_x × d_y cross products, float64), so the
 * cost is n·d_x·d_y per pair. Above CKA_SAMPLE_ABOVE items a seeded sample of CKA_SAMPLE rows is
 * used (the same rows for every variant), and the result says so.
 */
import { sampleSeeds } from '../sampling.ts';
import type { Embeddings } from '../types.ts';

export const CKA_SAMPLE_ABOVE = 20_000;
export const CKA_SAMPLE = 10_000;

export interface CkaSampling {
  /** Rows used (ascending), or null for every row. */
  rows: Int32Array | null;
  /** Items in the corpus. */
  n: number;
  seed: number;
}

/** Every row up to `above` items, else a seeded sample of `size` rows (sampleSeeds). */
export function ckaRows(n: number, opts: { above?: number; size?: number; seed?: number } = {}): CkaSampling {
  const above = opts.above ?? CKA_SAMPLE_ABOVE;
  const size = opts.size ?? CKA_SAMPLE;
  const seed = opts.seed ?? 0;
  return { rows: n > above ? sampleSeeds(n, size, seed) : null, n, seed };
}

/** A human note for the sampling: "" (every item) or "CKA on a seeded sample of 10,000 of 100,000 items (seed 0)". */
export function ckaNote(s: CkaSampling): string {
  return s.rows ? ckaSampleNote(s.rows.length, s.n, s.seed) : '';
}

export function ckaSampleNote(items: number, of: number, seed: number): string {
  return `CKA on a seeded sample of ${items.toLocaleString('en-US')} of ${of.toLocaleString('en-US')} items (seed ${seed})`;
}

/** Column-centred copy of the given rows of x (all rows when `rows` is null); the mean is taken in float64. */
export interface Centred {
  n: number;
  dim: number;
  /** Float32 storage (half the memory of float64 at 10k × 512 × 12 variants); products accumulate in float64. */
  data: Float32Array;
  /** ‖X_cᵀX_c‖_F. */
  selfNorm: number;
}

export function centre(x: Embeddings, rows: Int32Array | null = null): Centred {
  const n = rows ? rows.length : x.n;
  const d = x.dim;
  const data = new Float32Array(n * d);
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const src = (rows ? rows[r] : r) * d;
    if (src + d > x.data.length) throw new Error(`cka: row ${rows ? rows[r] : r} is outside the ${x.n} × ${d} embeddings`);
    for (let j = 0; j < d; j++) mean[j] += x.data[src + j];
  }
  for (let j = 0; j < d; j++) mean[j] /= Math.max(1, n);
  for (let r = 0; r < n; r++) {
    const src = (rows ? rows[r] : r) * d;
    for (let j = 0; j < d; j++) data[r * d + j] = x.data[src + j] - mean[j];
  }
  const c = { n, dim: d, data, selfNorm: 0 };
  c.selfNorm = Math.sqrt(selfFrobenius2(c));
  return c;
}

/** ‖X_cᵀX_c‖²_F from the upper triangle of the symmetric d × d product (half the work of `crossFrobenius2(x, x)`). */
export function selfFrobenius2(x: Centred): number {
  const d = x.dim,
    n = x.n,
    X = x.data;
  const c = new Float64Array(d * d);
  let r = 0;
  for (; r + 4 <= n; r += 4) {
    const x0 = r * d,
      x1 = x0 + d,
      x2 = x1 + d,
      x3 = x2 + d;
    for (let i = 0; i < d; i++) {
      const a0 = X[x0 + i],
        a1 = X[x1 + i],
        a2 = X[x2 + i],
        a3 = X[x3 + i];
      const row = i * d;
      for (let j = i; j < d; j++) c[row + j] += a0 * X[x0 + j] + a1 * X[x1 + j] + a2 * X[x2 + j] + a3 * X[x3 + j];
    }
  }
  for (; r < n; r++) {
    for (let i = 0; i < d; i++) {
      const a = X[r * d + i];
      for (let j = i; j < d; j++) c[i * d + j] += a * X[r * d + j];
    }
  }
  let s = 0;
  for (let i = 0; i < d; i++) {
    s += c[i * d + i] * c[i * d + i];
    for (let j = i + 1; j < d; j++) s += 2 * c[i * d + j] * c[i * d + j];
  }
  return s;
}

/** ‖Y_cᵀX_c‖²_F: the d_x × d_y cross products accumulated four rows at a time. */
export function crossFrobenius2(x: Centred, y: Centred): number {
  if (x.n !== y.n) throw new Error(`cka: ${x.n} and ${y.n} rows (the variants must hold the same items)`);
  const dx = x.dim,
    dy = y.dim,
    n = x.n;
  const c = new Float64Array(dx * dy);
  const X = x.data,
    Y = y.data;
  let r = 0;
  for (; r + 4 <= n; r += 4) {
    const x0 = r * dx,
      x1 = x0 + dx,
      x2 = x1 + dx,
      x3 = x2 + dx;
    const y0 = r * dy,
      y1 = y0 + dy,
      y2 = y1 + dy,
      y3 = y2 + dy;
    for (let i = 0; i < dx; i++) {
      const a0 = X[x0 + i],
        a1 = X[x1 + i],
        a2 = X[x2 + i],
        a3 = X[x3 + i];
      const row = i * dy;
      for (let j = 0; j < dy; j++) c[row + j] += a0 * Y[y0 + j] + a1 * Y[y1 + j] + a2 * Y[y2 + j] + a3 * Y[y3 + j];
    }
  }
  for (; r < n; r++) {
    for (let i = 0; i < dx; i++) {
      const a = X[r * dx + i];
      const row = i * dy;
      for (let j = 0; j < dy; j++) c[row + j] += a * Y[r * dy + j];
    }
  }
  let s = 0;
  for (let i = 0; i < c.length; i++) s += c[i] * c[i];
  return s;
}

/** Linear CKA of two centred representations (NaN when either is constant). */
export function ckaCentred(x: Centred, y: Centred): number {
  const den = x.selfNorm * y.selfNorm;
  return den > 0 ? crossFrobenius2(x, y) / den : NaN;
}

/** Linear CKA of two embeddings of the same items (every row, or the given rows). */
export function linearCka(x: Embeddings, y: Embeddings, rows: Int32Array | null = null): number {
  if (x.n !== y.n) throw new Error(`cka: ${x.n} and ${y.n} items (the variants must hold the same items)`);
  return ckaCentred(centre(x, rows), centre(y, rows));
}
