import { describe, expect, it } from 'vitest';
import { mulberry32, sampleSeeds } from '../../src/compute/sampling.ts';
import { loadFixture } from './_fixtures.ts';

describe('mulberry32 and sampleSeeds', () => {
  it('mulberry32 matches the Python port', () => {
    const fx = loadFixture('digits');
    const r = mulberry32(123);
    const got = Array.from({ length: 5 }, () => r());
    expect(got).toEqual(fx.meta.mulberry32_seed123_first5);
  });

  it('sampleSeeds matches the Python port and is sorted, distinct, reproducible', () => {
    const fx = loadFixture('digits');
    const s = sampleSeeds(1797, 300, 42);
    expect(Array.from(s)).toEqual(Array.from(fx.i32('sample_300_seed42')));
    const other = fx.meta.sample_other as { n: number; count: number; seed: number; expected: number[] };
    expect(Array.from(sampleSeeds(other.n, other.count, other.seed))).toEqual(other.expected);
    expect(new Set(s).size).toBe(300);
    for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1]);
    expect(Array.from(sampleSeeds(1797, 300, 42))).toEqual(Array.from(s));
    expect(Array.from(sampleSeeds(1797, 300, 43))).not.toEqual(Array.from(s));
  });

  it("'all' and count ≥ n give every row; 0 gives none", () => {
    expect(Array.from(sampleSeeds(4, 'all', 1))).toEqual([0, 1, 2, 3]);
    expect(Array.from(sampleSeeds(4, 9, 1))).toEqual([0, 1, 2, 3]);
    expect(sampleSeeds(4, 0, 1).length).toBe(0);
    expect(sampleSeeds(0, 'all', 1).length).toBe(0);
  });

  it('rejects bad arguments', () => {
    expect(() => sampleSeeds(-1, 3, 0)).toThrow(/n must be/);
    expect(() => sampleSeeds(10, 2.5, 0)).toThrow(/count must be/);
  });
});
