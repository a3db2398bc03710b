/**
 * Parquet tables (hyparquet, pure JS), for single files and folders of part files:
 * - vector columns: LIST / fixed-size list of FLOAT or DOUBLE (pyarrow's list<float32> and
 *   fixed_size_list<float32, d>), each a variant;
 * - the id column: `id` (any case); in a file without Hugging Face metadata, else the first column
 *   of text or integers (the layout before issue 12);
 * - item columns: every other column of text, numbers or booleans (labels, identity, title…);
 *   Hugging Face `datasets` ClassLabel integers become their names (schema metadata key
 *   `huggingface`: info.features.<col>.names; -1 = no label);
 * - images: a struct column of {bytes, path} (`datasets`' Image feature): the bytes are the item's image.
 *
 * A table is planned from its footer first (rows, columns, sizes checked before anything is
 * allocated), then read one row group at a time — only that row group's byte range is fetched
 * (`ByteSource.slice`) — each decoded chunk copied straight into float32 storage from `allocate`.
 * Every problem is an InputError naming the file and the row (or the byte offset of the footer).
 */
import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import type { FileMetaData, SchemaTree } from 'hyparquet';
import { InputError } from './errors.ts';
import { libraryMessage } from './import/problems.ts';
import { checkPages, readTextChunk, readVectorChunk } from './parquet-pages.ts';
import { defaultAllocate, type Allocate, type IdVectors } from './vectors-table.ts';

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

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
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
    throw new InputError(file, `malformed Parquet footer: ${msg(e)}`, `byte ${size - 8}`);
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
    throw new InputError(file, `malformed Parquet schema: ${msg(e)}`);
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

/** Where rows go: vectors allocated on first sight (`total` rows), item columns and images per row. */
export interface ParquetSink {
  total: number;
  allocate: Allocate;
  vectors: Map<string, { dim: number; data: Float32Array }>;
  ids?: string[];
  columns: Record<string, string[]>;
  images?: (Uint8Array | undefined)[];
  imagePaths?: string[];
  /** Per item column, its distinct values so far (see `place`). */
  interned: Map<string, Map<string, string>>;
}

export function newSink(total: number, allocate: Allocate): ParquetSink {
  return { total, allocate, vectors: new Map(), columns: Object.create(null) as Record<string, string[]>, interned: new Map() };
}

/**
 * Reads every row group of `plan` into `sink` at rows base…base+n, one row group's byte range at
 * a time. `onRange` sees each range's bytes (for the digest) and is awaited before the next one.
 */
