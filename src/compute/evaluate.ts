/** The one evaluation pipeline shared by the CLI and the compute workers. */
import { knn } from './knn/index.ts';
import { chanceLevel, facetConsistency, identityRecall } from './metrics.ts';
import type { Embeddings, FacetScore, KnnResult, LabelColumn, Metric, Progress } from './types.ts';

export interface VariantMetrics {
  n: number;
  dim: number;
  /** Neighbours per seed used for consistency (the requested k, clamped to n − 1). */
  k: number;
  metric: Metric;
  facets: Record<string, FacetScore>;
  /** Identity Recall@{1,5,10,20}, when an identity column was given. */
  recall?: Record<string, number>;
}

export interface EvaluateOptions {
  k: number;
  metric: Metric;
  seeds: Int32Array;
  facets: LabelColumn[];
  identity?: LabelColumn;
  onProgress?: Progress;
  /** Bootstrap resamples and seed for the facet intervals (defaults 1000 and 0). */
  bootstrap?: number;
  bootstrapSeed?: number;
}

export const RECALL_AT = [1, 5, 10, 20];

/**
 * The options the app and the CLI both evaluate with, from the analyst's settings: the same K,
 * metric and seeds, and the bootstrap seeded by the seed-sampling seed (so a CLI run with `--seed s`
 * and the app with that sample seed report the same intervals).
 */
export function evaluationOptions(s: {
  k: number;
  metric: Metric;
  seeds: Int32Array;
  sampleSeed: number;
  facets: LabelColumn[];
  identity?: LabelColumn;
}): Omit<EvaluateOptions, 'onProgress'> {
  return { k: s.k, metric: s.metric, seeds: s.seeds, facets: s.facets, identity: s.identity, bootstrapSeed: s.sampleSeed };
}

/**
 * One exact KNN at k' = max(k, 20 when an identity column is given), then every facet's
 * consistency at k and identity Recall@{1,5,10,20} from the same neighbour lists.
 */
export function evaluateVariant(x: Embeddings, opts: EvaluateOptions): VariantMetrics {
  return evaluateVariantWithKnn(x, opts).metrics;
}

/** `evaluateVariant`, also returning the neighbour lists it scored (the app's gallery reuses them). */
export function evaluateVariantWithKnn(x: Embeddings, opts: EvaluateOptions): { metrics: VariantMetrics; knn: KnnResult } {
  for (const col of [...opts.facets, ...(opts.identity ? [opts.identity] : [])]) {
    if (col.codes.length !== x.n) {
      throw new Error(`evaluate: column "${col.name}" has ${col.codes.length} rows, the embeddings ${x.n}`);
    }
  }
  const kSearch = Math.max(opts.k, opts.identity ? Math.max(...RECALL_AT) : 0);
  const res = knn(x, { k: kSearch, metric: opts.metric, seeds: opts.seeds, onProgress: opts.onProgress });
  const k = Math.min(opts.k, res.k);
  const facets: Record<string, FacetScore> = {};
  for (const f of opts.facets) {
    facets[f.name] =
      k >= 1
        ? facetConsistency(res, f, { k, bootstrap: opts.bootstrap, seed: opts.bootstrapSeed })
        : { consistency: NaN, ci95: [NaN, NaN], chance: chanceLevel(f), seeds: 0 };
  }
  const out: VariantMetrics = { n: x.n, dim: x.dim, k, metric: opts.metric, facets };
  if (opts.identity) {
    out.recall = res.k >= 1 ? identityRecall(res, opts.identity, RECALL_AT) : Object.fromEntries(RECALL_AT.map((N) => [String(N), NaN]));
  }
  return { metrics: out, knn: res };
}
