/**
 * Page-level Parquet reading (hyparquet's page readers, "./src/*.js" in its package): the page-header
 * walk that guards hyparquet (`checkPages`), and vector and plain text columns of a row group decoded
 * page by page straight into their destinations.
 *
 * Vector columns of a Parquet row group decoded page by page straight into float32 storage, with
 * hyparquet's own page readers (decompression, levels, PLAIN/dictionary values) but without its list
 * assembly, which builds one JS array per row (16k rows × 128 values as JS numbers per row group:
 * garbage that lifted the peak memory of a 1M × 128 import past 2× the vectors). Rows start where
 * the repetition level is 0; a value is present where the definition level is the column's maximum.
 * Same messages as the assembled path in parquet.ts.
 */
import type { ColumnChunk, FileMetaData, SchemaTree } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { convert, convertWithDictionary, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { getMaxDefinitionLevel, getMaxRepetitionLevel, getTreePath } from 'hyparquet/src/schema.js';
import { InputError } from './errors.ts';
import { libraryMessage } from './import/problems.ts';
import { MAX_UNCOMPRESSED, MAX_VARIANT_FLOATS, type ParquetSink } from './parquet.ts';

type Decoded = ArrayLike<unknown>;

/** Level buffers reused across pages (hyparquet allocates a JS array per page, which V8 keeps in its
 *  large-object space until a full GC: ~250 MiB of garbage over a 1M × 128 import). */
let repScratch = new Int32Array(0);
let defScratch = new Int32Array(0);
const bitWidth = (v: number) => 32 - Math.clz32(v);

/**
 * Decodes one vector column chunk (bytes[start…start+size) of the fetched range) of row group rows
 * [rowStart, rowEnd) of the file into sink rows base+rowStart…; returns false when the column is
 * not a plain one-level list (the caller then uses the assembled path).
 */
export function readVectorChunk(
  tree: SchemaTree,
  meta: FileMetaData,
  cc: ColumnChunk,
  bytes: Uint8Array,
  start: number,
  size: number,
  column: string,
  sink: ParquetSink,
  base: number,
  rowStart: number,
  rowEnd: number,
  file: string,
): boolean {
  const md = cc.meta_data!;
  const schemaPath = getTreePath(tree, md.path_in_schema);
  if (getMaxRepetitionLevel(schemaPath) !== 1) return false;
  const maxDef = getMaxDefinitionLevel(schemaPath);
  const element = schemaPath[schemaPath.length - 1].element;
  const elementOptional = element.repetition_type === 'OPTIONAL';
  const emptyLevel = maxDef - 1 - (elementOptional ? 1 : 0);
  const decoder = {
    pathInSchema: md.path_in_schema,
    element,
    schemaPath,
    type: md.type,
    codec: md.codec,
    parsers: DEFAULT_PARSERS,
    utf8: false,
  };
  void meta;
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset + start, size), offset: 0 };
  let dictionary: Decoded | undefined;
  let row = rowStart - 1; // the row being filled (file row index)
  let k = 0; // values in it so far
  let o = sink.vectors.get(column);
  let first: number[] | undefined = o ? undefined : [];
  const endRow = () => {
    if (row < rowStart) return;
    if (first) {
      if (first.length === 0) throw new InputError(file, `vector in column "${column}" is empty`, `row ${row + 1}`);
      const dim = first.length;
      if (sink.total * dim > MAX_VARIANT_FLOATS) {
        throw new InputError(
          file,
          `column "${column}": ${sink.total} rows × ${dim} dims = ${sink.total * dim} values, more than the ${MAX_VARIANT_FLOATS} limit for one variant`,
        );
      }
      o = { dim, data: sink.allocate(sink.total * dim) };
      sink.vectors.set(column, o);
      o.data.set(first, (base + row) * dim);
      first = undefined;
    } else if (k !== o!.dim) {
      throw new InputError(file, `column "${column}" has ${k} values, expected ${o!.dim} (as in the first row)`, `row ${row + 1}`);
    }
  };
  while (reader.offset < size - 1) {
    const header = parquetHeader(reader);
    const compressed = new Uint8Array(reader.view.buffer, reader.view.byteOffset + reader.offset, header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    let levels: { definitionLevels: ArrayLike<number> | undefined; repetitionLevels: ArrayLike<number>; dataPage: Decoded };
    let encoding: string;
    const daph = header.data_page_header;
    if (
      header.type === 'DATA_PAGE' &&
      daph &&
      daph.encoding === 'PLAIN' &&
      (md.type === 'FLOAT' || md.type === 'DOUBLE') &&
      daph.repetition_level_encoding === 'RLE' &&
      daph.definition_level_encoding === 'RLE'
    ) {
      // The common case, without a per-page JS array: levels into reused buffers, values read in place.
      const page = decompressPage(compressed, Number(header.uncompressed_page_size), md.codec, undefined);
      const r = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
      const nv = daph.num_values;
      if (repScratch.length < nv) repScratch = new Int32Array(nv);
      if (defScratch.length < nv) defScratch = new Int32Array(nv);
      const rep = repScratch.subarray(0, nv);
      readRleBitPackedHybrid(r, bitWidth(1), rep);
      let def: Int32Array | undefined;
      if (maxDef > 0) {
        def = defScratch.subarray(0, nv);
        readRleBitPackedHybrid(r, bitWidth(maxDef), def);
      }
      const at = r.offset;
      const size8 = md.type === 'DOUBLE';
      const view = r.view;
      let present = 0;
      for (let i = 0; i < nv; i++) if (!def || def[i] === maxDef) present++;
      if (at + present * (size8 ? 8 : 4) > view.byteLength)
        throw new InputError(
          file,
          `malformed Parquet page in column "${column}": ${present} values need more bytes than the page holds`,
          `row ${row + 2}`,
        );
      consume(rep, def, (vi) => (size8 ? view.getFloat64(at + vi * 8, true) : view.getFloat32(at + vi * 4, true)));
      continue;
    }
    if (header.type === 'DICTIONARY_PAGE') {
      const page = decompressPage(compressed, Number(header.uncompressed_page_size), md.codec, undefined);
      const r = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
      dictionary = convert(
        readPlain(r, md.type, header.dictionary_page_header!.num_values, element.type_length),
        decoder as never,
      ) as Decoded;
      continue;
    } else if (header.type === 'DATA_PAGE') {
      const page = decompressPage(compressed, Number(header.uncompressed_page_size), md.codec, undefined);
      levels = readDataPage(page, header.data_page_header!, decoder as never) as typeof levels;
      encoding = header.data_page_header!.encoding;
    } else if (header.type === 'DATA_PAGE_V2') {
      levels = readDataPageV2(compressed, header, decoder as never) as typeof levels;
      encoding = header.data_page_header_v2!.encoding;
    } else continue;
    const vals = convertWithDictionary(
      levels.dataPage as never,
      dictionary as never,
      encoding as never,
      decoder as never,
    ) as ArrayLike<number>;
    if (levels.repetitionLevels.length === 0) return false;
    consume(levels.repetitionLevels, levels.definitionLevels, (vi) => Number(vals[vi]));
  }
  endRow();
  if (row + 1 !== rowEnd)
    throw new InputError(
      file,
      `column "${column}" holds ${row + 1 - rowStart} rows but its row group has ${rowEnd - rowStart}`,
      `row ${row + 2}`,
    );
  return true;

  /** One page's levels and values into the rows. */
  function consume(rep: ArrayLike<number>, def: ArrayLike<number> | undefined, value: (vi: number) => number): void {
    const n = rep.length;
    let vi = 0;
    for (let i = 0; i < n; i++) {
      if (rep[i] === 0) {
        endRow();
        row++;
        k = 0;
        if (row >= rowEnd)
          throw new InputError(file, `column "${column}" holds more rows than its row group (${rowEnd - rowStart})`, `row ${row + 1}`);
      }
      const d = def && def.length ? def[i] : maxDef;
      if (d !== maxDef) {
        // Below the maximum: a null element (optional elements), then an empty list, then a null list.
        if (elementOptional && d === maxDef - 1)
          throw new InputError(
            file,
            `null value in column "${column}" at position ${k + 1}; every value must be a finite number`,
            `row ${row + 1}`,
          );
        if (d === emptyLevel) throw new InputError(file, `vector in column "${column}" is empty`, `row ${row + 1}`);
        throw new InputError(file, `vector is null in column "${column}"`, `row ${row + 1}`);
      }
      const raw = value(vi++);
      const f = Math.fround(raw);
      if (f - f !== 0) {
        throw nonFinite(raw, file, column, k, row);
      }
      if (first) first.push(f);
      else if (k < o!.dim) o!.data[(base + row) * o!.dim + k] = f;
      k++;
    }
  }
}

