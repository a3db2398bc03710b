import { describe, expect, it } from 'vitest';
import { concatKnn, knn, knnQuery, type KnnBackend, type KnnStats } from '../../src/compute/knn/index.ts';
import { sampleSeeds } from '../../src/compute/sampling.ts';
import type { Embeddings, KnnResult, Metric } from '../../src/compute/types.ts';
import { wasmAvailable } from '../../src/compute/wasm-kernels.ts';
import { firstMismatch, loadFixture, maxAbsDiff } from './_fixtures.ts';

const TOL = 1e-6;
const backends: KnnBackend[] = ['wasm', 'js'];

function expectMatches(res: KnnResult, idx: Int32Array, dist: Float64Array, k: number, label: string): void {
  expect(res.k, `${label}: k`).toBe(k);
  const at = firstMismatch(res.indices, idx);
  expect(at, `${label}: first index mismatch at ${at} (seed ${Math.floor(at / k)})`).toBe(-1);
  expect(maxAbsDiff(res.distances, dist), `${label}: distances`).toBeLessThanOrEqual(TOL);
}

function digits(): Embeddings {
  const fx = loadFixture('digits');
  const [n, dim] = fx.shape('x_u8');
  return { n, dim, data: Float32Array.from(fx.u8('x_u8')) };
}

describe('knn against numpy/scikit-learn', () => {
  it('has WebAssembly SIMD in this Node', () => {
    expect(wasmAvailable()).toBe(true);
  });

  for (const backend of backends) {
    for (const symmetric of [true, false]) {
      it(`digits, euclidean, all seeds, k=20 (${backend}, symmetric=${symmetric})`, () => {
        const fx = loadFixture('digits');
        const stats = {} as KnnStats;
        const res = knn(digits(), { k: 20, metric: 'euclidean', backend, symmetric, stats });
        expect(stats.backend).toBe(backend);
        expect(stats.symmetric).toBe(symmetric);
        expectMatches(res, fx.i32('euclid_k20_idx'), fx.f64('euclid_k20_dist'), 20, 'digits euclid');
      });
    }
    it(`digits, cosine, all seeds, k=10 (${backend})`, () => {
      const fx = loadFixture('digits');
      const res = knn(digits(), { k: 10, metric: 'cosine', backend });
      expectMatches(res, fx.i32('cosine_k10_idx'), fx.f64('cosine_k10_dist'), 10, 'digits cosine');
    });
    it(`digits, euclidean, 300 sampled seeds, k=10 (${backend})`, () => {
      const fx = loadFixture('digits');
      const seeds = fx.i32('sample_300_seed42');
      const res = knn(digits(), { k: 10, metric: 'euclidean', seeds, backend });
      expect(Array.from(res.seeds)).toEqual(Array.from(seeds));
      expectMatches(res, fx.i32('euclid_sample_k10_idx'), fx.f64('euclid_sample_k10_dist'), 10, 'digits sample');
    });
  }

  it('exact ties and duplicates: ties go to the lower index (euclidean and cosine, zero rows)', () => {
    const fx = loadFixture('ties');
    const x = fx.embeddings('x');
    for (const backend of backends) {
      for (const [metric, key] of [
        ['euclidean', 'euclid_k15'],
        ['cosine', 'cosine_k15'],
      ] as [Metric, string][]) {
        const res = knn(x, { k: 15, metric, backend });
        expectMatches(res, fx.i32(`${key}_idx`), fx.f64(`${key}_dist`), 15, `ties ${metric} ${backend}`);
      }
      const seeds = fx.i32('seeds');
      const res = knn(x, { k: 7, metric: 'euclidean', seeds, backend });
      expectMatches(res, fx.i32('euclid_seeds_k7_idx'), fx.f64('euclid_seeds_k7_dist'), 7, `ties seeds ${backend}`);
    }
  });

  it('k ≥ n − 1 is clamped to n − 1 (every other row, sorted)', () => {
    const fx = loadFixture('ties');
    const x = fx.embeddings('x');
    const res = knn(x, { k: 1000, metric: 'euclidean', seeds: fx.i32('seeds') });
    expect(res.k).toBe(x.n - 1);
    expectMatches(res, fx.i32('euclid_kall_idx'), fx.f64('euclid_kall_dist'), x.n - 1, 'k all');
    const all = knn(x, { k: x.n - 1, metric: 'cosine' });
    expect(all.k).toBe(x.n - 1);
  });

  it('D = 1', () => {
    const fx = loadFixture('ties');
    const res = knn(fx.embeddings('line'), { k: 5, metric: 'euclidean' });
    expectMatches(res, fx.i32('line_k5_idx'), fx.f64('line_k5_dist'), 5, 'line');
  });

  it('a cloud far from the origin (cancellation-prone) and cosine on it, sampled seeds', () => {
    const fx = loadFixture('random');
    const x = fx.embeddings('x');
    const seeds = fx.i32('seeds');
    for (const backend of backends) {
      const stats = {} as KnnStats;
      const e = knn(x, { k: 20, metric: 'euclidean', seeds, backend, stats });
      expectMatches(e, fx.i32('euclid_k20_idx'), fx.f64('euclid_k20_dist'), 20, `random euclid ${backend}`);
      expect(stats.fallbacks).toBe(0); // centring keeps the float32 screen tight
      const c = knn(x, { k: 20, metric: 'cosine', seeds, backend, stats });
      expectMatches(c, fx.i32('cosine_k20_idx'), fx.f64('cosine_k20_dist'), 20, `random cosine ${backend}`);
    }
  });

  it('knnQuery: external queries, nothing excluded, seeds = −1', () => {
    const fx = loadFixture('random');
    const x = fx.embeddings('x');
    const q = fx.embeddings('queries');
    for (const backend of backends) {
      for (const [metric, key] of [
        ['euclidean', 'query_euclid_k12'],
        ['cosine', 'query_cosine_k12'],
      ] as [Metric, string][]) {
        const res = knnQuery(x, q, { k: 12, metric, backend });
        expect(Array.from(res.seeds)).toEqual(new Array(q.n).fill(-1));
        expectMatches(res, fx.i32(`${key}_idx`), fx.f64(`${key}_dist`), 12, `query ${metric} ${backend}`);
      }
    }
    // A query equal to a corpus row finds that row first, at distance 0.
    const row = { n: 1, dim: x.dim, data: x.data.slice(5 * x.dim, 6 * x.dim) };
    const self = knnQuery(x, row, { k: 3, metric: 'euclidean' });
    expect(self.indices[0]).toBe(5);
    expect(self.distances[0]).toBe(0);
  });
});

