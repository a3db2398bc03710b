import { describe, expect, it } from 'vitest';
import { eighSymmetric } from '../../src/compute/eigh.ts';
import { mulberry32 } from '../../src/compute/sampling.ts';
import { loadFixture, maxAbsDiff } from './_fixtures.ts';

function check(a: Float64Array, n: number, tol: number): { values: Float64Array; vectors: Float64Array } {
  const r = eighSymmetric(a, n);
  const { values, vectors } = r;
  let scale = 1;
  for (const v of a) scale = Math.max(scale, Math.abs(v));
  for (let c = 0; c < n; c++) {
    if (c > 0) expect(values[c]).toBeLessThanOrEqual(values[c - 1]);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * vectors[k * n + c];
      expect(Math.abs(s - values[c] * vectors[i * n + c])).toBeLessThanOrEqual(tol * scale);
    }
    for (let c2 = 0; c2 < n; c2++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[k * n + c] * vectors[k * n + c2];
      expect(Math.abs(s - (c === c2 ? 1 : 0))).toBeLessThanOrEqual(tol);
    }
  }
  return r;
}

describe('eighSymmetric', () => {
  it('matches numpy.linalg.eigh on the fixtures’ covariances', () => {
    for (const name of ['whiten_digits', 'whiten_random']) {
      const fx = loadFixture(name);
      const cov = fx.f64('cov');
      const n = Math.round(Math.sqrt(cov.length));
      const { values } = check(cov, n, 1e-10);
      const clamped = values.map((v) => Math.max(0, v));
      expect(maxAbsDiff(clamped, fx.f64('eigenvalues'))).toBeLessThanOrEqual(1e-6);
    }
  });

  it('random symmetric matrices, repeated and zero eigenvalues', () => {
    const rand = mulberry32(9);
    for (const n of [1, 2, 3, 10, 33]) {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rand() - 0.5;
      check(a, n, 1e-12);
    }
    // diag(3, 1, 1, 0, 0): repeated eigenvalues, the identity basis up to order
    const d = new Float64Array(25);
    [1, 3, 0, 1, 0].forEach((v, i) => (d[i * 5 + i] = v));
    const { values } = check(d, 5, 1e-14);
    expect(Array.from(values)).toEqual([3, 1, 1, 0, 0]);
    check(new Float64Array(16), 4, 0);
  });

  it('reads only the lower triangle and fixes eigenvector signs', () => {
    const a = new Float64Array([2, 99, 1, 2]); // upper 99 ignored → [[2,1],[1,2]]
    const { values, vectors } = eighSymmetric(a, 2);
    expect(values[0]).toBeCloseTo(3, 14);
    expect(values[1]).toBeCloseTo(1, 14);
    // largest-magnitude component positive (first on ties)
    expect(vectors[0]).toBeGreaterThan(0);
    expect(vectors[1]).toBeGreaterThan(0);
  });

  it('is fast enough for D = 512', () => {
    const n = 512;
    const rand = mulberry32(1);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a[i * n + j] = a[j * n + i] = rand();
    const t0 = performance.now();
    eighSymmetric(a, n);
    expect(performance.now() - t0).toBeLessThan(20_000); // generous: shared CI cores; ~0.4 s typical
  });

  it('rejects bad input', () => {
    expect(() => eighSymmetric(new Float64Array([1, 0, NaN, 1]), 2)).toThrow(/row 1, column 0/);
    expect(() => eighSymmetric(new Float64Array(3), 2)).toThrow(/expected 2 × 2/);
  });
});
