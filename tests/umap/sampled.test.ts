import { describe, expect, it } from 'vitest';
import { knnQuery } from '../../src/compute/knn/index.ts';
import { sampleSeeds } from '../../src/compute/sampling.ts';
import { pointsInPolygon } from '../../src/compute/umap/lasso.ts';
import { fitLayout, layoutSample, MAX_FIT, placeRows, PLACE_CHUNK, project, SAMPLE_SIZE } from '../../src/compute/umap/project.ts';
import { blobs } from './_fixtures.ts';

const OPTS = { metric: 'euclidean' as const, maxFit: 300, sampleSize: 200, nEpochs: 60 };

describe('UMAP on a sample, the rest placed by transform', () => {
  it('samples above the threshold: a seeded sorted sample and its complement', () => {
    expect(MAX_FIT).toBe(20_000);
    expect(SAMPLE_SIZE).toBe(10_000);
    expect(layoutSample(20_000).rows).toBeNull();
    expect(layoutSample(7_076).rest.length).toBe(0);
    const { rows, rest } = layoutSample(100_000, { seed: 42 });
    expect(rows!.length).toBe(10_000);
    expect(rest.length).toBe(90_000);
    expect(Array.from(rows!)).toEqual(Array.from(sampleSeeds(100_000, 10_000, 42)));
    const seen = new Uint8Array(100_000);
    for (const r of rows!) seen[r]++;
    for (let i = 1; i < rest.length; i++) expect(rest[i]).toBeGreaterThan(rest[i - 1]);
    for (const r of rest) seen[r]++;
    expect(seen.every((c) => c === 1)).toBe(true);
    expect(Array.from(layoutSample(100_000, { seed: 43 }).rows!.subarray(0, 20))).not.toEqual(Array.from(rows!.subarray(0, 20)));
  });

  it('fits the sample only: sample rows have coordinates, the others are NaN until placed', () => {
    const x = blobs(700, 8, 3, 2);
    const { projection, rest } = fitLayout(x, OPTS);
    expect(projection.fitted!.length).toBe(200);
    expect(rest.length).toBe(500);
    for (const r of projection.fitted!) expect(Number.isFinite(projection.coords[r * 2])).toBe(true);
    for (const r of rest) expect(Number.isNaN(projection.coords[r * 2])).toBe(true);
  });

  it('chunked placement gives exactly what project gives in one go, and is deterministic for a seed', () => {
    const x = blobs(700, 8, 3, 2);
    const whole = project(x, OPTS).projection.coords;
    for (const v of whole) expect(Number.isFinite(v)).toBe(true);
    const { projection, model, rest } = fitLayout(x, OPTS);
    const coords = projection.coords;
    // The app's worker places PLACE_CHUNK rows per call; here chunks of that size over the 500 rows.
    expect(PLACE_CHUNK).toBeGreaterThan(0);
    for (let s = 0; s < rest.length; s += PLACE_CHUNK) placeRows(model, x, rest.subarray(s, s + PLACE_CHUNK), coords);
    expect(Array.from(coords)).toEqual(Array.from(whole));
    const other = project(x, { ...OPTS, seed: 7 }).projection.coords;
    expect(Array.from(other)).not.toEqual(Array.from(whole));
  });

  it('a point equal to a sample point lands exactly on it', () => {
    const base = blobs(400, 6, 4, 3);
    const { rows } = layoutSample(800, { maxFit: 300, sampleSize: 200, seed: 42 });
    // 800 rows: every non-sample row copies a sample row's vector (row sample[i % 200]).
    const data = new Float32Array(800 * 6);
    const inSample = new Set(rows!);
    const copyOf = new Map<number, number>();
    for (let i = 0; i < rows!.length; i++) data.set(base.data.subarray(i * 6, i * 6 + 6), rows![i] * 6);
    let j = 0;
    for (let r = 0; r < 800; r++) {
      if (inSample.has(r)) continue;
      const src = rows![j++ % rows!.length];
      copyOf.set(r, src);
      data.set(data.subarray(src * 6, src * 6 + 6), r * 6);
    }
    const x = { n: 800, dim: 6, data };
    const { projection } = project(x, OPTS);
    const c = projection.coords;
    for (const [r, src] of copyOf) {
      expect(c[r * 2]).toBe(c[src * 2]);
      expect(c[r * 2 + 1]).toBe(c[src * 2 + 1]);
    }
  });

  it('places a point near its nearest sample points (the weighted-mean start, no epochs)', () => {
    const x = blobs(700, 8, 3, 4);
    const { projection, model, rest } = fitLayout(x, OPTS);
    const one = rest.subarray(0, 1);
    const q = { n: 1, dim: 8, data: x.data.slice(one[0] * 8, one[0] * 8 + 8) };
    const xy = model.transform(q, 0);
    const nn = knnQuery(model.train, q, { k: 15, metric: 'euclidean' });
    // The start is a convex combination of the 15 nearest sample points' positions.
    const train = projection.fitted!;
    let x0 = Infinity,
      x1 = -Infinity;
    for (const i of nn.indices) {
      x0 = Math.min(x0, projection.coords[train[i] * 2]);
      x1 = Math.max(x1, projection.coords[train[i] * 2]);
    }
    expect(xy[0]).toBeGreaterThanOrEqual(x0 - 1e-6);
    expect(xy[0]).toBeLessThanOrEqual(x1 + 1e-6);
    const placed = placeRows(model, x, one);
    expect(placed.length).toBe(2);
  });

  it('a lasso never selects rows that are not placed yet', () => {
    const coords = Float32Array.of(0, 0, NaN, NaN, 0.5, 0.5, NaN, 0.2);
    const square = [-1, -1, 1, -1, 1, 1, -1, 1];
    expect(Array.from(pointsInPolygon(coords, square))).toEqual([0, 2]);
  });
});
