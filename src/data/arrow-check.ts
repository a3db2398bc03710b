/**
 * Walks the messages of an Arrow IPC file or stream before apache-arrow reads it, so that damaged
 * sizes are refused by arithmetic instead of becoming huge allocations inside the library.
 *
 * Encapsulated message: [0xFFFFFFFF] int32 metadataLength, a flatbuffer `Message`
 * (version, header_type, header, bodyLength), then bodyLength bytes of body. The file format wraps a
 * stream in "ARROW1\0\0" … footer, int32 footer length, "ARROW1"; its footer `Block`s point at the
 * messages (offset, metaDataLength, bodyLength) and are checked too.
 * For every RecordBatch (also inside a DictionaryBatch): bodyLength fits in the file, every buffer
 * lies inside the body, and the row count and every node's length are at most 8 × body bytes + 64
 * (a bit per value is the densest any array can be).
 * Format: https://arrow.apache.org/docs/format/Columnar.html#serialization-and-interprocess-communication-ipc
 */
import { InputError } from './errors.ts';

class Bad extends Error {
  constructor(
    readonly at: number,
    why: string,
  ) {
    super(why);
  }
}

/** Bounds-checked little-endian reads over one flatbuffer. */
class Fb {
  private v: DataView;
  constructor(
    readonly b: Uint8Array,
    readonly start: number,
    readonly end: number,
    readonly what = 'message',
  ) {
    this.v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  private need(pos: number, n: number) {
    if (pos < this.start || pos + n > this.end)
      throw new Bad(this.start, `a flatbuffer offset points outside the ${this.end - this.start}-byte ${this.what}`);
  }
  u8(p: number) {
    this.need(p, 1);
    return this.v.getUint8(p);
  }
  u16(p: number) {
    this.need(p, 2);
    return this.v.getUint16(p, true);
  }
  i32(p: number) {
    this.need(p, 4);
    return this.v.getInt32(p, true);
  }
  u32(p: number) {
    this.need(p, 4);
    return this.v.getUint32(p, true);
  }
  i64(p: number) {
    this.need(p, 8);
    const lo = this.v.getUint32(p, true);
    const hi = this.v.getInt32(p + 4, true);
    return hi * 2 ** 32 + lo;
  }
  root(): number {
    return this.start + this.u32(this.start);
  }
  /** Position of field `i` of the table at `t`, or 0 when absent. */
  field(t: number, i: number): number {
    const vt = t - this.i32(t);
    const vtSize = this.u16(vt);
    if (vtSize < 4) throw new Bad(vt, 'a flatbuffer vtable is too short');
    if (4 + 2 * i >= vtSize) return 0;
    const off = this.u16(vt + 4 + 2 * i);
    return off === 0 ? 0 : t + off;
  }
  table(t: number, i: number): number {
    const f = this.field(t, i);
    return f === 0 ? 0 : f + this.u32(f);
  }
  /** [position of element 0, count] of a vector field. */
  vector(t: number, i: number): [number, number] {
    const f = this.field(t, i);
    if (f === 0) return [0, 0];
    const v = f + this.u32(f);
    const count = this.u32(v);
    if (count > (this.end - v - 4) / 4) throw new Bad(v, `a flatbuffer vector of ${count} entries does not fit in the message`);
    return [v + 4, count];
  }
}

const RECORD_BATCH = 3;
const DICTIONARY_BATCH = 2;

interface Msg {
  /** Position after the body (-1 at the end-of-stream marker). */
  next: number;
  headerType: number;
  /** Prefix + metadata bytes. */
  metaLength: number;
  bodyLength: number;
}

const SCHEMA = 1;

/** Checks one encapsulated message at `pos`. */
function message(b: Uint8Array, pos: number): Msg {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (pos + 4 > b.length) throw new Bad(pos, 'a message is cut short');
  let len = v.getInt32(pos, true);
  let p = pos + 4;
  if (len === -1) {
    if (p + 4 > b.length) throw new Bad(pos, 'a message is cut short');
    len = v.getInt32(p, true);
    p += 4;
  }
  if (len === 0) return { next: -1, headerType: 0, metaLength: p - pos, bodyLength: 0 }; // end of stream
  if (len < 0 || p + len > b.length) throw new Bad(pos, `a message declares ${len} metadata bytes but ${b.length - p} remain`);
  const fb = new Fb(b, p, p + len);
  const m = fb.root();
  const typeField = fb.field(m, 1);
  const headerType = typeField ? fb.u8(typeField) : 0;
  const bodyField = fb.field(m, 3);
  const bodyLength = bodyField ? fb.i64(bodyField) : 0;
  const bodyStart = p + len;
  if (bodyLength < 0 || bodyStart + bodyLength > b.length) {
    throw new Bad(pos, `a message declares a body of ${bodyLength} bytes but ${b.length - bodyStart} remain`);
  }
  if (headerType === SCHEMA) {
    const schema = fb.table(m, 2);
    const [, fields] = schema ? fb.vector(schema, 1) : [0, 0];
    if (fields === 0) throw new Bad(pos, 'the schema has no columns');
  }
  let batch = 0;
  if (headerType === RECORD_BATCH) batch = fb.table(m, 2);
  else if (headerType === DICTIONARY_BATCH) {
    const d = fb.table(m, 2);
    batch = d ? fb.table(d, 1) : 0;
  }
  if (batch) {
    const limit = 8 * bodyLength + 64;
    const lenField = fb.field(batch, 0);
    const rows = lenField ? fb.i64(lenField) : 0;
    if (rows < 0 || rows > limit) throw new Bad(pos, `a record batch declares ${rows} rows in a body of ${bodyLength} bytes`);
    const [nodes, nodeCount] = fb.vector(batch, 1);
    for (let i = 0; i < nodeCount; i++) {
      const n = fb.i64(nodes + 16 * i);
      const nulls = fb.i64(nodes + 16 * i + 8);
      if (n < 0 || n > limit || nulls < 0 || nulls > n)
        throw new Bad(pos, `column node ${i + 1} declares ${n} values (${nulls} null) in a body of ${bodyLength} bytes`);
    }
    const [bufs, bufCount] = fb.vector(batch, 2);
    for (let i = 0; i < bufCount; i++) {
      const off = fb.i64(bufs + 16 * i);
      const blen = fb.i64(bufs + 16 * i + 8);
      if (off < 0 || blen < 0 || off + blen > bodyLength)
        throw new Bad(pos, `buffer ${i + 1} (${blen} bytes at ${off}) lies outside the ${bodyLength}-byte body`);
    }
  }
  return { next: bodyStart + bodyLength, headerType, metaLength: p - pos + len, bodyLength };
}

/** Throws InputError(file, …, byte N) when the IPC bytes do not hold together. */
export function checkArrowIpc(b: Uint8Array, file: string): void {
  const isFile = b.length >= 6 && String.fromCharCode(...b.subarray(0, 6)) === 'ARROW1';
  try {
    if (isFile) {
      if (b.length < 18) throw new Bad(0, 'too short for an Arrow IPC file');
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      const footerLen = v.getInt32(b.length - 10, true);
      const footerStart = b.length - 10 - footerLen;
      if (footerLen <= 0 || footerStart < 8) throw new Bad(b.length - 10, `the footer length ${footerLen} does not fit in the file`);
      const fb = new Fb(b, footerStart, b.length - 10, 'footer');
      const footer = fb.root();
      const schema = fb.table(footer, 1);
      if (!schema || fb.vector(schema, 1)[1] === 0) throw new Bad(footerStart, "the footer's schema has no columns");
      for (const field of [2, 3]) {
        const [blocks, count] = fb.vector(footer, field);
        for (let i = 0; i < count; i++) {
          const off = fb.i64(blocks + 24 * i);
          const metaLen = fb.i32(blocks + 24 * i + 8);
          const bodyLen = fb.i64(blocks + 24 * i + 16);
          if (off < 8 || metaLen <= 0 || bodyLen < 0 || off + metaLen + bodyLen > footerStart) {
            throw new Bad(
              blocks + 24 * i,
              `the footer points at a ${field === 2 ? 'dictionary' : 'record batch'} outside the data (offset ${off}, ${metaLen} + ${bodyLen} bytes)`,
            );
          }
          const msg = message(b, off);
          const want = field === 2 ? DICTIONARY_BATCH : RECORD_BATCH;
          if (msg.headerType !== want || msg.metaLength !== metaLen || msg.bodyLength !== bodyLen) {
            throw new Bad(
              blocks + 24 * i,
              `the footer points at byte ${off} for a ${field === 2 ? 'dictionary' : 'record batch'}, but the message there does not match (type ${msg.headerType}, ${msg.metaLength} + ${msg.bodyLength} bytes)`,
            );
          }
        }
      }
      walkStream(b, 8, footerStart, false);
    } else {
      walkStream(b, 0, b.length, true);
    }
  } catch (e) {
    if (e instanceof Bad) throw new InputError(file, `malformed Arrow IPC ${isFile ? 'file' : 'stream'}: ${e.message}`, `byte ${e.at}`);
    throw e;
  }
}

/** A stream starts with its schema; a file may not (apache-arrow's writer keeps it in the footer only). */
function walkStream(b: Uint8Array, from: number, to: number, schemaFirst: boolean): void {
  let p = from;
  const view = b.subarray(0, to);
  while (p + 4 <= to) {
    const m = message(view, p);
    if (schemaFirst && p === from && m.next >= 0 && m.headerType !== SCHEMA) throw new Bad(p, 'the first message is not the schema');
    if (m.next < 0) return;
    p = m.next;
    // Messages are 8-byte aligned in practice, but writers are not required to pad: no alignment check.
  }
}
