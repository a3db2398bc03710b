/**
 * The streaming readers (npy-stream-node.ts) against the whole-file parsers: bit-identical arrays
 * for every accepted dtype / byte order / version across chunk boundaries, and the same InputError
 * text for every broken file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEmbeddingsFile } from '../../src/data/files-node.ts';
import { checkFitsInMemory, formatBytes } from '../../src/data/memory-node.ts';
import { readBytesFile, readNpyFile } from '../../src/data/npy-stream-node.ts';
import { parseNpy } from '../../src/data/npy.ts';
import { parseVectorsBytes } from '../../src/data/projector.ts';
import { aerr, err, floats, hdr, npy } from './_helpers.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'rl-npy-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNo = 0;
function write(bytes: Uint8Array, ext = '.npy'): string {
  const p = path.join(dir, `f${fileNo++}${ext}`);
  writeFileSync(p, bytes);
  return p;
}

/** Values that exercise rounding: float64 ones that are not float32, subnormals, signed zero. */
function testValues(count: number): Float64Array {
  const out = new Float64Array(count);
  let s = 12345;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * 10 ** ((i % 7) - 3);
  }
  out[0] = -0;
  if (count > 1) out[1] = 1e-42; // float32 subnormal
  if (count > 2) out[2] = 3.4e38;
  return out;
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

const descrs = ['<f4', '>f4', '=f4', '|f4', '<f8', '>f8', '=f8'] as const;

describe('readNpyFile: bit-identical to parseNpy', () => {
  it.each(descrs)('%s, versions 1–3, chunk sizes from 1 byte up', async (descr) => {
    const itemSize = descr.endsWith('8') ? 8 : 4;
    const little = !descr.startsWith('>');
    const [n, dim] = [7, 5]; // 35 values: rows straddle every chunk size below
    const vals = testValues(n * dim);
    for (const version of [1, 2, 3]) {
      const bytes = npy(hdr(descr, `(${n}, ${dim})`), floats(vals, itemSize, little), version);
      const want = parseNpy(bytes, 'x.npy');
      const file = write(bytes);
      for (const chunkBytes of [1, 3, 4, 7, 8, 13, 20, 64, 1 << 20]) {
        const got = await readNpyFile(file, { chunkBytes });
        expect(got.n).toBe(n);
        expect(got.dim).toBe(dim);
        expect(bits(got.data)).toEqual(bits(want.data));
      }
    }
  });

  it('reads a file whose data starts at an offset that is not a multiple of 4', async () => {
    // Hand-made v1 header of odd length (numpy pads to 64, but readers must not rely on it).
    const dict = hdr('<f4', '(2, 3)');
    const head = new Uint8Array(10 + dict.length + 2);
    head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(head.buffer).setUint16(8, dict.length + 2, true);
    for (let i = 0; i < dict.length; i++) head[10 + i] = dict.charCodeAt(i);
    head[10 + dict.length] = 0x20;
    head[11 + dict.length] = 0x0a;
    expect((10 + dict.length + 2) % 4).not.toBe(0);
    const bytes = new Uint8Array([...head, ...floats([1, 2, 3, 4, 5, 6], 4, true)]);
    const got = await readNpyFile(write(bytes), { chunkBytes: 5 });
    expect(Array.from(got.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('loadEmbeddingsFile streams .npy and .bytes and checks --dim', async () => {
    const vals = testValues(12);
    const bytes = npy(hdr('<f8', '(3, 4)'), floats(vals, 8, true));
    const file = write(bytes);
    expect(bits((await loadEmbeddingsFile(file)).data)).toEqual(bits(parseNpy(bytes, file).data));
    expect((await aerr(() => loadEmbeddingsFile(file, { dim: 5 }))).message).toBe(
      `${file}: vectors have 4 dimensions but --dim 5 was given`,
    );
    const raw = floats(vals, 4, true);
    const bfile = write(raw, '.bytes');
    expect(bits((await loadEmbeddingsFile(bfile, { dim: 4 })).data)).toEqual(bits(parseVectorsBytes(raw, 4, bfile).data));
    expect((await aerr(() => loadEmbeddingsFile(bfile))).problem).toMatch(/--dim/);
  });
});

describe('readNpyFile: the same message as parseNpy for every broken file', () => {
  const good = npy(hdr('<f4', '(2, 3)'), floats([1, 2, 3, 4, 5, 6], 4, true));
  const cases: [string, Uint8Array][] = [
    ['empty file', new Uint8Array(0)],
    ['shorter than the preamble', good.subarray(0, 7)],
    ['bad magic', Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x58, 1, 0, 0, 0, 0, 0])],
    ['version 4', npy(hdr('<f4', '(1, 1)'), floats([1], 4, true)).map((b, i) => (i === 6 ? 4 : b))],
    ['v2 preamble cut', npy(hdr('<f4', '(1, 1)'), new Uint8Array(0), 2).subarray(0, 11)],
    ['header cut', good.subarray(0, 40)],
    ['malformed dict', npy("{'descr': '<f4' 'shape': (1, 1)}", floats([1], 4, true))],
    ['no shape', npy("{'descr': '<f4', 'fortran_order': False}", floats([1], 4, true))],
    ['int dtype', npy(hdr('<i4', '(1, 1)'), new Uint8Array(4))],
    ['structured dtype', npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1, 1), }", new Uint8Array(4))],
    ['fortran order', npy(hdr('<f4', '(2, 3)', 'True'), floats([1, 2, 3, 4, 5, 6], 4, true))],
    ['1-D', npy(hdr('<f4', '(6,)'), floats([1, 2, 3, 4, 5, 6], 4, true))],
    ['empty array', npy(hdr('<f4', '(0, 3)'), new Uint8Array(0))],
    ['truncated data', good.subarray(0, good.length - 5)],
    ['trailing bytes', new Uint8Array([...good, 0, 0, 0, 0])],
    ['NaN', npy(hdr('<f4', '(2, 3)'), floats([1, 2, 3, 4, NaN, 6], 4, true))],
    ['-Inf big-endian', npy(hdr('>f4', '(2, 3)'), floats([1, 2, 3, 4, 5, -Infinity], 4, false))],
    ['Inf in float64', npy(hdr('<f8', '(2, 3)'), floats([1, Infinity, 3, 4, 5, 6], 8, true))],
    ['float64 too big for float32', npy(hdr('<f8', '(2, 3)'), floats([1, 2, 3, 4, 1e300, 6], 8, true))],
    ['overflow after a NaN: overflow reported first, as parseNpy', npy(hdr('<f8', '(2, 3)'), floats([NaN, 2, 3, 4, -1e300, 6], 8, true))],
  ];
  it.each(cases)('%s', async (_name, bytes) => {
    const file = write(bytes);
    const want = err(() => parseNpy(bytes, file));
    for (const chunkBytes of [1, 8, 1 << 20]) {
      const got = await aerr(() => readNpyFile(file, { chunkBytes }));
      expect(got.message).toBe(want.message);
    }
  });

  it('refuses an absurd header length without reading it', async () => {
    const b = new Uint8Array(3 * 2 ** 20);
    b.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]);
    new DataView(b.buffer).setUint32(8, 2 ** 21, true);
    const e = await aerr(() => readNpyFile(write(b)));
    expect(e.where).toBe('byte 8');
    expect(e.problem).toMatch(/header length field says 2097152 bytes.*not a \.npy file/);
  });

  it('names a missing file', async () => {
    const file = path.join(dir, 'nope.npy');
    expect((await aerr(() => readNpyFile(file))).message).toBe(`${file}: embeddings file not found`);
  });
});

