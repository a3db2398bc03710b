/**
 * The TF Projector sprite: every item's thumbnail in one square PNG, row-major from the top left.
 *
 * Checked against TensorBoard's projector (tensorflow/tensorboard, tensorboard/plugins/projector/
 * vz_projector/):
 * - data-provider.ts: `MAX_SPRITE_IMAGE_SIZE_PX = 8192`; a sprite wider or taller than that is
 *   refused ("exceeds maximum dimensions").
 * - scatterPlotVisualizerSprites.ts: `spritesPerRow = atlas.width / singleImageDim[0]`,
 *   `spritesPerColumn = atlas.height / singleImageDim[1]`, and the vertex shader takes an item's tile
 *   row as `floor(spriteIndex / spritesPerColumn)`, so the grid must be square: g × g tiles,
 *   g = ceil(√n), the image exactly g·t pixels on each side.
 * Hence t = singleImageDim = min(s, floor(8192 / g)); thumbnails larger than t are box-filtered
 * down (each output pixel averages the source area it covers). Tiles past the last item are white.
 */
import { encodePngScanlines } from './png.ts';

export const MAX_SPRITE_PX = 8192;

export interface SpriteLayout {
  /** Tiles per row and per column. */
  grid: number;
  /** Side of one tile in the sprite (singleImageDim = [tile, tile]). */
  tile: number;
  /** Side of the sprite image, grid × tile ≤ 8192. */
  size: number;
}

/** Grid and tile size for n thumbnails of s × s pixels. */
export function spriteLayout(n: number, s: number, maxPx = MAX_SPRITE_PX): SpriteLayout {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`spriteLayout: need at least one item, got ${n}`);
  if (!Number.isSafeInteger(s) || s < 1) throw new RangeError(`spriteLayout: bad thumbnail size ${s}`);
  const grid = Math.ceil(Math.sqrt(n));
  const tile = Math.min(s, Math.floor(maxPx / grid));
  if (tile < 1) throw new RangeError(`spriteLayout: ${n} items do not fit in a ${maxPx}×${maxPx} sprite even at 1 pixel each`);
  return { grid, tile, size: grid * tile };
}

/** Separable box-filter taps from s source pixels to t output pixels: for output j, [index, weight] pairs. */
function boxTaps(s: number, t: number): { index: Int32Array; weight: Float64Array; start: Int32Array } {
  const scale = s / t;
  const idx: number[] = [];
  const wts: number[] = [];
  const start = new Int32Array(t + 1);
  for (let j = 0; j < t; j++) {
    start[j] = idx.length;
    const a = j * scale;
    const b = a + scale;
    for (let x = Math.floor(a); x < Math.ceil(b) && x < s; x++) {
      const w = Math.min(x + 1, b) - Math.max(x, a);
      if (w > 0) {
        idx.push(x);
        wts.push(w / scale);
      }
    }
  }
  start[t] = idx.length;
  return { index: Int32Array.from(idx), weight: Float64Array.from(wts), start };
}

/**
 * Box-filters one s × s RGB thumbnail down to t × t into `out` (row stride `outStride` bytes,
 * starting at `outOffset`). t === s copies.
 */
export function downscaleInto(
  src: Uint8Array,
  s: number,
  t: number,
  out: Uint8Array,
  outOffset: number,
  outStride: number,
  taps = boxTaps(s, t),
  tmp = new Float64Array(s * t * 3),
): void {
  if (t === s) {
    for (let y = 0; y < s; y++) out.set(src.subarray(y * s * 3, (y + 1) * s * 3), outOffset + y * outStride);
    return;
  }
  const { index, weight, start } = taps;
  // Horizontal: s rows × t columns (kept in float64, not rounded).
  for (let y = 0; y < s; y++) {
    const row = y * s * 3;
    for (let j = 0; j < t; j++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let q = start[j]; q < start[j + 1]; q++) {
        const o = row + index[q] * 3;
        const w = weight[q];
        r += src[o] * w;
        g += src[o + 1] * w;
        b += src[o + 2] * w;
      }
      const d = (y * t + j) * 3;
      tmp[d] = r;
      tmp[d + 1] = g;
      tmp[d + 2] = b;
    }
  }
  // Vertical: t × t, rounded to bytes.
  for (let i = 0; i < t; i++) {
    const o = outOffset + i * outStride;
    for (let j = 0; j < t; j++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let q = start[i]; q < start[i + 1]; q++) {
        const d = (index[q] * t + j) * 3;
        const w = weight[q];
        r += tmp[d] * w;
        g += tmp[d + 1] * w;
        b += tmp[d + 2] * w;
      }
      out[o + j * 3] = Math.round(r);
      out[o + j * 3 + 1] = Math.round(g);
      out[o + j * 3 + 2] = Math.round(b);
    }
  }
}

export interface Sprite extends SpriteLayout {
  png: Uint8Array;
}

export interface SpriteOptions {
  /** Largest sprite side (default 8192, TensorBoard's limit; smaller only in tests). */
  maxPx?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Builds the sprite PNG from n thumbnails (n × s × s × 3 RGB bytes, row-major). */
export function buildSprite(images: Uint8Array, n: number, s: number, opts: SpriteOptions = {}): Sprite {
  const { onProgress } = opts;
  const layout = spriteLayout(n, s, opts.maxPx);
  if (images.length < n * s * s * 3) throw new RangeError(`buildSprite: ${images.length} bytes of thumbnails, need ${n}×${s}×${s}×3`);
  const { grid, tile, size } = layout;
  const stride = size * 3 + 1; // one filter byte per scanline
  const raw = new Uint8Array(stride * size).fill(255);
  for (let y = 0; y < size; y++) raw[y * stride] = 0; // filter: None
  const taps = boxTaps(s, tile);
  const tmp = new Float64Array(s * tile * 3);
  const px = s * s * 3;
  for (let i = 0; i < n; i++) {
    const gx = i % grid;
    const gy = Math.floor(i / grid);
    const offset = gy * tile * stride + 1 + gx * tile * 3;
    downscaleInto(images.subarray(i * px, (i + 1) * px), s, tile, raw, offset, stride, taps, tmp);
    if (onProgress && (i + 1) % 4096 === 0) onProgress(i + 1, n);
  }
  const png = encodePngScanlines(raw, size, size);
  onProgress?.(n, n);
  return { ...layout, png };
}
