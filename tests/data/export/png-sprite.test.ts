/** The PNG writer and the TF Projector sprite: decoded back with pngjs (an independent decoder). */
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../src/data/export/crc32.ts';
import { encodePngRgb } from '../../../src/data/export/png.ts';
import { buildSprite, spriteLayout } from '../../../src/data/export/sprite.ts';
import { mulberry32 } from '../../../src/compute/sampling.ts';

function randomBytes(count: number, seed: number): Uint8Array {
  const r = mulberry32(seed);
  return Uint8Array.from({ length: count }, () => Math.floor(r() * 256));
}

/** RGB of a pngjs-decoded image (pngjs always gives RGBA). */
function decodeRgb(png: Uint8Array): { width: number; height: number; rgb: Uint8Array; alpha: Set<number> } {
  const img = PNG.sync.read(Buffer.from(png));
  const rgb = new Uint8Array(img.width * img.height * 3);
  const alpha = new Set<number>();
  for (let i = 0; i < img.width * img.height; i++) {
    rgb.set(img.data.subarray(i * 4, i * 4 + 3), i * 3);
    alpha.add(img.data[i * 4 + 3]);
  }
  return { width: img.width, height: img.height, rgb, alpha };
}

function tileOf(rgb: Uint8Array, width: number, tile: number, gx: number, gy: number): Uint8Array {
  const out = new Uint8Array(tile * tile * 3);
  for (let y = 0; y < tile; y++) {
    const o = ((gy * tile + y) * width + gx * tile) * 3;
    out.set(rgb.subarray(o, o + tile * 3), y * tile * 3);
  }
  return out;
}

/** Independent 2-D area average (not separable): each output pixel = mean of the source area it covers. */
function areaAverage(src: Uint8Array, s: number, t: number): Float64Array {
  const out = new Float64Array(t * t * 3);
  const k = s / t;
  for (let oy = 0; oy < t; oy++) {
    for (let ox = 0; ox < t; ox++) {
      const acc = [0, 0, 0];
      let wsum = 0;
      for (let y = 0; y < s; y++) {
        const wy = Math.max(0, Math.min(y + 1, (oy + 1) * k) - Math.max(y, oy * k));
        for (let x = 0; x < s; x++) {
          const wx = Math.max(0, Math.min(x + 1, (ox + 1) * k) - Math.max(x, ox * k));
          const w = wx * wy;
          if (w === 0) continue;
          for (let c = 0; c < 3; c++) acc[c] += src[(y * s + x) * 3 + c] * w;
          wsum += w;
        }
      }
      for (let c = 0; c < 3; c++) out[(oy * t + ox) * 3 + c] = acc[c] / wsum;
    }
  }
  return out;
}

describe('crc32 and the PNG writer', () => {
  it('crc32 gives the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('pngjs decodes the RGB pixels exactly (odd sizes, opaque)', () => {
    for (const [w, h] of [
      [1, 1],
      [7, 3],
      [33, 65],
    ]) {
      const rgb = randomBytes(w * h * 3, w * 100 + h);
      const d = decodeRgb(encodePngRgb(rgb, w, h));
      expect([d.width, d.height]).toEqual([w, h]);
      expect(d.rgb).toEqual(rgb);
      expect([...d.alpha]).toEqual([255]);
    }
  });

  it('the same pixels always give the same bytes', () => {
    const rgb = randomBytes(10 * 10 * 3, 3);
    expect(encodePngRgb(rgb, 10, 10)).toEqual(encodePngRgb(rgb.slice(), 10, 10));
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => encodePngRgb(new Uint8Array(11), 2, 2)).toThrow(/12/);
  });
});

