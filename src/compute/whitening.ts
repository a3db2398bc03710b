/**
 * BERT-whitening (Su et al. 2021, "Whitening Sentence Representations for Better Semantics and
 * Faster Retrieval"): x ↦ (x − μ)·W with W = U·diag(1/√(λ + ε)), where U, λ are the eigenvectors
 * and eigenvalues of the covariance of the corpus. Keeping the first k columns of W keeps the top
 * k principal directions.
 *
 * Choices (tested in tests/compute/whitening.test.ts):
 * - Covariance divides by n (the maximum-likelihood estimate, like `np.cov(x.T, bias=True)` and
 *   the reference implementation's `np.cov(vecs.T)`·(n−1)/n). The choice only rescales W by
 *   √(n/(n−1)); the whitened covariance is then exactly the identity on the fitted corpus.
 * - ε = 1e-6 · λ_max by default (relative, so it does not depend on the embedding's scale; 1 when
 *   every eigenvalue is 0). It keeps W finite for directions with zero variance (constant columns,
 *   n ≤ D, linearly dependent columns) and bounds their amplification to 1000/√λ_max, while every
 *   direction with λ ≥ 1e-4·λ_max is whitened to within 1% (λ/(λ+ε) ≥ 0.99). Eigenvalues that
 *   rounding leaves slightly negative are clamped to 0.
 * - Mean and covariance are accumulated in float64, in blocks of 256 rows (4 × 4 register tiles
 *   by a WebAssembly SIMD kernel when available, see `wasm-kernels.ts`), on the centred data
 *   (two passes: mean first), so there is no cancellation from E[xxᵀ] − μμᵀ.
 */
import { eighSymmetric } from './eigh.ts';
import type { Embeddings, Whitening } from './types.ts';
import { assertEmbeddings } from './validate.ts';
import { createGemm64Kernel } from './wasm-kernels.ts';

export type WhiteningBackend = 'auto' | 'wasm' | 'js';

export interface FitWhiteningOptions {
  /** Absolute ε added to every eigenvalue (default 1e-6 · λ_max). */
  eps?: number;
  backend?: WhiteningBackend;
}

const ROW_BLOCK = 256;

function columnMeans(x: Embeddings): Float64Array {
  const { n, dim, data } = x;
  const mu = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    for (let d = 0; d < dim; d++) mu[d] += data[o + d];
  }
  for (let d = 0; d < dim; d++) mu[d] /= n;
  return mu;
}

/** Σ (x−μ)(x−μ)ᵀ (not yet divided by n), full symmetric dim × dim, or null without WebAssembly. */
function scatterWasm(x: Embeddings, mu: Float64Array): Float64Array | null {
  const { n, dim, data } = x;
  const dp = Math.ceil(dim / 4) * 4;
  const nQ = dp / 4;
  const packDoubles = ROW_BLOCK * dp;
  const cOff = packDoubles; // in doubles
  const kernel = createGemm64Kernel((packDoubles + dp * dp) * 8);
  if (kernel === null) return null;
  const f64 = new Float64Array(kernel.memory.buffer);
  f64.fill(0, cOff, cOff + dp * dp); // the kernel memory is reused between calls
  for (let r0 = 0; r0 < n; r0 += ROW_BLOCK) {
    const rc = Math.min(ROW_BLOCK, n - r0);
    // Pack: quad q holds columns 4q..4q+3 for each row, P[q][i][0..4].
    for (let i = 0; i < rc; i++) {
      const o = (r0 + i) * dim;
      for (let d = 0; d < dp; d++) {
        f64[((d >> 2) * rc + i) * 4 + (d & 3)] = d < dim ? data[o + d] - mu[d] : 0;
      }
    }
    for (let q = 0; q < nQ; q++) {
      const blk = q * rc * 32;
      kernel.gemm64(blk, 1, blk, nQ - q, rc, (cOff + 4 * q * dp + 4 * q) * 8, dp * 8);
    }
  }
  const c = new Float64Array(dim * dim);
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      const v = f64[cOff + a * dp + b];
      c[a * dim + b] = v;
      c[b * dim + a] = v;
    }
  }
  return c;
}

