/**
 * Memory-lean whitening: written over the raw buffer, narrowed in place, and the variant loop that
 * uses them (evaluateWhitenings) — all bit-identical to the copying path on the digits fixture.
 */
import { describe, expect, it } from 'vitest';
import { evaluateVariant } from '../../src/compute/evaluate.ts';
import { evaluateWhitenings, type WhitenSpec } from '../../src/compute/evaluate-whitenings.ts';
import { encodeLabels } from '../../src/compute/labels.ts';
import { sampleSeeds } from '../../src/compute/sampling.ts';
import type { Embeddings } from '../../src/compute/types.ts';
import { applyWhitening, applyWhiteningInPlace, fitWhitening, keepLeadingColumnsInPlace } from '../../src/compute/whitening.ts';
import { loadFixture } from './_fixtures.ts';

const fx = loadFixture('digits');
const [n, dim] = fx.shape('x_u8');
const raw = (): Embeddings => ({ n, dim, data: Float32Array.from(fx.u8('x_u8')) });
const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

describe.each(['wasm', 'js'] as const)('whitening in place (%s)', (backend) => {
  const w = fitWhitening(raw(), { backend });

  it.each([undefined, 64, 33, 10, 1])('applyWhiteningInPlace(k=%s) = applyWhitening, same bits, same buffer', (k) => {
    const want = applyWhitening(raw(), w, k, backend);
    const x = raw();
    const got = applyWhiteningInPlace(x, w, k, backend);
    expect(got.data.buffer).toBe(x.data.buffer);
    expect(got.n).toBe(n);
    expect(got.dim).toBe(k ?? dim);
    expect(bits(got.data)).toEqual(bits(want.data));
  });

  it.each([64, 40, 33, 10, 1])('keepLeadingColumnsInPlace(full, %i) = applyWhitening(k), same bits', (k) => {
    const want = applyWhitening(raw(), w, k, backend);
    const full = applyWhitening(raw(), w, undefined, backend);
    const got = keepLeadingColumnsInPlace(full, k);
    expect(got.dim).toBe(k);
    expect(bits(got.data)).toEqual(bits(want.data));
  });
});

describe('evaluateWhitenings', () => {
  const values = fx.meta.facet_values as Record<string, string[]>;
  const opts = {
    k: 10,
    metric: 'euclidean' as const,
    seeds: sampleSeeds(n, 400, 3),
    facets: [encodeLabels('digit', values.digit), encodeLabels('parity', values.parity)],
    identity: encodeLabels('identity', values.identity),
    bootstrapSeed: 3,
  };

  it('scores each variant exactly as the copying path does, in the order asked, on one buffer', () => {
    const whitens: WhitenSpec[] = [16, 'full', 'none', 40];
    const w = fitWhitening(raw());
    const want = whitens.map((s) => {
      const xv = s === 'none' ? raw() : applyWhitening(raw(), w, s === 'full' ? undefined : s);
      return evaluateVariant(xv, opts);
    });
    const x = raw();
    const seen: [WhitenSpec, number][] = [];
    const phases: string[] = [];
    const got = evaluateWhitenings(x, whitens, { ...opts, onVariant: (s, d) => seen.push([s, d]), onPhase: (p) => phases.push(p) });
    expect(got.map((r) => r.whiten)).toEqual(whitens);
    got.forEach((r, i) => expect(r.metrics).toEqual(want[i]));
    // Raw first, then widest to narrowest.
    expect(seen).toEqual([
      ['none', 64],
      ['full', 64],
      [40, 40],
      [16, 16],
    ]);
    expect(phases).toEqual([
      'evaluate none',
      'fit whitening',
      'whiten full',
      'evaluate full',
      'whiten 40',
      'evaluate 40',
      'whiten 16',
      'evaluate 16',
    ]);
    // The raw vectors were overwritten: the buffer now starts with the top-16 whitened rows.
    expect(bits(x.data.subarray(0, n * 16))).toEqual(bits(applyWhitening(raw(), w, 16).data));
  });

  it('leaves x alone when only the raw variant is asked for', () => {
    const x = raw();
    const got = evaluateWhitenings(x, ['none'], opts);
    expect(got[0].metrics).toEqual(evaluateVariant(raw(), opts));
    expect(bits(x.data)).toEqual(bits(raw().data));
  });

  it('rejects keeping more directions than there are', () => {
    expect(() => evaluateWhitenings(raw(), [65], opts)).toThrow(/cannot keep 65 directions of 64/);
  });
});
