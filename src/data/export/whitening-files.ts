/**
 * The whitening parameters of a variant as files: `mean.npy` (float64, d), `W.npy` (float64, d × d,
 * row-major, column j ↔ eigenvalue j), `eigenvalues.npy` (float64, d, descending) and
 * `whitening.json` (the same numbers plus what they mean), so that anyone can whiten new vectors
 * exactly as the variant did: x_w = (x − μ)·W[:, :k].
 */
import type { Whitening } from '../../compute/types.ts';
import { writeNpyArray } from './npy-array.ts';

export const WHITENING_FORMULA = 'x_w = (x − μ)·W[:, :k]';

export interface WhiteningInfo {
  /** Variant id, e.g. `pixels+w32`. */
  variant: string;
  /** The embedding source it was fitted on, e.g. `pixels`. */
  source: string;
  /** Directions kept (k); the full whitening keeps all d. */
  keep: number;
  /** Rows it was fitted on. */
  n?: number;
}

export interface WhiteningJson {
  format: 'recall-lens-whitening';
  version: 1;
  variant: string;
  source: string;
  dim: number;
  eps: number;
  keep: number;
  n?: number;
  formula: string;
  method: string;
  files: { mean: string; W: string; eigenvalues: string };
  mean: number[];
  eigenvalues: number[];
  /** W as rows: W[d][j]. */
  W: number[][];
}

export function whiteningJson(w: Whitening, info: WhiteningInfo): WhiteningJson {
  const { dim } = w;
  if (!Number.isInteger(info.keep) || info.keep < 1 || info.keep > dim)
    throw new RangeError(`whiteningJson: keep must be in 1…${dim}, got ${info.keep}`);
  const W: number[][] = [];
  for (let d = 0; d < dim; d++) W.push(Array.from(w.w.subarray(d * dim, (d + 1) * dim)));
  const j: WhiteningJson = {
    format: 'recall-lens-whitening',
    version: 1,
    variant: info.variant,
    source: info.source,
    dim,
    eps: w.eps,
    keep: info.keep,
    formula: WHITENING_FORMULA,
    method:
      'BERT-whitening: μ = column means; Σ = (x − μ)ᵀ(x − μ)/n; Σ = U·diag(λ)·Uᵀ with λ descending; ' +
      'W = U·diag(1/√(λ + ε)), row-major d × d, column j belongs to eigenvalue j; keep the first k columns',
    files: { mean: 'mean.npy', W: 'W.npy', eigenvalues: 'eigenvalues.npy' },
    mean: Array.from(w.mean),
    eigenvalues: Array.from(w.eigenvalues),
    W,
  };
  if (info.n !== undefined) j.n = info.n;
  return j;
}

/** `mean.npy`, `W.npy`, `eigenvalues.npy`, `whitening.json`, by relative path (prefixed with `dir/` when given). */
export function whiteningFiles(w: Whitening, info: WhiteningInfo, dir = ''): Record<string, Uint8Array> {
  const p = dir ? `${dir.replace(/\/+$/, '')}/` : '';
  return {
    [`${p}mean.npy`]: writeNpyArray(w.mean, [w.dim]),
    [`${p}W.npy`]: writeNpyArray(w.w, [w.dim, w.dim]),
    [`${p}eigenvalues.npy`]: writeNpyArray(w.eigenvalues, [w.dim]),
    [`${p}whitening.json`]: new TextEncoder().encode(`${JSON.stringify(whiteningJson(w, info))}\n`),
  };
}
