/**
 * A folder of PNG/JPEG images → square RGB tiles for the encoders (`recall-lens embed --images`).
 *
 * Decoding uses the maintained pure-JS decoders `pngjs` and `jpeg-js` when they are installed
 * (they are optional: loaded on demand, with a clear error naming the missing package otherwise).
 * Each image is composited on white (like the demo corpus), centre-cropped to a square and resized
 * with an area (box) filter to the model's input size; the encoder's shared preprocessing
 * (src/encoders/preprocess.ts) then normalises it exactly as in the browser.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../data/errors.ts';
import { readInputFile } from '../data/files-node.ts';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

/** Image files under `dir` (recursively), as sorted `/`-separated paths relative to `dir`. */
export async function listImages(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    let entries;
    try {
      entries = await readdir(path.join(dir, rel), { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const problem = code === 'ENOENT' ? 'folder not found' : code === 'ENOTDIR' ? 'is not a folder' : `cannot read the folder: ${(e as Error).message}`;
      throw new InputError(path.join(dir, rel), problem);
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else if (e.isFile() && IMAGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) out.push(r);
    }
  };
  await walk('');
  out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (out.length === 0) throw new InputError(dir, `no images found (looked for ${IMAGE_EXTENSIONS.join(', ')} files)`);
  return out;
}

export interface Rgba {
  width: number;
  height: number;
  /** width × height × 4, row-major. */
  data: Uint8Array;
}

type Decoder = (bytes: Uint8Array) => Rgba;

async function optionalModule(name: string, forWhat: string): Promise<unknown> {
  try {
    const spec: string = name;
    return await import(spec);
  } catch {
    throw new InputError(
      forWhat,
      `decoding needs the npm package "${name}", which is not installed (npm install ${name}); --demo works without it`,
    );
  }
}

const decoders = new Map<string, Promise<Decoder>>();

function decoderFor(kind: 'png' | 'jpeg', file: string): Promise<Decoder> {
  let d = decoders.get(kind);
  if (!d) {
    d =
      kind === 'png'
        ? optionalModule('pngjs', file).then((m) => {
            const mod = m as { PNG?: { sync: { read(b: Uint8Array): Rgba } }; default?: { PNG: { sync: { read(b: Uint8Array): Rgba } } } };
            const PNG = mod.PNG ?? mod.default!.PNG;
            return (b: Uint8Array) => {
              const img = PNG.sync.read(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
              return { width: img.width, height: img.height, data: img.data };
            };
          })
        : optionalModule('jpeg-js', file).then((m) => {
            type Jpeg = { decode(b: Uint8Array, o: object): Rgba };
            const mod = m as Jpeg & { default?: Jpeg };
            const jpeg = typeof mod.decode === 'function' ? mod : mod.default!;
            return (b: Uint8Array) => {
              const img = jpeg.decode(b, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 200, maxMemoryUsageInMB: 1024 });
              return { width: img.width, height: img.height, data: img.data };
            };
          });
      decoders.set(kind, d);
  }
  return d;
}

/** Sniffs PNG/JPEG from the bytes (not the extension) and decodes to RGBA. */
export async function decodeImage(bytes: Uint8Array, file: string): Promise<Rgba> {
  const isPng = bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!isPng && !isJpeg) throw new InputError(file, 'not a PNG or JPEG image (unrecognised file signature)', 'byte 0');
  const decode = await decoderFor(isPng ? 'png' : 'jpeg', file);
  let img: Rgba;
  try {
    img = decode(bytes);
  } catch (e) {
    throw new InputError(file, `cannot decode the ${isPng ? 'PNG' : 'JPEG'} image: ${(e as Error)?.message ?? String(e)}`);
  }
  if (!(img.width > 0 && img.height > 0) || img.data.length < img.width * img.height * 4) {
    throw new InputError(file, `decoded ${isPng ? 'PNG' : 'JPEG'} image is empty or incomplete (${img.width}×${img.height})`);
  }
  return img;
}

/**
 * RGBA (any size) → size×size RGB: composite on white, centre-crop to a square, box-filter resize
 * (each output pixel averages the source area it covers, with fractional edge weights).
 */
export function toSquareRgb(img: Rgba, size: number): Uint8Array {
  const { width: w, height: h, data } = img;
  const side = Math.min(w, h);
  const x0 = (w - side) / 2;
  const y0 = (h - side) / 2;
  const scale = side / size;
  const out = new Uint8Array(size * size * 3);
  // Source pixel → RGB on white, as floats.
  const px = (x: number, y: number, c: number) => {
    const o = (y * w + x) * 4;
    const a = data[o + 3] / 255;
    return data[o + c] * a + 255 * (1 - a);
  };
  for (let oy = 0; oy < size; oy++) {
    const sy0 = y0 + oy * scale;
    const sy1 = sy0 + scale;
    for (let ox = 0; ox < size; ox++) {
      const sx0 = x0 + ox * scale;
      const sx1 = sx0 + scale;
      let r = 0;
      let g = 0;
      let b = 0;
      let wsum = 0;
      for (let y = Math.floor(sy0); y < Math.ceil(sy1) && y < h; y++) {
        const wy = Math.min(y + 1, sy1) - Math.max(y, sy0);
        if (wy <= 0) continue;
        for (let x = Math.floor(sx0); x < Math.ceil(sx1) && x < w; x++) {
          const wx = Math.min(x + 1, sx1) - Math.max(x, sx0);
          if (wx <= 0) continue;
          const wgt = wx * wy;
          r += px(x, y, 0) * wgt;
          g += px(x, y, 1) * wgt;
          b += px(x, y, 2) * wgt;
          wsum += wgt;
        }
      }
      const o = (oy * size + ox) * 3;
      out[o] = Math.round(r / wsum);
      out[o + 1] = Math.round(g / wsum);
      out[o + 2] = Math.round(b / wsum);
    }
  }
  return out;
}

/** Reads, decodes and tiles every image; returns n × size × size × 3 RGB. */
export async function loadImageFolder(dir: string, size: number, onProgress?: (done: number, total: number) => void): Promise<{ files: string[]; rgb: Uint8Array }> {
  const files = await listImages(dir);
  const rgb = new Uint8Array(files.length * size * size * 3);
  for (let i = 0; i < files.length; i++) {
    const file = path.join(dir, files[i]);
    const img = await decodeImage(await readInputFile(file, 'image'), file);
    rgb.set(toSquareRgb(img, size), i * size * size * 3);
    onProgress?.(i + 1, files.length);
  }
  return { files, rgb };
}