describe('knn with a few queries (a full float64 scan each, no screen)', () => {
  /** Rows `rows` of a k-wide result. */
  const pick = (a: Int32Array | Float64Array, rows: number[], k: number) => rows.flatMap((r) => Array.from(a.subarray(r * k, (r + 1) * k)));

  it('matches scikit-learn on digits and the ties fixture (zero rows, duplicates), and the screen bit for bit', () => {
    const fx = loadFixture('digits');
    const x = digits();
    for (const [metric, k, key] of [
      ['euclidean', 20, 'euclid_k20'],
      ['cosine', 10, 'cosine_k10'],
    ] as [Metric, number, string][]) {
      for (const rows of [[0], [7, 1500], [3, 1796, 42, 900]]) {
        const stats = {} as KnnStats;
        const res = knn(x, { k, metric, seeds: Int32Array.from(rows), stats });
        expect(stats.backend).toBe('scan');
        expect(Array.from(res.indices)).toEqual(pick(fx.i32(`${key}_idx`), rows, k));
        expect(maxAbsDiff(res.distances, Float64Array.from(pick(fx.f64(`${key}_dist`), rows, k)))).toBeLessThanOrEqual(TOL);
        const screened = knn(x, { k, metric, seeds: Int32Array.from(rows), backend: 'wasm' });
        expect(res.indices).toEqual(screened.indices);
        expect(res.distances).toEqual(screened.distances);
      }
    }
    const ties = loadFixture('ties');
    const t = ties.embeddings('x');
    for (const [metric, key] of [
      ['euclidean', 'euclid_k15'],
      ['cosine', 'cosine_k15'],
    ] as [Metric, string][]) {
      for (let r = 0; r < t.n; r += 3) {
        const rows = [r, (r * 7 + 1) % t.n];
        const res = knn(t, { k: 15, metric, seeds: Int32Array.from(rows) });
        expect(Array.from(res.indices), `${metric} rows ${rows}`).toEqual(pick(ties.i32(`${key}_idx`), rows, 15));
        expect(maxAbsDiff(res.distances, Float64Array.from(pick(ties.f64(`${key}_dist`), rows, 15)))).toBeLessThanOrEqual(TOL);
      }
    }
  });

  it('knnQuery with 1–3 queries matches scikit-learn', () => {
    const fx = loadFixture('random');
    const x = fx.embeddings('x');
    const q = fx.embeddings('queries');
    for (const [metric, key] of [
      ['euclidean', 'query_euclid_k12'],
      ['cosine', 'query_cosine_k12'],
    ] as [Metric, string][]) {
      for (const rows of [[0], [1, 2], [q.n - 1, 0, 3]]) {
        const sub = {
          n: rows.length,
          dim: q.dim,
          data: Float32Array.from(rows.flatMap((r) => Array.from(q.data.subarray(r * q.dim, (r + 1) * q.dim)))),
        };
        const stats = {} as KnnStats;
        const res = knnQuery(x, sub, { k: 12, metric, stats });
        expect(stats.backend).toBe('scan');
        expect(Array.from(res.indices)).toEqual(pick(fx.i32(`${key}_idx`), rows, 12));
        expect(maxAbsDiff(res.distances, Float64Array.from(pick(fx.f64(`${key}_dist`), rows, 12)))).toBeLessThanOrEqual(TOL);
      }
    }
  });

  it('names a non-finite corpus value it meets (the corpus is not validated in a separate pass)', () => {
    const n = 50;
    const data = new Float32Array(n * 3).map((_, i) => i % 7);
    data[40 * 3 + 2] = Infinity;
    const x = { n, dim: 3, data };
    for (const metric of ['euclidean', 'cosine'] as Metric[]) {
      expect(() => knn(x, { k: 5, metric, seeds: Int32Array.of(3) })).toThrow(/knn: Infinity at row 40, column 2/);
      expect(() => knnQuery(x, { n: 1, dim: 3, data: new Float32Array(3) }, { k: 5, metric })).toThrow(
        /corpus: Infinity at row 40, column 2/,
      );
    }
  });
});

