/**
 * UMAP projection of one variant's vectors to 2-D, seeded (same input → same coordinates).
 *
 * Route: the exact neighbour graph (reused from the metrics' KNN when it covers every row, else
 * computed here with `knn()`), the fuzzy simplicial set, a PCA start and a fixed number of SGD
 * epochs. Above `maxFit` items (20 000) it fits a seeded sample (10 000) and places the other items
 * with `transformPoints` from their exact nearest sample items, in fixed chunks (`PLACE_CHUNK`), so
 * the app can draw the sample first and the rest as it arrives (`fitLayout` + `placeRows`), with the
 * same coordinates as `project` gives in one go. The returned model places new vectors (e.g. a
 * query) the same way.
 */
import { knn, knnQuery } from '../knn/index.ts';
import { sampleSeeds } from '../sampling.ts';
import type { Embeddings, KnnResult, Metric } from '../types.ts';
import { fuzzySimplicialSet, truncateGraph, type NeighbourGraph } from './graph.ts';
import { findAB, LayoutOptimizer } from './layout.ts';
import { pcaStart } from './pca-start.ts';
import { transformPoints } from './transform.ts';

export const DEFAULT_SEED = 42;
/** Above this many items a layout is fitted on a sample... */
export const MAX_FIT = 20_000;
/** ...of this many items (seeded); the rest are placed by transform. */
export const SAMPLE_SIZE = 10_000;
/** Items placed by transform per call (fixed, so chunked placement is reproducible). */
export const PLACE_CHUNK = 2_048;

export interface ProjectOptions {
  metric: Metric;
  seed?: number;
  /** Neighbours per item in the fuzzy graph (default 15). */
  nNeighbors?: number;
  /** SGD epochs (default `defaultEpochs(n)`). */
  nEpochs?: number;
  minDist?: number;
  spread?: number;
  /** Exact neighbour lists of every row (seeds 0…n−1 in order, k ≥ nNeighbors), e.g. the metrics' KNN. */
  knn?: KnnResult | null;
  /** Largest number of items fitted directly; above it a seeded sample is fitted (default 20 000). */
  maxFit?: number;
  /** Size of that sample (default min(10 000, maxFit)); the other items are placed by transform. */
  sampleSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface Projection {
  n: number;
  /** n × 2 coordinates. */
  coords: Float32Array;
  /** Rows the layout was fitted on (null: all of them). */
  fitted: Int32Array | null;
  /** Whether the neighbour graph came from `opts.knn`. */
  reusedKnn: boolean;
  epochs: number;
  /** Seconds per phase. */
  timings: { knn: number; graph: number; init: number; sgd: number; rest: number };
}

/**
 * Epochs by size: 300 up to 2 500 items (cheap), else 100 — fewer than umap-learn's 500/200 and
 * umap-js's 500…200 because the start is PCA, not random. On the demo's random-cnn vectors (7 076
 * items) 100 epochs keep 0.231 of the 15 nearest neighbours vs 0.239 at 200 and 300, and the same
 * style/category shares among 2-D neighbours (docs/BENCHMARKS.md, UMAP).
 */
export function defaultEpochs(n: number): number {
  return n <= 2_500 ? 300 : 100;
}

/** Whether `r` holds the neighbours of every row 0…n−1, in order, with at least k columns. */
export function coversAllRows(r: KnnResult | null | undefined, n: number, k: number): r is KnnResult {
  if (!r || r.seeds.length !== n || r.k < Math.min(k, n - 1)) return false;
  for (let i = 0; i < n; i++) if (r.seeds[i] !== i) return false;
  return true;
}

/** A fitted layout that can place new vectors. */
export class UmapModel {
  private readonly ab: { a: number; b: number };

  constructor(
    /** The vectors the layout was fitted on. */
    readonly train: Embeddings,
    /** Their coordinates (train.n × 2). */
    readonly trainCoords: Float32Array,
    readonly metric: Metric,
    readonly nNeighbors: number,
    readonly seed: number,
    ab?: { a: number; b: number },
  ) {
    this.ab = ab ?? findAB();
  }

