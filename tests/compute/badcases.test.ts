import { describe, expect, it } from 'vitest';
import { aRightBWrong, confusion, lowestFirst, seedScores, seedsWithConfusion, topConfusions } from '../../src/compute/badcases.ts';
import { encodeLabels } from '../../src/compute/labels.ts';
import { knn } from '../../src/compute/knn/index.ts';
import { facetConsistency } from '../../src/compute/metrics.ts';
import type { KnnResult } from '../../src/compute/types.ts';

// Six items, k = 2; hand-written neighbour lists.
const labels = encodeLabels('style', ['a', 'a', 'b', 'b', 'c', '']);
const knnA: KnnResult = {
  k: 2,
  seeds: Int32Array.from([0, 1, 2, 3, 4, 5]),
  indices: Int32Array.from([1, 2, 0, 3, 3, 0, 2, 4, 0, 1, 0, 1]),
  distances: new Float64Array(12),
};
const knnB: KnnResult = { ...knnA, indices: Int32Array.from([2, 3, 0, 2, 3, 0, 2, 1, 0, 1, 0, 1]) };

describe('bad cases', () => {
  it('per-seed scores skip unlabelled seeds and average to the table consistency', () => {
    const s = seedScores(knnA, labels, 2);
    expect(Array.from(s.rows)).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(s.scores)).toEqual([0.5, 0.5, 0.5, 0.5, 0]);
    const mean = s.scores.reduce((a, b) => a + b, 0) / s.scores.length;
    expect(mean).toBeCloseTo(facetConsistency(knnA, labels, { k: 2 }).consistency, 12);
  });

  it('queue: lowest first, ties by row', () => {
    expect(lowestFirst(seedScores(knnA, labels, 2)).map((r) => r.row)).toEqual([4, 0, 1, 2, 3]);
  });

  it('A right, B wrong: majority threshold, largest gap first', () => {
    const d = aRightBWrong(seedScores(knnA, labels, 2), seedScores(knnB, labels, 2));
    // Seed 1 is right in both (0.5 each); seed 0 drops from 0.5 to 0.
    expect(d).toEqual([{ row: 0, a: 0.5, b: 0 }]);
    expect(aRightBWrong(seedScores(knnA, labels, 2), seedScores(knnB, labels, 2), 0.25)).toEqual([{ row: 0, a: 0.5, b: 0 }]);
  });

  it('confusion counts seed label × recalled label, ignoring unlabelled neighbours', () => {
    const m = confusion(knnA, labels, 2);
    // a→(a,b),(a,b); b→(b,a),(b,c); c→(a,a)  (row b: a 1, b 2, c 1)
    expect(Array.from(m.counts)).toEqual([2, 2, 0, 1, 2, 1, 2, 0, 0]);
    const top = topConfusions(m);
    expect(top[0]).toEqual({ seedLabel: 0, recalledLabel: 1, count: 2, share: 0.5 });
    expect(top.map((p) => [p.seedLabel, p.recalledLabel])).toEqual([
      [0, 1],
      [2, 0],
      [1, 0],
      [1, 2],
    ]);
    expect(seedsWithConfusion(knnA, labels, 2, 0, 1)).toEqual([0, 1]);
  });

  it('agrees with a real KNN: the mean of the queue equals facetConsistency', () => {
    const n = 200,
      dim = 5;
    const data = new Float32Array(n * dim);
    for (let i = 0; i < data.length; i++) data[i] = (Math.sin(i * 12.9898) * 43758.5453) % 1;
    const lab = encodeLabels(
      'g',
      Array.from({ length: n }, (_, i) => (i % 7 === 0 ? '' : String(i % 3))),
    );
    const res = knn({ n, dim, data }, { k: 10, metric: 'euclidean' });
    const s = seedScores(res, lab, 10);
    const mean = s.scores.reduce((a, b) => a + b, 0) / s.scores.length;
    expect(Math.abs(mean - facetConsistency(res, lab, { k: 10 }).consistency)).toBeLessThan(1e-12);
  });
});