function scatterJs(x: Embeddings, mu: Float64Array): Float64Array {
  const { n, dim, data } = x;
  const c = new Float64Array(dim * dim);
  const block = new Float64Array(ROW_BLOCK * dim);
  const acc = new Float64Array(dim * dim);
  for (let r0 = 0; r0 < n; r0 += ROW_BLOCK) {
    const rc = Math.min(ROW_BLOCK, n - r0);
    for (let i = 0; i < rc; i++) {
      const o = (r0 + i) * dim;
      for (let d = 0; d < dim; d++) block[i * dim + d] = data[o + d] - mu[d];
    }
    acc.fill(0);
    for (let i = 0; i < rc; i++) {
      const o = i * dim;
      for (let a = 0; a < dim; a++) {
        const ya = block[o + a];
        if (ya === 0) continue;
        const row = a * dim;
        for (let b = a; b < dim; b++) acc[row + b] += ya * block[o + b];
      }
    }
    for (let a = 0; a < dim; a++) for (let b = a; b < dim; b++) c[a * dim + b] += acc[a * dim + b];
  }
  for (let a = 0; a < dim; a++) for (let b = a + 1; b < dim; b++) c[b * dim + a] = c[a * dim + b];
  return c;
}

/** Covariance of the rows of x (dividing by n), float64 dim × dim. */
export function covariance(x: Embeddings, mean?: Float64Array, backend: WhiteningBackend = 'auto'): Float64Array {
  assertEmbeddings(x, 'covariance');
  if (x.n < 1) throw new Error('covariance: needs at least one row');
  const mu = mean ?? columnMeans(x);
  let c: Float64Array | null = null;
  if (backend !== 'js') {
    c = scatterWasm(x, mu);
    if (c === null && backend === 'wasm') throw new Error('covariance: WebAssembly SIMD is not available');
  }
  if (c === null) c = scatterJs(x, mu);
  for (let i = 0; i < c.length; i++) c[i] /= x.n;
  return c;
}

/** Fits BERT-whitening on the rows of x (see the module comment for the choices). */
export function fitWhitening(x: Embeddings, opts: FitWhiteningOptions = {}): Whitening {
  assertEmbeddings(x, 'fitWhitening');
  if (x.n < 1) throw new Error('fitWhitening: needs at least one row');
  const dim = x.dim;
  const mean = columnMeans(x);
  const cov = covariance(x, mean, opts.backend ?? 'auto');
  const { values, vectors } = eighSymmetric(cov, dim);
  const eigenvalues = new Float64Array(dim);
  for (let j = 0; j < dim; j++) eigenvalues[j] = Math.max(0, values[j]);
  const lmax = eigenvalues[0];
  const eps = opts.eps ?? (lmax > 0 ? 1e-6 * lmax : 1);
  if (!(eps > 0) || !Number.isFinite(eps)) throw new Error(`fitWhitening: eps must be a positive finite number, got ${eps}`);
  const w = new Float64Array(dim * dim);
  for (let j = 0; j < dim; j++) {
    const s = 1 / Math.sqrt(eigenvalues[j] + eps);
    for (let d = 0; d < dim; d++) w[d * dim + j] = vectors[d * dim + j] * s;
  }
  return { dim, mean, eigenvalues, w, eps };
}

function applyWasm(x: Embeddings, wh: Whitening, k: number, out: Float32Array): boolean {
  const { n, dim, data } = x;
  const kp = Math.ceil(k / 4) * 4;
  const rows = 256; // rows per pass; W is swept in blocks of 32 columns (L2-resident)
  const bDoubles = dim * kp;
  const aOff = bDoubles;
  const aDoubles = rows * dim;
  const oOff = aOff + aDoubles;
  const kernel = createGemm64Kernel((bDoubles + aDoubles + rows * kp) * 8);
  if (kernel === null) return false;
  const f64 = new Float64Array(kernel.memory.buffer);
  const mu = wh.mean;
  const w = wh.w;
  // B panels: W[:, 4p..4p+3] as B[p][d][0..4].
  for (let j = 0; j < kp; j++) {
    const base = (j >> 2) * dim * 4 + (j & 3);
    for (let d = 0; d < dim; d++) f64[base + d * 4] = j < k ? w[d * dim + j] : 0;
  }
  const outView = f64.subarray(oOff, oOff + rows * kp);
  for (let r0 = 0; r0 < n; r0 += rows) {
    const rc = Math.min(rows, n - r0);
    const rp = Math.ceil(rc / 4) * 4;
    for (let i = 0; i < rp; i++) {
      const base = aOff + (i >> 2) * dim * 4 + (i & 3);
      if (i < rc) {
        const o = (r0 + i) * dim;
        for (let d = 0; d < dim; d++) f64[base + d * 4] = data[o + d] - mu[d];
      } else {
        for (let d = 0; d < dim; d++) f64[base + d * 4] = 0;
      }
    }
    outView.fill(0);
    for (let j0 = 0; j0 < kp; j0 += 32) {
      const np = Math.min(32, kp - j0) / 4;
      kernel.gemm64(aOff * 8, rp / 4, j0 * dim * 8, np, dim, (oOff + j0) * 8, kp * 8);
    }
    for (let i = 0; i < rc; i++) {
      const src = i * kp;
      const dst = (r0 + i) * k;
      for (let j = 0; j < k; j++) out[dst + j] = outView[src + j];
    }
  }
  return true;
}

