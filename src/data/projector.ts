/**
 * TensorFlow Embedding Projector formats, pure TypeScript for the app and the CLI:
 * vectors `.tsv` (one row of tab-separated numbers per item, no header), raw little-endian float32
 * `.bytes` (needs the dimension), and `projector_config.json` (each `embeddings[]` entry is a variant;
 * paths are relative to the config file).
 *
 * Format: https://www.tensorflow.org/tensorboard/tensorboard_projector_plugin and the standalone
 * projector's `projector_config.json` (`tensorName`, `tensorShape`, `tensorPath`, `metadataPath`).
 */
import type { Embeddings } from '../compute/types.ts';
import { InputError } from './errors.ts';
import { checkFinite, parseNpy } from './npy.ts';
import { decodeUtf8 } from './table.ts';

/** Parses a TF Projector vectors `.tsv`: rows of tab-separated numbers, no header, all the same length. */
export function parseVectorsTsv(text: string, file: string): Embeddings {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split('\n');
  while (lines.length > 0 && /^\s*$/.test(lines[lines.length - 1])) lines.pop();
  const n = lines.length;
  if (n === 0) throw new InputError(file, 'the file is empty (no vectors)');
  let dim = -1;
  let data = new Float32Array(0);
  for (let i = 0; i < n; i++) {
    let line = lines[i];
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const where = `line ${i + 1}`;
    if (line.trim() === '') throw new InputError(file, 'empty line in a vectors file', where);
    const fields = line.split('\t');
    if (dim < 0) {
      dim = fields.length;
      data = new Float32Array(n * dim);
    } else if (fields.length !== dim) {
      throw new InputError(file, `row has ${fields.length} values, expected ${dim} (as on line 1)`, where);
    }
    for (let j = 0; j < dim; j++) {
      const s = fields[j].trim();
      const v = s === '' ? NaN : Number(s);
      if (Number.isNaN(v) && !/^[+-]?nan$/i.test(s)) {
        const hint = i === 0 ? ' (a vectors .tsv has no header row)' : '';
        throw new InputError(
          file,
          `${s === '' ? 'empty value' : JSON.stringify(clip(s))} at column ${j + 1} is not a number${hint}`,
          where,
        );
      }
      const f = Math.fround(v);
      if (!Number.isFinite(f)) {
        const what = Number.isNaN(v) ? 'NaN' : !Number.isFinite(v) ? (v > 0 ? 'Infinity' : '-Infinity') : `${s} (does not fit in float32)`;
        throw new InputError(file, `${what} at column ${j + 1}; every value must be a finite number`, `row ${i + 1} of ${n}`);
      }
      data[i * dim + j] = f;
    }
  }
  return { n, dim, data };
}

/** Parses raw little-endian float32 `.bytes` of the given dimension. */
export function parseVectorsBytes(bytes: Uint8Array, dim: number, file: string): Embeddings {
  if (!Number.isSafeInteger(dim) || dim <= 0) throw new InputError(file, `dimension ${dim} is not a positive integer`);
  const rowBytes = dim * 4;
  if (bytes.length === 0) throw new InputError(file, 'the file is empty (no vectors)');
  if (bytes.length % rowBytes !== 0) {
    const n = Math.floor(bytes.length / rowBytes);
    throw new InputError(
      file,
      `size ${bytes.length} bytes is not a multiple of ${rowBytes} (dim ${dim} × 4-byte float32): ${n} whole rows and ${bytes.length - n * rowBytes} bytes left over; wrong --dim or a truncated file?`,
      `byte ${n * rowBytes}`,
    );
  }
  const n = bytes.length / rowBytes;
  const data = new Float32Array(n * dim);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(i * 4, true);
  const x = { n, dim, data };
  checkFinite(x, file);
  return x;
}

export type EmbeddingsFormat = 'npy' | 'tsv' | 'bytes' | 'config';

/** Picks the format from the file name: `.npy`, `.tsv`/`.txt`, `.bytes`/`.bin`/`.f32`, `.json`. */
export function embeddingsFormat(file: string): EmbeddingsFormat | undefined {
  const f = file.toLowerCase();
  if (f.endsWith('.npy')) return 'npy';
  if (f.endsWith('.tsv') || f.endsWith('.txt')) return 'tsv';
  if (f.endsWith('.bytes') || f.endsWith('.bin') || f.endsWith('.f32')) return 'bytes';
  if (f.endsWith('.json')) return 'config';
  return undefined;
}

/**
 * Parses one embeddings file by its extension (not a projector config). `dim` is required for
 * `.bytes` and, when given for the other formats, checked against the file.
 */
export function parseEmbeddings(bytes: Uint8Array, file: string, opts: { dim?: number } = {}): Embeddings {
  const fmt = embeddingsFormat(file);
  let x: Embeddings;
  switch (fmt) {
    case 'npy':
      x = parseNpy(bytes, file);
      break;
    case 'tsv':
      x = parseVectorsTsv(decodeUtf8(bytes, file), file);
      break;
    case 'bytes':
      if (opts.dim === undefined) {
        throw new InputError(file, 'raw float32 .bytes has no shape: give the dimension with --dim D');
      }
      return parseVectorsBytes(bytes, opts.dim, file);
    default:
      throw new InputError(
        file,
        'unknown embeddings format: expected .npy, .tsv (TF Projector vectors), .bytes (raw float32, with --dim) or projector_config.json',
      );
  }
  if (opts.dim !== undefined && opts.dim !== x.dim) {
    throw new InputError(file, `vectors have ${x.dim} dimensions but --dim ${opts.dim} was given`);
  }
  return x;
}

// ---------------------------------------------------------------------------------------------

