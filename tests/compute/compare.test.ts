import { describe, expect, it } from 'vitest';
import { knn } from '../../src/compute/knn/index.ts';
import type { Embeddings, KnnResult } from '../../src/compute/types.ts';
import { changedMost, meanOverlap, neighbourDiff, overlapHistogram, overlapPerItem } from '../../src/compute/compare/overlap.ts';
import { centre, ckaCentred, ckaNote, ckaRows, crossFrobenius2, linearCka, selfFrobenius2 } from '../../src/compute/compare/cka.ts';
import { hubness, kOccurrence, topHubs } from '../../src/compute/compare/hubness.ts';
import { alignLayouts, fitProcrustes } from '../../src/compute/compare/procrustes.ts';
import { mulberry32 } from '../../src/compute/sampling.ts';
import { loadFixture } from './_fixtures.ts';

interface Pair {
  overlap: number;
  cka: number;
}

function setup() {
  const digits = loadFixture('digits');
  const fx = loadFixture('compare');
  const [n, dim] = digits.shape('x_u8');
  const px = Float32Array.from(digits.u8('x_u8'));
  const A: Embeddings = { n, dim, data: px };
  const B: Embeddings = { n, dim, data: px.map((v) => v * v) };
  const C: Embeddings = { n, dim: 32, data: new Float32Array(n * 32) };
  for (let i = 0; i < n; i++) C.data.set(px.subarray(i * dim, i * dim + 32), i * 32);
  const k = fx.num('k');
  const lists: Record<string, KnnResult> = {};
  for (const [name, x] of Object.entries({ A, B, C })) lists[name] = knn(x, { k, metric: 'euclidean' });
  return { fx, k, n, variants: { A, B, C } as Record<string, Embeddings>, lists, pairs: fx.meta.pairs as Record<string, Pair> };
}

const S = setup();

describe('neighbour overlap against the numpy reference', () => {
  it('per item and mean overlap@10 for each pair of digits variants', () => {
    for (const [a, b] of [
      ['A', 'B'],
      ['A', 'C'],
      ['B', 'C'],
    ]) {
      const per = overlapPerItem(S.lists[a], S.lists[b], S.k);
      const ref = S.fx.i32(`overlap_${a}${b}`);
      expect(Array.from(per, (v) => Math.round(v * S.k))).toEqual(Array.from(ref));
      expect(meanOverlap(S.lists[a], S.lists[b], S.k)).toBeCloseTo(S.pairs[a + b].overlap, 12);
    }
  });

  it('identical lists overlap fully; the histogram, changed-most order and neighbour diff agree', () => {
    expect(meanOverlap(S.lists.A, S.lists.A, S.k)).toBe(1);
    const per = overlapPerItem(S.lists.A, S.lists.C, S.k);
    const hist = overlapHistogram(per, S.k);
    expect(hist.reduce((s, v) => s + v, 0)).toBe(S.n);
    const worst = changedMost(per, S.lists.A.seeds, 5);
    for (let i = 1; i < worst.length; i++) expect(per[worst[i]]).toBeGreaterThanOrEqual(per[worst[i - 1]]);
    expect(per[worst[0]]).toBe(Math.min(...per));
    const diff = neighbourDiff(S.lists.A, S.lists.C, worst[0], S.k);
    expect(diff.a.filter((d) => d.shared).length).toBe(Math.round(per[worst[0]] * S.k));
    expect(diff.b.filter((d) => d.shared).length).toBe(Math.round(per[worst[0]] * S.k));
  });

  it('long lists (K > 64) take the set path and agree with a direct count', () => {
    const x: Embeddings = { n: 300, dim: 3, data: Float32Array.from({ length: 900 }, (_, i) => Math.sin(i * 1.7)) };
    const y: Embeddings = { ...x, data: x.data.map((v, i) => (i % 3 === 0 ? v * 3 : v)) };
    const a = knn(x, { k: 80, metric: 'euclidean' });
    const b = knn(y, { k: 80, metric: 'euclidean' });
    const per = overlapPerItem(a, b, 80);
    for (const s of [0, 17, 299]) {
      const sa = new Set(a.indices.subarray(s * 80, s * 80 + 80));
      const shared = Array.from(b.indices.subarray(s * 80, s * 80 + 80)).filter((r) => sa.has(r)).length;
      expect(per[s]).toBe(shared / 80);
    }
  });

  it('refuses lists over different seeds or too short', () => {
    const sub = knn(S.variants.A, { k: 5, metric: 'euclidean', seeds: Int32Array.of(1, 2, 3) });
    expect(() => overlapPerItem(S.lists.A, sub, 5)).toThrow(/seeds/);
    expect(() => overlapPerItem(S.lists.A, S.lists.B, 11)).toThrow(/hold 10/);
  });
});

