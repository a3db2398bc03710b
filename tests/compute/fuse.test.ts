import { describe, expect, it } from 'vitest';
import { fuseEmbeddings } from '../../src/compute/fuse.ts';

describe('fuseEmbeddings', () => {
  it('concatenates the L2-normalised rows and divides by √2', () => {
    const a = { n: 2, dim: 2, data: new Float32Array([3, 4, 0, 2]) };
    const b = { n: 2, dim: 3, data: new Float32Array([0, 0, 5, 1, 2, 2]) };
    const f = fuseEmbeddings(a, b);
    expect([f.n, f.dim]).toEqual([2, 5]);
    const r = Math.SQRT1_2;
    const want = [0.6 * r, 0.8 * r, 0, 0, r, 0, r, r / 3, (2 * r) / 3, (2 * r) / 3];
    Array.from(f.data).forEach((v, i) => expect(v).toBeCloseTo(want[i], 6));
    for (let i = 0; i < 2; i++) {
      const row = f.data.subarray(i * 5, i * 5 + 5);
      expect(Math.hypot(...row)).toBeCloseTo(1, 6);
    }
  });

  it('is invariant to the scale of either input and leaves zero rows at zero', () => {
    const a = { n: 2, dim: 2, data: new Float32Array([1, 1, 0, 0]) };
    const b = { n: 2, dim: 1, data: new Float32Array([7, -2]) };
    const f1 = fuseEmbeddings(a, b);
    const f2 = fuseEmbeddings({ ...a, data: a.data.map((v) => v * 10) }, { ...b, data: b.data.map((v) => v * 0.01) });
    Array.from(f1.data).forEach((v, i) => expect(f2.data[i]).toBeCloseTo(v, 6));
    expect(Array.from(f1.data.subarray(3))).toEqual([0, 0, -Math.SQRT1_2].map((v) => Math.fround(v)));
    expect(f1.data.every(Number.isFinite)).toBe(true);
  });

  it('rejects embeddings of different item counts', () => {
    expect(() => fuseEmbeddings({ n: 2, dim: 1, data: new Float32Array(2) }, { n: 3, dim: 1, data: new Float32Array(3) })).toThrow(
      /2 rows and 3 rows/,
    );
  });
});
