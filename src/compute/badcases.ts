/**
 * Bad cases: which seeds a variant recalls worst, where two variants disagree, and which labels get
 * mixed up. All computed from the same neighbour lists (and the same K) as the metrics table, so the
 * mean of the queue's scores is the table's consistency.
 */
import type { KnnResult, LabelColumn } from './types.ts';

export interface SeedScores {
  /** Corpus rows of the seeds with a non-empty label, in the knn's seed order. */
  rows: Int32Array;
  /** Fraction of each seed's first k neighbours that share its label. */
  scores: Float64Array;
}

export function seedScores(knn: KnnResult, labels: LabelColumn, k: number): SeedScores {
  if (k < 1 || k > knn.k) throw new Error(`badcases: k=${k} outside 1..${knn.k}`);
  const rows: number[] = [];
  const scores: number[] = [];
  for (let s = 0; s < knn.seeds.length; s++) {
    const seed = knn.seeds[s];
    const c = labels.codes[seed];
    if (c < 0) continue;
    let same = 0;
    for (let t = 0; t < k; t++) if (labels.codes[knn.indices[s * knn.k + t]] === c) same++;
    rows.push(seed);
    scores.push(same / k);
  }
  return { rows: Int32Array.from(rows), scores: Float64Array.from(scores) };
}

export interface RankedSeed {
  row: number;
  score: number;
}

/** Seeds from the lowest consistency up; ties by lower row. */
export function lowestFirst(s: SeedScores): RankedSeed[] {
  const out = Array.from(s.rows, (row, i) => ({ row, score: s.scores[i] }));
  return out.sort((a, b) => a.score - b.score || a.row - b.row);
}

export interface Disagreement {
  row: number;
  a: number;
  b: number;
}

/**
 * Seeds variant A gets right and variant B gets wrong: "right" when at least `threshold` of the K
 * neighbours share the seed's label (default: a majority, 0.5), "wrong" below it. Only seeds scored
 * by both. Largest gap first; ties by lower row.
 */
export function aRightBWrong(a: SeedScores, b: SeedScores, threshold = 0.5): Disagreement[] {
  const bByRow = new Map<number, number>();
  b.rows.forEach((row, i) => bByRow.set(row, b.scores[i]));
  const out: Disagreement[] = [];
  a.rows.forEach((row, i) => {
    const sb = bByRow.get(row);
    if (sb === undefined) return;
    if (a.scores[i] >= threshold && sb < threshold) out.push({ row, a: a.scores[i], b: sb });
  });
  return out.sort((x, y) => y.a - y.b - (x.a - x.b) || x.row - y.row);
}

export interface Confusion {
  /** labels.values.length² counts: [seed label][recalled label]; an unlabelled neighbour is not counted. */
  counts: Int32Array;
  size: number;
}

/** Seed label × recalled label counts over every labelled seed's first k neighbours. */
export function confusion(knn: KnnResult, labels: LabelColumn, k: number): Confusion {
  const size = labels.values.length;
  const counts = new Int32Array(size * size);
  for (let s = 0; s < knn.seeds.length; s++) {
    const c = labels.codes[knn.seeds[s]];
    if (c < 0) continue;
    for (let t = 0; t < k; t++) {
      const r = labels.codes[knn.indices[s * knn.k + t]];
      if (r >= 0) counts[c * size + r]++;
    }
  }
  return { counts, size };
}

export interface ConfusedPair {
  seedLabel: number;
  recalledLabel: number;
  count: number;
  /** Share of that seed label's recalls that went to this other label. */
  share: number;
}

/** Off-diagonal cells, most frequent first (ties by labels). */
export function topConfusions(m: Confusion, limit = 20): ConfusedPair[] {
  const out: ConfusedPair[] = [];
  for (let i = 0; i < m.size; i++) {
    let total = 0;
    for (let j = 0; j < m.size; j++) total += m.counts[i * m.size + j];
    for (let j = 0; j < m.size; j++) {
      const count = m.counts[i * m.size + j];
      if (i !== j && count > 0) out.push({ seedLabel: i, recalledLabel: j, count, share: count / total });
    }
  }
  out.sort((a, b) => b.count - a.count || a.seedLabel - b.seedLabel || a.recalledLabel - b.recalledLabel);
  return out.slice(0, limit);
}

/** Seeds with label `seedLabel` that recalled at least one item labelled `recalledLabel`, most such first. */
export function seedsWithConfusion(knn: KnnResult, labels: LabelColumn, k: number, seedLabel: number, recalledLabel: number): number[] {
  const hits: Array<{ row: number; n: number }> = [];
  for (let s = 0; s < knn.seeds.length; s++) {
    const row = knn.seeds[s];
    if (labels.codes[row] !== seedLabel) continue;
    let n = 0;
    for (let t = 0; t < k; t++) if (labels.codes[knn.indices[s * knn.k + t]] === recalledLabel) n++;
    if (n > 0) hits.push({ row, n });
  }
  return hits.sort((a, b) => b.n - a.n || a.row - b.row).map((h) => h.row);
}
