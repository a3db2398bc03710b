/** Contact sheets of corpus images (written with the app's PNG encoder, src/data/export/png.ts). */
import { encodePngRgb } from '../../src/data/export/png.ts';

/** Tile `items` images (each size × size RGB, taken from `images`) into rows of `cols`. */
export function contactSheet(images: Uint8Array, size: number, items: number[], cols: number): Uint8Array {
  const rows = Math.ceil(items.length / cols);
  const w = cols * size;
  const h = rows * size;
  const out = new Uint8Array(w * h * 3).fill(200);
  items.forEach((item, k) => {
    const ox = (k % cols) * size;
    const oy = Math.floor(k / cols) * size;
    for (let y = 0; y < size; y++) {
      const src = (item * size * size + y * size) * 3;
      out.set(images.subarray(src, src + size * 3), ((oy + y) * w + ox) * 3);
    }
  });
  return encodePngRgb(out, w, h);
}
