/** Test helpers: in-memory ImportFiles, a Node image decoder, PNGs drawn with pngjs. */
import { PNG } from 'pngjs';
import { decodeImage } from '../../../src/cli/decode-node.ts';
import { ImportFailed, type ImportFile, type ImportOptions } from '../../../src/data/import/types.ts';
import { importFiles } from '../../../src/data/import/import.ts';

const enc = new TextEncoder();

export function memFiles(files: Record<string, string | Uint8Array>): ImportFile[] {
  return Object.entries(files).map(([path, v]) => {
    const bytes = typeof v === 'string' ? enc.encode(v) : v;
    let reads = 0;
    return {
      path,
      size: bytes.length,
      read: async () => {
        if (++reads > 1) throw new Error(`${path} read twice`);
        return bytes;
      },
    };
  });
}

export const nodeDecoder: ImportOptions['decodeImage'] = async (bytes, file) => decodeImage(bytes, file);

/** A w×h RGBA PNG whose pixel (x, y) is f(x, y) = [r, g, b, a]. */
export function png(w: number, h: number, f: (x: number, y: number) => [number, number, number, number]): Uint8Array {
  const p = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      const [r, g, b, a] = f(x, y);
      p.data[o] = r;
      p.data[o + 1] = g;
      p.data[o + 2] = b;
      p.data[o + 3] = a;
    }
  }
  return new Uint8Array(PNG.sync.write(p));
}

/** A solid opaque PNG. */
export const solid = (w: number, h: number, rgb: [number, number, number]) => png(w, h, () => [...rgb, 255]);

export function run(files: Record<string, string | Uint8Array>, opts: Partial<ImportOptions> = {}) {
  return importFiles(memFiles(files), { decodeImage: nodeDecoder, ...opts });
}

/** The messages of an ImportFailed (fails the test if the import succeeded or threw something else). */
export async function problems(files: Record<string, string | Uint8Array>, opts: Partial<ImportOptions> = {}): Promise<string[]> {
  try {
    await run(files, opts);
  } catch (e) {
    if (e instanceof ImportFailed) return e.problems.map((p) => p.message);
    throw e;
  }
  throw new Error('expected ImportFailed, the import succeeded');
}
