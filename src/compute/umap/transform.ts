/**
 * Placing new points in a fitted UMAP layout (umap-learn's `transform`): memberships to their
 * nearest training points (local connectivity 0, so ρ = 0), the membership-weighted mean of those
 * points' positions as a start, then a short SGD in which only the new points move.
 */
import { smoothKnnDist, type NeighbourGraph } from './graph.ts';
import { LayoutOptimizer } from './layout.ts';

export interface TransformOptions {
  a: number;
  b: number;
  seed: number;
  /** SGD epochs after the weighted-mean start (default 30; 0 = start position only). */
  nEpochs?: number;
}

/**
 * `neighbours`: each new point's nearest training rows (indices into `trainCoords`), nearest
 * first, no exclusion. Returns new coordinates, n × 2. A point at distance 0 from training items is
 * placed on them (their mean) without optimisation.
 */
export function transformPoints(neighbours: NeighbourGraph, trainCoords: Float32Array, opts: TransformOptions): Float32Array {
  const { n, k, indices, distances } = neighbours;
  const { sigmas, rhos } = smoothKnnDist(neighbours, 0);
  const out = new Float32Array(n * 2);
  const head: number[] = [];
  const tail: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < n; i++) {
    // A vector identical to training items (e.g. a query image that is in the corpus) goes exactly
    // where they are, and stays there.
    let same = 0;
    let sx = 0;
    let sy = 0;
    for (let j = 0; j < k; j++) {
      const nb = indices[i * k + j];
      if (nb < 0 || distances[i * k + j] !== 0) continue;
      same++;
      sx += trainCoords[nb * 2];
      sy += trainCoords[nb * 2 + 1];
    }
    if (same > 0) {
      out[i * 2] = sx / same;
      out[i * 2 + 1] = sy / same;
      continue;
    }
    let sum = 0;
    let x = 0;
    let y = 0;
    for (let j = 0; j < k; j++) {
      const t = i * k + j;
      const nb = indices[t];
      if (nb < 0) continue;
      const d = distances[t] - rhos[i];
      const w = d <= 0 ? 1 : Math.exp(-(d / sigmas[i]));
      if (w <= 0) continue;
      sum += w;
      x += w * trainCoords[nb * 2];
      y += w * trainCoords[nb * 2 + 1];
      head.push(i);
      tail.push(nb);
      weight.push(w);
    }
    if (sum > 0) {
      out[i * 2] = x / sum;
      out[i * 2 + 1] = y / sum;
    } else {
      // No usable neighbour (e.g. all at infinite distance): put it on its nearest one.
      const nb = indices[i * k];
      if (nb >= 0) {
        out[i * 2] = trainCoords[nb * 2];
        out[i * 2 + 1] = trainCoords[nb * 2 + 1];
      }
    }
  }
  const nEpochs = opts.nEpochs ?? 30;
  if (nEpochs > 0 && weight.length > 0) {
    const graph = { n, head: Int32Array.from(head), tail: Int32Array.from(tail), weight: Float32Array.from(weight) };
    const optimizer = new LayoutOptimizer(graph, out, trainCoords, { nEpochs, a: opts.a, b: opts.b, seed: opts.seed });
    optimizer.step(nEpochs);
  }
  return out;
}
