/** A zip archive of files by relative path (fflate): PNG and raw float files stored, text deflated. */
import { zipSync, type Zippable } from 'fflate';

const STORED = /\.(png|npy|bytes)$/i;

/** Fixed timestamp so the same files always zip to the same bytes (zip dates start in 1980). */
const MTIME = new Date(Date.UTC(2020, 0, 1));

export function zipFiles(files: Record<string, Uint8Array>): Uint8Array {
  const z: Zippable = {};
  for (const [path, data] of Object.entries(files)) z[path] = [data, { level: STORED.test(path) ? 0 : 6, mtime: MTIME }];
  return zipSync(z);
}
