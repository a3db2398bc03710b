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
import { compareInput, comparePairs, ckaRows, probeFacets, type PairScore, type ProbeScore } from '../../compute/evaluate.ts';
import { hubness, type HubnessScore } from '../../compute/compare/hubness.ts';
import { overlapPerItem } from '../../compute/compare/overlap.ts';
import type { LabelColumn } from '../../compute/types.ts';
import { sharedFloat32, toShared } from '../shared-memory.ts';

/** Variants to compare pairwise: each one's vectors as searched and its neighbour lists (same seeds). */
export interface CompareJob {
  variants: { name: string; x: Embeddings; knn: KnnResult }[];
  k: number;
  /** Seed of the CKA row sample (above 20k items). */
  sampleSeed: number;
}

export interface CompareResult {
  pairs: PairScore[];
  hubness: Record<string, HubnessScore>;
  /** The CKA row sample, or null when every item was used. */
  ckaSample: { items: number; of: number; seed: number } | null;
}

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

  /** Every pair's mean overlap@K and linear CKA (a seeded 10k sample above 20k items), and each variant's hubness. */
  compare(job: CompareJob, onProgress?: (done: number, total: number) => void): CompareResult {
    const n = job.variants[0]?.x.n ?? 0;
    const sampling = ckaRows(n, { seed: job.sampleSeed });
    const report = onProgress ? throttled(onProgress) : undefined;
    const inputs = job.variants.map((v) => compareInput(v.name, v.x, v.knn, sampling));
    const pairs = comparePairs(inputs, job.k, report);
    const hub: Record<string, HubnessScore> = {};
    for (const v of job.variants) hub[v.name] = hubness(v.knn, v.x.n, Math.min(job.k, v.knn.k));
    return { pairs, hubness: hub, ckaSample: sampling.rows ? { items: sampling.rows.length, of: n, seed: sampling.seed } : null };
  },

  /** overlap@K of every seed between two variants' neighbour lists (same seeds). */
  overlap(a: KnnResult, b: KnnResult, k: number): Float64Array {
    const per = overlapPerItem(a, b, k);
    return transfer(per, [per.buffer]);
  },

  /** The downstream probe (top-1/top-5) on every facet of one variant; cancel by restarting the pool. */
  probe(x: Embeddings, facets: LabelColumn[], onProgress?: (done: number, total: number) => void): Record<string, ProbeScore> {
    const report = onProgress ? throttled(onProgress) : undefined;
    return probeFacets(x, facets, { onProgress: report });
  },

  /** concat(L2(a), L2(b))/√2 of two embeddings of the same items. */
  fuse(a: Embeddings, b: Embeddings): Embeddings {
    // Into shared memory here: a copy into a fresh SharedArrayBuffer on the page took ~250 ms there.
    const f = toShared(fuseEmbeddings(a, b));
    return transfer(f, [f.data.buffer]);
  },

  query(x: Embeddings, queries: Embeddings, k: number, metric: Metric): KnnResult {
    const r = knnQuery(x, queries, { k, metric });
    return transfer(r, [r.indices.buffer, r.distances.buffer, r.seeds.buffer]);
  },
};

export type ComputeApi = typeof computeApi;
