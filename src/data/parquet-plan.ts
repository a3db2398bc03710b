/**
 * A Parquet table's plan, from its footer alone: rows, columns (id, vectors, item columns, images)
 * and row groups, every size checked before anything is allocated or decoded (see parquet.ts).
 */
import { parquetMetadata, parquetSchema } from 'hyparquet';
import type { FileMetaData, SchemaTree } from 'hyparquet';
import { InputError } from './errors.ts';
import { libraryMessage } from './import/problems.ts';

/** Largest number of float32 values one variant may hold (1 GiB). */
export const MAX_VARIANT_FLOATS = 2 ** 28;
/** Largest uncompressed size a column may declare (what the reader would decompress). */
export const MAX_UNCOMPRESSED = 2 ** 31;
/** Largest footer read. */
const MAX_FOOTER = 64 * 2 ** 20;

const PAR1 = [0x50, 0x41, 0x52, 0x31];

/** Random access to a file's bytes (the whole file in memory, a Blob, a Node file handle). */
export interface ByteSource {
  byteLength: number;
  slice(start: number, end: number): Promise<Uint8Array>;
}

export function bytesSource(b: Uint8Array): ByteSource {
  return { byteLength: b.length, slice: async (s, e) => b.subarray(s, e) };
}

export function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer) return b.buffer;
  return b.slice().buffer as ArrayBuffer;
}

interface Column {
  name: string;
  type?: string;
}

/** The leaf of a LIST column (3-level or legacy 2-level), or undefined. */
function listLeaf(c: SchemaTree): SchemaTree | undefined {
  const e = c.element;
  if (e.repetition_type === 'REPEATED' && c.children.length === 0) return c;
  const isList = e.converted_type === 'LIST' || e.logical_type?.type === 'LIST';
  if (!isList || c.children.length !== 1) return undefined;
  const rep = c.children[0];
  if (rep.children.length === 0) return rep;
  if (rep.children.length === 1 && rep.children[0].children.length === 0) return rep.children[0];
  return undefined;
}

export interface ParquetPlan {
  file: string;
  size: number;
  meta: FileMetaData;
  n: number;
  groups: number[];
  vectors: Column[];
  /** Scalar columns read as item columns (the id column among them). */
  scalars: Column[];
  idCol?: string;
  /** The {bytes, path} struct column. */
  image?: string;
  /** ClassLabel names per column (Hugging Face metadata). */
  labels: Map<string, string[]>;
  /** Per row group, the byte range of the wanted column chunks. */
  ranges: [number, number][];
  /** Bytes of the footer (for the digest). */
  footer: Uint8Array;
  tree: SchemaTree;
}

function hfFeatures(meta: FileMetaData): Record<string, { _type?: string; names?: unknown }> | undefined {
  const kv = meta.key_value_metadata?.find((k) => k.key === 'huggingface');
  if (!kv?.value) return undefined;
  try {
    const j = JSON.parse(kv.value) as { info?: { features?: unknown } };
    const f = j?.info?.features;
    return typeof f === 'object' && f !== null && !Array.isArray(f) ? (f as Record<string, { _type?: string; names?: unknown }>) : {};
  } catch {
    return {};
  }
}

