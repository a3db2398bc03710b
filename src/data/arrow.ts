/**
 * Embeddings in Arrow IPC — the file format (`.arrow`, `.feather` v2) and the stream format
 * (`.arrows`) — read with apache-arrow's `tableFromIPC`: an id column (`id`, any case, else the
 * first column that is not a vector) and one or more vector columns, FixedSizeList<Float32|Float64>
 * or List<Float32|Float64>. Each vector column is a variant. Vectors are copied batch by batch from
 * Arrow's own buffers into the float32 storage from `allocate`. Every problem is an InputError.
 */
import { DataType, tableFromIPC, type Table, type Vector } from 'apache-arrow';
import { InputError } from './errors.ts';
import { libraryMessage } from './import/problems.ts';
import { checkArrowIpc } from './arrow-check.ts';
import { MAX_VARIANT_FLOATS } from './parquet.ts';
import { defaultAllocate, type Allocate, type IdVectors } from './vectors-table.ts';

const ARROW1 = 'ARROW1';

export function readArrowVectors(bytes: Uint8Array, file: string, allocate: Allocate = defaultAllocate): IdVectors {
  if (bytes.length < 8) throw new InputError(file, `not an Arrow IPC file: only ${bytes.length} bytes`, 'byte 0');
  const isFile = String.fromCharCode(...bytes.subarray(0, 6)) === ARROW1;
  if (isFile && String.fromCharCode(...bytes.subarray(bytes.length - 6)) !== ARROW1) {
    throw new InputError(
      file,
      'truncated Arrow IPC file: it starts with "ARROW1" but does not end with it (the footer is missing)',
      `byte ${bytes.length}`,
    );
  }
  checkArrowIpc(bytes, file);
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (e) {
    throw new InputError(file, `malformed Arrow IPC ${isFile ? 'file' : 'stream'}: ${msg(e)}`);
  }
  const n = table.numRows;
  if (!table.schema || table.schema.fields.length === 0)
    throw new InputError(file, 'not an Arrow IPC file or stream (no schema)', 'byte 0');
  if (n === 0) throw new InputError(file, 'the table has no rows');
  const fields = table.schema.fields;
  const vecFields = fields.filter(
    (f) => (DataType.isFixedSizeList(f.type) || DataType.isList(f.type)) && DataType.isFloat(f.type.children[0]?.type),
  );
  if (vecFields.length === 0) {
    throw new InputError(
      file,
      `no vector column: expected FixedSizeList<Float32> or List<Float32> (columns: ${fields.map((f) => `${f.name} ${String(f.type)}`).join(', ')})`,
    );
  }
  const scalar = fields.filter((f) => !vecFields.includes(f));
  const idField = scalar.find((f) => f.name.toLowerCase() === 'id') ?? scalar[0];
  if (!idField) throw new InputError(file, `no id column (columns: ${fields.map((f) => f.name).join(', ')}); add an "id" column`);

  const idCol = table.getChild(idField.name)!;
  const ids = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const v = idCol.get(i);
    if (v === null || v === undefined) throw new InputError(file, `id is null in column "${idField.name}"`, `row ${i + 1}`);
    ids[i] = typeof v === 'string' ? v : String(v);
  }

  const variants = vecFields.map((f) => ({ column: f.name, x: readVectors(table.getChild(f.name)!, f.name, n, file, allocate) }));
  return { file, ids, variants, where: (i) => `row ${i + 1}` };
}

function readVectors(col: Vector, name: string, n: number, file: string, allocate: Allocate) {
  const fixed = DataType.isFixedSizeList(col.type) ? (col.type as { listSize: number }).listSize : -1;
  let dim = fixed;
  let data: Float32Array | undefined;
  let row = 0;
  const start = (d: number) => {
    dim = d;
    if (dim <= 0) throw new InputError(file, `vectors in column "${name}" are empty`, `row ${row + 1}`);
    if (n * dim > MAX_VARIANT_FLOATS)
      throw new InputError(
        file,
        `column "${name}": ${n} rows × ${dim} dims = ${n * dim} values, more than the ${MAX_VARIANT_FLOATS} limit for one variant`,
      );
    data = allocate(n * dim);
  };
  if (fixed > 0) start(fixed);
  for (const chunk of col.data) {
    const child = chunk.children[0];
    const values = child?.values as Float32Array | Float64Array | undefined;
    if (!values) throw new InputError(file, `column "${name}" has no values`, `row ${row + 1}`);
    const offsets = chunk.valueOffsets as Int32Array | undefined;
    for (let r = 0; r < chunk.length; r++, row++) {
      if (chunk.nullCount > 0 && !chunk.getValid(r)) throw new InputError(file, `vector is null in column "${name}"`, `row ${row + 1}`);
      let from: number;
      if (fixed > 0) from = r * fixed;
      else {
        from = offsets![r];
        const len = offsets![r + 1] - from;
        if (dim < 0) start(len);
        else if (len !== dim)
          throw new InputError(file, `column "${name}" has ${len} values, expected ${dim} (as in the first row)`, `row ${row + 1}`);
      }
      if (from + dim > values.length)
        throw new InputError(file, `column "${name}" is truncated: its values end before row ${row + 1}`, `row ${row + 1}`);
      const base = row * dim;
      for (let j = 0; j < dim; j++) {
        const v = values[from + j];
        const f = Math.fround(v);
        if (f - f !== 0) {
          const what = Number.isNaN(v) ? 'NaN' : Number.isFinite(v) ? `${v} (does not fit in float32)` : v > 0 ? 'Infinity' : '-Infinity';
          throw new InputError(
            file,
            `${what} in column "${name}" at position ${j + 1}; every value must be a finite number`,
            `row ${row + 1}`,
          );
        }
        data![base + j] = f;
      }
    }
  }
  if (row !== n) throw new InputError(file, `column "${name}" has ${row} rows, the table ${n}`);
  return { n, dim, data: data! };
}

function msg(e: unknown): string {
  return libraryMessage(e);
}
