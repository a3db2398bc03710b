/**
 * A tiny PNG encoder for 8-bit RGB images, pure TypeScript (zlib by fflate, CRC-32 here), so the
 * browser and Node write the same bytes for the same pixels.
 *
 * Format (PNG spec, ISO/IEC 15948): signature, IHDR (width, height, bit depth 8, colour type 2 =
 * RGB, compression 0, filter 0, interlace 0), one IDAT with the zlib stream of the scanlines (each
 * prefixed by its filter byte; here always 0 = None), IEND. Every chunk: length, type, data, CRC-32
 * of type + data.
 */
import { zlibSync } from 'fflate';
import { crc32 } from './crc32.ts';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Encodes `width × height` RGB pixels (row-major, 3 bytes each) as a PNG file. */
export function encodePngRgb(
  rgb: Uint8Array,
  width: number,
  height: number,
  opts: { level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 } = {},
): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 0x7fffffff || height > 0x7fffffff) {
    throw new RangeError(`encodePngRgb: bad size ${width}×${height}`);
  }
  const stride = width * 3;
  if (rgb.length !== stride * height)
    throw new RangeError(`encodePngRgb: ${rgb.length} bytes for ${width}×${height} RGB (need ${stride * height})`);
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: None
    raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return encodePngScanlines(raw, width, height, opts);
}

/**
 * Same, from scanlines already laid out as PNG filters them: each of the `height` rows is one filter
 * byte (0 = None) followed by `width × 3` RGB bytes. Lets a caller that builds a large image write
 * it in this layout directly instead of holding two copies.
 */
export function encodePngScanlines(
  raw: Uint8Array,
  width: number,
  height: number,
  opts: { level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 } = {},
): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 0x7fffffff || height > 0x7fffffff) {
    throw new RangeError(`encodePngScanlines: bad size ${width}×${height}`);
  }
  if (raw.length !== (width * 3 + 1) * height)
    throw new RangeError(`encodePngScanlines: ${raw.length} bytes for ${height} scanlines of ${width} RGB pixels`);
  const idat = zlibSync(raw, { level: opts.level ?? 6 });
  const ihdr = new Uint8Array(13);
  const hv = new DataView(ihdr.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace
  const chunks = [chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(SIGNATURE.length + chunks.reduce((s, c) => s + c.length, 0));
  out.set(SIGNATURE, 0);
  let o = SIGNATURE.length;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}
