import { describe, expect, it } from 'vitest';
import { knn } from '../../src/compute/knn/index.ts';
import { mulberry32 } from '../../src/compute/sampling.ts';
import type { Embeddings } from '../../src/compute/types.ts';
import { fuzzySimplicialSet, smoothKnnDist } from '../../src/compute/umap/graph.ts';
import { fastPow, findAB } from '../../src/compute/umap/layout.ts';
import { coversAllRows, project } from '../../src/compute/umap/project.ts';
import { blobs } from './_fixtures.ts';

/** Mean 2-D distance within blobs over mean distance between blobs (small = separated). */
function separation(coords: Float32Array, clusters: number): number {
  const n = coords.length / 2;
  let intra = 0,
    inter = 0,
    ni = 0,
    nj = 0;
  for (let i = 0; i < n; i += 3) {
    for (let j = i + 1; j < n; j += 7) {
      const d = Math.hypot(coords[2 * i] - coords[2 * j], coords[2 * i + 1] - coords[2 * j + 1]);
      if (i % clusters === j % clusters) {
        intra += d;
        ni++;
      } else {
        inter += d;
        nj++;
      }
    }
  }
  return intra / ni / (inter / nj);
}

describe('UMAP projection', () => {
  const x = blobs(400, 16, 4);

  it('is deterministic: same input and seed → identical coordinates; another seed → different', () => {
    const a = project(x, { metric: 'euclidean', seed: 7 }).projection.coords;
    const b = project(x, { metric: 'euclidean', seed: 7 }).projection.coords;
    expect(Array.from(a)).toEqual(Array.from(b));
    const c = project(x, { metric: 'euclidean', seed: 8 }).projection.coords;
    expect(Array.from(c)).not.toEqual(Array.from(a));
    for (const v of a) expect(Number.isFinite(v)).toBe(true);
  });

  it('reuses an exact KNN that covers every row, with the same result as computing it', () => {
    const full = knn(x, { k: 20, metric: 'euclidean' });
    expect(coversAllRows(full, x.n, 15)).toBe(true);
    const reused = project(x, { metric: 'euclidean', knn: full });
    expect(reused.projection.reusedKnn).toBe(true);
    const computed = project(x, { metric: 'euclidean' });
    expect(computed.projection.reusedKnn).toBe(false);
    expect(Array.from(reused.projection.coords)).toEqual(Array.from(computed.projection.coords));
    // Neighbour lists of a sample of seeds do not cover every row.
    const partial = knn(x, { k: 20, metric: 'euclidean', seeds: Int32Array.from([0, 1, 2]) });
    expect(coversAllRows(partial, x.n, 15)).toBe(false);
  });

  it('separates well-separated clusters', () => {
    const { coords } = project(x, { metric: 'euclidean' }).projection;
    expect(separation(coords, 4)).toBeLessThan(0.2);
  });

  it('works with the cosine metric', () => {
    const { coords } = project(x, { metric: 'cosine' }).projection;
    expect(separation(coords, 4)).toBeLessThan(0.3);
  });

  it('transform places a training point on its own position, and a perturbed one in its cluster', () => {
    const { projection, model } = project(x, { metric: 'euclidean' });
    const c = projection.coords;
    const rows = [0, 1, 2, 3, 57, 211];
    const q: Embeddings = { n: rows.length, dim: x.dim, data: new Float32Array(rows.length * x.dim) };
    rows.forEach((r, i) => q.data.set(x.data.subarray(r * x.dim, (r + 1) * x.dim), i * x.dim));
    const placed = model.transform(q);
    rows.forEach((r, i) => {
      expect(placed[2 * i]).toBeCloseTo(c[2 * r], 5);
      expect(placed[2 * i + 1]).toBeCloseTo(c[2 * r + 1], 5);
    });
    // Slightly moved vectors: nearer their own cluster's centre than any other cluster's.
    const rnd = mulberry32(9);
    const moved: Embeddings = { ...q, data: q.data.map((v) => v + (rnd() - 0.5) * 0.2) };
    const near = model.transform(moved);
    const centres = [0, 1, 2, 3].map((b) => {
      let sx = 0,
        sy = 0,
        m = 0;
      for (let i = b; i < x.n; i += 4) {
        sx += c[2 * i];
        sy += c[2 * i + 1];
        m++;
      }
      return [sx / m, sy / m];
    });
    rows.forEach((r, i) => {
      const d = centres.map(([cx, cy]) => Math.hypot(near[2 * i] - cx, near[2 * i + 1] - cy));
      expect(d.indexOf(Math.min(...d))).toBe(r % 4);
    });
    expect(Array.from(model.transform(moved))).toEqual(Array.from(near));
  });

  it('above maxFit: fits a seeded sample and places the rest in their cluster', () => {
    const big = blobs(900, 8, 3, 5);
    const { projection } = project(big, { metric: 'euclidean', maxFit: 300 });
    expect(projection.fitted?.length).toBe(300);
    expect(projection.coords.length).toBe(1800);
    for (const v of projection.coords) expect(Number.isFinite(v)).toBe(true);
    expect(separation(projection.coords, 3)).toBeLessThan(0.25);
    const again = project(big, { metric: 'euclidean', maxFit: 300 }).projection.coords;
    expect(Array.from(again)).toEqual(Array.from(projection.coords));
  });

  it('handles tiny inputs', () => {
    expect(project(blobs(2, 3, 1), { metric: 'euclidean' }).projection.coords.length).toBe(4);
    const small = project(blobs(6, 3, 2), { metric: 'euclidean' }).projection.coords;
    for (const v of small) expect(Number.isFinite(v)).toBe(true);
  });
});

