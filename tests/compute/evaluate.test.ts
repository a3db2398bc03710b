import { describe, expect, it } from 'vitest';
import { evaluateVariant } from '../../src/compute/evaluate.ts';
import { encodeLabels } from '../../src/compute/labels.ts';
import { sampleSeeds } from '../../src/compute/sampling.ts';
import { loadFixture } from './_fixtures.ts';

describe('evaluateVariant', () => {
  it('reproduces the reference facets and Recall@N from one KNN', () => {
    const fx = loadFixture('digits');
    const [n, dim] = fx.shape('x_u8');
    const x = { n, dim, data: Float32Array.from(fx.u8('x_u8')) };
    const values = fx.meta.facet_values as Record<string, string[]>;
    const metrics = fx.meta.metrics as Record<string, { consistency: number; ci95: [number, number]; chance: number; seeds: number }>;
    const progress: number[] = [];
    const out = evaluateVariant(x, {
      k: 10,
      metric: 'euclidean',
      seeds: sampleSeeds(n, 'all', 0),
      facets: [encodeLabels('digit', values.digit), encodeLabels('parity', values.parity)],
      identity: encodeLabels('identity', values.identity),
      onProgress: (d) => progress.push(d),
    });
    expect(out.n).toBe(n);
    expect(out.dim).toBe(dim);
    expect(out.k).toBe(10);
    expect(out.metric).toBe('euclidean');
    for (const facet of ['digit', 'parity']) {
      const ref = metrics[`${facet}_all_k10`];
      const got = out.facets[facet];
      expect(Math.abs(got.consistency - ref.consistency)).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(got.ci95[0] - ref.ci95[0])).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(got.ci95[1] - ref.ci95[1])).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(got.chance - ref.chance)).toBeLessThanOrEqual(1e-6);
      expect(got.seeds).toBe(ref.seeds);
    }
    const refRecall = fx.meta.recall_all as Record<string, number>;
    for (const key of ['1', '5', '10', '20']) expect(Math.abs(out.recall![key] - refRecall[key])).toBeLessThanOrEqual(1e-6);
    expect(progress[progress.length - 1]).toBe(n);
  });

  it('clamps k on tiny corpora and checks column lengths', () => {
    const x = { n: 3, dim: 1, data: new Float32Array([0, 1, 5]) };
    const out = evaluateVariant(x, {
      k: 10,
      metric: 'euclidean',
      seeds: new Int32Array([0, 1, 2]),
      facets: [encodeLabels('f', ['a', 'a', 'b'])],
      identity: encodeLabels('identity', ['p', 'p', 'q']),
    });
    expect(out.k).toBe(2);
    expect(out.facets.f.consistency).toBeCloseTo((0.5 + 0.5 + 0) / 3, 12);
    expect(out.recall).toEqual({ '1': 1, '5': 1, '10': 1, '20': 1 });
    expect(out.facets.f.chance).toBeCloseTo(5 / 9, 12);
    expect(() =>
      evaluateVariant(x, { k: 1, metric: 'euclidean', seeds: new Int32Array([0]), facets: [encodeLabels('g', ['a', 'a'])] }),
    ).toThrow(/column "g" has 2 rows, the embeddings 3/);
  });
});
