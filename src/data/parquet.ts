/**
 * Embeddings in Parquet (hyparquet, pure JS): an id column (`id`, any case, else the first column
 * that is not a vector) and one or more vector columns — LIST of FLOAT/DOUBLE (what pyarrow writes
 * for list<float32> and fixed_size_list<float32, d>). Each vector column is a variant.
 *
 * The file is read one row group at a time, each decoded chunk copied straight into the float32
 * storage from `allocate` (never a table of JS arrays for the whole file). The declared row count
 * is checked against the limit before anything is allocated. Every problem is an InputError naming
 * the file and the row (or the byte offset of the footer).
 */
import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
// Not in hyparquet's index, but exported by its package ("./src/*.js"): the page header reader it uses itself.
import { parquetHeader } from 'hyparquet/src/column.js';
import type { FileMetaData, SchemaTree } from 'hyparquet';
import { InputError } from './errors.ts';
import { libraryMessage } from './import/problems.ts';
import { defaultAllocate, type Allocate, type IdVectors } from './vectors-table.ts';

/** Largest number of float32 values one variant may hold (1 GiB). */
export const MAX_VARIANT_FLOATS = 2 ** 28;
/** Largest uncompressed size a column may declare (what the reader would decompress). */
export const MAX_UNCOMPRESSED = 2 ** 31;

const PAR1 = [0x50, 0x41, 0x52, 0x31];

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer) return b.buffer;
  return b.slice().buffer as ArrayBuffer;
}

interface VectorColumn {
  name: string;
  /** Leaf element type. */
  type: string;
}