export interface ProjectorEntry {
  tensorName: string;
  /** [n, dim] when the config gives it. */
  tensorShape?: [number, number];
  /** Path as written in the config. */
  tensorPath: string;
  metadataPath?: string;
}

/** Validates a parsed `projector_config.json`. */
export function parseProjectorConfig(json: unknown, file: string): ProjectorEntry[] {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new InputError(file, 'projector config must be a JSON object with an "embeddings" array');
  }
  const emb = (json as Record<string, unknown>).embeddings;
  if (!Array.isArray(emb)) throw new InputError(file, 'projector config has no "embeddings" array');
  if (emb.length === 0) throw new InputError(file, 'projector config lists no embeddings ("embeddings" is empty)');
  const names = new Set<string>();
  return emb.map((raw, i): ProjectorEntry => {
    const where = `embeddings[${i}]`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InputError(file, 'entry is not an object', where);
    const e = raw as Record<string, unknown>;
    if (typeof e.tensorPath !== 'string' || e.tensorPath === '') {
      throw new InputError(
        file,
        'entry has no "tensorPath" (tensors from model checkpoints are not supported; export them to .tsv or .bytes)',
        where,
      );
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(e.tensorPath)) {
      throw new InputError(
        file,
        `"tensorPath" ${JSON.stringify(clip(e.tensorPath))} is a URL; download it and point to the local file`,
        where,
      );
    }
    let tensorShape: [number, number] | undefined;
    if (e.tensorShape !== undefined) {
      const s = e.tensorShape;
      if (!Array.isArray(s) || s.length !== 2 || !s.every((v) => Number.isSafeInteger(v) && (v as number) > 0)) {
        throw new InputError(file, `"tensorShape" is ${JSON.stringify(s)}, expected [rows, dims] (two positive integers)`, where);
      }
      tensorShape = [s[0] as number, s[1] as number];
    }
    if (e.metadataPath !== undefined && (typeof e.metadataPath !== 'string' || e.metadataPath === '')) {
      throw new InputError(file, '"metadataPath" must be a non-empty string', where);
    }
    let tensorName = typeof e.tensorName === 'string' && e.tensorName.trim() !== '' ? e.tensorName.trim() : baseName(e.tensorPath);
    if (names.has(tensorName)) {
      let k = 2;
      while (names.has(`${tensorName} (${k})`)) k++;
      tensorName = `${tensorName} (${k})`;
    }
    names.add(tensorName);
    return { tensorName, tensorShape, tensorPath: e.tensorPath, metadataPath: e.metadataPath as string | undefined };
  });
}

/** The entries of a projector config that describe the same items (see {@link groupProjectorDatasets}). */
export interface ProjectorDataset {
  name: string;
  /** Indices into the config's entries, in config order. */
  entries: number[];
  metadataPath?: string;
  /** Rows, when a `tensorShape` gives them. */
  rows?: number;
}

/**
 * Groups a config's entries by their items, as the projector's tensor menu offers them: entries
 * that share the metadata file and the number of rows (`tensorShape[0]`, when given) are variants
 * of one dataset. A dataset is named by its tensor when it has one, else by its metadata file;
 * names are made unique. Config order is kept (the first dataset is the default).
 */
export function groupProjectorDatasets(entries: ProjectorEntry[]): ProjectorDataset[] {
  const groups = new Map<string, ProjectorDataset>();
  entries.forEach((e, i) => {
    const rows = e.tensorShape?.[0];
    const key = `${e.metadataPath ?? ''}\u0000${e.metadataPath ? '' : (rows ?? '?')}`;
    const g = groups.get(key);
    if (g) {
      g.entries.push(i);
      if (g.rows === undefined) g.rows = rows;
    } else groups.set(key, { name: '', entries: [i], metadataPath: e.metadataPath, rows });
  });
  const out = [...groups.values()];
  const used = new Set<string>();
  for (const g of out) {
    let name = g.entries.length === 1 || !g.metadataPath ? entries[g.entries[0]].tensorName : baseName(g.metadataPath);
    for (let k = 2; used.has(name); k++) name = `${name.replace(/ \(\d+\)$/, '')} (${k})`;
    used.add(name);
    g.name = name;
  }
  return out;
}

/** Checks a loaded tensor against the config's `tensorShape`. */
export function checkTensorShape(x: Embeddings, entry: ProjectorEntry, tensorFile: string, configFile: string): void {
  const s = entry.tensorShape;
  if (s && (s[0] !== x.n || s[1] !== x.dim)) {
    throw new InputError(
      tensorFile,
      `has shape [${x.n}, ${x.dim}] but ${configFile} says tensorShape [${s[0]}, ${s[1]}] for "${entry.tensorName}"`,
    );
  }
}

/** Resolves `rel` against the directory of `base` (both `/`-separated; absolute `rel` is kept). */
export function resolveRelative(base: string, rel: string): string {
  if (rel.startsWith('/') || /^[a-z]:[\\/]/i.test(rel)) return rel;
  const slash = Math.max(base.lastIndexOf('/'), base.lastIndexOf('\\'));
  const dir = slash >= 0 ? base.slice(0, slash + 1) : '';
  const parts = (dir + rel).split(/[\\/]/);
  const out: string[] = [];
  for (const p of parts) {
    if (p === '.' || (p === '' && out.length > 0)) continue;
    if (p === '..' && out.length > 0 && out[out.length - 1] !== '..' && out[out.length - 1] !== '') out.pop();
    else out.push(p);
  }
  return out.join('/') || '.';
}

/** File name without directory and extension. */
export function baseName(path: string): string {
  const f = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = f.lastIndexOf('.');
  return dot > 0 ? f.slice(0, dot) : f;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
