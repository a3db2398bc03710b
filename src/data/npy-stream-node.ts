/**
 * Streaming readers for large embeddings files (Node): `.npy` and raw float32 `.bytes` are read in
 * chunks straight into one preallocated Float32Array (little-endian float32 with no copy at all;
 * big-endian or float64 converted chunk by chunk), never the whole file in a Buffer. The header is
 * parsed by `parseNpyHeader` and every problem gives the same InputError text as the whole-file
 * parsers (`parseNpy`, `parseVectorsBytes`; tests/data/npy-stream.test.ts compares them). Files too
 * large for memory are refused before the data is read (`checkFitsInMemory`).
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { Embeddings } from '../compute/types.ts';
import { InputError } from './errors.ts';
import { fsError } from './file-errors-node.ts';
import { checkFitsInMemory, type MemoryBudget } from './memory-node.ts';
import { convert16 } from './half.ts';
import { checkFinite, parseNpyHeader } from './npy.ts';

export interface StreamReadOptions {
  /** Bytes read per call (default 8 MiB); tests use tiny ones to cross every boundary. */
  chunkBytes?: number;
  /** Memory for the up-front check (default: this machine's, see memory-node.ts). */
  memory?: MemoryBudget;
  /** What the file is, for not-found messages (default "embeddings file"). */
  what?: string;
}

const DEFAULT_CHUNK = 8 * 2 ** 20;
/** numpy itself refuses headers over 10,000 bytes by default; anything near this is not a .npy. */
const MAX_HEADER_BYTES = 2 ** 20;

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

async function openFile(path: string, what: string): Promise<{ fh: FileHandle; size: number }> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw fsError(e, path, what);
  }
  try {
    const s = await fh.stat();
    if (s.isDirectory()) throw new InputError(path, `is a directory, expected a ${what}`);
    return { fh, size: s.size };
  } catch (e) {
    await fh.close();
    throw fsError(e, path, what);
  }
}

/** Reads exactly `length` bytes at `position` into dst[offset…]; a short read is an InputError. */
async function readFully(fh: FileHandle, dst: Uint8Array, offset: number, length: number, position: number, file: string): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(dst, offset + done, length - done, position + done);
    if (bytesRead === 0) {
      throw new InputError(
        file,
        'the file ended early while it was being read (was it changed or truncated meanwhile?)',
        `byte ${position + done}`,
      );
    }
    done += bytesRead;
  }
}

function chunkSize(opts: StreamReadOptions, itemSize: number): number {
  const c = opts.chunkBytes ?? DEFAULT_CHUNK;
  if (!Number.isInteger(c) || c < 1) throw new Error(`chunkBytes must be a positive integer, got ${c}`);
  return Math.max(itemSize, c - (c % itemSize)); // whole values per chunk
}

function allocate(count: number, file: string): Float32Array {
  try {
    return new Float32Array(count);
  } catch (e) {
    if (e instanceof RangeError) throw new InputError(file, `too large: cannot allocate ${count} float32 values (${e.message})`);
    throw e;
  }
}

/**
 * Streams `count` values of `itemSize` bytes from `position` into a float32 array. Float64 values
 * that overflow float32 are reported like `parseNpy` does (first one wins); NaN/Inf are left for
 * `checkFinite`.
 */
async function streamValues(
  fh: FileHandle,
  position: number,
  count: number,
  dim: number,
  itemSize: 2 | 4 | 8,
  little: boolean,
  file: string,
  opts: StreamReadOptions,
): Promise<Float32Array> {
  const data = allocate(count, file);
  const total = count * itemSize;
  const chunk = chunkSize(opts, itemSize);
  if (itemSize === 4 && little === littleEndianHost) {
    // Straight into the array's bytes: no intermediate buffer.
    const bytes = new Uint8Array(data.buffer, data.byteOffset, total);
    for (let off = 0; off < total; off += chunk) {
      await readFully(fh, bytes, off, Math.min(chunk, total - off), position + off, file);
    }
    return data;
  }
  const buf = new Uint8Array(Math.min(chunk, total));
  const view = new DataView(buf.buffer);
  let i = 0; // next value
  for (let off = 0; off < total; off += chunk) {
    const len = Math.min(chunk, total - off);
    await readFully(fh, buf, 0, len, position + off, file);
    const values = len / itemSize;
    if (itemSize === 2) {
      convert16(view, 0, values, little, 'f16', data, i);
      i += values;
    } else if (itemSize === 4) {
      for (let t = 0; t < values; t++, i++) data[i] = view.getFloat32(t * 4, little);
    } else {
      for (let t = 0; t < values; t++, i++) {
        const v = view.getFloat64(t * 8, little);
        const f = Math.fround(v);
        if (!Number.isFinite(f) && Number.isFinite(v)) {
          throw new InputError(
            file,
            `value ${v} at column ${(i % dim) + 1} does not fit in float32`,
            `row ${Math.floor(i / dim) + 1} of ${count / dim}`,
          );
        }
        data[i] = f;
      }
    }
  }
  return data;
}

