/// <reference lib="webworker" />
/**
 * UMAP worker: fits one variant's layout at a time (src/compute/umap) and keeps each fitted model so
 * new vectors (a query) can be placed later. Above 20 000 items the fit is on a seeded 10 000-item
 * sample; the page then asks for the other items chunk by chunk (`place`), so it can draw the sample
 * at once and the rest as it arrives, and other layouts' jobs run between the chunks. Separate from
 * the compute pool, which is restarted whenever the settings change. Vectors arrive in shared memory
 * (no copy); only the sample is copied, for the layout's own searches.
 *
 * Finished layouts are cached in IndexedDB under a key made of the vectors' identity (where they
 * come from: the model and corpus hashes and the whitening, as the metrics rows are keyed), the
 * metric and every UMAP parameter, so a reload reads its layout without the vectors at all: no
 * whitening, no hashing. The model for queries is rebuilt from the cached coordinates of the fitted
 * rows when a query first needs it (`adopt`).
 */
import { fitLayout, layoutSample, placeRows, UmapModel, type ProjectOptions } from '../../compute/umap/project.ts';
import { findAB } from '../../compute/umap/layout.ts';
import type { Embeddings, KnnResult, Metric } from '../../compute/types.ts';
import { cache } from '../../state/embedding-cache.ts';
import { readOrNull, writeQuietly } from '../../storage/idb.ts';
import { expose, throttled, transfer } from '../rpc.ts';

/** What identifies a layout: its vectors (by identity, not content), the metric and the UMAP parameters. */
export interface LayoutParams {
  /** Key the fitted model is stored under (for `place`, `adopt` and `transform`). */
  key: string;
  /** The vectors' identity (AnalysisPipeline.vectorsKey): the cache key is made of it. */
  id: string;
  /** Rows. */
  n: number;
  metric: Metric;
  seed: number;
  nEpochs?: number;
  maxFit?: number;
  sampleSize?: number;
}

export interface ProjectJob extends LayoutParams {
  x: Embeddings;
  knn: KnnResult | null;
}

export interface ProjectResult {
  /** The layout came from the IndexedDB cache. */
  cached: boolean;
  /** n × 2; NaN for the rows still to be placed (`rest` of them). */
  coords: Float32Array;
  reusedKnn: boolean;
  /** Items the layout was fitted on (n when there was no sample). */
  fitted: number;
  /** Items placed by transform after the fit (0 when there was no sample). */
  rest: number;
  epochs: number;
  timings: Record<string, number>;
  /** Seconds of the fit in the worker. */
  seconds: number;
}

export interface PlacedChunk {
  rows: Int32Array;
  /** rows.length × 2. */
  coords: Float32Array;
  seconds: number;
}

interface Layout {
  model: UmapModel;
  x: Embeddings | null;
  rest: Int32Array;
  /** Cache key, and the coordinates to store once every row is placed. */
  cacheKey: string;
  coords: Float32Array;
  fitted?: Int32Array | null;
  epochs?: number;
}

const layouts = new Map<string, Layout>();
/** Bump when the layout algorithm changes what it computes. */
const LAYOUT_VERSION = 3;
const N_NEIGHBORS = 15;

export interface CachedLayout {
  coords: Float32Array;
  fitted: Int32Array | null;
  epochs: number;
}

/** Everything a layout depends on: the vectors' identity, the metric and the UMAP parameters. */
function layoutCacheKey(p: LayoutParams): string {
  const sample = layoutSample(p.n, { maxFit: p.maxFit, sampleSize: p.sampleSize, seed: p.seed });
  const params = [p.metric, N_NEIGHBORS, p.seed, p.nEpochs ?? 'auto', p.maxFit ?? 'd', p.sampleSize ?? 'd', sample.rows?.length ?? p.n];
  return `layout:v${LAYOUT_VERSION}|${p.n}|${p.id}|${params.join('|')}`;
}

