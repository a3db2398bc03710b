import { describe, expect, it } from 'vitest';
import { knn } from '../../src/compute/knn/index.ts';
import { encodeLabels } from '../../src/compute/labels.ts';
import { bootstrapCI, chanceLevel, facetConsistency, identityRecall, percentile } from '../../src/compute/metrics.ts';
import type { KnnResult } from '../../src/compute/types.ts';
import { loadFixture } from './_fixtures.ts';

const TOL = 1e-6;

interface Ref {
  consistency: number;
  ci95: [number, number];
  chance: number;
  seeds: number;
}

function fixture() {
  const fx = loadFixture('digits');
  const values = fx.meta.facet_values as Record<string, string[]>;
  const metrics = fx.meta.metrics as Record<string, Ref>;
  const [n, dim] = fx.shape('x_u8');
  const x = { n, dim, data: Float32Array.from(fx.u8('x_u8')) };
  const all: KnnResult = knn(x, { k: 20, metric: 'euclidean' });
  const sample: KnnResult = knn(x, { k: 10, metric: 'euclidean', seeds: fx.i32('sample_300_seed42') });
  return { fx, values, metrics, all, sample };
}

function expectScore(got: ReturnType<typeof facetConsistency>, ref: Ref, label: string): void {
  expect(Math.abs(got.consistency - ref.consistency), `${label} consistency`).toBeLessThanOrEqual(TOL);
  expect(Math.abs(got.ci95[0] - ref.ci95[0]), `${label} ci lo`).toBeLessThanOrEqual(TOL);
  expect(Math.abs(got.ci95[1] - ref.ci95[1]), `${label} ci hi`).toBeLessThanOrEqual(TOL);
  expect(Math.abs(got.chance - ref.chance), `${label} chance`).toBeLessThanOrEqual(TOL);
  expect(got.seeds, `${label} seeds`).toBe(ref.seeds);
}

describe('facet consistency against the Python reference', () => {
  it('digit and parity facets (with empty labels), all seeds k=10 and k=20, sampled seeds k=10', () => {
    const { values, metrics, all, sample } = fixture();
    for (const facet of ['digit', 'parity']) {
      const col = encodeLabels(facet, values[facet]);
      expectScore(facetConsistency(all, col, { k: 10 }), metrics[`${facet}_all_k10`], `${facet} all k10`);
      expectScore(facetConsistency(all, col), metrics[`${facet}_all_k20`], `${facet} all k20`);
      expectScore(facetConsistency(sample, col), metrics[`${facet}_sample_k10`], `${facet} sample k10`);
    }
  });

  it('honours the bootstrap seed and resample count', () => {
    const { values, metrics, all } = fixture();
    const col = encodeLabels('digit', values.digit);
    const got = facetConsistency(all, col, { k: 10, bootstrap: 200, seed: 7 });
    const ref = metrics.digit_all_k10_seed7_B200.ci95;
    expect(Math.abs(got.ci95[0] - ref[0])).toBeLessThanOrEqual(TOL);
    expect(Math.abs(got.ci95[1] - ref[1])).toBeLessThanOrEqual(TOL);
    const again = facetConsistency(all, col, { k: 10, bootstrap: 200, seed: 7 });
    expect(again.ci95).toEqual(got.ci95);
  });

  it('identity Recall@N (singletons and empty identities skipped)', () => {
    const { fx, values, all, sample } = fixture();
    const id = encodeLabels('identity', values.identity);
    const refAll = fx.meta.recall_all as Record<string, number>;
    const refSample = fx.meta.recall_sample as Record<string, number>;
    const gotAll = identityRecall(all, id);
    expect(Object.keys(gotAll)).toEqual(['1', '5', '10', '20']);
    for (const key of Object.keys(refAll)) expect(Math.abs(gotAll[key] - refAll[key])).toBeLessThanOrEqual(TOL);
    const gotSample = identityRecall(sample, id, [1, 5, 10]);
    for (const key of Object.keys(refSample)) expect(Math.abs(gotSample[key] - refSample[key])).toBeLessThanOrEqual(TOL);
  });
});

describe('metric definitions', () => {
  const knnOf = (seeds: number[], rows: number[][]): KnnResult => ({
    k: rows[0].length,
    seeds: Int32Array.from(seeds),
    indices: Int32Array.from(rows.flat()),
    distances: new Float64Array(rows.flat().length),
  });

  it('consistency: empty seed labels skipped, empty neighbour labels count as different', () => {
    const labels = encodeLabels('f', ['a', 'a', 'b', '', 'a']);
    const res = knnOf(
      [0, 2, 3],
      [
        [1, 3],
        [0, 4],
        [0, 1],
      ],
    );
    const s = facetConsistency(res, labels, { bootstrap: 0 });
    // seed 0 (a): neighbours a, '' → 0.5; seed 2 (b): a, a → 0; seed 3 has no label.
    expect(s.consistency).toBe(0.25);
    expect(s.seeds).toBe(2);
    expect(s.ci95).toEqual([0.25, 0.25]);
    // chance: labelled items a, a, b, a → (3/4)² + (1/4)²
    expect(s.chance).toBe(0.625);
    expect(chanceLevel(labels)).toBe(0.625);
  });

  it('NaN when nothing is labelled; k must fit the KNN', () => {
    const none = encodeLabels('f', ['', '', '']);
    const res = knnOf([0, 1], [[1], [2]]);
    const s = facetConsistency(res, none);
    expect(Number.isNaN(s.consistency)).toBe(true);
    expect(s.seeds).toBe(0);
    expect(Number.isNaN(s.chance)).toBe(true);
    expect(() => facetConsistency(res, encodeLabels('f', ['a', 'a', 'b']), { k: 2 })).toThrow(/k must be an integer in 1…1/);
  });

  it('percentile interpolates like numpy (method="linear")', () => {
    const a = Float64Array.from([1, 2, 3, 4, 10]);
    expect(percentile(a, 0)).toBe(1);
    expect(percentile(a, 100)).toBe(10);
    expect(percentile(a, 50)).toBe(3);
    expect(percentile(a, 2.5)).toBeCloseTo(1.1, 14); // pos 0.1
    expect(percentile(a, 97.5)).toBeCloseTo(9.4, 14); // pos 3.9: 4 + 0.9·6
    expect(bootstrapCI(Float64Array.from([0.5]), 100, 1)).toEqual([0.5, 0.5]);
  });

  it('identity recall: a hit at rank r counts for every N > r; needs enough neighbours', () => {
    const id = encodeLabels('identity', ['x', 'y', 'x', 'z', 'y', '']);
    // n = 6; seeds 0 (x, pair at 2), 1 (y, pair at 4), 3 (z, singleton → skipped), 5 (empty → skipped)
    const res = knnOf(
      [0, 1, 3, 5],
      [
        [3, 2, 4],
        [0, 2, 3],
        [0, 1, 2],
        [0, 1, 2],
      ],
    );
    expect(identityRecall(res, id, [1, 2, 3])).toEqual({ '1': 0, '2': 0.5, '3': 0.5 });
    expect(() => identityRecall(res, id, [5])).toThrow(/Recall@5 needs at least 5 neighbours/);
  });
});