describe('readBytesFile: the same as parseVectorsBytes', () => {
  const raw = floats(testValues(24), 4, true);
  it('bit-identical across chunk sizes', async () => {
    const file = write(raw, '.bytes');
    const want = parseVectorsBytes(raw, 6, file);
    for (const chunkBytes of [1, 5, 24, 1 << 20]) {
      const got = await readBytesFile(file, 6, { chunkBytes });
      expect(got.n).toBe(4);
      expect(bits(got.data)).toEqual(bits(want.data));
    }
  });
  it.each([
    ['empty', new Uint8Array(0), 4],
    ['not a multiple of the row size', raw.subarray(0, 30), 4],
    ['NaN', floats([1, 2, 3, NaN], 4, true), 2],
  ] as const)('%s', async (_name, bytes, dim) => {
    const file = write(bytes, '.bytes');
    const want = err(() => parseVectorsBytes(bytes, dim, file));
    expect((await aerr(() => readBytesFile(file, dim, { chunkBytes: 3 }))).message).toBe(want.message);
  });
});

describe('files too large for memory are refused up front', () => {
  it('names the sizes, the 2× rule and the memory available', async () => {
    const file = write(npy(hdr('<f4', '(1000, 128)'), new Uint8Array(1000 * 128 * 4)));
    const memory = { available: 900_000, total: 8_000_000 };
    const e = await aerr(() => readNpyFile(file, { memory }));
    expect(e.file).toBe(file);
    expect(e.problem).toBe(
      "too large for memory: 1000 × 128 float32 = 512 KB, and evaluating needs up to 2× that (1.02 MB), but only 900 KB of this machine's 8.00 MB memory is available; free memory, use a machine with more, or evaluate a subset of the rows",
    );
    // Just enough memory: read.
    expect((await readNpyFile(file, { memory: { available: 1_024_000, total: 8_000_000 } })).n).toBe(1000);
    const bfile = write(new Uint8Array(1000 * 128 * 4), '.bytes');
    expect((await aerr(() => readBytesFile(bfile, 128, { memory }))).problem).toMatch(/^too large for memory: 1000 × 128 float32/);
  });

  it('refuses more values than one array can hold, before reading anything', () => {
    const e = err(() => checkFitsInMemory('big.npy', 2 ** 26, 2 ** 7, { available: 2 ** 60, total: 2 ** 60 }));
    expect(e.problem).toMatch(/^too large: 67108864 × 128 = 8589934592 values is more than the 4294967295 one array can hold/);
  });

  it('formats sizes', () => {
    expect(formatBytes(999)).toBe('999 bytes');
    expect(formatBytes(512_000_000)).toBe('512 MB');
    expect(formatBytes(1_024_000_000)).toBe('1.02 GB');
  });
});

describe('a vectors .tsv too long to read as one text', () => {
  it('is refused up front, pointing to .npy', async () => {
    const { constants } = await import('node:buffer');
    const { openSync, writeSync, closeSync } = await import('node:fs');
    const file = path.join(dir, 'huge.tsv');
    const fd = openSync(file, 'w');
    writeSync(fd, new Uint8Array([0x31]), 0, 1, constants.MAX_STRING_LENGTH); // sparse: one byte past the limit
    closeSync(fd);
    const e = await aerr(() => loadEmbeddingsFile(file));
    expect(e.problem).toBe(
      `is ${constants.MAX_STRING_LENGTH + 1} bytes, more than the ${constants.MAX_STRING_LENGTH} a vectors .tsv can have here (it is read as one text); save the vectors as .npy (numpy.save) or raw float32 .bytes, which are streamed`,
    );
  });
});