  /** Coordinates (m × 2) for `queries` (m × dim, same space as the training vectors). */
  transform(queries: Embeddings, nEpochs = 30): Float32Array {
    if (queries.dim !== this.train.dim) throw new Error(`transform: query has ${queries.dim} dims, the layout ${this.train.dim}`);
    if (queries.n === 0) return new Float32Array(0);
    const k = Math.min(this.nNeighbors, this.train.n);
    const r = knnQuery(this.train, queries, { k, metric: this.metric });
    const g: NeighbourGraph = { n: queries.n, k: r.k, indices: r.indices, distances: r.distances };
    return transformPoints(g, this.trainCoords, { ...this.ab, seed: this.seed, nEpochs });
  }
}

function subset(x: Embeddings, rows: Int32Array): Embeddings {
  const data = new Float32Array(rows.length * x.dim);
  for (let i = 0; i < rows.length; i++) data.set(x.data.subarray(rows[i] * x.dim, (rows[i] + 1) * x.dim), i * x.dim);
  return { n: rows.length, dim: x.dim, data };
}

/** A layout fitted on all items, or on a sample with the other items still to be placed. */
export interface FittedLayout {
  /** `coords` holds NaN for the rows in `rest` until they are placed. */
  projection: Projection;
  model: UmapModel;
  /** Rows to place by transform (ascending; empty when every item was fitted). */
  rest: Int32Array;
}

/** The seeded sample a layout of n items is fitted on (null: all of them), and the other rows. */
export function layoutSample(
  n: number,
  opts: { maxFit?: number; sampleSize?: number; seed?: number } = {},
): { rows: Int32Array | null; rest: Int32Array } {
  const maxFit = opts.maxFit ?? MAX_FIT;
  if (n <= maxFit) return { rows: null, rest: new Int32Array(0) };
  const size = Math.max(3, Math.min(opts.sampleSize ?? Math.min(SAMPLE_SIZE, maxFit), n));
  const rows = sampleSeeds(n, size, opts.seed ?? DEFAULT_SEED);
  const inSample = new Uint8Array(n);
  for (let i = 0; i < rows.length; i++) inSample[rows[i]] = 1;
  const rest = new Int32Array(n - rows.length);
  for (let i = 0, r = 0; i < n; i++) if (!inSample[i]) rest[r++] = i;
  return { rows, rest };
}

/**
 * Places `rows` of `x` in a fitted layout by transform from their exact nearest training items;
 * writes their coordinates into `coords` (n × 2) and returns them (rows.length × 2).
 */
export function placeRows(model: UmapModel, x: Embeddings, rows: Int32Array, coords?: Float32Array): Float32Array {
  const placed = model.transform(subset(x, rows));
  if (coords) {
    for (let i = 0; i < rows.length; i++) {
      coords[rows[i] * 2] = placed[i * 2];
      coords[rows[i] * 2 + 1] = placed[i * 2 + 1];
    }
  }
  return placed;
}

/** Projects `x` to 2-D; returns the coordinates and a model for new points. */
export function project(x: Embeddings, opts: ProjectOptions): { projection: Projection; model: UmapModel } {
  const report = opts.onProgress ?? (() => {});
  const TOTAL = 1000;
  const fitted = fitLayout(x, { ...opts, onProgress: (d) => report(d, TOTAL) });
  const { projection, model, rest } = fitted;
  if (rest.length > 0) {
    const t = performance.now();
    for (let s = 0; s < rest.length; s += PLACE_CHUNK) {
      placeRows(model, x, rest.subarray(s, Math.min(rest.length, s + PLACE_CHUNK)), projection.coords);
      report(800 + Math.round((200 * Math.min(rest.length, s + PLACE_CHUNK)) / rest.length), TOTAL);
    }
    projection.timings.rest = (performance.now() - t) / 1000;
  }
  report(TOTAL, TOTAL);
  return { projection, model };
}

/**
 * Fits the layout: on every item up to `maxFit`, else on a seeded sample (`layoutSample`), whose
 * rows get their coordinates; the other rows are NaN until `placeRows` places them. Progress runs
 * to 1000 when everything was fitted, to 800 when placement is still to come.
 */
export function fitLayout(x: Embeddings, opts: ProjectOptions): FittedLayout {
  const seed = opts.seed ?? DEFAULT_SEED;
  const nNeighbors = opts.nNeighbors ?? 15;
  const report = opts.onProgress ?? (() => {});
  const TOTAL = 1000;
  const timings = { knn: 0, graph: 0, init: 0, sgd: 0, rest: 0 };
  const n = x.n;
  let t = performance.now();
  const lap = (): number => {
    const now = performance.now();
    const s = (now - t) / 1000;
    t = now;
    return s;
  };

  if (n <= 2) {
    // Too few items for a neighbour graph: put them on a line.
    const coords = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) coords[i * 2] = i;
    report(TOTAL, TOTAL);
    return {
      projection: { n, coords, fitted: null, reusedKnn: false, epochs: 0, timings },
      model: new UmapModel(x, coords, opts.metric, nNeighbors, seed),
      rest: new Int32Array(0),
    };
  }

  const { rows, rest } = layoutSample(n, { maxFit: opts.maxFit, sampleSize: opts.sampleSize, seed });
  const sampled = rows !== null;
  const train = rows ? subset(x, rows) : x;
  const k = Math.min(nNeighbors, train.n - 1);
  const reusedKnn = !sampled && coversAllRows(opts.knn, n, k);
  let graphIn: NeighbourGraph;
  if (reusedKnn) {
    const r = opts.knn!;
    graphIn = truncateGraph({ n, k: r.k, indices: r.indices, distances: r.distances }, k);
  } else {
    const r = knn(train, {
      k,
      metric: opts.metric,
      onProgress: (done, total) => report(Math.round((250 * done) / Math.max(total, 1)), TOTAL),
    });
    graphIn = { n: train.n, k: r.k, indices: r.indices, distances: r.distances };
  }
  timings.knn = lap();
  report(250, TOTAL);

  const graph = fuzzySimplicialSet(graphIn);
  const ab = findAB(opts.spread ?? 1, opts.minDist ?? 0.1);
  timings.graph = lap();
  const coordsTrain = pcaStart(train, seed);
  timings.init = lap();
  report(300, TOTAL);

  const epochs = opts.nEpochs ?? defaultEpochs(train.n);
  const optimizer = new LayoutOptimizer(graph, coordsTrain, coordsTrain, { nEpochs: epochs, ...ab, seed });
  const chunk = Math.max(1, Math.ceil(epochs / 50));
  const sgdShare = sampled ? 500 : 700;
  while (!optimizer.step(chunk)) report(300 + Math.round((sgdShare * optimizer.epoch) / epochs), TOTAL);
  timings.sgd = lap();
  report(300 + sgdShare, TOTAL);

  const model = new UmapModel(train, coordsTrain, opts.metric, nNeighbors, seed, ab);
  let coords = coordsTrain;
  if (rows) {
    coords = new Float32Array(n * 2).fill(NaN);
    for (let i = 0; i < rows.length; i++) {
      coords[rows[i] * 2] = coordsTrain[i * 2];
      coords[rows[i] * 2 + 1] = coordsTrain[i * 2 + 1];
    }
  }
  return { projection: { n, coords, fitted: rows, reusedKnn, epochs, timings }, model, rest };
}
