import { describe, expect, it } from 'vitest';
import { applyWhitening, covariance, fitWhitening, type WhiteningBackend } from '../../src/compute/whitening.ts';
import type { Embeddings } from '../../src/compute/types.ts';
import { loadFixture, maxAbsDiff } from './_fixtures.ts';

const TOL = 1e-6;
const backends: WhiteningBackend[] = ['wasm', 'js'];

function data(name: string): Embeddings {
  if (name === 'whiten_digits') {
    const d = loadFixture('digits');
    const [n, dim] = d.shape('x_u8');
    return { n, dim, data: Float32Array.from(d.u8('x_u8')) };
  }
  return loadFixture(name).embeddings('x');
}

/** Max |a − b| over columns compared up to one sign flip per column. */
function maxDiffUpToSign(a: Float32Array, b: Float32Array, rows: number, cols: number, strideA: number, strideB: number): number {
  let worst = 0;
  for (let j = 0; j < cols; j++) {
    let dot = 0;
    for (let i = 0; i < rows; i++) dot += a[i * strideA + j] * b[i * strideB + j];
    const s = dot < 0 ? -1 : 1;
    for (let i = 0; i < rows; i++) worst = Math.max(worst, Math.abs(a[i * strideA + j] - s * b[i * strideB + j]));
  }
  return worst;
}

describe('whitening against numpy', () => {
  for (const name of ['whiten_digits', 'whiten_random']) {
    for (const backend of backends) {
      it(`${name}: mean, covariance (÷n), eigenvalues, ε, whitened rows up to sign (${backend})`, () => {
        const fx = loadFixture(name);
        const x = data(name);
        const w = fitWhitening(x, { backend });
        expect(w.dim).toBe(x.dim);
        expect(maxAbsDiff(w.mean, fx.f64('mean'))).toBeLessThanOrEqual(TOL);
        expect(maxAbsDiff(covariance(x, undefined, backend), fx.f64('cov'))).toBeLessThanOrEqual(TOL);
        expect(maxAbsDiff(w.eigenvalues, fx.f64('eigenvalues'))).toBeLessThanOrEqual(TOL);
        expect(Math.abs(w.eps - fx.num('eps'))).toBeLessThanOrEqual(1e-12);
        const rows = fx.num('whitened_rows');
        const ref = fx.f32('whitened');
        const head = { n: rows, dim: x.dim, data: x.data.subarray(0, rows * x.dim) };
        for (const k of fx.meta.ks as number[]) {
          const y = applyWhitening(head, w, k, backend);
          expect(y.n).toBe(rows);
          expect(y.dim).toBe(k);
          expect(maxDiffUpToSign(y.data, ref, rows, k, k, x.dim)).toBeLessThanOrEqual(TOL);
        }
      });
    }
  }

  it('has zero eigenvalues for constant and duplicated columns, and stays finite', () => {
    const w = fitWhitening(data('whiten_random'));
    const ev = Array.from(w.eigenvalues);
    expect(ev[ev.length - 1]).toBeLessThan(1e-12 * ev[0]);
    expect(ev[ev.length - 2]).toBeLessThan(1e-12 * ev[0]);
    expect(ev[ev.length - 3]).toBeGreaterThan(1e-6 * ev[0]);
    expect(w.w.every(Number.isFinite)).toBe(true);
    const digits = fitWhitening(data('whiten_digits'));
    const tiny = digits.eigenvalues.filter((v) => v < 1e-12 * digits.eigenvalues[0]).length;
    expect(tiny).toBe(3); // three pixels are blank in every digit
  });
});

