/**
 * Node-side file reading for the loaders in src/data: turns file-system failures into InputErrors
 * naming the file, and refuses files too large to hold in memory up front.
 */
import { constants } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import type { Embeddings } from '../compute/types.ts';
import { InputError } from './errors.ts';
import { fsError } from './file-errors-node.ts';
import { readBytesFile, readNpyFile } from './npy-stream-node.ts';
import {
  checkTensorShape,
  embeddingsFormat,
  parseEmbeddings,
  parseProjectorConfig,
  resolveRelative,
  type ProjectorEntry,
} from './projector.ts';
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

export async function loadTableFile(path: string): Promise<Table> {
  return parseTableBytes(await readInputFile(path, 'metadata file'), path);
}

/**
 * Reads one embeddings file by its extension. `.npy` and `.bytes` are streamed into one float32
 * array (see npy-stream-node.ts) and refused up front when too large for memory; `.tsv` is read
 * whole and parsed as one string (so it is refused up front beyond the engine's string length).
 */
export async function loadEmbeddingsFile(path: string, opts: { dim?: number } = {}): Promise<Embeddings> {
  const fmt = embeddingsFormat(path);
  if (fmt === 'npy') {
    const x = await readNpyFile(path);
    if (opts.dim !== undefined && opts.dim !== x.dim) {
      throw new InputError(path, `vectors have ${x.dim} dimensions but --dim ${opts.dim} was given`);
    }
    return x;
  }
  if (fmt === 'bytes') {
    if (opts.dim === undefined) throw new InputError(path, 'raw float32 .bytes has no shape: give the dimension with --dim D');
    return readBytesFile(path, opts.dim);
  }
  if (fmt === 'tsv') {
    let size = 0;
    try {
      size = (await stat(path)).size;
    } catch {
      // readInputFile below names the problem
    }
    if (size > constants.MAX_STRING_LENGTH) {
      throw new InputError(
        path,
        `is ${size} bytes, more than the ${constants.MAX_STRING_LENGTH} a vectors .tsv can have here (it is read as one text); save the vectors as .npy (numpy.save) or raw float32 .bytes, which are streamed`,
      );
    }
  }
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
        if (fmt === 'config')
          throw new InputError(path, `tensorPath ${entry.tensorPath} of "${entry.tensorName}" points to another config`);
        const dim = fmt === 'bytes' ? entry.tensorShape?.[1] : undefined;
        if (fmt === 'bytes' && dim === undefined) {
          throw new InputError(path, `"${entry.tensorName}": a .bytes tensorPath needs "tensorShape": [rows, dims]`);
        }
        let x: Embeddings;
        try {
          x =
            fmt === 'npy'
              ? await readNpyFile(tensorFile, { what: 'tensor file' })
              : fmt === 'bytes'
                ? await readBytesFile(tensorFile, dim!, { what: 'tensor file' })
                : parseEmbeddings(await readInputFile(tensorFile, 'tensor file'), tensorFile, { dim });
        } catch (e) {
          if (
            e instanceof InputError &&
            /not found|permission denied|is a directory|not a directory|cannot read/.test(e.problem) &&
            e.file === tensorFile &&
            e.where === undefined
          ) {
            throw new InputError(tensorFile, `${e.problem} (tensorPath of "${entry.tensorName}" in ${path})`, e.where);
          }
          throw e;
        }
        checkTensorShape(x, entry, tensorFile, path);
        return x;
      },
    };
  });
}