const utf8 = new TextDecoder();

/**
 * A flat text column chunk (BYTE_ARRAY, PLAIN pages only, data page v1) decoded page by page:
 * `put(row, value)` gets each row's text ('' for null → `onNull`). Pure-ASCII pages are decoded once
 * and sliced (no object per value beyond its string). Returns false, having written nothing, when a
 * page is of another kind (dictionary, v2, other encodings): the caller then uses hyparquet.
 */
export function readTextChunk(
  tree: SchemaTree,
  cc: ColumnChunk,
  bytes: Uint8Array,
  start: number,
  size: number,
  rowStart: number,
  rowEnd: number,
  put: (row: number, value: string | null) => void,
): boolean {
  const md = cc.meta_data!;
  if (md.type !== 'BYTE_ARRAY') return false;
  const schemaPath = getTreePath(tree, md.path_in_schema);
  if (schemaPath.length !== 2 || getMaxRepetitionLevel(schemaPath) !== 0) return false;
  const maxDef = getMaxDefinitionLevel(schemaPath);
  // Every page must be a PLAIN v1 data page (checked before anything is written).
  const scan = { view: new DataView(bytes.buffer, bytes.byteOffset + start, size), offset: 0 };
  while (scan.offset < size - 1) {
    const h = parquetHeader(scan);
    if (
      h.type !== 'DATA_PAGE' ||
      h.data_page_header?.encoding !== 'PLAIN' ||
      (maxDef > 0 && h.data_page_header.definition_level_encoding !== 'RLE')
    )
      return false;
    scan.offset += h.compressed_page_size;
  }
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset + start, size), offset: 0 };
  let row = rowStart;
  while (reader.offset < size - 1) {
    const header = parquetHeader(reader);
    const compressed = new Uint8Array(reader.view.buffer, reader.view.byteOffset + reader.offset, header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    const page = decompressPage(compressed, Number(header.uncompressed_page_size), md.codec, undefined);
    const r = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
    const nv = header.data_page_header!.num_values;
    let def: Int32Array | undefined;
    if (maxDef > 0) {
      if (defScratch.length < nv) defScratch = new Int32Array(nv);
      def = defScratch.subarray(0, nv);
      readRleBitPackedHybrid(r, bitWidth(maxDef), def);
    }
    // Value offsets first (4-byte length + bytes each), then one decode when the page is ASCII.
    let at = r.offset;
    const end = page.byteLength;
    let ascii = true;
    for (let p = at; p < end && ascii; p++) if (page[p] >= 0x80) ascii = false;
    const text = ascii ? utf8.decode(page.subarray(at, end)) : '';
    for (let i = 0; i < nv; i++) {
      if (row >= rowEnd) throw new Error(`more values than the row group's ${rowEnd - rowStart} rows`);
      if (def && def[i] !== maxDef) {
        put(row++, null);
        continue;
      }
      if (at + 4 > end) throw new Error('a text value runs past the end of its page');
      const len = r.view.getUint32(at, true);
      if (at + 4 + len > end) throw new Error('a text value runs past the end of its page');
      const s0 = at + 4 - r.offset;
      put(row++, ascii ? text.slice(s0, s0 + len) : utf8.decode(page.subarray(at + 4, at + 4 + len)));
      at += 4 + len;
    }
  }
  if (row !== rowEnd) throw new Error(`${row - rowStart} values for a row group of ${rowEnd - rowStart} rows`);
  return true;
}

