/** Node-only loader for a corpus directory (manifest.json + images). */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCorpus, type Corpus } from './corpus.ts';
import { InputError } from './errors.ts';

/** Walk up from this module to the folder holding the recall-lens package.json. */
function findRepoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && existsSync(path.join(dir, 'public'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
    dir = up;
  }
}

export const REPO_ROOT: string = findRepoRoot();

/** Where `npm run corpus` writes the demo corpus "emoji-styles". */
export const DEMO_CORPUS_DIR: string = path.join(REPO_ROOT, 'public', 'data', 'emoji-styles');

function describe(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e && (e as { code: unknown }).code === 'ENOENT') return 'file not found';
  return e instanceof Error ? e.message : String(e);
}

export async function loadCorpusFromDir(dir: string): Promise<Corpus> {
  const manifestPath = path.join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (e) {
    const hint = path.resolve(dir) === DEMO_CORPUS_DIR ? ' (build the demo with `npm run corpus`)' : '';
    throw new InputError(manifestPath, `cannot read the manifest: ${describe(e)}${hint}`);
  }
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    throw new InputError(manifestPath, `not valid JSON: ${describe(e)}`);
  }
  const imagesName =
    manifest && typeof manifest === 'object' && 'images' in manifest ? (manifest as { images: unknown }).images : 'images.rgb';
  if (typeof imagesName !== 'string' || imagesName === '' || imagesName !== path.basename(imagesName)) {
    throw new InputError(manifestPath, `"images" must be a plain file name next to the manifest, got ${JSON.stringify(imagesName)}`);
  }
  const imagesPath = path.join(dir, imagesName);
  let buf: Buffer;
  try {
    buf = await readFile(imagesPath);
  } catch (e) {
    throw new InputError(imagesPath, `cannot read the images: ${describe(e)}`);
  }
  const images = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  return parseCorpus(manifest, images, manifestPath);
}
