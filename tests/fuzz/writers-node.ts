/**
 * The Node side of the fuzz seeds: Parquet (hyparquet-writer), Arrow IPC (apache-arrow) and JPEG
 * (jpeg-js) writers, handed to the pure generator. PNGs are written by the generator itself.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import {
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int32,
  List,
  Table,
  Utf8,
  Bool,
  tableToIPC,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';
import jpeg from 'jpeg-js';
import type { ArrowCol, ParquetCol, Writers } from './generate.ts';

const LEAF: Record<string, string> = { 'list-float': 'FLOAT', 'list-double': 'DOUBLE', 'list-int32': 'INT32', 'list-string': 'BYTE_ARRAY' };

function parquetSchema(cols: ParquetCol[]) {
  const schema: Record<string, unknown>[] = [{ name: 'root', num_children: cols.length }];
  for (const c of cols) {
    const repetition_type = c.nullable ? 'OPTIONAL' : 'REQUIRED';
    if (c.kind.startsWith('list-')) {
      schema.push({ name: c.name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 });
      schema.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
      schema.push({
        name: 'element',
        type: LEAF[c.kind],
        repetition_type: 'REQUIRED',
        ...(c.kind === 'list-string' ? { converted_type: 'UTF8' } : {}),
      });
    } else if (c.kind === 'string') schema.push({ name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type });
    else if (c.kind === 'int32') schema.push({ name: c.name, type: 'INT32', repetition_type });
    else if (c.kind === 'float') schema.push({ name: c.name, type: 'FLOAT', repetition_type });
    else if (c.kind === 'double') schema.push({ name: c.name, type: 'DOUBLE', repetition_type });
    else schema.push({ name: c.name, type: 'BOOLEAN', repetition_type });
  }
  return schema;
}

function arrowType(c: ArrowCol): DataType {
  const f32 = new Float32();
  const f64 = new Float64();
  switch (c.kind) {
    case 'utf8':
      return new Utf8();
    case 'int32':
      return new Int32();
    case 'float32':
      return f32;
    case 'bool':
      return new Bool();
    case 'fsl-float32':
      return new FixedSizeList(c.listSize ?? 4, new Field('item', f32, true));
    case 'fsl-float64':
      return new FixedSizeList(c.listSize ?? 4, new Field('item', f64, true));
    case 'list-float32':
      return new List(new Field('item', f32, true));
    case 'list-float64':
      return new List(new Field('item', f64, true));
  }
}

export const nodeWriters: Writers = {
  parquet(cols, opts = {}) {
    const ab = parquetWriteBuffer({
      columnData: cols.map((c) => ({ name: c.name, data: c.data as never })),
      schema: parquetSchema(cols) as never,
      codec: opts.codec ?? 'SNAPPY',
      rowGroupSize: opts.rowGroupSize ?? 1000,
    });
    return new Uint8Array(ab);
  },
  arrow(cols, format) {
    const t = new Table(Object.fromEntries(cols.map((c) => [c.name, vectorFromArray(c.data as never, arrowType(c))])));
    return tableToIPC(t, format);
  },
  jpeg(width, height, rgba, quality = 90) {
    return new Uint8Array(jpeg.encode({ width, height, data: Buffer.from(rgba) }, quality).data);
  },
};
