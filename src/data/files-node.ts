/**
 * Node-side file reading for the loaders in src/data: turns file-system failures into InputErrors
 * naming the file, and refuses files too large to hold in memory up front.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Embeddings } from '../compute/types.ts';
import { InputError } from './errors.ts';
import { checkTensorShape, embeddingsFormat, parseEmbeddings, parseProjectorConfig, resolveRelative, type ProjectorEntry } from './projector.ts';
import { decodeUtf8, parseTableBytes, type Table } from './table.ts';

/** Largest file read whole (Node's readFile limit is 2 GiB). */
export const MAX_FILE_BYTES = 2 ** 31 - 1;

/** Reads a whole file; missing/unreadable/oversized files become InputErrors. */
export async function readInputFile(path: string, what = 'file'): Promise<Uint8Array> {
  let size: number;
  try {
    const s = await stat(path);
    if (s.isDirectory()) throw new InputError(path, `is a directory, expected a ${what}`);
    size = s.size;
  } catch (e) {
    throw fsError(e, path, what);
  }
  if (size > MAX_FILE_BYTES) {
    throw new InputError(path, `is ${size} bytes, more than the ${MAX_FILE_BYTES}-byte limit for reading a file whole`);
  }
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (e) {
    throw fsError(e, path, what);
  }
}

function fsError(e: unknown, path: string, what: string): Error {
  if (e instanceof InputError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return new InputError(path, `${what} not found`);
    case 'EACCES':
    case 'EPERM':
      return new InputError(path, `permission denied reading the ${what}`);
    case 'EISDIR':
      return new InputError(path, `is a directory, expected a ${what}`);
    case 'ENOTDIR':
      return new InputError(path, `a part of the path is not a directory`);
    default:
      return new InputError(path, `cannot read the ${what}: ${(e as Error)?.message ?? String(e)}`);
  }
}

export async function loadTableFile(path: string): Promise<Table> {
  return parseTableBytes(await readInputFile(path, 'metadata file'), path);
}

export async function loadEmbeddingsFile(path: string, opts: { dim?: number } = {}): Promise<Embeddings> {
  return parseEmbeddings(await readInputFile(path, 'embeddings file'), path, opts);
}

export interface ProjectorVariantSource {
  entry: ProjectorEntry;
  /** Resolved tensor path. */
  tensorFile: string;
  /** Resolved metadata path, when the entry has one. */
  metadataFile?: string;
  load(): Promise<Embeddings>;
}

/** Reads a projector_config.json; each entry's tensor is loaded on demand (paths relative to the config). */
export async function loadProjectorConfig(path: string): Promise<ProjectorVariantSource[]> {
  const text = decodeUtf8(await readInputFile(path, 'projector config'), path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(path, `not valid JSON: ${(e as Error).message}`);
  }
  const entries = parseProjectorConfig(json, path);
  return entries.map((entry) => {
    const tensorFile = resolveRelative(path, entry.tensorPath);
    const metadataFile = entry.metadataPath ? resolveRelative(path, entry.metadataPath) : undefined;
    return {
      entry,
      tensorFile,
      metadataFile,
      async load() {
        const fmt = embeddingsFormat(tensorFile);
        if (fmt === 'config') throw new InputError(path, `tensorPath ${entry.tensorPath} of "${entry.tensorName}" points to another config`);
        const dim = fmt === 'bytes' ? entry.tensorShape?.[1] : undefined;
        if (fmt === 'bytes' && dim === undefined) {
          throw new InputError(path, `"${entry.tensorName}": a .bytes tensorPath needs "tensorShape": [rows, dims]`);
        }
        let bytes: Uint8Array;
        try {
          bytes = await readInputFile(tensorFile, 'tensor file');
        } catch (e) {
          if (e instanceof InputError) {
            throw new InputError(tensorFile, `${e.problem} (tensorPath of "${entry.tensorName}" in ${path})`, e.where);
          }
          throw e;
        }
        const x = parseEmbeddings(bytes, tensorFile, { dim });
        checkTensorShape(x, entry, tensorFile, path);
        return x;
      },
    };
  });
}