/** Finds the list-of-float columns; everything else is a scalar column. */
function columnsOf(meta: FileMetaData): { vectors: VectorColumn[]; scalars: { name: string; type?: string }[] } {
  const root = parquetSchema(meta);
  const vectors: VectorColumn[] = [];
  const scalars: { name: string; type?: string }[] = [];
  for (const c of root.children) {
    const leaf = listLeaf(c);
    if (leaf) {
      if (leaf.element.type === 'FLOAT' || leaf.element.type === 'DOUBLE') vectors.push({ name: c.element.name, type: leaf.element.type });
      else scalars.push({ name: c.element.name, type: `list<${leaf.element.type ?? 'group'}>` });
    } else scalars.push({ name: c.element.name, type: c.element.type });
  }
  return { vectors, scalars };
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

export async function readParquetVectors(bytes: Uint8Array, file: string, allocate: Allocate = defaultAllocate): Promise<IdVectors> {
  if (bytes.length < 12 || PAR1.some((v, i) => bytes[i] !== v)) {
    throw new InputError(file, `not a Parquet file (it must start with "PAR1")${bytes.length < 12 ? `: only ${bytes.length} bytes` : ''}`, 'byte 0');
  }
  if (PAR1.some((v, i) => bytes[bytes.length - 4 + i] !== v)) {
    throw new InputError(file, 'truncated Parquet file: it does not end with "PAR1" (the footer is missing)', `byte ${bytes.length}`);
  }
  const buf = toArrayBuffer(bytes);
  let meta: FileMetaData;
  try {
    meta = parquetMetadata(buf);
  } catch (e) {
    throw new InputError(file, `malformed Parquet footer: ${msg(e)}`, `byte ${bytes.length - 8}`);
  }
  const n = Number(meta.num_rows);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InputError(file, n === 0 ? 'the file has no rows' : `declares ${String(meta.num_rows)} rows`);
  const groups = meta.row_groups.map((g) => Number(g.num_rows));
  const sum = groups.reduce((a, b) => a + b, 0);
  if (sum !== n) throw new InputError(file, `malformed Parquet footer: row groups hold ${sum} rows but the file declares ${n}`, `byte ${bytes.length - 8}`);
  if (n > MAX_VARIANT_FLOATS) throw new InputError(file, `declares ${n} rows, more than the ${MAX_VARIANT_FLOATS} limit`);

  let cols: ReturnType<typeof columnsOf>;
  try {
    cols = columnsOf(meta);
  } catch (e) {
    throw new InputError(file, `malformed Parquet schema: ${msg(e)}`);
  }
  if (cols.vectors.length === 0) {
    throw new InputError(file, `no vector column: expected a list<float> column of embeddings (columns: ${[...cols.scalars].map((c) => `${c.name} ${c.type ?? ''}`.trim()).join(', ')})`);
  }
  const idCol = cols.scalars.find((c) => c.name.toLowerCase() === 'id') ?? cols.scalars[0];
  if (!idCol) throw new InputError(file, `no id column (columns: ${cols.vectors.map((c) => c.name).join(', ')}); add an "id" column`);

  // Every column chunk must name a leaf of the schema (hyparquet starts reading before it checks).
  const leaves = new Set<string>();
  const walkLeaves = (t: SchemaTree, path: string[]) => {
    if (t.children.length === 0) leaves.add(path.join('\u0000'));
    for (const c of t.children) walkLeaves(c, [...path, c.element.name]);
  };
  walkLeaves(parquetSchema(meta), []);
  const wanted = new Set([idCol.name, ...cols.vectors.map((c) => c.name)]);
  meta.row_groups.forEach((g, gi) => {
    const seen = new Set<string>();
    for (const cc of g.columns) {
      const path = cc.meta_data?.path_in_schema;
      if (!path || !leaves.has(path.join('\u0000'))) {
        throw new InputError(file, `malformed Parquet footer: row group ${gi + 1} has a column chunk (${path ? path.join('.') : 'no path'}) that is not in the schema`, `byte ${bytes.length - 8}`);
      }
      if (cc.file_path) throw new InputError(file, `row group ${gi + 1} keeps its data in another file (${cc.file_path}); only single-file Parquet is supported`);
      const start = Number(cc.meta_data!.dictionary_page_offset ?? cc.meta_data!.data_page_offset);
      const size = Number(cc.meta_data!.total_compressed_size);
      if (!(start >= 4) || !(size >= 0) || start + size > bytes.length - 8) {
        throw new InputError(file, `malformed Parquet footer: column chunk ${path.join('.')} of row group ${gi + 1} (${size} bytes at ${start}) lies outside the file`, `byte ${bytes.length - 8}`);
      }
      checkPages(bytes, start, size, `column chunk ${path.join('.')} of row group ${gi + 1}`, file);
      seen.add(path[0]);
    }
    for (const w of wanted) if (!seen.has(w)) throw new InputError(file, `malformed Parquet footer: row group ${gi + 1} has no data for column "${w}"`, `byte ${bytes.length - 8}`);
  });

  // The footer declares how many values each column holds: refuse absurd sizes before reading.
  for (const c of cols.vectors) {
    let values = 0;
    let uncompressed = 0;
    for (const g of meta.row_groups) {
      const chunk = g.columns.find((cc) => cc.meta_data?.path_in_schema?.[0] === c.name)?.meta_data;
      values += Number(chunk?.num_values ?? 0);
      uncompressed += Number(chunk?.total_uncompressed_size ?? 0);
    }
    if (!Number.isSafeInteger(values) || values > MAX_VARIANT_FLOATS) {
      throw new InputError(file, `column "${c.name}" declares ${values} values, more than the ${MAX_VARIANT_FLOATS} limit for one variant`, `byte ${bytes.length - 8}`);
    }
    if (!Number.isSafeInteger(uncompressed) || uncompressed > MAX_UNCOMPRESSED) {
      throw new InputError(file, `column "${c.name}" declares ${uncompressed} bytes uncompressed, more than the ${MAX_UNCOMPRESSED}-byte limit`, `byte ${bytes.length - 8}`);
    }
  }
  const ids = new Array<string>(n);
  const out = cols.vectors.map((c) => ({ column: c.name, dim: -1, data: new Float32Array(0) as Float32Array }));
  let rowStart = 0;
  for (let g = 0; g < groups.length; g++) {
    const rowEnd = rowStart + groups[g];
    let failure: unknown;
    try {
      await parquetRead({
        file: buf,
        metadata: meta,
        columns: [idCol.name, ...cols.vectors.map((c) => c.name)],
        rowStart,
        rowEnd,
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
      throw new InputError(file, `malformed Parquet data in row group ${g + 1} of ${groups.length}: ${msg(e)}`, `rows ${rowStart + 1}–${rowEnd}`);
    }
    if (failure) throw failure;
    rowStart = rowEnd;
  }

  function place(column: string, data: ArrayLike<unknown>, chunkStart: number, lo: number, hi: number) {
    if (column === idCol!.name) {
      for (let i = 0; i < data.length; i++) {
        const r = chunkStart + i;
        if (r < lo || r >= hi) continue;
        const v = data[i];
        if (v === null || v === undefined) throw new InputError(file, `id is null in column "${column}"`, `row ${r + 1}`);
        ids[r] = typeof v === 'string' ? v : v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v);
      }
      return;
    }
    const o = out.find((c) => c.column === column);
    if (!o) return;
    for (let i = 0; i < data.length; i++) {
      const r = chunkStart + i;
      if (r < lo || r >= hi) continue;
      const v = data[i] as ArrayLike<number> | null | undefined;
      if (v === null || v === undefined) throw new InputError(file, `vector is null in column "${column}"`, `row ${r + 1}`);
      if (typeof v !== 'object' || typeof v.length !== 'number') throw new InputError(file, `column "${column}" is not a list of numbers`, `row ${r + 1}`);
      if (o.dim < 0) {
        o.dim = v.length;
        if (o.dim === 0) throw new InputError(file, `vector in column "${column}" is empty`, `row ${r + 1}`);
        if (n * o.dim > MAX_VARIANT_FLOATS) {
          throw new InputError(file, `column "${column}": ${n} rows × ${o.dim} dims = ${n * o.dim} values, more than the ${MAX_VARIANT_FLOATS} limit for one variant`);
        }
        o.data = allocate(n * o.dim);
      } else if (v.length !== o.dim) {
        throw new InputError(file, `column "${column}" has ${v.length} values, expected ${o.dim} (as in the first row)`, `row ${r + 1}`);
      }
      const base = r * o.dim;
      for (let j = 0; j < o.dim; j++) {
        const f = Math.fround(Number(v[j]));
        if (f - f !== 0) {
          const raw = Number(v[j]);
          const what = Number.isNaN(raw) ? 'NaN' : Number.isFinite(raw) ? `${raw} (does not fit in float32)` : raw > 0 ? 'Infinity' : '-Infinity';
          throw new InputError(file, `${what} in column "${column}" at position ${j + 1}; every value must be a finite number`, `row ${r + 1}`);
        }
        o.data[base + j] = f;
      }
    }
  }

  for (const o of out) if (o.dim < 0) throw new InputError(file, `column "${o.column}" holds no vectors`);
  for (let r = 0; r < n; r++) if (ids[r] === undefined) throw new InputError(file, `id column "${idCol.name}" has no value`, `row ${r + 1}`);
  return {
    file,
    ids,
    variants: out.map((o) => ({ column: o.column, x: { n, dim: o.dim, data: o.data } })),
    where: (i) => `row ${i + 1}`,
  };
}

/**
 * Walks a column chunk's page headers before hyparquet decodes them: each page must have
 * non-negative sizes and end inside the chunk. (A damaged size sent hyparquet's reader backwards,
 * reading the same pages for ever: fuzz finding F13.)
 */
function checkPages(bytes: Uint8Array, start: number, size: number, what: string, file: string): void {
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset + start, size), offset: 0 };
  while (reader.offset < size - 1) {
    const at = `byte ${start + reader.offset}`;
    let header: { compressed_page_size?: unknown; uncompressed_page_size?: unknown };
    try {
      header = parquetHeader(reader);
    } catch (e) {
      throw new InputError(file, `malformed Parquet page header in ${what}: ${msg(e)}`, at);
    }
    const compressed = Number(header.compressed_page_size);
    const uncompressed = Number(header.uncompressed_page_size);
    if (!Number.isSafeInteger(compressed) || compressed < 0 || !Number.isSafeInteger(uncompressed) || uncompressed < 0 || uncompressed > MAX_UNCOMPRESSED) {
      const shown = (v: unknown) => (v === undefined || v === null ? 'missing' : String(v));
      throw new InputError(file, `malformed Parquet page header in ${what}: page sizes ${shown(header.compressed_page_size)} (compressed) and ${shown(header.uncompressed_page_size)} (uncompressed)`, at);
    }
    if (reader.offset + compressed > size) {
      throw new InputError(file, `malformed Parquet page in ${what}: ${compressed} bytes of page data, ${size - reader.offset} left in the chunk`, at);
    }
    reader.offset += compressed;
  }
}

function msg(e: unknown): string {
  return libraryMessage(e);
}