describe('knn exactness machinery', () => {
  it('no margin forces the float64 fallback, with identical results', () => {
    const fx = loadFixture('digits');
    const stats = {} as KnnStats;
    const res = knn(digits(), { k: 20, metric: 'euclidean', margin: 0, stats });
    expect(stats.fallbacks).toBeGreaterThan(0);
    expectMatches(res, fx.i32('euclid_k20_idx'), fx.f64('euclid_k20_dist'), 20, 'margin 0');
  });

  it('chunked seeds and blocked corpus give the same results', () => {
    const fx = loadFixture('digits');
    for (const backend of backends) {
      const res = knn(digits(), {
        k: 20,
        metric: 'euclidean',
        backend,
        symmetric: false,
        tuning: { chunkRows: 100, residentBytes: 0, blockItems: 500 },
      });
      expectMatches(res, fx.i32('euclid_k20_idx'), fx.f64('euclid_k20_dist'), 20, `chunked ${backend}`);
    }
  });

  it('seed ranges computed separately join into the full result (worker split)', () => {
    const x = digits();
    const full = knn(x, { k: 10, metric: 'cosine' });
    const parts = [0, 600, 1200].map((lo) => {
      const hi = Math.min(x.n, lo + 600);
      return knn(x, { k: 10, metric: 'cosine', seeds: Int32Array.from({ length: hi - lo }, (_, i) => lo + i) });
    });
    const joined = concatKnn(parts);
    expect(Array.from(joined.seeds)).toEqual(Array.from(full.seeds));
    expect(firstMismatch(joined.indices, full.indices)).toBe(-1);
    expect(maxAbsDiff(joined.distances, full.distances)).toBe(0);
  });

  it('orders identically under exact (power-of-two) rescaling, down to float32 subnormals', () => {
    const x = digits();
    const seeds = sampleSeeds(x.n, 200, 1);
    const a = knn(x, { k: 10, metric: 'euclidean', seeds });
    for (const e of [-140, -70, 60, 100]) {
      const scaled = { ...x, data: x.data.map((v) => v * 2 ** e) };
      const b = knn(scaled, { k: 10, metric: 'euclidean', seeds });
      expect(firstMismatch(a.indices, b.indices), `scale 2^${e}`).toBe(-1);
      expect(
        maxAbsDiff(
          b.distances.map((d) => d * 2 ** -e),
          a.distances,
        ),
        `scale 2^${e}`,
      ).toBeLessThanOrEqual(1e-9);
    }
  });

  it('all-identical rows: every distance 0, neighbours in index order', () => {
    const x = { n: 30, dim: 3, data: new Float32Array(90).fill(2.5) };
    const res = knn(x, { k: 4, metric: 'euclidean' });
    expect(Array.from(res.indices.slice(0, 4))).toEqual([1, 2, 3, 4]);
    expect(Array.from(res.indices.slice(4 * 7, 4 * 8))).toEqual([0, 1, 2, 3]);
    expect(Math.max(...res.distances)).toBe(0);
  });

  it('reports progress up to (total, total)', () => {
    const x = digits();
    for (const symmetric of [true, false]) {
      const calls: [number, number][] = [];
      knn(x, { k: 5, metric: 'euclidean', symmetric, onProgress: (d, t) => calls.push([d, t]) });
      expect(calls.length).toBeGreaterThan(1);
      expect(calls[calls.length - 1]).toEqual([x.n, x.n]);
      for (let i = 1; i < calls.length; i++) expect(calls[i][0]).toBeGreaterThanOrEqual(calls[i - 1][0]);
    }
  });

  it('tiny inputs', () => {
    expect(knn({ n: 1, dim: 2, data: new Float32Array([1, 2]) }, { k: 3, metric: 'euclidean' }).k).toBe(0);
    const two = knn({ n: 2, dim: 1, data: new Float32Array([0, 3]) }, { k: 3, metric: 'euclidean' });
    expect(two.k).toBe(1);
    expect(Array.from(two.indices)).toEqual([1, 0]);
    expect(Array.from(two.distances)).toEqual([3, 3]);
    expect(knn({ n: 0, dim: 4, data: new Float32Array(0) }, { k: 3, metric: 'cosine' }).indices.length).toBe(0);
  });
});