/** Reads and checks the footer: what the table holds and where, before any data is read. */
export async function planParquet(src: ByteSource, file: string): Promise<ParquetPlan> {
  const size = src.byteLength;
  const head = size >= 12 ? await src.slice(0, 4) : await src.slice(0, size);
  if (size < 12 || PAR1.some((v, i) => head[i] !== v)) {
    throw new InputError(file, `not a Parquet file (it must start with "PAR1")${size < 12 ? `: only ${size} bytes` : ''}`, 'byte 0');
  }
  const tail = await src.slice(size - 8, size);
  if (PAR1.some((v, i) => tail[4 + i] !== v)) {
    throw new InputError(file, 'truncated Parquet file: it does not end with "PAR1" (the footer is missing)', `byte ${size}`);
  }
  const footerLen = new DataView(tail.buffer, tail.byteOffset, 8).getUint32(0, true);
  if (footerLen + 12 > size || footerLen > MAX_FOOTER) {
    throw new InputError(
      file,
      `malformed Parquet footer: its length field says ${footerLen} bytes, the file has ${size}`,
      `byte ${size - 8}`,
    );
  }
  const footer = (await src.slice(size - 8 - footerLen, size)).slice();
  let meta: FileMetaData;
  try {
    meta = parquetMetadata(toArrayBuffer(footer));
  } catch (e) {
    throw new InputError(file, `malformed Parquet footer: ${libraryMessage(e)}`, `byte ${size - 8}`);
  }
  const n = Number(meta.num_rows);
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new InputError(file, n === 0 ? 'the file has no rows' : `declares ${String(meta.num_rows)} rows`);
  const groups = meta.row_groups.map((g) => Number(g.num_rows));
  const sum = groups.reduce((a, b) => a + b, 0);
  if (sum !== n)
    throw new InputError(file, `malformed Parquet footer: row groups hold ${sum} rows but the file declares ${n}`, `byte ${size - 8}`);
  if (n > MAX_VARIANT_FLOATS) throw new InputError(file, `declares ${n} rows, more than the ${MAX_VARIANT_FLOATS} limit`);

  const features = hfFeatures(meta);
  const vectors: Column[] = [];
  const scalars: Column[] = [];
  const others: Column[] = [];
  let image: string | undefined;
  const labels = new Map<string, string[]>();
  let root: SchemaTree;
  try {
    root = parquetSchema(meta);
    for (const c of root.children) {
      const name = c.element.name;
      const leaf = listLeaf(c);
      if (leaf) {
        if (leaf.element.type === 'FLOAT' || leaf.element.type === 'DOUBLE') vectors.push({ name, type: leaf.element.type });
        else others.push({ name, type: `list<${leaf.element.type ?? 'group'}>` });
      } else if (c.children.length > 0) {
        const kids = c.children.map((k) => k.element.name);
        if (!image && kids.includes('bytes') && c.children.every((k) => k.children.length === 0)) image = name;
        else others.push({ name, type: 'struct' });
      } else if (c.element.type && c.element.type !== 'FIXED_LEN_BYTE_ARRAY' && c.element.type !== 'INT96')
        scalars.push({ name, type: c.element.type });
      else others.push({ name, type: c.element.type });
      const names = features?.[name]?._type === 'ClassLabel' ? features[name].names : undefined;
      if (Array.isArray(names) && names.every((s) => typeof s === 'string')) labels.set(name, names as string[]);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file, `malformed Parquet schema: ${libraryMessage(e)}`);
  }
  if (vectors.length === 0) {
    throw new InputError(
      file,
      `no vector column: expected a list<float> column of embeddings (columns: ${[...scalars, ...others].map((c) => `${c.name} ${c.type ?? ''}`.trim()).join(', ')})`,
    );
  }
  const named = scalars.find((c) => c.name.toLowerCase() === 'id');
  const idCol =
    named?.name ??
    (features
      ? undefined
      : (scalars.find((c) => c.type === 'BYTE_ARRAY' || c.type === 'INT32' || c.type === 'INT64')?.name ?? scalars[0]?.name));
  if (!idCol && !features)
    throw new InputError(file, `no id column (columns: ${vectors.map((c) => c.name).join(', ')}); add an "id" column`);

  // Every column chunk must name a leaf of the schema (hyparquet starts reading before it checks).
  const leaves = new Set<string>();
  const walkLeaves = (t: SchemaTree, path: string[]) => {
    if (t.children.length === 0) leaves.add(path.join('\u0000'));
    for (const c of t.children) walkLeaves(c, [...path, c.element.name]);
  };
  walkLeaves(root, []);
  const wanted = new Set([...scalars.map((c) => c.name), ...vectors.map((c) => c.name), ...(image ? [image] : [])]);
  const dataEnd = size - 8 - footerLen;
  const ranges: [number, number][] = [];
  meta.row_groups.forEach((g, gi) => {
    const seen = new Set<string>();
    let lo = Infinity;
    let hi = 0;
    for (const cc of g.columns) {
      const path = cc.meta_data?.path_in_schema;
      if (!path || !leaves.has(path.join('\u0000'))) {
        throw new InputError(
          file,
          `malformed Parquet footer: row group ${gi + 1} has a column chunk (${path ? path.join('.') : 'no path'}) that is not in the schema`,
          `byte ${size - 8}`,
        );
      }
      if (cc.file_path)
        throw new InputError(
          file,
          `row group ${gi + 1} keeps its data in another file (${cc.file_path}); only single-file Parquet is supported`,
        );
      const start = Number(cc.meta_data!.dictionary_page_offset ?? cc.meta_data!.data_page_offset);
      const len = Number(cc.meta_data!.total_compressed_size);
      if (!(start >= 4) || !(len >= 0) || start + len > dataEnd) {
        throw new InputError(
          file,
          `malformed Parquet footer: column chunk ${path.join('.')} of row group ${gi + 1} (${len} bytes at ${start}) lies outside the file`,
          `byte ${size - 8}`,
        );
      }
      if (!wanted.has(path[0])) continue;
      seen.add(path[0]);
      lo = Math.min(lo, start);
      hi = Math.max(hi, start + len);
    }
    for (const w of wanted)
      if (!seen.has(w))
        throw new InputError(file, `malformed Parquet footer: row group ${gi + 1} has no data for column "${w}"`, `byte ${size - 8}`);
    ranges.push([lo === Infinity ? 4 : lo, hi]);
  });

  // The footer declares how many values each column holds: refuse absurd sizes before reading.
  for (const c of [...vectors, ...(image ? [{ name: image }] : []), ...scalars]) {
    let values = 0;
    let uncompressed = 0;
    for (const g of meta.row_groups) {
      for (const cc of g.columns) {
        if (cc.meta_data?.path_in_schema?.[0] !== c.name) continue;
        values += Number(cc.meta_data.num_values ?? 0);
        uncompressed += Number(cc.meta_data.total_uncompressed_size ?? 0);
      }
    }
    if (!Number.isSafeInteger(values) || values > MAX_VARIANT_FLOATS) {
      throw new InputError(
        file,
        `column "${c.name}" declares ${values} values, more than the ${MAX_VARIANT_FLOATS} limit for one variant`,
        `byte ${size - 8}`,
      );
    }
    if (!Number.isSafeInteger(uncompressed) || uncompressed > MAX_UNCOMPRESSED) {
      throw new InputError(
        file,
        `column "${c.name}" declares ${uncompressed} bytes uncompressed, more than the ${MAX_UNCOMPRESSED}-byte limit`,
        `byte ${size - 8}`,
      );
    }
  }
  return { file, size, meta, n, groups, vectors, scalars, idCol, image, labels, ranges, footer, tree: root };
}
