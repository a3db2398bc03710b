import { describe, expect, it } from 'vitest';
import { encodeLabels } from '../../src/compute/labels.ts';
import { isTestRow, trainProbe } from '../../src/compute/compare/probe.ts';
import { minimizeLbfgs } from '../../src/compute/compare/lbfgs.ts';
import type { Embeddings, LabelColumn } from '../../src/compute/types.ts';
import { loadFixture } from './_fixtures.ts';

interface Ref {
  top1: number;
  top5: number;
  objective: number;
  train: number;
  test: number;
  classes: number;
}

const digits = loadFixture('digits');
const fx = loadFixture('compare');
const refs = fx.meta.probes as Record<string, Ref>;
const [n, dim] = digits.shape('x_u8');
const px = Float32Array.from(digits.u8('x_u8'));
const A: Embeddings = { n, dim, data: px };
const B: Embeddings = { n, dim, data: px.map((v) => v * v) };
const C: Embeddings = { n, dim: 32, data: new Float32Array(n * 32) };
for (let i = 0; i < n; i++) C.data.set(px.subarray(i * dim, i * dim + 32), i * 32);
const codes = (a: Int32Array, name: string): LabelColumn => encodeLabels(name, Array.from(a, String));
const digit = codes(digits.i32('target'), 'digit');
const coarse = encodeLabels(
  'coarse',
  (fx.meta.coarse_values as string[]).map((v) => (v === '-1' ? '' : v)),
);

function check(got: ReturnType<typeof trainProbe>, ref: Ref): void {
  expect(got.train).toBe(ref.train);
  expect(got.test).toBe(ref.test);
  expect(got.classes).toBe(ref.classes);
  expect(got.converged).toBe(true);
  expect(Math.abs(got.top1 - ref.top1)).toBeLessThanOrEqual(0.01);
  expect(Math.abs(got.top5 - ref.top5)).toBeLessThanOrEqual(0.01);
  // Same objective, same optimum: ours is no worse than scikit-learn's solution (relative 1e-6).
  expect(got.objective).toBeLessThanOrEqual(ref.objective * (1 + 1e-6));
  expect(got.objective).toBeGreaterThanOrEqual(ref.objective * (1 - 1e-4));
}

describe('logistic-regression probe against scikit-learn LogisticRegression(C=1, multinomial, lbfgs)', () => {
  it('digits pixels, digit facet (10 classes)', () => check(trainProbe(A, digit), refs.A_digit));
  it('the first 32 pixel columns (constant columns become 0)', () => check(trainProbe(C, digit), refs.C_digit));
  it('squared pixels, a 3-class facet with empty labels (left out)', () => check(trainProbe(B, coarse), refs.B_coarse));
  it('random vectors with 12 random labels (a hard, near-chance case)', () => {
    const rnd = loadFixture('random').embeddings('x');
    check(trainProbe(rnd, codes(fx.i32('random_labels'), 'r')), refs.random_12);
  });

  it('splits on index % 5, reports progress, and stops when asked', () => {
    expect([0, 1, 2, 3, 4, 9].map(isTestRow)).toEqual([false, false, false, false, true, true]);
    let calls = 0;
    const r = trainProbe(A, digit, { onProgress: () => ++calls < 3 });
    expect(calls).toBe(3);
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(3);
  });

  it('one class in training predicts it; no test rows gives NaN', () => {
    const one = encodeLabels(
      'one',
      Array.from({ length: 10 }, (_, i) => (i === 9 ? 'b' : 'a')),
    );
    const x: Embeddings = { n: 10, dim: 2, data: Float32Array.from({ length: 20 }, (_, i) => i) };
    const r = trainProbe(x, one);
    expect(r.classes).toBe(1);
    expect(r.top1).toBe(0.5); // row 4 ('a') right, row 9 ('b', never trained on) wrong
    const none = encodeLabels(
      'none',
      Array.from({ length: 10 }, (_, i) => (i % 5 === 4 ? '' : 'a')),
    );
    expect(trainProbe(x, none).top1).toBeNaN();
  });
});

describe('L-BFGS', () => {
  it('minimises a convex quadratic to the gradient tolerance', () => {
    // f = ½ Σ a_i (x_i − i)², a_i = 1..20.
    const fg = (x: Float64Array, g: Float64Array) => {
      let f = 0;
      for (let i = 0; i < x.length; i++) {
        const d = x[i] - i;
        f += 0.5 * (i + 1) * d * d;
        g[i] = (i + 1) * d;
      }
      return f;
    };
    const r = minimizeLbfgs(fg, new Float64Array(20), { gtol: 1e-9 });
    expect(r.converged).toBe(true);
    r.x.forEach((v, i) => expect(v).toBeCloseTo(i, 7));
  });
});