export async function readParquetRows(
  plan: ParquetPlan,
  src: ByteSource,
  sink: ParquetSink,
  base: number,
  onRange?: (b: Uint8Array) => void | Promise<void>,
): Promise<void> {
  const { file, meta } = plan;
  const columns = [...plan.scalars.map((c) => c.name), ...plan.vectors.map((c) => c.name), ...(plan.image ? [plan.image] : [])];
  if (plan.idCol) sink.ids ??= new Array<string>(sink.total);
  for (const c of plan.scalars) if (c.name !== plan.idCol) sink.columns[c.name] ??= new Array<string>(sink.total).fill('');
  if (plan.image) {
    sink.images ??= new Array<Uint8Array | undefined>(sink.total);
    sink.imagePaths ??= new Array<string>(sink.total).fill('');
  }
  let rowStart = 0;
  for (let g = 0; g < plan.groups.length; g++) {
    const rowEnd = rowStart + plan.groups[g];
    const [lo, hi] = plan.ranges[g];
    const bytes = await src.slice(lo, hi);
    // Awaited: one row group's bytes alive at a time (a pending digest holds its own copy).
    await onRange?.(bytes);
    for (const cc of meta.row_groups[g].columns) {
      const path = cc.meta_data!.path_in_schema;
      if (!columns.includes(path[0])) continue;
      const start = Number(cc.meta_data!.dictionary_page_offset ?? cc.meta_data!.data_page_offset);
      checkPages(
        bytes,
        start - lo,
        Number(cc.meta_data!.total_compressed_size),
        start,
        `column chunk ${path.join('.')} of row group ${g + 1}`,
        file,
      );
    }
    const window = { byteLength: plan.size, slice: (s: number, e: number) => toArrayBuffer(bytes.subarray(s - lo, e - lo)) };
    let failure: unknown;
    // Vector columns page by page into the float32 storage (./parquet-pages.ts); the rest through hyparquet.
    const lean = new Set<string>();
    try {
      for (const c of plan.vectors) {
        const cc = meta.row_groups[g].columns.find((x) => x.meta_data?.path_in_schema?.[0] === c.name);
        if (!cc || cc.meta_data!.path_in_schema.length < 2) continue;
        const start = Number(cc.meta_data!.dictionary_page_offset ?? cc.meta_data!.data_page_offset);
        if (
          readVectorChunk(
            plan.tree,
            meta,
            cc,
            bytes,
            start - lo,
            Number(cc.meta_data!.total_compressed_size),
            c.name,
            sink,
            base,
            rowStart,
            rowEnd,
            file,
          )
        )
          lean.add(c.name);
      }
      // Text columns (ids, labels) likewise when their pages are plain.
      for (const c of plan.scalars) {
        if (c.type !== 'BYTE_ARRAY' || plan.labels.has(c.name)) continue;
        const cc = meta.row_groups[g].columns.find((x) => x.meta_data?.path_in_schema?.[0] === c.name);
        if (!cc) continue;
        const start = Number(cc.meta_data!.dictionary_page_offset ?? cc.meta_data!.data_page_offset);
        const put =
          c.name === plan.idCol
            ? (r: number, v: string | null) => {
                if (v === null) throw new InputError(file, `id is null in column "${c.name}"`, `row ${r + 1}`);
                sink.ids![base + r] = v;
              }
            : (r: number, v: string | null) => place(c.name, [v], r, rowStart, rowEnd);
        if (readTextChunk(plan.tree, cc, bytes, start - lo, Number(cc.meta_data!.total_compressed_size), rowStart, rowEnd, put))
          lean.add(c.name);
      }
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(
        file,
        `malformed Parquet data in row group ${g + 1} of ${plan.groups.length}: ${msg(e)}`,
        `rows ${rowStart + 1}–${rowEnd}`,
      );
    }
    const rest = columns.filter((c) => !lean.has(c));
    if (rest.length === 0) {
      rowStart = rowEnd;
      continue;
    }
    try {
      await parquetRead({
        file: window,
        metadata: meta,
        columns: rest,
        rowStart,
        rowEnd,
        utf8: false,
        onChunk: (chunk) => {
          if (failure) return;
          try {
            place(chunk.columnName, chunk.columnData as ArrayLike<unknown>, chunk.rowStart, rowStart, rowEnd);
          } catch (e) {
            failure = e;
          }
        },
      });
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(
        file,
        `malformed Parquet data in row group ${g + 1} of ${plan.groups.length}: ${msg(e)}`,
        `rows ${rowStart + 1}–${rowEnd}`,
      );
    }
    if (failure) throw failure;
    rowStart = rowEnd;
  }
  for (const c of plan.vectors) if (!sink.vectors.has(c.name)) throw new InputError(file, `column "${c.name}" holds no vectors`);
  if (plan.idCol)
    for (let r = 0; r < plan.n; r++)
      if (sink.ids![base + r] === undefined) throw new InputError(file, `id column "${plan.idCol}" has no value`, `row ${r + 1}`);

  function text(v: unknown): string {
    return typeof v === 'string' ? v : v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v);
  }
  function place(column: string, data: ArrayLike<unknown>, chunkStart: number, lo: number, hi: number) {
    if (column === plan.idCol) {
      for (let i = 0; i < data.length; i++) {
        const r = chunkStart + i;
        if (r < lo || r >= hi) continue;
        const v = data[i];
        if (v === null || v === undefined) throw new InputError(file, `id is null in column "${column}"`, `row ${r + 1}`);
        sink.ids![base + r] = text(v);
      }
      return;
    }
    if (column === plan.image) {
      for (let i = 0; i < data.length; i++) {
        const r = chunkStart + i;
        if (r < lo || r >= hi) continue;
        const v = data[i] as { bytes?: unknown; path?: unknown } | null | undefined;
        const b = v?.bytes;
        sink.images![base + r] = b instanceof Uint8Array && b.length > 0 ? b.slice() : undefined;
        sink.imagePaths![base + r] = v?.path === null || v?.path === undefined ? '' : text(v.path);
      }
      return;
    }
    const col = sink.columns[column];
    if (col) {
      const names = plan.labels.get(column);
      // Labels repeat: one string per distinct value (up to 65,536 of them per column) instead of one per row.
      let seen = sink.interned.get(column);
      if (!seen) sink.interned.set(column, (seen = new Map()));
      const intern = (s: string): string => {
        const got = seen!.get(s);
        if (got !== undefined) return got;
        if (seen!.size < 65536) seen!.set(s, s);
        return s;
      };
      for (let i = 0; i < data.length; i++) {
        const r = chunkStart + i;
        if (r < lo || r >= hi) continue;
        const v = data[i];
        if (v === null || v === undefined) col[base + r] = '';
        else if (names && (typeof v === 'number' || typeof v === 'bigint')) {
          const k = Number(v);
          col[base + r] = k >= 0 && k < names.length ? names[k] : k === -1 ? '' : String(k);
        } else col[base + r] = intern(text(v));
      }
      return;
    }
    if (!plan.vectors.some((c) => c.name === column)) return;
    let o = sink.vectors.get(column);
    for (let i = 0; i < data.length; i++) {
      const r = chunkStart + i;
      if (r < lo || r >= hi) continue;
      const v = data[i] as ArrayLike<number> | null | undefined;
      if (v === null || v === undefined) throw new InputError(file, `vector is null in column "${column}"`, `row ${r + 1}`);
      if (typeof v !== 'object' || typeof v.length !== 'number')
        throw new InputError(file, `column "${column}" is not a list of numbers`, `row ${r + 1}`);
      if (!o) {
        const dim = v.length;
        if (dim === 0) throw new InputError(file, `vector in column "${column}" is empty`, `row ${r + 1}`);
        if (sink.total * dim > MAX_VARIANT_FLOATS) {
          throw new InputError(
            file,
            `column "${column}": ${sink.total} rows × ${dim} dims = ${sink.total * dim} values, more than the ${MAX_VARIANT_FLOATS} limit for one variant`,
          );
        }
        o = { dim, data: sink.allocate(sink.total * dim) };
        sink.vectors.set(column, o);
      } else if (v.length !== o.dim) {
        throw new InputError(file, `column "${column}" has ${v.length} values, expected ${o.dim} (as in the first row)`, `row ${r + 1}`);
      }
      const at = (base + r) * o.dim;
      for (let j = 0; j < o.dim; j++) {
        const f = Math.fround(Number(v[j]));
        if (f - f !== 0) {
          const raw = Number(v[j]);
          const what = Number.isNaN(raw)
            ? 'NaN'
            : Number.isFinite(raw)
              ? `${raw} (does not fit in float32)`
              : raw > 0
                ? 'Infinity'
                : '-Infinity';
          throw new InputError(
            file,
            `${what} in column "${column}" at position ${j + 1}; every value must be a finite number`,
            `row ${r + 1}`,
          );
        }
        o.data[at + j] = f;
      }
    }
  }
}

/** One Parquet file (whole, in memory) → ids + one variant per vector column (item columns left out). */
export async function readParquetVectors(bytes: Uint8Array, file: string, allocate: Allocate = defaultAllocate): Promise<IdVectors> {
  const src = bytesSource(bytes);
  const plan = await planParquet(src, file);
  const sink = newSink(plan.n, allocate);
  await readParquetRows(plan, src, sink, 0);
  const ids = sink.ids ?? Array.from({ length: plan.n }, (_, i) => String(i + 1));
  return {
    file,
    ids,
    variants: plan.vectors.map((c) => {
      const o = sink.vectors.get(c.name)!;
      return { column: c.name, x: { n: plan.n, dim: o.dim, data: o.data } };
    }),
    where: (i) => `row ${i + 1}`,
  };
}

function msg(e: unknown): string {
  return libraryMessage(e);
}
