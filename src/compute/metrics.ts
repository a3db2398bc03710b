/**
 * KNN recall metrics: facet consistency with a bootstrap interval, the chance level, and
 * identity Recall@N.
 */
import { mulberry32 } from './sampling.ts';
import type { FacetScore, KnnResult, LabelColumn } from './types.ts';

export interface ConsistencyOptions {
  /** Neighbours to score (≤ knn.k; default knn.k). */
  k?: number;
  /** Bootstrap resamples (default 1000; 0 gives the point estimate as the interval). */
  bootstrap?: number;
  /** mulberry32 seed of the bootstrap (default 0). */
  seed?: number;
}

/**
 * Percentile with linear interpolation between order statistics, as numpy's default
 * (`method='linear'`): position q/100·(len−1) in the sorted array.
 */
export function percentile(sorted: Float64Array, q: number): number {
  const len = sorted.length;
  if (len === 0) return NaN;
  const pos = (q / 100) * (len - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, len - 1);
  const t = pos - lo;
  const a = sorted[lo];
  const b = sorted[hi];
  // numpy's _lerp: a + (b−a)·t, computed from the upper end when t ≥ 0.5.
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

/** Per-seed scores: the fraction of the first k neighbours with the seed's label (−1: no label). */
export function perSeedConsistency(knn: KnnResult, labels: LabelColumn, k: number): Float64Array {
  const codes = labels.codes;
  const out: number[] = [];
  for (let s = 0; s < knn.seeds.length; s++) {
    const seed = knn.seeds[s];
    if (seed < 0 || seed >= codes.length) {
      throw new Error(`metrics: seed ${seed} has no row in label column "${labels.name}" (${codes.length} rows)`);
    }
    const c = codes[seed];
    if (c < 0) continue;
    let same = 0;
    const o = s * knn.k;
    for (let t = 0; t < k; t++) if (codes[knn.indices[o + t]] === c) same++; // empty (−1) ≠ c
    out.push(same / k);
  }
  return Float64Array.from(out);
}

/** Mean of the values, summed in order. */
function mean(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s / v.length;
}

/**
 * 95% percentile-bootstrap interval of the mean: B resamples of the per-seed scores (with
 * replacement, index ⌊r·S⌋ with r from mulberry32(seed), drawn resample by resample), the 2.5th
 * and 97.5th percentiles of the B means with numpy's linear interpolation.
 */
export function bootstrapCI(scores: Float64Array, resamples: number, seed: number): [number, number] {
  const S = scores.length;
  if (S === 0) return [NaN, NaN];
  if (resamples <= 0) {
    const m = mean(scores);
    return [m, m];
  }
  const rand = mulberry32(seed);
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let sum = 0;
    for (let i = 0; i < S; i++) sum += scores[Math.floor(rand() * S)];
    means[b] = sum / S;
  }
  means.sort();
  return [percentile(means, 2.5), percentile(means, 97.5)];
}

/**
 * Chance level of a facet: Σ_c p_c² with p_c = (items labelled c) / (items with a non-empty
 * label), over every row of the column. It is the consistency expected when neighbours are
 * drawn at random from the labelled items (empty labels, which always count as a miss, are left
 * out). NaN when no row has a label.
 */
export function chanceLevel(labels: LabelColumn): number {
  const counts = new Float64Array(labels.values.length);
  let total = 0;
  for (const c of labels.codes) {
    if (c >= 0) {
      counts[c]++;
      total++;
    }
  }
  if (total === 0) return NaN;
  let s = 0;
  for (const c of counts) s += (c / total) * (c / total);
  return s;
}

/**
 * Consistency of one facet: the mean over seeds with a non-empty label of the fraction of their
 * k nearest neighbours carrying the same label (an empty neighbour label counts as different),
 * with its 95% bootstrap interval over seeds and the chance level. NaN when no seed has a label.
 */
export function facetConsistency(knn: KnnResult, labels: LabelColumn, opts: ConsistencyOptions = {}): FacetScore {
  const k = opts.k ?? knn.k;
  if (!Number.isInteger(k) || k < 1 || k > knn.k) {
    throw new Error(`facetConsistency: k must be an integer in 1…${knn.k} (the KNN's k), got ${k}`);
  }
  const scores = perSeedConsistency(knn, labels, k);
  const consistency = scores.length === 0 ? NaN : mean(scores);
  const ci95 = bootstrapCI(scores, opts.bootstrap ?? 1000, opts.seed ?? 0);
  return { consistency, ci95, chance: chanceLevel(labels), seeds: scores.length };
}

/**
 * Identity Recall@N: over seeds whose identity occurs in at least one other row, the fraction
 * whose N nearest neighbours (the seed itself excluded) include a row with the same identity.
 * Keys are String(N). Needs knn.k ≥ max(ns) unless the KNN already lists every other row.
 * NaN when no seed qualifies.
 */
export function identityRecall(knn: KnnResult, identity: LabelColumn, ns: number[] = [1, 5, 10, 20]): Record<string, number> {
  const codes = identity.codes;
  const n = codes.length;
  for (const N of ns) {
    if (!Number.isInteger(N) || N < 1) throw new Error(`identityRecall: N must be a positive integer, got ${N}`);
    if (N > knn.k && knn.k < n - 1) {
      throw new Error(`identityRecall: Recall@${N} needs at least ${N} neighbours per seed, the KNN has ${knn.k}`);
    }
  }
  const counts = new Int32Array(identity.values.length);
  for (const c of codes) if (c >= 0) counts[c]++;
  const hits = new Float64Array(ns.length);
  let eligible = 0;
  for (let s = 0; s < knn.seeds.length; s++) {
    const seed = knn.seeds[s];
    if (seed < 0 || seed >= n) throw new Error(`identityRecall: seed ${seed} has no row in column "${identity.name}" (${n} rows)`);
    const c = codes[seed];
    if (c < 0 || counts[c] < 2) continue;
    eligible++;
    // Rank of the first neighbour sharing the identity (k when none).
    let first = knn.k;
    const o = s * knn.k;
    for (let t = 0; t < knn.k; t++) {
      if (codes[knn.indices[o + t]] === c) {
        first = t;
        break;
      }
    }
    for (let q = 0; q < ns.length; q++) if (first < ns[q]) hits[q]++;
  }
  const out: Record<string, number> = {};
  ns.forEach((N, q) => (out[String(N)] = eligible === 0 ? NaN : hits[q] / eligible));
  return out;
}
