/** The one evaluation pipeline shared by the CLI and the compute workers. */
import { knn } from './knn/index.ts';
import { chanceLevel, facetConsistency, identityRecall } from './metrics.ts';
import type { Embeddings, FacetScore, KnnResult, LabelColumn, Metric, Progress } from './types.ts';
import { hubness as hubnessOf, type HubnessScore } from './compare/hubness.ts';
import { trainProbe, type ProbeOptions, type ProbeScore } from './compare/probe.ts';
import { centre, ckaCentred, ckaNote, ckaRows, type Centred, type CkaSampling } from './compare/cka.ts';
import { meanOverlap } from './compare/overlap.ts';

export type { HubnessScore } from './compare/hubness.ts';
export type { ProbeScore } from './compare/probe.ts';

export interface VariantMetrics {
  n: number;
  dim: number;
  /** Neighbours per seed used for consistency (the requested k, clamped to n − 1). */
  k: number;
  metric: Metric;
  facets: Record<string, FacetScore>;
  /** Identity Recall@{1,5,10,20}, when an identity column was given. */
  recall?: Record<string, number>;
  /** Logistic-regression probe per facet (top-1/top-5 on the held-out fifth), when asked for. */
  probe?: Record<string, ProbeScore>;
  /** Hubness of the K-NN graph (NaN unless every item is a seed), when asked for. */
  hubness?: HubnessScore;
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
  /** Also train the downstream probe on every facet (src/compute/compare/probe.ts). */
  probe?: boolean | ProbeOptions;
  /** Also measure hubness at K (src/compute/compare/hubness.ts). */
  hubness?: boolean;
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
  if (opts.hubness) out.hubness = hubnessOf(res, x.n, k);
  if (opts.probe) out.probe = probeFacets(x, opts.facets, opts.probe === true ? {} : opts.probe);
  return { metrics: out, knn: res };
}

/** The probe's top-1/top-5 for every facet of x. */
export function probeFacets(x: Embeddings, facets: readonly LabelColumn[], opts: ProbeOptions = {}): Record<string, ProbeScore> {
  const out: Record<string, ProbeScore> = {};
  facets.forEach((f, i) => {
    const onProgress = opts.onProgress;
    const r = trainProbe(x, f, {
      ...opts,
      onProgress: onProgress ? (done, total) => onProgress(i * total + done, facets.length * total) : undefined,
    });
    out[f.name] = { top1: r.top1, top5: r.top5 };
  });
  return out;
}

/** Mean neighbour overlap@K and linear CKA of one pair of variants. */
export interface PairScore {
  a: string;
  b: string;
  overlap: number;
  cka: number;
}

/** What a pair comparison needs of a variant: its neighbour lists and its centred (sampled) rows. */
export interface CompareInput {
  name: string;
  knn: KnnResult;
  centred: Centred;
}

/** A variant ready for `comparePairs`: centres the rows CKA uses (`sampling.rows`, or all). */
export function compareInput(name: string, x: Embeddings, knn: KnnResult, sampling: CkaSampling): CompareInput {
  return { name, knn, centred: centre(x, sampling.rows) };
}

/** Every pair (i < j, in the order given): mean overlap@K of the neighbour lists and linear CKA. */
export function comparePairs(variants: readonly CompareInput[], k: number, onProgress?: Progress): PairScore[] {
  const out: PairScore[] = [];
  const total = (variants.length * (variants.length - 1)) / 2;
  for (let i = 0; i < variants.length; i++) {
    for (let j = i + 1; j < variants.length; j++) {
      const a = variants[i],
        b = variants[j];
      out.push({ a: a.name, b: b.name, overlap: meanOverlap(a.knn, b.knn, k), cka: ckaCentred(a.centred, b.centred) });
      onProgress?.(out.length, total);
    }
  }
  return out;
}

export { ckaNote, ckaRows };
