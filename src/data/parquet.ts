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
import { parquetRead } from 'hyparquet';
import { InputError } from './errors.ts';
import { libraryMessage } from './import/problems.ts';
import { checkPages, nonFinite, readTextChunk, readVectorChunk } from './parquet-pages.ts';
import { bytesSource, MAX_VARIANT_FLOATS, planParquet, toArrayBuffer, type ByteSource, type ParquetPlan } from './parquet-plan.ts';
import { defaultAllocate, type Allocate, type IdVectors } from './vectors-table.ts';

export { bytesSource, MAX_UNCOMPRESSED, MAX_VARIANT_FLOATS, planParquet, type ByteSource, type ParquetPlan } from './parquet-plan.ts';

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
        `malformed Parquet data in row group ${g + 1} of ${plan.groups.length}: ${libraryMessage(e)}`,
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
        `malformed Parquet data in row group ${g + 1} of ${plan.groups.length}: ${libraryMessage(e)}`,
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
          throw nonFinite(Number(v[j]), file, column, j, r);
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
