import type { ModelCard } from './card.ts';

/**
 * Image preprocessing for every image encoder, identical in the browser worker and in Node (CLI,
 * tests): this function is the only definition.
 *
 * Input: `count` RGB images, uint8, row-major `count × srcSize × srcSize × 3` (the corpus layout).
 * Output: float32 NCHW `count × 3 × S × S` with S = `card.input.size`:
 *   1. v / 255 (to [0, 1]);
 *   2. resize srcSize → S when they differ:
 *      - srcSize a multiple of S (integer downscaling factor f): area averaging, the mean of each
 *        f × f block (= torch `avg_pool2d(f)`);
 *      - otherwise (upscaling, or a non-integer factor): bilinear with half-pixel centres,
 *        src = (dst + 0.5) · srcSize / S − 0.5, clamped to the edge (= torch
 *        `interpolate(mode='bilinear', align_corners=False)`, no antialiasing);
 *   3. (v − mean[c]) / std[c] per channel.
 * Arithmetic in float64, rounded once to float32 at the end.
 */
export function preprocess(rgb: Uint8Array, count: number, srcSize: number, card: ModelCard): Float32Array {
  if (card.modality !== 'image') throw new TypeError(`preprocess: ${card.id} is a ${card.modality} model, not an image model`);
  const size = card.input.size;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`preprocess: bad count ${count}`);
  if (!Number.isInteger(srcSize) || srcSize < 1) throw new RangeError(`preprocess: bad image size ${srcSize}`);
  const need = count * srcSize * srcSize * 3;
  if (rgb.length < need) {
    throw new RangeError(`preprocess: ${count} images of ${srcSize}×${srcSize}×3 need ${need} bytes, got ${rgb.length}`);
  }
  const plane = size * size;
  const out = new Float32Array(count * 3 * plane);
  const { mean, std } = card.input;
  const scale = [1 / (255 * std[0]), 1 / (255 * std[1]), 1 / (255 * std[2])];
  const shift = [mean[0] / std[0], mean[1] / std[1], mean[2] / std[2]];

  if (srcSize === size) {
    // Same arithmetic as below, tabulated per channel for the 256 byte values.
    const lut = [0, 1, 2].map((c) => Float32Array.from({ length: 256 }, (_, v) => v * scale[c] - shift[c]));
    for (let n = 0; n < count; n++) {
      const base = n * plane * 3;
      for (let c = 0; c < 3; c++) {
        const table = lut[c];
        const dst = base + c * plane;
        for (let p = 0, i = base + c; p < plane; p++, i += 3) out[dst + p] = table[rgb[i]];
      }
    }
    return out;
  }

  const tmp = new Float64Array(plane * 3); // one resized image, HWC, in [0, 255]
  const resize = srcSize > size && srcSize % size === 0 ? areaResizer(srcSize, size) : bilinearResizer(srcSize, size);
  for (let n = 0; n < count; n++) {
    resize(rgb, n * srcSize * srcSize * 3, tmp);
    const dst = n * plane * 3;
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) {
        out[dst + c * plane + p] = tmp[p * 3 + c] * scale[c] - shift[c];
      }
    }
  }
  return out;
}

type Resizer = (rgb: Uint8Array, offset: number, out: Float64Array) => void;

/** Mean of each f × f block (srcSize = f · size). */
function areaResizer(srcSize: number, size: number): Resizer {
  const f = srcSize / size;
  const inv = 1 / (f * f);
  return (rgb, offset, out) => {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let r = 0;
        let g = 0;
        let b = 0;
        for (let dy = 0; dy < f; dy++) {
          let i = offset + ((y * f + dy) * srcSize + x * f) * 3;
          for (let dx = 0; dx < f; dx++, i += 3) {
            r += rgb[i];
            g += rgb[i + 1];
            b += rgb[i + 2];
          }
        }
        const o = (y * size + x) * 3;
        out[o] = r * inv;
        out[o + 1] = g * inv;
        out[o + 2] = b * inv;
      }
    }
  };
}

/** Bilinear, half-pixel centres, edge clamp (torch align_corners=False). */
function bilinearResizer(srcSize: number, size: number): Resizer {
  const ratio = srcSize / size;
  const i0 = new Int32Array(size);
  const i1 = new Int32Array(size);
  const w1 = new Float64Array(size);
  for (let d = 0; d < size; d++) {
    const s = Math.max((d + 0.5) * ratio - 0.5, 0);
    const lo = Math.min(Math.floor(s), srcSize - 1);
    i0[d] = lo;
    i1[d] = Math.min(lo + 1, srcSize - 1);
    w1[d] = s - lo;
  }
  return (rgb, offset, out) => {
    for (let y = 0; y < size; y++) {
      const row0 = offset + i0[y] * srcSize * 3;
      const row1 = offset + i1[y] * srcSize * 3;
      const wy = w1[y];
      for (let x = 0; x < size; x++) {
        const c0 = i0[x] * 3;
        const c1 = i1[x] * 3;
        const wx = w1[x];
        const o = (y * size + x) * 3;
        for (let c = 0; c < 3; c++) {
          const top = rgb[row0 + c0 + c] * (1 - wx) + rgb[row0 + c1 + c] * wx;
          const bottom = rgb[row1 + c0 + c] * (1 - wx) + rgb[row1 + c1 + c] * wx;
          out[o + c] = top * (1 - wy) + bottom * wy;
        }
      }
    }
  };
}