function applyJs(x: Embeddings, wh: Whitening, k: number, out: Float32Array): void {
  const { n, dim, data } = x;
  const mu = wh.mean;
  const w = wh.w;
  const y = new Float64Array(dim);
  const acc = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    for (let d = 0; d < dim; d++) y[d] = data[o + d] - mu[d];
    acc.fill(0);
    for (let d = 0; d < dim; d++) {
      const v = y[d];
      const row = d * dim;
      for (let j = 0; j < k; j++) acc[j] += v * w[row + j];
    }
    for (let j = 0; j < k; j++) out[i * k + j] = acc[j];
  }
}

function keepOf(x: Embeddings, w: Whitening, k: number | undefined, fn: string): number {
  assertEmbeddings(x, fn);
  if (x.dim !== w.dim) throw new Error(`${fn}: embeddings have dimension ${x.dim}, the whitening ${w.dim}`);
  const keep = k ?? w.dim;
  if (!Number.isInteger(keep) || keep < 1 || keep > w.dim) {
    throw new Error(`${fn}: k must be an integer in 1…${w.dim}, got ${k}`);
  }
  return keep;
}

function applyInto(x: Embeddings, w: Whitening, keep: number, out: Float32Array, backend: WhiteningBackend, fn: string): void {
  if (x.n === 0) return;
  let done = false;
  if (backend !== 'js') {
    done = applyWasm(x, w, keep, out);
    if (!done && backend === 'wasm') throw new Error(`${fn}: WebAssembly SIMD is not available`);
  }
  if (!done) applyJs(x, w, keep, out);
}

/**
 * (x − μ)·W[:, :k] as float32, n × k (k defaults to every direction). Accumulated in float64;
 * only the result is rounded to float32. Allocates the result (x is left as it is).
 */
export function applyWhitening(x: Embeddings, w: Whitening, k?: number, backend: WhiteningBackend = 'auto'): Embeddings {
  const keep = keepOf(x, w, k, 'applyWhitening');
  const out = new Float32Array(x.n * keep);
  applyInto(x, w, keep, out, backend, 'applyWhitening');
  return { n: x.n, dim: keep, data: out };
}

/**
 * `applyWhitening` written over x's own buffer: no second n × dim array. Returns n × k embeddings
 * viewing the first n·k floats of `x.data`; x itself no longer holds the raw vectors. Bit-identical
 * to `applyWhitening` (row i's output is written only after rows ≤ i were read: k ≤ dim).
 */
export function applyWhiteningInPlace(x: Embeddings, w: Whitening, k?: number, backend: WhiteningBackend = 'auto'): Embeddings {
  const keep = keepOf(x, w, k, 'applyWhiteningInPlace');
  applyInto(x, w, keep, x.data, backend, 'applyWhiteningInPlace');
  return { n: x.n, dim: keep, data: x.data.subarray(0, x.n * keep) };
}

/**
 * The first k columns of each row, compacted in place (row i moves to i·k): turns
 * `applyWhitening(x, w)` into `applyWhitening(x, w, k)` bit for bit, since each output column is
 * computed on its own. Returns n × k embeddings viewing the start of `y.data`.
 */
export function keepLeadingColumnsInPlace(y: Embeddings, k: number): Embeddings {
  assertEmbeddings(y, 'keepLeadingColumnsInPlace');
  if (!Number.isInteger(k) || k < 1 || k > y.dim)
    throw new Error(`keepLeadingColumnsInPlace: k must be an integer in 1…${y.dim}, got ${k}`);
  const { n, dim, data } = y;
  if (k !== dim) for (let i = 1; i < n; i++) data.copyWithin(i * k, i * dim, i * dim + k);
  return { n, dim: k, data: data.subarray(0, n * k) };
}