/** The model for queries of a cached layout, rebuilt from its fitted rows' vectors and coordinates. */
function adopt(p: LayoutParams, x: Embeddings, hit: CachedLayout): void {
  const rows = hit.fitted;
  const m = rows ? rows.length : x.n;
  const train = { n: m, dim: x.dim, data: new Float32Array(m * x.dim) };
  const trainCoords = new Float32Array(m * 2);
  for (let i = 0; i < m; i++) {
    const r = rows ? rows[i] : i;
    train.data.set(x.data.subarray(r * x.dim, (r + 1) * x.dim), i * x.dim);
    trainCoords[i * 2] = hit.coords[r * 2];
    trainCoords[i * 2 + 1] = hit.coords[r * 2 + 1];
  }
  const model = new UmapModel(train, trainCoords, p.metric, N_NEIGHBORS, p.seed, findAB());
  layouts.set(p.key, { model, x: null, rest: new Int32Array(0), cacheKey: layoutCacheKey(p), coords: hit.coords });
}

/** Stores a finished layout; awaited before the result goes back, so a reload right after finds it. */
function store(layout: Layout, fitted: Int32Array | null, epochs: number): Promise<void> {
  const value: CachedLayout = { coords: layout.coords.slice(), fitted, epochs };
  return writeQuietly(cache, layout.cacheKey, value);
}

const api = {
  /** The cached layout for these parameters (every row placed), or null. */
  async cached(p: LayoutParams): Promise<CachedLayout | null> {
    const hit = await readOrNull<CachedLayout>(cache, layoutCacheKey(p));
    if (!(hit?.coords instanceof Float32Array) || hit.coords.length !== p.n * 2) return null;
    return transfer(hit, [hit.coords.buffer]);
  },

  /** Keeps the model of a cached layout under `p.key`, so queries can be placed in it. */
  adopt(p: LayoutParams, x: Embeddings, hit: CachedLayout): void {
    adopt(p, x, hit);
  },

  /** Fits the layout (on a sample above `maxFit` items) and stores it; the model is kept under `job.key`. */
  async fit(job: ProjectJob, onProgress?: (done: number, total: number) => void): Promise<ProjectResult> {
    const t = performance.now();
    const cacheKey = layoutCacheKey(job);
    const opts: ProjectOptions = {
      metric: job.metric,
      knn: job.knn,
      seed: job.seed,
      nEpochs: job.nEpochs,
      maxFit: job.maxFit,
      sampleSize: job.sampleSize,
      onProgress: onProgress ? throttled(onProgress, 150) : undefined,
    };
    const { projection, model, rest } = fitLayout(job.x, opts);
    const layout: Layout = { model, x: rest.length > 0 ? job.x : null, rest, cacheKey, coords: projection.coords.slice() };
    layouts.set(job.key, layout);
    layout.fitted = projection.fitted;
    layout.epochs = projection.epochs;
    if (rest.length === 0) await store(layout, null, projection.epochs);
    const result: ProjectResult = {
      cached: false,
      coords: projection.coords,
      reusedKnn: projection.reusedKnn,
      fitted: projection.fitted ? projection.fitted.length : projection.n,
      rest: rest.length,
      epochs: projection.epochs,
      timings: projection.timings,
      seconds: (performance.now() - t) / 1000,
    };
    return transfer(result, [result.coords.buffer]);
  },

  /** Places the rows `rest[start … start + count)` of the layout under `key` by transform. */
  async place(key: string, start: number, count: number): Promise<PlacedChunk> {
    const layout = layouts.get(key);
    if (!layout || !layout.x) throw new Error(`no UMAP layout with items to place for ${key}`);
    const t = performance.now();
    const rows = layout.rest.slice(start, Math.min(layout.rest.length, start + count));
    const coords = placeRows(layout.model, layout.x, rows);
    for (let i = 0; i < rows.length; i++) {
      layout.coords[rows[i] * 2] = coords[i * 2];
      layout.coords[rows[i] * 2 + 1] = coords[i * 2 + 1];
    }
    if (start + count >= layout.rest.length) {
      layout.x = null; // all placed: drop the reference, keep the finished layout
      await store(layout, layout.fitted ?? null, layout.epochs ?? 0);
    }
    const chunk: PlacedChunk = { rows, coords, seconds: (performance.now() - t) / 1000 };
    return transfer(chunk, [rows.buffer, coords.buffer]);
  },

  /** Coordinates (m × 2) of new vectors in the layout stored under `key`. */
  transform(key: string, queries: Embeddings): Float32Array {
    const layout = layouts.get(key);
    if (!layout) throw new Error(`no UMAP layout for ${key}`);
    const out = layout.model.transform(queries);
    return transfer(out, [out.buffer]);
  },

  forget(key: string): void {
    layouts.delete(key);
  },
};

export type UmapApi = typeof api;
expose(api);
