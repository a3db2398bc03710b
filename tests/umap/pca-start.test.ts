import { describe, expect, it } from 'vitest';
import { pcaStart } from '../../src/compute/umap/pca-start.ts';

/** n × dim vectors with a decaying spectrum (a few strong directions plus noise), seeded. */
function spectrum(n: number, dim: number, seed: number): Float32Array {
  let s = seed;
  const rand = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++)
    for (let d = 0; d < dim; d++) data[i * dim + d] = rand() * (d < 2 ? 10 - 4 * d : 1 / (1 + d / 8)) + (d === 5 ? 3 : 0);
  return data;
}

describe('pcaStart', () => {
  it('the randomised start equals the exact two leading components on wide vectors', () => {
    const n = 1500,
      dim = 300;
    const x = { n, dim, data: spectrum(n, dim, 7) };
    const exact = pcaStart(x, 0, true);
    const fast = pcaStart(x, 0, false);
    let worst = 0;
    for (let i = 0; i < n * 2; i++) worst = Math.max(worst, Math.abs(exact[i] - fast[i]));
    expect(worst).toBeLessThan(1e-3); // coordinates scale to ±10
  });

  it('is deterministic for a seed, and scaled to max |coordinate| = 10', () => {
    const x = { n: 400, dim: 200, data: spectrum(400, 200, 3) };
    const a = pcaStart(x, 5);
    expect(pcaStart(x, 5)).toEqual(a);
    expect(Math.max(...Array.from(a, Math.abs))).toBeCloseTo(10, 5);
  });
});
