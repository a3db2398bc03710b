/**
 * Downstream probe (the seed's Table 5): multinomial logistic regression on a variant's vectors,
 * per facet. Train on items whose index % 5 ≠ 4, test on index % 5 = 4; items with an empty label
 * are left out of both. Features are standardised with the training items' mean and (population)
 * standard deviation; a zero-variance feature becomes 0. The objective is
 *   (1/n) Σ_i −log softmax(W·x_i + b)[y_i]  +  ‖W‖²_F / (2·C·n),
 * i.e. scikit-learn's LogisticRegression(C, multinomial, lbfgs) objective divided by C·n (the
 * intercept b is not penalised), minimised with L-BFGS in float64. Top-1/top-5 accuracy on the test
 * items; ties between class scores go to the lower class code; a test label never seen in training
 * counts as a miss.
 */
import type { Embeddings, LabelColumn } from '../types.ts';
import { minimizeLbfgs } from './lbfgs.ts';

export interface ProbeScore {
  top1: number;
  top5: number;
}

export interface ProbeResult extends ProbeScore {
  train: number;
  test: number;
  classes: number;
  iterations: number;
  converged: boolean;
  /** The objective at the solution (mean cross-entropy + penalty). */
  objective: number;
}

export interface ProbeOptions {
  /** Inverse regularisation strength, as scikit-learn's C (default 1). */
  c?: number;
  maxIter?: number;
  /** Gradient tolerance (max |∂f|, default 1e-6). */
  gtol?: number;
  /** Progress: L-BFGS iterations done of the limit. Return false to stop early (then the result so far). */
  onProgress?: (done: number, total: number) => boolean | void;
}

/** Whether row i is a training item (index % 5 ≠ 4) or a test item. */
export function isTestRow(i: number): boolean {
  return i % 5 === 4;
}

interface Split {
  rows: Int32Array;
  y: Int32Array;
}

/** Standardised float32 features of the given rows, with the train mean/std. */
function standardise(x: Embeddings, train: Int32Array, test: Int32Array): { tr: Float32Array; te: Float32Array } {
  const d = x.dim;
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (const r of train) for (let j = 0; j < d; j++) mean[j] += x.data[r * d + j];
  for (let j = 0; j < d; j++) mean[j] /= Math.max(1, train.length);
  for (const r of train) {
    for (let j = 0; j < d; j++) {
      const v = x.data[r * d + j] - mean[j];
      sq[j] += v * v;
    }
  }
  const inv = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const sd = Math.sqrt(sq[j] / Math.max(1, train.length));
    inv[j] = sd > 0 ? 1 / sd : 0;
  }
  const take = (rows: Int32Array): Float32Array => {
    const out = new Float32Array(rows.length * d);
    for (let i = 0; i < rows.length; i++) {
      const src = rows[i] * d;
      for (let j = 0; j < d; j++) out[i * d + j] = (x.data[src + j] - mean[j]) * inv[j];
    }
    return out;
  };
  return { tr: take(train), te: take(test) };
}

function split(labels: LabelColumn, n: number): { train: Split; test: Split; classes: Int32Array } {
  const tr: number[] = [];
  const te: number[] = [];
  for (let i = 0; i < n; i++) {
    if (labels.codes[i] < 0) continue;
    (isTestRow(i) ? te : tr).push(i);
  }
  // Classes = the labels seen in training (ascending code), re-indexed 0..K−1.
  const seen = new Set<number>();
  for (const r of tr) seen.add(labels.codes[r]);
  const classes = Int32Array.from([...seen].sort((a, b) => a - b));
  const index = new Map<number, number>();
  classes.forEach((c, i) => index.set(c, i));
  const mk = (rows: number[]): Split => ({
    rows: Int32Array.from(rows),
    y: Int32Array.from(rows, (r) => index.get(labels.codes[r]) ?? -1),
  });
  return { train: mk(tr), test: mk(te), classes };
}

/** Penalised mean cross-entropy and its gradient; params = [W (K × d) row-major, b (K)]. */
function objective(X: Float32Array, y: Int32Array, d: number, K: number, c: number) {
  const n = y.length;
  const z = new Float64Array(K);
  return (w: Float64Array, g: Float64Array): number => {
    g.fill(0);
    const bOff = K * d;
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const xo = i * d;
      let max = -Infinity;
      for (let k = 0; k < K; k++) {
        let s = w[bOff + k];
        const wo = k * d;
        for (let j = 0; j < d; j++) s += w[wo + j] * X[xo + j];
        z[k] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let k = 0; k < K; k++) {
        z[k] = Math.exp(z[k] - max);
        sum += z[k];
      }
      const yi = y[i];
      // −log p_y = log Σ exp(z) − z_y, with z shifted by max.
      loss += Math.log(sum) - Math.log(z[yi]);
      for (let k = 0; k < K; k++) {
        const r = z[k] / sum - (k === yi ? 1 : 0);
        if (r === 0) continue;
        g[bOff + k] += r;
        const wo = k * d;
        for (let j = 0; j < d; j++) g[wo + j] += r * X[xo + j];
      }
    }
    let pen = 0;
    for (let i = 0; i < bOff; i++) pen += w[i] * w[i];
    const lam = 1 / (c * n);
    for (let i = 0; i < bOff; i++) g[i] = g[i] / n + lam * w[i];
    for (let k = 0; k < K; k++) g[bOff + k] /= n;
    return loss / n + (lam / 2) * pen;
  };
}

/** Trains the probe on one facet of x and scores it on the held-out fifth. */
export function trainProbe(x: Embeddings, labels: LabelColumn, opts: ProbeOptions = {}): ProbeResult {
  if (labels.codes.length !== x.n) throw new Error(`probe: column "${labels.name}" has ${labels.codes.length} rows, the embeddings ${x.n}`);
  const c = opts.c ?? 1;
  const maxIter = opts.maxIter ?? 1000;
  const { train, test, classes } = split(labels, x.n);
  const K = classes.length;
  const d = x.dim;
  const base = { train: train.rows.length, test: test.rows.length, classes: K };
  if (train.rows.length === 0 || test.rows.length === 0) {
    return { ...base, top1: NaN, top5: NaN, iterations: 0, converged: true, objective: NaN };
  }
  const { tr, te } = standardise(x, train.rows, test.rows);
  let w: Float64Array = new Float64Array(K * d + K);
  let iterations = 0;
  let converged = true;
  let objectiveValue = 0;
  if (K >= 2) {
    const res = minimizeLbfgs(objective(tr, train.y, d, K, c), w, {
      maxIter,
      gtol: opts.gtol ?? 1e-6,
      onIteration: opts.onProgress ? (it) => opts.onProgress!(it, maxIter) : undefined,
    });
    w = res.x;
    iterations = res.iterations;
    converged = res.converged;
    objectiveValue = res.f;
  }
  // Rank the classes of each test item by score (ties → lower class code).
  let hit1 = 0;
  let hit5 = 0;
  const z = new Float64Array(K);
  for (let i = 0; i < test.rows.length; i++) {
    const yi = test.y[i];
    if (yi < 0) continue;
    for (let k = 0; k < K; k++) {
      let s = w[K * d + k];
      for (let j = 0; j < d; j++) s += w[k * d + j] * te[i * d + j];
      z[k] = s;
    }
    let better = 0;
    for (let k = 0; k < K; k++) if (z[k] > z[yi] || (z[k] === z[yi] && k < yi)) better++;
    if (better < 1) hit1++;
    if (better < 5) hit5++;
  }
  return { ...base, top1: hit1 / test.rows.length, top5: hit5 / test.rows.length, iterations, converged, objective: objectiveValue };
}
