/**
 * Image decoding in the browser (main thread or a worker): PNG, JPEG, WebP, GIF… through
 * createImageBitmap, pixels read back through an OffscreenCanvas. Failures become InputErrors naming
 * the file. The Node twin is src/cli/decode-node.ts; both feed toSquareRgb (square.ts).
 */
import { InputError } from '../data/errors.ts';
import type { Rgba } from './square.ts';

/** Largest image decoded, in megapixels (as in the CLI). */
export const MAX_MEGAPIXELS = 50;

export async function decodeImageBlob(blob: Blob, file: string): Promise<Rgba> {
  if (blob.size === 0) throw new InputError(file, 'is empty (0 bytes), not an image');
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  } catch {
    throw new InputError(file, 'cannot be decoded as an image (corrupt, truncated, or an unsupported format)');
  }
  const { width, height } = bitmap;
  if (width * height > MAX_MEGAPIXELS * 1e6) {
    bitmap.close();
    throw new InputError(file, `${width}×${height} is over the ${MAX_MEGAPIXELS}-megapixel limit`);
  }
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new InputError(file, 'cannot be decoded: no 2D canvas in this browser');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const d = ctx.getImageData(0, 0, width, height).data;
  return { width, height, data: new Uint8Array(d.buffer, d.byteOffset, d.length) };
}

/** The ImageDecoder of src/data/import/types.ts for the browser. */
export function decodeImageBytes(bytes: Uint8Array, file: string): Promise<Rgba> {
  return decodeImageBlob(new Blob([bytes as Uint8Array<ArrayBuffer>]), file);
}
