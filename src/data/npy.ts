/**
 * NumPy `.npy` reader/writer (format versions 1.0, 2.0 and 3.0), pure TypeScript so the app and the
 * CLI share it. Reads 2-D C-order float16/float32/float64 arrays of either byte order into float32
 * {@link Embeddings}; writes float32 little-endian v1.0 files. Every problem is an {@link InputError}
 * naming the file and the byte offset (or the row) and what is wrong.
 *
 * Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import type { Embeddings } from '../compute/types.ts';
import { InputError } from './errors.ts';
import { convert16 } from './half.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyHeader {
  version: 1 | 2 | 3;
  /** e.g. '<f4' */
  descr: string;
  littleEndian: boolean;
  itemSize: 2 | 4 | 8;
  shape: number[];
  /** Byte offset of the array data. */
  dataOffset: number;
}

/** Parses and validates the header of a `.npy` file (everything before the data). */
export function parseNpyHeader(bytes: Uint8Array, file: string): NpyHeader {
  if (bytes.length < 10) {
    throw new InputError(file, `not a .npy file: only ${bytes.length} bytes, shorter than the 10-byte preamble`, 'byte 0');
  }
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) {
      throw new InputError(file, 'not a .npy file: bad magic (expected \\x93NUMPY)', `byte ${i}`);
    }
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (major !== 1 && major !== 2 && major !== 3) {
    throw new InputError(file, `unsupported .npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`, 'byte 6');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else {
    if (bytes.length < 12) {
      throw new InputError(
        file,
        `truncated .npy header: file ends at byte ${bytes.length}, the v${major} preamble needs 12 bytes`,
        'byte 8',
      );
    }
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  }
  const dataOffset = headerStart + headerLen;
  if (dataOffset > bytes.length) {
    throw new InputError(
      file,
      `truncated .npy header: header length field says ${headerLen} bytes but the file ends at byte ${bytes.length}`,
      'byte 8',
    );
  }
  const headerBytes = bytes.subarray(headerStart, dataOffset);
  let header: string;
  if (major === 3) {
    try {
      header = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
    } catch {
      throw new InputError(file, '.npy v3 header is not valid UTF-8', `byte ${headerStart}`);
    }
  } else {
    header = latin1(headerBytes);
  }
  const dict = parseHeaderDict(header, file, headerStart);

  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (descr === undefined) throw new InputError(file, ".npy header has no 'descr' key", `byte ${headerStart}`);
  if (fortran === undefined) throw new InputError(file, ".npy header has no 'fortran_order' key", `byte ${headerStart}`);
  if (shape === undefined) throw new InputError(file, ".npy header has no 'shape' key", `byte ${headerStart}`);
  if (typeof descr !== 'string') {
    throw new InputError(
      file,
      `unsupported dtype ${show(descr)} (structured arrays are not supported; need float32 or float64)`,
      `byte ${headerStart}`,
    );
  }
  const m = /^([<>=|])?f([248])$/.exec(descr);
  if (!m) {
    throw new InputError(
      file,
      `unsupported dtype '${descr}' (need float16 '<f2', float32 '<f4'/'>f4' or float64 '<f8'/'>f8')`,
      `byte ${headerStart}`,
    );
  }
  if (typeof fortran !== 'boolean') {
    throw new InputError(file, `.npy header 'fortran_order' is ${show(fortran)}, expected True or False`, `byte ${headerStart}`);
  }
  if (fortran) {
    throw new InputError(
      file,
      'fortran_order arrays are not supported: save a C-order array (numpy.ascontiguousarray)',
      `byte ${headerStart}`,
    );
  }
  if (!Array.isArray(shape) || !shape.every((s) => typeof s === 'number' && Number.isSafeInteger(s) && s >= 0)) {
    throw new InputError(file, `.npy header 'shape' is ${show(shape)}, expected a tuple of integers`, `byte ${headerStart}`);
  }
  if (shape.length !== 2) {
    throw new InputError(
      file,
      `array has ${shape.length} dimension${shape.length === 1 ? '' : 's'} (shape (${shape.join(', ')})), expected 2-D (items × dims)`,
      `byte ${headerStart}`,
    );
  }
  return {
    version: major,
    descr,
    // '=' is native order; every platform this runs on is little-endian. '|' is meaningless for floats but harmless.
    littleEndian: m[1] !== '>',
    itemSize: m[2] === '2' ? 2 : m[2] === '4' ? 4 : 8,
    shape: shape as number[],
    dataOffset,
  };
}