describe('linear CKA against the numpy reference', () => {
  it('every pair, and a seeded sample of rows', () => {
    for (const [a, b] of [
      ['A', 'B'],
      ['A', 'C'],
      ['B', 'C'],
    ]) {
      expect(Math.abs(linearCka(S.variants[a], S.variants[b]) - S.pairs[a + b].cka)).toBeLessThan(1e-6);
    }
    const rows = S.fx.i32('sample_500_seed7');
    const sampling = ckaRows(S.n, { above: 1000, size: 500, seed: 7 });
    expect(Array.from(sampling.rows!)).toEqual(Array.from(rows));
    expect(ckaNote(sampling)).toBe('CKA on a seeded sample of 500 of 1,797 items (seed 7)');
    expect(Math.abs(linearCka(S.variants.A, S.variants.B, sampling.rows) - S.pairs.AB_sampled.cka)).toBeLessThan(1e-6);
    expect(ckaRows(S.n).rows).toBeNull();
  });

  it('is 1 for a variant with itself, and invariant to rotation and isotropic scaling', () => {
    const a = centre(S.variants.C);
    expect(ckaCentred(a, a)).toBeCloseTo(1, 12);
    expect(Math.abs(selfFrobenius2(a) / crossFrobenius2(a, a) - 1)).toBeLessThan(1e-12);
    // Rotate C in the plane of its first two columns by 0.3 rad and scale by 3.
    const R = { ...S.variants.C, data: Float32Array.from(S.variants.C.data) };
    const c = Math.cos(0.3),
      s = Math.sin(0.3);
    for (let i = 0; i < R.n; i++) {
      const x = R.data[i * 32],
        y = R.data[i * 32 + 1];
      R.data[i * 32] = c * x - s * y;
      R.data[i * 32 + 1] = s * x + c * y;
      for (let j = 0; j < 32; j++) R.data[i * 32 + j] *= 3;
    }
    expect(linearCka(S.variants.C, R)).toBeCloseTo(1, 5);
  });
});

describe('hubness against scipy.stats.skew', () => {
  it('skewness of the k-occurrence and the anti-hub share per variant', () => {
    const ref = S.fx.meta.hubness as Record<string, { skew: number; antihubs: number; max: number; argmax: number }>;
    for (const name of ['A', 'B', 'C']) {
      const h = hubness(S.lists[name], S.n, S.k);
      expect(Math.abs(h.skew - ref[name].skew)).toBeLessThan(1e-9);
      expect(Math.abs(h.antihubs - ref[name].antihubs)).toBeLessThan(1e-12);
      const top = topHubs(kOccurrence(S.lists[name], S.n, S.k), 3);
      expect(top[0]).toEqual({ row: ref[name].argmax, count: ref[name].max });
    }
  });

  it('is NaN when the lists do not cover every item', () => {
    const sub = knn(S.variants.A, { k: 5, metric: 'euclidean', seeds: Int32Array.of(1, 2, 3) });
    expect(hubness(sub, S.n, 5).skew).toBeNaN();
  });
});

describe('orthogonal Procrustes against scipy', () => {
  it('rotation + scale + shift, and a reflection', () => {
    const ref = S.fx.f32('layout_ref');
    const meta = S.fx.meta.procrustes as Record<string, { det: number; scale: number }>;
    for (const key of ['rotated', 'reflected']) {
      const coords = S.fx.f32(`layout_${key}`);
      const fit = fitProcrustes(ref, coords);
      expect(fit.reflection).toBe(meta[key].det < 0);
      expect(fit.scale).toBeCloseTo(meta[key].scale, 9);
      const out = alignLayouts(ref, coords);
      const want = S.fx.f64(`aligned_${key}`);
      let err = 0;
      for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(out[i] - want[i]));
      expect(err).toBeLessThan(1e-5);
    }
  });

  it('skips unplaced (NaN) points in the fit and keeps them NaN', () => {
    const rand = mulberry32(3);
    const ref = Float32Array.from({ length: 40 }, () => rand());
    const coords = Float32Array.from(ref, (v, i) => (i % 2 === 0 ? -v : v) * 2);
    coords[6] = NaN;
    const out = alignLayouts(ref, coords);
    expect(out[6]).toBeNaN();
    for (let i = 0; i < 40; i++) if (i !== 6 && i !== 7) expect(out[i]).toBeCloseTo(ref[i], 5);
  });
});
