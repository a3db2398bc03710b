/// <reference lib="webworker" />
/** Compute worker: whitening, KNN and metrics from src/compute, exposed over typed RPC. */
import { fitWhitening, applyWhitening } from '../compute/whitening.ts';
import { evaluateVariantWithKnn, type VariantMetrics } from '../compute/evaluate.ts';
import { knn, knnQuery } from '../compute/knn.ts';
import { fuseEmbeddings } from '../compute/fuse.ts';
import type { Embeddings, KnnResult, Metric, Whitening } from '../compute/types.ts';
import type { LabelColumn } from '../compute/types.ts';
import { expose, throttled, transfer } from './rpc.ts';

export interface EvaluateJob {
  x: Embeddings;
  /** Whitening to apply before the search, and how many directions to keep (null = all). */
  whitening: Whitening | null;
  keep: number | null;
  k: number;
  metric: Metric;
  seeds: Int32Array;
  facets: LabelColumn[];
  identity?: LabelColumn;
}

const api = {
  fitWhitening(x: Embeddings): Whitening {
    const w = fitWhitening(x);
    return transfer(w, [w.mean.buffer, w.eigenvalues.buffer, w.w.buffer]);
  },

  whiten(x: Embeddings, w: Whitening, keep: number | null): Embeddings {
    const y = applyWhitening(x, w, keep ?? undefined);
    return transfer(y, [y.data.buffer]);
  },

  /** Metrics of one variant, plus its neighbour lists (k = max(K, 20)) for the gallery and queue. */
  evaluate(job: EvaluateJob, onProgress?: (done: number, total: number) => void): { metrics: VariantMetrics; knn: KnnResult } {
    const x = job.whitening ? applyWhitening(job.x, job.whitening, job.keep ?? undefined) : job.x;
    const result = evaluateVariantWithKnn(x, {
      k: job.k,
      metric: job.metric,
      seeds: job.seeds,
      facets: job.facets,
      identity: job.identity,
      onProgress: onProgress ? throttled(onProgress) : undefined,
    });
    return transfer(result, [result.knn.indices.buffer, result.knn.distances.buffer]);
  },

  /** Exact neighbours of some corpus rows (each excluded from its own list). */
  neighbours(x: Embeddings, seeds: Int32Array, k: number, metric: Metric): KnnResult {
    const r = knn(x, { k, metric, seeds });
    return transfer(r, [r.indices.buffer, r.distances.buffer]);
  },

  /** concat(L2(a), L2(b))/√2 of two embeddings of the same items. */
  fuse(a: Embeddings, b: Embeddings): Embeddings {
    const f = fuseEmbeddings(a, b);
    return transfer(f, [f.data.buffer]);
  },

  query(x: Embeddings, queries: Embeddings, k: number, metric: Metric): KnnResult {
    const r = knnQuery(x, queries, { k, metric });
    return transfer(r, [r.indices.buffer, r.distances.buffer, r.seeds.buffer]);
  },
};

export type ComputeApi = typeof api;
expose(api);