describe('sprite layout', () => {
  it('square grid of ceil(√n) tiles, tile = min(s, floor(8192 / grid))', () => {
    expect(spriteLayout(200, 64)).toEqual({ grid: 15, tile: 64, size: 960 });
    expect(spriteLayout(16_384, 64)).toEqual({ grid: 128, tile: 64, size: 8192 });
    expect(spriteLayout(16_385, 64)).toEqual({ grid: 129, tile: 63, size: 8127 });
    expect(spriteLayout(100_000, 64)).toEqual({ grid: 317, tile: 25, size: 7925 });
    expect(spriteLayout(1, 28)).toEqual({ grid: 1, tile: 28, size: 28 });
    expect(() => spriteLayout(8193 * 8193, 4)).toThrow(/do not fit/);
  });
});

describe('buildSprite', () => {
  it('no downscale: tile i sits at (i mod g, floor(i / g)) and equals thumbnail i; unused tiles are white', () => {
    const n = 7;
    const s = 5;
    const images = randomBytes(n * s * s * 3, 11);
    const sp = buildSprite(images, n, s);
    expect([sp.grid, sp.tile, sp.size]).toEqual([3, 5, 15]);
    const d = decodeRgb(sp.png);
    expect([d.width, d.height]).toEqual([15, 15]);
    for (let i = 0; i < 9; i++) {
      const t = tileOf(d.rgb, 15, 5, i % 3, Math.floor(i / 3));
      if (i < n) expect(t).toEqual(images.subarray(i * s * s * 3, (i + 1) * s * s * 3));
      else expect(t.every((v) => v === 255)).toBe(true);
    }
  });

  it('halving: each sprite pixel is the rounded mean of a 2×2 block', () => {
    const n = 5;
    const s = 8;
    const images = randomBytes(n * s * s * 3, 12);
    const sp = buildSprite(images, n, s, { maxPx: 12 }); // grid 3 → tile floor(12/3) = 4
    expect([sp.grid, sp.tile, sp.size]).toEqual([3, 4, 12]);
    const d = decodeRgb(sp.png);
    for (let i = 0; i < n; i++) {
      const src = images.subarray(i * s * s * 3, (i + 1) * s * s * 3);
      const expected = new Uint8Array(4 * 4 * 3);
      for (let y = 0; y < 4; y++)
        for (let x = 0; x < 4; x++)
          for (let c = 0; c < 3; c++) {
            const at = (yy: number, xx: number) => src[(yy * s + xx) * 3 + c];
            const sum = at(2 * y, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x) + at(2 * y + 1, 2 * x + 1);
            expected[(y * 4 + x) * 3 + c] = Math.round(sum / 4);
          }
      expect(tileOf(d.rgb, 12, 4, i % 3, Math.floor(i / 3))).toEqual(expected);
    }
  });

  it('non-integer ratio (6 → 4 px): the area average of what each pixel covers, to the rounding', () => {
    const n = 4;
    const s = 6;
    const images = randomBytes(n * s * s * 3, 13);
    const sp = buildSprite(images, n, s, { maxPx: 8 }); // grid 2 → tile 4
    expect(sp.tile).toBe(4);
    const d = decodeRgb(sp.png);
    for (let i = 0; i < n; i++) {
      const want = areaAverage(images.subarray(i * s * s * 3, (i + 1) * s * s * 3), s, 4);
      const got = tileOf(d.rgb, 8, 4, i % 2, Math.floor(i / 2));
      for (let j = 0; j < got.length; j++) expect(Math.abs(got[j] - want[j])).toBeLessThanOrEqual(0.5 + 1e-9);
    }
  });

  it('a flat colour stays exactly that colour at any scale', () => {
    const n = 10;
    const s = 9;
    const images = new Uint8Array(n * s * s * 3);
    for (let i = 0; i < n * s * s; i++) images.set([200, 17, 99], i * 3);
    const sp = buildSprite(images, n, s, { maxPx: 16 }); // grid 4 → tile 4 (9 → 4)
    const d = decodeRgb(sp.png);
    for (let i = 0; i < n; i++) {
      const t = tileOf(d.rgb, 16, 4, i % 4, Math.floor(i / 4));
      for (let p = 0; p < 16; p++) expect(Array.from(t.subarray(p * 3, p * 3 + 3))).toEqual([200, 17, 99]);
    }
  });
});