/**
 * Walks a column chunk's page headers before hyparquet decodes them: each page must have
 * non-negative sizes and end inside the chunk. (A damaged size sent hyparquet's reader backwards,
 * reading the same pages for ever: fuzz finding F13.) `at` is the chunk's offset in the file.
 */
export function checkPages(bytes: Uint8Array, start: number, size: number, at0: number, what: string, file: string): void {
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset + start, size), offset: 0 };
  while (reader.offset < size - 1) {
    const at = `byte ${at0 + reader.offset}`;
    let header: { compressed_page_size?: unknown; uncompressed_page_size?: unknown };
    try {
      header = parquetHeader(reader);
    } catch (e) {
      throw new InputError(file, `malformed Parquet page header in ${what}: ${libraryMessage(e)}`, at);
    }
    const compressed = Number(header.compressed_page_size);
    const uncompressed = Number(header.uncompressed_page_size);
    if (
      !Number.isSafeInteger(compressed) ||
      compressed < 0 ||
      !Number.isSafeInteger(uncompressed) ||
      uncompressed < 0 ||
      uncompressed > MAX_UNCOMPRESSED
    ) {
      const shown = (v: unknown) => (v === undefined || v === null ? 'missing' : String(v));
      throw new InputError(
        file,
        `malformed Parquet page header in ${what}: page sizes ${shown(header.compressed_page_size)} (compressed) and ${shown(header.uncompressed_page_size)} (uncompressed)`,
        at,
      );
    }
    if (reader.offset + compressed > size) {
      throw new InputError(
        file,
        `malformed Parquet page in ${what}: ${compressed} bytes of page data, ${size - reader.offset} left in the chunk`,
        at,
      );
    }
    reader.offset += compressed;
  }
}

/** The error for a vector element that is not a finite float32 (`position` and `row` 0-based). */
export function nonFinite(raw: number, file: string, column: string, position: number, row: number): InputError {
  const what = Number.isNaN(raw) ? 'NaN' : Number.isFinite(raw) ? `${raw} (does not fit in float32)` : raw > 0 ? 'Infinity' : '-Infinity';
  return new InputError(
    file,
    `${what} in column "${column}" at position ${position + 1}; every value must be a finite number`,
    `row ${row + 1}`,
  );
}
