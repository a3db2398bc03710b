import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelCard } from '../../src/encoders/card.ts';
import { preprocess } from '../../src/encoders/preprocess.ts';
import { FIXTURES_DIR, base64Bytes, base64Float32, maxAbsDiff, readJson, type PreprocessFixture } from './fixtures.ts';

function card(size: number, mean: [number, number, number] = [0, 0, 0], std: [number, number, number] = [1, 1, 1]): ModelCard {
  return {
    id: 't',
    name: 't',
    modality: 'image',
    file: 't.onnx',
    sha256: '0'.repeat(64),
    input: { name: 'images', size, channels: 3, layout: 'NCHW', mean, std },
    output: { name: 'embedding', dim: 1 },
    architecture: '',
    objective: '',
    provenance: '',
    licence: 'MIT',
  };
}

/** A count × s × s × 3 image whose pixel (y, x) channel c of image n is f(n, y, x, c). */
function image(count: number, s: number, f: (n: number, y: number, x: number, c: number) => number): Uint8Array {
  const a = new Uint8Array(count * s * s * 3);
  for (let n = 0; n < count; n++)
    for (let y = 0; y < s; y++) for (let x = 0; x < s; x++) for (let c = 0; c < 3; c++) a[((n * s + y) * s + x) * 3 + c] = f(n, y, x, c);
  return a;
}

describe('preprocess', () => {
  it('scales to [0, 1], normalises per channel and writes NCHW (hand-computed)', () => {
    // 1 image 2×2: pixel (y, x) = [R, G, B]
    const rgb = new Uint8Array([0, 51, 255, /**/ 255, 102, 0, /**/ 51, 153, 204, /**/ 102, 204, 51]);
    const out = preprocess(rgb, 1, 2, card(2, [0.5, 0.4, 0.2], [0.5, 0.2, 0.4]));
    const expected = [
      // R plane: (v/255 − 0.5)/0.5
      -1, 1, -0.6, -0.2,
      // G plane: (v/255 − 0.4)/0.2
      -1, 0, 1, 2,
      // B plane: (v/255 − 0.2)/0.4
      2, -0.5, 1.5, 0,
    ];
    expect(out).toHaveLength(12);
    expect(maxAbsDiff(out, expected)).toBeLessThan(1e-6);
  });

  it('keeps images apart in a batch', () => {
    const rgb = image(3, 2, (n, _y, _x, c) => n * 10 + c);
    const out = preprocess(rgb, 3, 2, card(2));
    for (let n = 0; n < 3; n++)
      for (let c = 0; c < 3; c++) for (let p = 0; p < 4; p++) expect(out[n * 12 + c * 4 + p]).toBeCloseTo((n * 10 + c) / 255, 7);
  });

  it('downscales by an integer factor with area averaging (hand-computed)', () => {
    // 4×4 → 2×2: each output is the mean of a 2×2 block
    const vals = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 250];
    const rgb = image(1, 4, (_n, y, x, c) => (c === 0 ? vals[y * 4 + x] : c === 1 ? 255 : 0));
    const out = preprocess(rgb, 1, 4, card(2));
    const r = [(0 + 10 + 40 + 50) / 4, (20 + 30 + 60 + 70) / 4, (80 + 90 + 120 + 130) / 4, (100 + 110 + 140 + 250) / 4];
    expect(
      maxAbsDiff(
        out.subarray(0, 4),
        r.map((v) => v / 255),
      ),
    ).toBeLessThan(1e-7);
    expect(maxAbsDiff(out.subarray(4, 8), [1, 1, 1, 1])).toBe(0);
    expect(maxAbsDiff(out.subarray(8, 12), [0, 0, 0, 0])).toBe(0);
  });

  it('upscales bilinearly with half-pixel centres and edge clamp (hand-computed)', () => {
    // 2×2 → 4×4. Along an axis: dst 0 → src 0, dst 1 → 0.25, dst 2 → 0.75, dst 3 → 1 (clamped)
    const v = [
      [0, 100],
      [200, 40],
    ];
    const rgb = image(1, 2, (_n, y, x) => v[y][x]);
    const out = preprocess(rgb, 1, 2, card(4));
    const w = [
      [1, 0],
      [0.75, 0.25],
      [0.25, 0.75],
      [0, 1],
    ];
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 4; x++) {
        let e = 0;
        for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) e += w[y][i] * w[x][j] * v[i][j];
        for (let c = 0; c < 3; c++) expect(out[c * 16 + y * 4 + x]).toBeCloseTo(e / 255, 6);
      }
  });

  it('matches torch (avg_pool2d / bilinear align_corners=False) for every resize case in the fixture', () => {
    const fx = readJson<PreprocessFixture>(path.join(FIXTURES_DIR, 'preprocess.json'));
    expect(new Set(fx.cases.map((c) => c.method))).toEqual(new Set(['identity', 'area', 'bilinear']));
    for (const c of fx.cases) {
      const out = preprocess(base64Bytes(c.images), c.count, c.srcSize, card(fx.size, fx.mean, fx.std));
      const expected = base64Float32(c.expected);
      expect(out.length, `src ${c.srcSize}`).toBe(expected.length);
      expect(maxAbsDiff(out, expected), `src ${c.srcSize} (${c.method})`).toBeLessThanOrEqual(1e-6);
    }
  });

  it('rejects a buffer too short for the images', () => {
    expect(() => preprocess(new Uint8Array(10), 1, 2, card(2))).toThrow(/need 12 bytes, got 10/);
  });
});