/** Reads a 2-D float16/float32/float64 `.npy` file into float32 embeddings, streaming (see the module comment). */
export async function readNpyFile(path: string, opts: StreamReadOptions = {}): Promise<Embeddings> {
  const { fh, size } = await openFile(path, opts.what ?? 'embeddings file');
  try {
    // Preamble: magic, version, header length (v1: 2 bytes at 8; v2/v3: 4 bytes at 8).
    const pre = new Uint8Array(Math.min(size, 12));
    await readFully(fh, pre, 0, pre.length, 0, path);
    const magicOk = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59].every((b, i) => pre[i] === b);
    if (pre.length < 12 || !magicOk || (pre[6] !== 1 && pre[6] !== 2 && pre[6] !== 3)) {
      // A file this short is all in `pre`; a bad magic or version is in the first 8 bytes: the
      // whole-file parser gives its message.
      parseNpyHeader(pre, path);
      throw new InputError(path, 'not a .npy file: too short for a header', 'byte 0'); // (parseNpyHeader always throws here)
    }
    const pv = new DataView(pre.buffer);
    const headerLen = pre[6] === 1 ? pv.getUint16(8, true) : pv.getUint32(8, true);
    const dataOffset = (pre[6] === 1 ? 10 : 12) + headerLen;
    if (dataOffset > size) {
      throw new InputError(
        path,
        `truncated .npy header: header length field says ${headerLen} bytes but the file ends at byte ${size}`,
        'byte 8',
      );
    }
    if (headerLen > MAX_HEADER_BYTES) {
      throw new InputError(
        path,
        `.npy header length field says ${headerLen} bytes, more than the ${MAX_HEADER_BYTES} a .npy header can plausibly be: not a .npy file?`,
        'byte 8',
      );
    }
    const head = new Uint8Array(dataOffset);
    await readFully(fh, head, 0, dataOffset, 0, path);
    const h = parseNpyHeader(head, path);
    const [n, dim] = h.shape;
    if (n === 0 || dim === 0) {
      throw new InputError(path, `array is empty (shape (${n}, ${dim}))`, `byte ${h.dataOffset}`);
    }
    const count = n * dim;
    const expected = count * h.itemSize;
    const available = size - h.dataOffset;
    if (available < expected) {
      const fullRows = Math.floor(available / (dim * h.itemSize));
      throw new InputError(
        path,
        `truncated data: shape (${n}, ${dim}) of ${h.descr} needs ${expected} bytes after the header but only ${available} are present (${fullRows} complete rows)`,
        `byte ${size}`,
      );
    }
    if (available > expected) {
      throw new InputError(
        path,
        `${available - expected} unexpected bytes after the data of shape (${n}, ${dim}) ${h.descr}: wrong shape in the header?`,
        `byte ${h.dataOffset + expected}`,
      );
    }
    checkFitsInMemory(path, n, dim, opts.memory);
    const data = await streamValues(fh, h.dataOffset, count, dim, h.itemSize, h.littleEndian, path, opts);
    const x: Embeddings = { n, dim, data };
    checkFinite(x, path);
    return x;
  } finally {
    await fh.close();
  }
}

/** Reads raw little-endian float32 `.bytes` of dimension `dim`, streaming. */
export async function readBytesFile(path: string, dim: number, opts: StreamReadOptions = {}): Promise<Embeddings> {
  if (!Number.isSafeInteger(dim) || dim <= 0) throw new InputError(path, `dimension ${dim} is not a positive integer`);
  const { fh, size } = await openFile(path, opts.what ?? 'embeddings file');
  try {
    const rowBytes = dim * 4;
    if (size === 0) throw new InputError(path, 'the file is empty (no vectors)');
    if (size % rowBytes !== 0) {
      const whole = Math.floor(size / rowBytes);
      throw new InputError(
        path,
        `size ${size} bytes is not a multiple of ${rowBytes} (dim ${dim} × 4-byte float32): ${whole} whole rows and ${size - whole * rowBytes} bytes left over; wrong --dim or a truncated file?`,
        `byte ${whole * rowBytes}`,
      );
    }
    const n = size / rowBytes;
    checkFitsInMemory(path, n, dim, opts.memory);
    const data = await streamValues(fh, 0, n * dim, dim, 4, true, path, opts);
    const x: Embeddings = { n, dim, data };
    checkFinite(x, path);
    return x;
  } finally {
    await fh.close();
  }
}
