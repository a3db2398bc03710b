/**
 * PNG/JPEG bytes → RGBA for `recall-lens embed --images` (Node: Buffer, zlib).
 *
 * The format comes from the file's signature, never its extension. PNG is decoded with `pngjs`
 * (every colour type and bit depth, tRNS transparency, Adam7), JPEG with `jpeg-js`. Before either
 * decoder allocates anything, the image's size is checked against MAX_IMAGE_MEGAPIXELS, and the
 * PNG chunk structure (lengths, CRCs, IHDR fields, IEND) is walked here so that truncation and
 * corruption get a precise message; bytes after IEND are ignored, as browsers do. JPEG decoding
 * runs under jpeg-js's own resolution and memory limits. Every failure is an InputError naming the
 * file and the problem. PNG gamma (gAMA) and JPEG EXIF orientation are ignored.
 */
import { inflateSync } from 'node:zlib';
import { decode as decodeJpegJs } from 'jpeg-js';
import { PNG } from 'pngjs';
import { InputError } from '../data/errors.ts';
import { crc32 } from '../data/export/crc32.ts';

import type { Rgba } from '../encoders/square.ts';
export type { Rgba };

/** Largest image decoded, in megapixels (10⁶ pixels); checked from the header before decoding. */
export const MAX_IMAGE_MEGAPIXELS = 50;
/** jpeg-js's cap on what one JPEG may allocate while decoding. */
export const MAX_JPEG_MEMORY_MB = 512;

export type ImageFormat = 'png' | 'jpeg';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function sniffImageFormat(b: Uint8Array): ImageFormat | undefined {
  if (b.length >= 8 && PNG_SIGNATURE.every((v, i) => b[i] === v)) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  return undefined;
}

/** Decodes a PNG or JPEG file's bytes to RGBA; anything else, or any damage, is an InputError. */
export function decodeImage(bytes: Uint8Array, file: string): Rgba {
  const format = sniffImageFormat(bytes);
  if (!format) {
    if (bytes.length === 0) throw new InputError(file, 'empty file (0 bytes), not a PNG or JPEG image');
    throw new InputError(file, `not a PNG or JPEG image (${otherFormat(bytes)})`, 'byte 0');
  }
  const img = format === 'png' ? decodePng(bytes, file) : decodeJpeg(bytes, file);
  const name = format === 'png' ? 'PNG' : 'JPEG';
  if (!(img.width > 0 && img.height > 0) || img.data.length < img.width * img.height * 4) {
    throw new InputError(file, `decoded ${name} image is empty or incomplete (${img.width}×${img.height})`);
  }
  return img;
}

function otherFormat(b: Uint8Array): string {
  const ascii = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (ascii(0, 4) === 'GIF8') return 'looks like a GIF image';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'looks like a WebP image';
  if (ascii(0, 2) === 'BM') return 'looks like a BMP image';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'looks like a TIFF image';
  if (ascii(4, 8) === 'ftyp') return 'looks like a HEIF/AVIF image';
  if (ascii(0, 512).trimStart().startsWith('<')) return 'looks like SVG/XML/HTML text';
  if (b.length >= 4 && b[0] === 0x89 && ascii(1, 4) === 'PNG') return 'damaged PNG signature';
  return 'unrecognised file signature';
}

function megapixels(w: number, h: number): string {
  return `${w}×${h} = ${((w * h) / 1e6).toFixed(1)} megapixels, more than the ${MAX_IMAGE_MEGAPIXELS}-megapixel limit`;
}

// ---- JPEG ----

function decodeJpeg(b: Uint8Array, file: string): Rgba {
  try {
    const img = decodeJpegJs(b, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: MAX_IMAGE_MEGAPIXELS,
      maxMemoryUsageInMB: MAX_JPEG_MEMORY_MB,
    });
    return { width: img.width, height: img.height, data: img.data };
  } catch (e) {
    const msg = (e as Error)?.message ?? String(e);
    if (/maxResolutionInMP/.test(msg)) throw new InputError(file, `JPEG image is larger than the ${MAX_IMAGE_MEGAPIXELS}-megapixel limit`);
    if (/maxMemoryUsageInMB/.test(msg))
      throw new InputError(file, `decoding the JPEG image would need more than the ${MAX_JPEG_MEMORY_MB} MB memory limit`);
    // jpeg-js's own errors are words ("marker was not found"); a TypeError from inside it is just damage.
    const words = e instanceof TypeError || e instanceof RangeError ? 'damaged data' : msg;
    throw new InputError(file, `cannot decode the JPEG image (truncated or corrupt): ${words}`);
  }
}

// ---- PNG ----

/** Valid bit depths per PNG colour type (0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA). */
const PNG_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

interface PngHeader {
  width: number;
  height: number;
  depth: number;
  colorType: number;
  interlace: number;
  /** Byte just past the IEND chunk. */
  end: number;
  idat: Uint8Array[];
}

