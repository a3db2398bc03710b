/** The one evaluation pipeline shared by the CLI and the compute workers. */
import { knn } from './knn.ts';
import { chanceLevel, facetConsistency, identityRecall } from './metrics.ts';
import type { Embeddings, FacetScore, KnnResult, LabelColumn, Metric, Progress } from './types.ts';
import { applyWhiteningInPlace, fitWhitening, keepLeadingColumnsInPlace, type FitWhiteningOptions } from './whitening.ts';

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

/** A variant of one embedding: the raw vectors, BERT-whitened, or whitened keeping the top k directions. */
export type WhitenSpec = 'none' | 'full' | number;

export interface WhitenedEvaluateOptions extends EvaluateOptions {
  /** Called before each variant is scored (e.g. for a progress line), with its dimension. */
  onVariant?: (whiten: WhitenSpec, dim: number) => void;
  /** Wall time of each phase, in milliseconds ('fit whitening', 'whiten full', 'evaluate none', …). */
  onPhase?: (phase: string, ms: number) => void;
  /** Whitening options (ε; tests pick the backend). */
  whitening?: FitWhiteningOptions;
}

/**
 * Scores x raw and/or whitened (BERT-whitening fitted once on x) for each spec in `whitens`, results
 * in the order given, while holding a single n × dim float32 array: the raw variant is scored
 * first, then the whitening is fitted, written over x's own buffer (`applyWhiteningInPlace`) for the
 * widest whitened variant, and narrowed in place for each smaller k (`keepLeadingColumnsInPlace`).
 * The results are bit-identical to scoring `applyWhitening(x, w, k)` copies.
 * **x.data is overwritten when any whitened variant is asked for**: pass a copy to keep it.
 */
export function evaluateWhitenings(
  x: Embeddings,
  whitens: readonly WhitenSpec[],
  opts: WhitenedEvaluateOptions,
): { whiten: WhitenSpec; metrics: VariantMetrics }[] {
  const keepOf = (w: WhitenSpec): number => (w === 'none' ? 0 : w === 'full' ? x.dim : w);
  for (const w of whitens) {
    if (w !== 'none' && w !== 'full' && !(Number.isInteger(w) && w >= 1 && w <= x.dim)) {
      throw new Error(`evaluateWhitenings: cannot keep ${w} directions of ${x.dim}`);
    }
  }
  const time = <T>(phase: string, f: () => T): T => {
    const t = performance.now();
    const r = f();
    opts.onPhase?.(phase, performance.now() - t);
    return r;
  };
  const score = (w: WhitenSpec, xv: Embeddings): VariantMetrics => {
    opts.onVariant?.(w, xv.dim);
    return time(`evaluate ${w}`, () => evaluateVariant(xv, opts));
  };
  const results = new Map<WhitenSpec, VariantMetrics>();
  if (whitens.includes('none')) results.set('none', score('none', x));
  // Widest first: each narrower variant is the leading columns of the one before.
  const order = whitens.filter((w) => w !== 'none').sort((a, b) => keepOf(b) - keepOf(a));
  if (order.length > 0) {
    const fitted = time('fit whitening', () => fitWhitening(x, opts.whitening));
    let y: Embeddings | undefined;
    for (const w of order) {
      const keep = keepOf(w);
      y = y === undefined
        ? time(`whiten ${w}`, () => applyWhiteningInPlace(x, fitted, keep, opts.whitening?.backend))
        : time(`whiten ${w}`, () => keepLeadingColumnsInPlace(y!, keep));
      results.set(w, score(w, y));
    }
  }
  return whitens.map((w) => ({ whiten: w, metrics: results.get(w)! }));
}
