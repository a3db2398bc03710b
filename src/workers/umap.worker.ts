/// <reference lib="webworker" />
/**
 * UMAP worker: projects one variant at a time (src/compute/umap) and keeps each fitted model so
 * new vectors (a query) can be placed later. Separate from the compute pool, which is restarted
 * whenever the settings change.
 */
import { project, UmapModel, type ProjectOptions } from '../compute/umap/project.ts';
import type { Embeddings, KnnResult, Metric } from '../compute/types.ts';
import { expose, throttled, transfer } from './rpc.ts';

export interface ProjectJob {
  /** Key the fitted model is stored under (for `transform`). */
  key: string;
  x: Embeddings;
  metric: Metric;
  knn: KnnResult | null;
  seed: number;
  nEpochs?: number;
  maxFit?: number;
}

export interface ProjectResult {
  coords: Float32Array;
  reusedKnn: boolean;
  fitted: number;
  epochs: number;
  timings: Record<string, number>;
  seconds: number;
}

const models = new Map<string, UmapModel>();

const api = {
  project(job: ProjectJob, onProgress?: (done: number, total: number) => void): ProjectResult {
    const t = performance.now();
    const opts: ProjectOptions = {
      metric: job.metric,
      knn: job.knn,
      seed: job.seed,
      nEpochs: job.nEpochs,
      maxFit: job.maxFit,
      onProgress: onProgress ? throttled(onProgress, 150) : undefined,
    };
    const { projection, model } = project(job.x, opts);
    models.set(job.key, model);
    const result: ProjectResult = {
      coords: projection.coords,
      reusedKnn: projection.reusedKnn,
      fitted: projection.fitted ? projection.fitted.length : projection.n,
      epochs: projection.epochs,
      timings: projection.timings,
      seconds: (performance.now() - t) / 1000,
    };
    return transfer(result, [result.coords.buffer]);
  },

  /** Coordinates (m × 2) of new vectors in the layout stored under `key`. */
  transform(key: string, queries: Embeddings): Float32Array {
    const model = models.get(key);
    if (!model) throw new Error(`no UMAP layout for ${key}`);
    const out = model.transform(queries);
    return transfer(out, [out.buffer]);
  },

  forget(key: string): void {
    models.delete(key);
  },
};

export type UmapApi = typeof api;
expose(api);
