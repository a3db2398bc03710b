/**
 * A folder of PNG/JPEG images → square RGB tiles for the encoders (`recall-lens embed --images`).
 *
 * Files are picked by extension (.png/.jpg/.jpeg, any case; other files such as notes.txt are
 * not images and are left alone); each is then decoded by its signature, not its extension
 * (./decode-node.ts: pngjs and jpeg-js, with size and memory limits). Each image is composited on
 * white (like the demo corpus), centre-cropped to a square and resized with an area (box) filter
 * to the model's input size; the encoder's shared preprocessing (src/encoders/preprocess.ts) then
 * normalises it exactly as in the browser.
 *
 * One undecodable image aborts the whole folder (an InputError, before anything is written): half
 * an embedding set, silently missing items, is worse than none. All files are still tried, so the
 * error lists every bad one at once (the first MAX_LISTED_FAILURES by name, then a count).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../data/errors.ts';
import { readInputFile } from '../data/files-node.ts';
import { decodeImage } from './decode-node.ts';
import { toSquareRgb } from '../encoders/square.ts';

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
      const problem =
        code === 'ENOENT' ? 'folder not found' : code === 'ENOTDIR' ? 'is not a folder' : `cannot read the folder: ${(e as Error).message}`;
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

export { decodeImage, MAX_IMAGE_MEGAPIXELS, type Rgba } from './decode-node.ts';

export { toSquareRgb } from '../encoders/square.ts';

/** How many bad files loadImageFolder's error names before it just counts. */
export const MAX_LISTED_FAILURES = 5;

/**
 * Reads, decodes and tiles every image; returns n × size × size × 3 RGB. Any file that cannot be
 * read or decoded makes it throw one InputError: for a single bad file, that file's own error;
 * for several, one naming the folder, the count, and the first MAX_LISTED_FAILURES problems.
 */
export async function loadImageFolder(
  dir: string,
  size: number,
  onProgress?: (done: number, total: number) => void,
): Promise<{ files: string[]; rgb: Uint8Array }> {
  const files = await listImages(dir);
  const rgb = new Uint8Array(files.length * size * size * 3);
  const failures: { rel: string; error: InputError }[] = [];
  for (let i = 0; i < files.length; i++) {
    const file = path.join(dir, files[i]);
    try {
      const img = decodeImage(await readInputFile(file, 'image'), file);
      rgb.set(toSquareRgb(img, size), i * size * size * 3);
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      failures.push({ rel: files[i], error: e });
    }
    onProgress?.(i + 1, files.length);
  }
  if (failures.length === 1) {
    const { error } = failures[0];
    throw new InputError(error.file, `${error.problem}; nothing was written (fix or remove the file)`, error.where);
  }
  if (failures.length > 1) {
    const listed = failures
      .slice(0, MAX_LISTED_FAILURES)
      .map(({ rel, error }) => `${rel}${error.where ? ` (${error.where})` : ''}: ${clip(error.problem, 90)}`);
    const more = failures.length - listed.length;
    throw new InputError(
      dir,
      `${failures.length} of ${files.length} images cannot be decoded, nothing was written (fix or remove them): ` +
        `${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}`,
    );
  }
  return { files, rgb };
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 3)}...` : s;
}