describe('knn input errors', () => {
  it('rejects NaN and Infinity naming the row and column', () => {
    const data = new Float32Array(12).fill(1);
    data[7] = NaN; // row 1, column 3 of a 3 × 4 matrix
    expect(() => knn({ n: 3, dim: 4, data }, { k: 1, metric: 'euclidean' })).toThrow(/NaN at row 1, column 3/);
    data[7] = -Infinity;
    expect(() => knn({ n: 3, dim: 4, data }, { k: 1, metric: 'cosine' })).toThrow(/-Infinity at row 1, column 3/);
    const ok = { n: 3, dim: 4, data: new Float32Array(12) };
    const badQ = { n: 1, dim: 4, data: new Float32Array([0, 0, NaN, 0]) };
    expect(() => knnQuery(ok, badQ, { k: 1, metric: 'euclidean' })).toThrow(/queries: NaN at row 0, column 2/);
  });

  it('rejects bad k, seeds, shapes and metrics', () => {
    const x = { n: 3, dim: 2, data: new Float32Array(6) };
    expect(() => knn(x, { k: 0, metric: 'euclidean' })).toThrow(/k must be a positive integer/);
    expect(() => knn(x, { k: 1.5, metric: 'euclidean' })).toThrow(/k must be a positive integer/);
    expect(() => knn(x, { k: 1, metric: 'euclidean', seeds: new Int32Array([0, 3]) })).toThrow(/seed 3/);
    expect(() => knn({ n: 3, dim: 2, data: new Float32Array(5) }, { k: 1, metric: 'euclidean' })).toThrow(/expected 3 × 2/);
    expect(() => knn(x, { k: 1, metric: 'manhattan' as Metric })).toThrow(/unknown metric/);
    expect(() => knnQuery(x, { n: 1, dim: 3, data: new Float32Array(3) }, { k: 1, metric: 'euclidean' })).toThrow(/dimension 3/);
  });
});