function decodePng(b: Uint8Array, file: string): Rgba {
  const h = inspectPng(b, file);
  checkImageData(h, file);
  let img: { width: number; height: number; data: Uint8Array };
  try {
    // CRCs were checked above; trailing bytes after IEND are cut off (pngjs rejects them).
    img = PNG.sync.read(Buffer.from(b.buffer, b.byteOffset, h.end), { checkCRC: false });
  } catch (e) {
    const msg = (e as Error)?.message ?? String(e);
    const why = /waitng|Ran out of data|unexpected end/i.test(msg) ? 'image data is truncated' : msg;
    throw new InputError(file, `cannot decode the PNG image: ${why}`);
  }
  return { width: img.width, height: img.height, data: img.data };
}

/** Walks the chunks: signature, IHDR first and valid, every chunk complete and its CRC right, IEND. */
function inspectPng(b: Uint8Array, file: string): PngHeader {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const idat: Uint8Array[] = [];
  let header: Omit<PngHeader, 'end' | 'idat'> | undefined;
  let off = 8;
  for (;;) {
    const at = `byte ${off}`;
    if (off + 8 > b.length) {
      throw new InputError(file, `truncated PNG: the file ends (${b.length} bytes) before the IEND chunk`, at);
    }
    const len = dv.getUint32(off);
    const type = String.fromCharCode(...b.subarray(off + 4, off + 8));
    const shown = /^[A-Za-z]{4}$/.test(type) ? type : JSON.stringify(type);
    if (len > 0x7fffffff) throw new InputError(file, `corrupt PNG: chunk ${shown} has an invalid length ${len}`, at);
    if (off + 12 + len > b.length) {
      throw new InputError(file, `truncated PNG: chunk ${shown} needs ${len + 12} bytes, the file has ${b.length - off} left`, at);
    }
    if (crc32(b.subarray(off + 4, off + 8 + len)) !== dv.getUint32(off + 8 + len)) {
      throw new InputError(file, `corrupt PNG: chunk ${shown} fails its CRC check`, at);
    }
    if (off === 8 && type !== 'IHDR') throw new InputError(file, `corrupt PNG: the first chunk is ${shown}, expected IHDR`, at);
    if (type === 'IHDR') {
      if (off !== 8 || len !== 13) throw new InputError(file, 'corrupt PNG: misplaced or malformed IHDR chunk', at);
      const d = off + 8;
      header = {
        width: dv.getUint32(d),
        height: dv.getUint32(d + 4),
        depth: b[d + 8],
        colorType: b[d + 9],
        interlace: b[d + 12],
      };
      const { width: w, height: ht, depth, colorType, interlace } = header;
      if (w === 0 || ht === 0 || w > 0x7fffffff || ht > 0x7fffffff) throw new InputError(file, `corrupt PNG: invalid size ${w}×${ht}`, at);
      if (!PNG_DEPTHS[colorType]?.includes(depth)) {
        throw new InputError(file, `corrupt PNG: invalid colour type ${colorType} with bit depth ${depth}`, at);
      }
      if (b[d + 10] !== 0 || b[d + 11] !== 0 || interlace > 1) {
        throw new InputError(file, 'corrupt PNG: unknown compression, filter or interlace method', at);
      }
      if (w * ht > MAX_IMAGE_MEGAPIXELS * 1e6) throw new InputError(file, `PNG image is ${megapixels(w, ht)}`);
    } else if (type === 'IDAT') {
      idat.push(b.subarray(off + 8, off + 8 + len));
    } else if (type === 'IEND') {
      if (idat.length === 0) throw new InputError(file, 'corrupt PNG: no image data (IDAT chunk)');
      return { ...header!, end: off + 12 + len, idat };
    }
    off += 12 + len;
  }
}

/**
 * Inflates the image data here first, capped at the size the header implies, and requires exactly
 * that size: pngjs inflates without an output limit (a small file could expand into gigabytes), and
 * on a stream that is not zlib or is too short it goes on to unfilter memory it never wrote.
 */
function checkImageData(h: PngHeader, file: string): void {
  const bits = PNG_CHANNELS[h.colorType] * h.depth;
  const rowBytes = (cols: number) => 1 + Math.ceil((cols * bits) / 8);
  let expected = 0;
  if (h.interlace === 1) {
    const passes = [
      [0, 0, 8, 8],
      [4, 0, 8, 8],
      [0, 4, 4, 8],
      [2, 0, 4, 4],
      [0, 2, 2, 4],
      [1, 0, 2, 2],
      [0, 1, 1, 2],
    ];
    for (const [x0, y0, dx, dy] of passes) {
      const cols = Math.ceil((h.width - x0) / dx);
      const rows = Math.ceil((h.height - y0) / dy);
      if (cols > 0 && rows > 0) expected += rows * rowBytes(cols);
    }
  } else {
    expected = h.height * rowBytes(h.width);
  }
  let got: number;
  try {
    got = inflateSync(Buffer.concat(h.idat), { maxOutputLength: Math.max(expected, 1) }).length;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new InputError(
        file,
        `corrupt PNG: the compressed image data expands beyond the ${expected} bytes a ${h.width}×${h.height} image needs`,
      );
    }
    const why = /unexpected end/i.test(err.message)
      ? 'the compressed image data is truncated'
      : 'the image data is not a valid zlib stream';
    throw new InputError(file, `corrupt PNG: ${why}`);
  }
  if (got !== expected) {
    throw new InputError(file, `corrupt PNG: the image data holds ${got} bytes, a ${h.width}×${h.height} image needs ${expected}`);
  }
}
