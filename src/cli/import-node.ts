/**
 * Node side of `importFiles`: paths named on the command line → ImportFile[] (folders are walked
 * recursively; hidden files and folders are skipped), and the Node image decoder (pngjs/jpeg-js in
 * ./decode-node.ts). Each ImportFile's path is the path as given (joined with what is below a
 * folder), `/`-separated, so messages name files as the user typed them and relative references
 * (a manifest's image column, a projector config's tensorPath) resolve against it.
 */
import { open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../data/errors.ts';
import type { ImageDecoder, ImportFile } from '../data/import/types.ts';
import { decodeImage } from './decode-node.ts';

export const nodeDecodeImage: ImageDecoder = async (bytes, file) => decodeImage(bytes, file);

function slashes(p: string): string {
  return p.split(path.sep).join('/');
}

/** The files under each path (a file itself, or every file below a folder), each once. */
export async function nodeImportFiles(paths: string[]): Promise<ImportFile[]> {
  const out: ImportFile[] = [];
  const seen = new Set<string>();
  const add = async (p: string, size: number) => {
    const real = await realpath(p).catch(() => p);
    if (seen.has(real)) return;
    seen.add(real);
    const shown = slashes(path.normalize(p));
    out.push({
      path: shown,
      size,
      read: async () => {
        try {
          const b = await readFile(p);
          return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
        } catch (e) {
          throw new InputError(shown, `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
      },
      slice: async (start, end) => {
        const out = new Uint8Array(Math.max(0, end - start));
        let fh;
        try {
          fh = await open(p, 'r');
          for (let done = 0; done < out.length;) {
            const { bytesRead } = await fh.read(out, done, out.length - done, start + done);
            if (bytesRead === 0)
              throw new InputError(
                shown,
                'the file ended early while it was being read (was it changed meanwhile?)',
                `byte ${start + done}`,
              );
            done += bytesRead;
          }
          return out;
        } catch (e) {
          if (e instanceof InputError) throw e;
          throw new InputError(shown, `cannot read the file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        } finally {
          await fh?.close();
        }
      },
    });
  };
  const walk = async (dir: string) => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      throw new InputError(slashes(dir), `cannot read the folder: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() || e.isSymbolicLink()) {
        const s = await stat(p).catch(() => undefined);
        if (s?.isFile()) await add(p, s.size);
        else if (s?.isDirectory()) await walk(p);
      }
    }
  };
  for (const p of paths) {
    let s;
    try {
      s = await stat(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(p, code === 'ENOENT' ? 'file or folder not found' : `cannot read it: ${code ?? (e as Error).message}`);
    }
    if (s.isDirectory()) await walk(p);
    else await add(p, s.size);
  }
  return out;
}
