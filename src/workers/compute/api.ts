/**
 * The compute worker's API: whitening, KNN and metrics from src/compute. Plain functions of their
 * inputs, so the analysis pipeline's tests run them in-process; compute.worker.ts exposes them.
 */
import { fitWhitening, applyWhitening } from '../../compute/whitening.ts';
import { evaluateVariantWithKnn, type EvaluateOptions, type VariantMetrics } from '../../compute/evaluate.ts';
import { knn, knnQuery } from '../../compute/knn/index.ts';
import { fuseEmbeddings } from '../../compute/fuse.ts';
import type { Embeddings, KnnResult, Metric, Whitening } from '../../compute/types.ts';
import { throttled, transfer } from '../rpc.ts';
import { sharedFloat32 } from '../shared-memory.ts';

/** One variant's evaluation: its vectors as searched (raw, or already whitened, in shared memory) and the options. */
export interface EvaluateJob extends Omit<EvaluateOptions, 'onProgress'> {
  x: Embeddings;
}

export const computeApi = {
  fitWhitening(x: Embeddings): Whitening {
    const w = fitWhitening(x);
    return transfer(w, [w.mean.buffer, w.eigenvalues.buffer, w.w.buffer]);
  },

  /**
   * Whitened vectors (all directions, or the top `keep`), written block by block into shared memory
   * when the page is cross-origin isolated: the result is posted back without a copy, and every
   * worker reads the same buffer. Only one block (≤ 8 MiB) is ever held twice.
   */
  whiten(x: Embeddings, w: Whitening, keep: number | null): Embeddings {
    const dim = keep ?? w.dim;
    if (x.dim !== w.dim) throw new Error(`whiten: embeddings have dimension ${x.dim}, the whitening ${w.dim}`);
    const out = sharedFloat32(x.n * dim);
    const block = Math.max(1, Math.floor((8 << 20) / (4 * Math.max(x.dim, dim))));
    for (let r0 = 0; r0 < x.n; r0 += block) {
      const rows = Math.min(block, x.n - r0);
      const part = applyWhitening({ n: rows, dim: x.dim, data: x.data.subarray(r0 * x.dim, (r0 + rows) * x.dim) }, w, keep ?? undefined);
      out.set(part.data, r0 * dim);
    }
    const y: Embeddings = { n: x.n, dim, data: out };
    return transfer(y, [out.buffer]);
  },

  /** Metrics of one variant, plus its neighbour lists (k = max(K, 20)) for the gallery and queue. */
  evaluate(job: EvaluateJob, onProgress?: (done: number, total: number) => void): { metrics: VariantMetrics; knn: KnnResult } {
    const { x, ...opts } = job;
    const result = evaluateVariantWithKnn(x, { ...opts, onProgress: onProgress ? throttled(onProgress) : undefined });
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

export type ComputeApi = typeof computeApi;
