/**
 * One item's image: an `<img>` of a BMP built from the corpus's RGB bytes (bmp.ts). The browser
 * decodes it off the main thread, so a gallery of 200 neighbours costs no canvas contexts and no
 * long task; each item's object URL is made once and kept (a bounded cache per image buffer).
 */
import { rgbToBmp } from './bmp.ts';

/** Object URLs by image buffer, then by byte offset of the item in it. */
const urls = new WeakMap<ArrayBufferLike, Map<number, string>>();
const PER_BUFFER = 4000;

function thumbUrl(rgb: Uint8Array, size: number): string {
  let byOffset = urls.get(rgb.buffer);
  if (!byOffset) urls.set(rgb.buffer, (byOffset = new Map()));
  let url = byOffset.get(rgb.byteOffset);
  if (!url) {
    url = URL.createObjectURL(new Blob([rgbToBmp(rgb, size) as BlobPart], { type: 'image/bmp' }));
    byOffset.set(rgb.byteOffset, url);
    if (byOffset.size > PER_BUFFER) {
      const [oldest, old] = byOffset.entries().next().value!;
      byOffset.delete(oldest);
      URL.revokeObjectURL(old);
    }
  }
  return url;
}

export function Thumb({ rgb, size, px = 56, title }: { rgb: Uint8Array; size: number; px?: number; title?: string }) {
  if (size === 0) {
    // A corpus imported without images or a sprite: a blank tile keeps the layout.
    return <span className="thumb none" style={{ width: px, height: px }} title={title} />;
  }
  return <img src={thumbUrl(rgb, size)} width={px} height={px} decoding="async" alt="" className="thumb" title={title} />;
}

/** The RGB bytes of corpus row `row`. */
export function itemRgb(images: Uint8Array, size: number, row: number): Uint8Array {
  const n = size * size * 3;
  return images.subarray(row * n, (row + 1) * n);
}
