/**
 * Raw and whitened variants of one embedding scored in turn while holding a single n × dim float32
 * array (the CLI's loop; at 1M × 128 a second copy would break the 2×-the-embedding memory budget).
 */
import { evaluateVariant, evaluateVariantWithKnn, type EvaluateOptions, type VariantMetrics } from './evaluate.ts';
import type { Embeddings, KnnResult } from './types.ts';
import { applyWhiteningInPlace, fitWhitening, keepLeadingColumnsInPlace, type FitWhiteningOptions } from './whitening.ts';
import type { WhitenSpec } from './whiten-spec.ts';

export type { WhitenSpec } from './whiten-spec.ts';

export interface WhitenedEvaluateOptions extends EvaluateOptions {
  /** Called before each variant is scored (e.g. for a progress line), with its dimension. */
  onVariant?: (whiten: WhitenSpec, dim: number) => void;
  /** Wall time of each phase, in milliseconds ('fit whitening', 'whiten full', 'evaluate none', …). */
  onPhase?: (phase: string, ms: number) => void;
  /** Whitening options (ε; tests pick the backend). */
  whitening?: FitWhiteningOptions;
  /**
   * Called after each variant is scored, while `x` still holds that variant's vectors (they are
   * overwritten by the next one): e.g. to keep the rows CKA needs and the neighbour lists.
   */
  onScored?: (whiten: WhitenSpec, x: Embeddings, knn: KnnResult) => void;
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
    if (!opts.onScored) return time(`evaluate ${w}`, () => evaluateVariant(xv, opts));
    const { metrics, knn } = time(`evaluate ${w}`, () => evaluateVariantWithKnn(xv, opts));
    opts.onScored(w, xv, knn);
    return metrics;
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
      y =
        y === undefined
          ? time(`whiten ${w}`, () => applyWhiteningInPlace(x, fitted, keep, opts.whitening?.backend))
          : time(`whiten ${w}`, () => keepLeadingColumnsInPlace(y!, keep));
      results.set(w, score(w, y));
    }
  }
  return whitens.map((w) => ({ whiten: w, metrics: results.get(w)! }));
}