/** Parses a `.npy` file holding a 2-D float32/float64 array into float32 embeddings (NaN/Inf rejected). */
export function parseNpy(bytes: Uint8Array, file: string): Embeddings {
  const h = parseNpyHeader(bytes, file);
  const [n, dim] = h.shape;
  if (n === 0 || dim === 0) {
    throw new InputError(file, `array is empty (shape (${n}, ${dim}))`, `byte ${h.dataOffset}`);
  }
  const count = n * dim;
  const expected = count * h.itemSize;
  const available = bytes.length - h.dataOffset;
  if (available < expected) {
    const fullRows = Math.floor(available / (dim * h.itemSize));
    throw new InputError(
      file,
      `truncated data: shape (${n}, ${dim}) of ${h.descr} needs ${expected} bytes after the header but only ${available} are present (${fullRows} complete rows)`,
      `byte ${bytes.length}`,
    );
  }
  if (available > expected) {
    throw new InputError(
      file,
      `${available - expected} unexpected bytes after the data of shape (${n}, ${dim}) ${h.descr}: wrong shape in the header?`,
      `byte ${h.dataOffset + expected}`,
    );
  }
  const absOffset = bytes.byteOffset + h.dataOffset;
  let data: Float32Array;
  if (h.itemSize === 4 && h.littleEndian && absOffset % 4 === 0 && littleEndianHost()) {
    // Zero-copy view over the file bytes.
    data = new Float32Array(bytes.buffer, absOffset, count);
  } else {
    data = new Float32Array(count);
    const view = new DataView(bytes.buffer, absOffset, expected);
    if (h.itemSize === 2) {
      convert16(view, 0, count, h.littleEndian, 'f16', data, 0);
    } else if (h.itemSize === 4) {
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, h.littleEndian);
    } else {
      for (let i = 0; i < count; i++) {
        const v = view.getFloat64(i * 8, h.littleEndian);
        const f = Math.fround(v);
        if (!Number.isFinite(f) && Number.isFinite(v)) {
          throw new InputError(
            file,
            `value ${v} at column ${(i % dim) + 1} does not fit in float32`,
            `row ${Math.floor(i / dim) + 1} of ${n}`,
          );
        }
        data[i] = f;
      }
    }
  }
  const x: Embeddings = { n, dim, data };
  checkFinite(x, file);
  return x;
}

/** Throws an InputError naming the first row (1-based) and column that holds NaN or ±Inf. */
export function checkFinite(x: Embeddings, file: string): void {
  const { data, dim, n } = x;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    // v - v is 0 for finite numbers and NaN for NaN/±Inf: one cheap test in the common path.
    if (v - v !== 0) {
      const what = Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
      throw new InputError(
        file,
        `${what} at column ${(i % dim) + 1}; every value must be a finite number`,
        `row ${Math.floor(i / dim) + 1} of ${n}`,
      );
    }
  }
}

/** Serialises float32 embeddings as a v1.0 little-endian C-order `.npy` file. */
export function writeNpy(x: Embeddings): Uint8Array {
  if (x.data.length !== x.n * x.dim) throw new Error(`writeNpy: data length ${x.data.length} ≠ ${x.n}×${x.dim}`);
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${x.n}, ${x.dim}), }`;
  // Pad so that preamble (10 bytes) + header ends on a 64-byte boundary, header ends with '\n'.
  const unpadded = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const headerLen = dict.length;
  if (headerLen > 0xffff) throw new Error('writeNpy: header too long');
  const out = new Uint8Array(10 + headerLen + x.data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, headerLen, true);
  for (let i = 0; i < headerLen; i++) out[10 + i] = dict.charCodeAt(i);
  const base = 10 + headerLen;
  if (littleEndianHost()) {
    out.set(new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.length * 4), base);
  } else {
    for (let i = 0; i < x.data.length; i++) view.setFloat32(base + i * 4, x.data[i], true);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The header is a Python literal dict: {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }

type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

function parseHeaderDict(text: string, file: string, base: number): Map<string, PyValue> {
  let i = 0;
  const fail = (problem: string): never => {
    throw new InputError(file, `malformed .npy header: ${problem}`, `byte ${base + i}`);
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const value = (): PyValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const map = new Map<string, PyValue>();
      for (;;) {
        ws();
        if (text[i] === '}') {
          i++;
          return map;
        }
        const key = value();
        if (typeof key !== 'string') fail('dict key is not a string');
        ws();
        if (text[i] !== ':') fail(`expected ':' after key '${key as string}'`);
        i++;
        map.set(key as string, value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail("expected ',' or '}' in dict");
      }
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      i++;
      const items: PyValue[] = [];
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          return items;
        }
        items.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(`expected ',' or '${close}'`);
      }
    }
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const m = /^(True|False|None|-?\d+L?)/.exec(text.slice(i, i + 32));
    if (!m) fail(i >= text.length ? 'unexpected end of header' : `unexpected character ${JSON.stringify(text[i])}`);
    i += m![0].length;
    const tok = m![0];
    if (tok === 'True') return true;
    if (tok === 'False') return false;
    if (tok === 'None') return null;
    return Number.parseInt(tok, 10);
  };
  ws();
  if (text[i] !== '{') fail('header is not a Python dict literal');
  const dict = value() as Map<string, PyValue>;
  ws();
  if (i < text.length) fail('unexpected text after the header dict');
  return dict;
}

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

function show(v: PyValue): string {
  if (v instanceof Map) return 'a dict';
  return JSON.stringify(v);
}

let leHost: boolean | undefined;
function littleEndianHost(): boolean {
  if (leHost === undefined) leHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  return leHost;
}
