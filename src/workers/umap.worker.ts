/// <reference lib="webworker" />
/**
 * UMAP worker: fits one variant's layout at a time (src/compute/umap) and keeps each fitted model so
 * new vectors (a query) can be placed later. Above 20 000 items the fit is on a seeded 10 000-item
 * sample; the page then asks for the other items chunk by chunk (`place`), so it can draw the sample
 * at once and the rest as it arrives, and other layouts' jobs run between the chunks. Separate from
 * the compute pool, which is restarted whenever the settings change. Vectors arrive in shared memory
 * (no copy); only the sample is copied, for the layout's own searches.
 */
import { fitLayout, placeRows, UmapModel, type ProjectOptions } from '../compute/umap/project.ts';
import type { Embeddings, KnnResult, Metric } from '../compute/types.ts';
import { expose, throttled, transfer } from './rpc.ts';

export interface ProjectJob {
  /** Key the fitted model is stored under (for `place` and `transform`). */
  key: string;
  x: Embeddings;
  metric: Metric;
  knn: KnnResult | null;
  seed: number;
  nEpochs?: number;
  maxFit?: number;
  sampleSize?: number;
}

export interface ProjectResult {
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
}

const layouts = new Map<string, Layout>();

const api = {
  /** Fits the layout (on a sample above `maxFit` items); the model is kept under `job.key`. */
  fit(job: ProjectJob, onProgress?: (done: number, total: number) => void): ProjectResult {
    const t = performance.now();
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
    layouts.set(job.key, { model, x: rest.length > 0 ? job.x : null, rest });
    const result: ProjectResult = {
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
  place(key: string, start: number, count: number): PlacedChunk {
    const layout = layouts.get(key);
    if (!layout || !layout.x) throw new Error(`no UMAP layout with items to place for ${key}`);
    const t = performance.now();
    const rows = layout.rest.slice(start, Math.min(layout.rest.length, start + count));
    const coords = placeRows(layout.model, layout.x, rows);
    if (start + count >= layout.rest.length) layout.x = null; // all placed: drop the reference
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