describe('whitening properties', () => {
  it('covariance of the whitened corpus is diag(λ/(λ+ε)) ≈ I', () => {
    for (const name of ['whiten_digits', 'whiten_random']) {
      const x = data(name);
      const w = fitWhitening(x);
      const y = applyWhitening(x, w);
      const c = covariance(y);
      let worst = 0;
      for (let a = 0; a < x.dim; a++) {
        for (let b = 0; b < x.dim; b++) {
          const lam = w.eigenvalues[a];
          const want = a === b ? lam / (lam + w.eps) : 0;
          worst = Math.max(worst, Math.abs(c[a * x.dim + b] - want));
        }
      }
      expect(worst, name).toBeLessThanOrEqual(1e-5); // float32 output rounding, accumulated over n rows
      // the non-degenerate directions are whitened to within 1%
      for (let a = 0; a < x.dim; a++) if (w.eigenvalues[a] >= 1e-4 * w.eigenvalues[0]) expect(c[a * x.dim + a]).toBeGreaterThan(0.99);
    }
  });

  it('the k-truncated whitening is the first k columns of the full one', () => {
    const x = data('whiten_random');
    const w = fitWhitening(x);
    const full = applyWhitening(x, w);
    const three = applyWhitening(x, w, 3);
    let worst = 0;
    for (let i = 0; i < x.n; i++)
      for (let j = 0; j < 3; j++) worst = Math.max(worst, Math.abs(three.data[i * 3 + j] - full.data[i * x.dim + j]));
    expect(worst).toBe(0);
  });

  it('wasm and JS agree', () => {
    const x = data('whiten_digits');
    const a = fitWhitening(x, { backend: 'wasm' });
    const b = fitWhitening(x, { backend: 'js' });
    expect(maxAbsDiff(a.w, b.w)).toBeLessThanOrEqual(1e-9);
    expect(maxAbsDiff(applyWhitening(x, a, 7, 'wasm').data, applyWhitening(x, a, 7, 'js').data)).toBeLessThanOrEqual(1e-6);
  });

  it('D = 1: (x − μ)/√(var + ε)', () => {
    const x = { n: 4, dim: 1, data: new Float32Array([1, 2, 3, 6]) };
    const w = fitWhitening(x);
    const mean = 3;
    const variance = (4 + 1 + 0 + 9) / 4;
    expect(w.mean[0]).toBe(mean);
    expect(w.eigenvalues[0]).toBeCloseTo(variance, 12);
    expect(w.eps).toBeCloseTo(1e-6 * variance, 18);
    const y = applyWhitening(x, w);
    for (let i = 0; i < 4; i++) expect(y.data[i]).toBeCloseTo((x.data[i] - mean) / Math.sqrt(variance + w.eps), 6);
  });

  it('constant data: all eigenvalues 0, ε = 1, whitened rows are 0', () => {
    const x = { n: 5, dim: 3, data: new Float32Array(15).fill(7) };
    const w = fitWhitening(x);
    expect(Array.from(w.eigenvalues)).toEqual([0, 0, 0]);
    expect(w.eps).toBe(1);
    expect(Array.from(applyWhitening(x, w).data).every((v) => v === 0)).toBe(true);
  });

  it('honours an explicit ε', () => {
    const x = data('whiten_random');
    const w = fitWhitening(x, { eps: 0.5 });
    expect(w.eps).toBe(0.5);
    const col0 = Math.hypot(...Array.from({ length: x.dim }, (_, d) => w.w[d * x.dim]));
    expect(col0).toBeCloseTo(1 / Math.sqrt(w.eigenvalues[0] + 0.5), 12);
  });

  it('rejects bad input with a clear error', () => {
    const data = new Float32Array(6).fill(1);
    data[4] = NaN;
    expect(() => fitWhitening({ n: 3, dim: 2, data })).toThrow(/NaN at row 2, column 0/);
    const ok = { n: 3, dim: 2, data: new Float32Array([1, 2, 3, 4, 5, 7]) };
    const w = fitWhitening(ok);
    expect(() => applyWhitening({ n: 1, dim: 3, data: new Float32Array(3) }, w)).toThrow(/dimension 3/);
    expect(() => applyWhitening(ok, w, 3)).toThrow(/k must be an integer in 1…2/);
    expect(() => applyWhitening(ok, w, 0)).toThrow(/k must be/);
    expect(() => applyWhitening({ n: 1, dim: 2, data: new Float32Array([Infinity, 0]) }, w)).toThrow(/Infinity at row 0, column 0/);
    expect(() => fitWhitening({ n: 0, dim: 2, data: new Float32Array(0) })).toThrow(/at least one row/);
    expect(() => fitWhitening(ok, { eps: -1 })).toThrow(/eps/);
  });
});