describe('UMAP pieces', () => {
  it('fuzzy graph: symmetric, weights in (0, 1]', () => {
    const x = blobs(120, 6, 3);
    const r = knn(x, { k: 10, metric: 'euclidean' });
    const g = fuzzySimplicialSet({ n: x.n, k: r.k, indices: r.indices, distances: r.distances });
    const w = new Map<string, number>();
    for (let e = 0; e < g.head.length; e++) {
      expect(g.weight[e]).toBeGreaterThan(0);
      expect(g.weight[e]).toBeLessThanOrEqual(1);
      expect(g.head[e]).not.toBe(g.tail[e]);
      w.set(`${g.head[e]},${g.tail[e]}`, g.weight[e]);
    }
    expect(w.size).toBe(g.head.length); // no duplicate edges
    for (const [key, v] of w) {
      const [i, j] = key.split(',');
      expect(w.get(`${j},${i}`)).toBe(v);
    }
  });

  it('σ solves Σ exp(−(d − ρ)/σ) = log2 k', () => {
    const k = 5;
    const g = { n: 1, k, indices: Int32Array.from([1, 2, 3, 4, 5]), distances: Float64Array.from([1, 1.5, 2, 3, 4]) };
    const { sigmas, rhos } = smoothKnnDist(g);
    expect(rhos[0]).toBe(1);
    let s = 0;
    for (const d of g.distances) s += Math.exp(-Math.max(0, d - rhos[0]) / sigmas[0]);
    expect(s).toBeCloseTo(Math.log2(k), 4);
  });

  it("findAB gives umap-learn's a, b for the defaults", () => {
    const { a, b } = findAB(1, 0.1);
    expect(a).toBeCloseTo(1.577, 2);
    expect(b).toBeCloseTo(0.8951, 3);
  });

  it('fastPow is within 1e-5 of Math.pow', () => {
    const rnd = mulberry32(3);
    for (let i = 0; i < 5000; i++) {
      const x = Math.exp((rnd() - 0.5) * 50);
      for (const p of [0.895, -0.105, 1.33, 2]) expect(Math.abs(fastPow(x, p) / Math.pow(x, p) - 1)).toBeLessThan(1e-5);
    }
    expect(fastPow(0, 0.5)).toBe(0);
  });
});
