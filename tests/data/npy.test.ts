import { describe, expect, it } from 'vitest';
import { checkFinite, parseNpy, parseNpyHeader, writeNpy } from '../../src/data/npy.ts';
import { err, floats, hdr, npy } from './_helpers.ts';

const vals = [1, 2, 3, 4.5, -5, 6];

describe('parseNpy', () => {
  it.each([
    ['<f4', 4, true],
    ['>f4', 4, false],
    ['<f8', 8, true],
    ['>f8', 8, false],
  ] as const)('reads %s', (descr, size, little) => {
    for (const version of [1, 2, 3]) {
      const x = parseNpy(npy(hdr(descr, '(2, 3)'), floats(vals, size, little), version), 'a.npy');
      expect(x.n).toBe(2);
      expect(x.dim).toBe(3);
      expect(Array.from(x.data)).toEqual(vals);
    }
  });

  it('round-trips writeNpy, header aligned to 64 bytes', () => {
    const x = { n: 3, dim: 2, data: Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]) };
    const b = writeNpy(x);
    const h = parseNpyHeader(b, 'w.npy');
    expect(h.dataOffset % 64).toBe(0);
    expect(h.descr).toBe('<f4');
    expect(h.shape).toEqual([3, 2]);
    const y = parseNpy(b, 'w.npy');
    expect(Array.from(y.data)).toEqual(Array.from(x.data));
  });

  it('reads from an unaligned subarray', () => {
    const b = writeNpy({ n: 1, dim: 2, data: Float32Array.from([7, 8]) });
    const shifted = new Uint8Array(b.length + 1);
    shifted.set(b, 1);
    expect(Array.from(parseNpy(shifted.subarray(1), 'u.npy').data)).toEqual([7, 8]);
  });

  it('rejects bad magic with the byte offset', () => {
    const b = npy(hdr('<f4', '(2, 3)'), floats(vals, 4, true));
    b[3] = 0x41;
    const e = err(() => parseNpy(b, 'bad.npy'));
    expect(e.message).toBe('bad.npy (byte 3): not a .npy file: bad magic (expected \\x93NUMPY)');
  });

  it('rejects a file shorter than the preamble', () => {
    expect(err(() => parseNpy(new Uint8Array([0x93, 0x4e]), 's.npy')).message).toMatch(
      /^s\.npy \(byte 0\): not a \.npy file: only 2 bytes/,
    );
  });

  it('rejects an unknown version', () => {
    const b = npy(hdr('<f4', '(2, 3)'), floats(vals, 4, true));
    b[6] = 9;
    expect(err(() => parseNpy(b, 'v.npy')).message).toMatch(/^v\.npy \(byte 6\): unsupported \.npy format version 9\.0/);
  });

  it('rejects a header length past the end of the file', () => {
    const b = npy(hdr('<f4', '(2, 3)'), new Uint8Array(0));
    expect(err(() => parseNpy(b.subarray(0, 40), 'h.npy')).message).toMatch(
      /^h\.npy \(byte 8\): truncated \.npy header: header length field says 118 bytes but the file ends at byte 40/,
    );
  });

  it('rejects a malformed header dict with the offset', () => {
    const e = err(() => parseNpy(npy("{'descr': '<f4' 'shape': (2, 3)}", floats(vals, 4, true)), 'm.npy'));
    expect(e.message).toMatch(/^m\.npy \(byte \d+\): malformed \.npy header: expected ',' or '}' in dict/);
  });

  it('rejects missing keys', () => {
    expect(err(() => parseNpy(npy("{'descr': '<f4', 'fortran_order': False}", floats(vals, 4, true)), 'k.npy')).message).toMatch(
      /no 'shape' key/,
    );
  });

  it.each(['<i4', '|u1', '<c8', '|O'])('rejects dtype %s', (descr) => {
    const e = err(() => parseNpy(npy(hdr(descr, '(2, 3)'), new Uint8Array(24)), 'd.npy'));
    expect(e.message).toContain(`unsupported dtype '${descr}' (need float16 '<f2', float32 '<f4'/'>f4' or float64 '<f8'/'>f8')`);
  });

  it('rejects structured dtypes', () => {
    const e = err(() =>
      parseNpy(npy("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2, 3), }", new Uint8Array(24)), 'st.npy'),
    );
    expect(e.message).toContain('structured arrays are not supported');
  });

  it('rejects fortran_order', () => {
    expect(err(() => parseNpy(npy(hdr('<f4', '(2, 3)', 'True'), floats(vals, 4, true)), 'f.npy')).message).toContain(
      'fortran_order arrays are not supported',
    );
  });

  it.each([
    ['(6,)', 1],
    ['(1, 2, 3)', 3],
    ['()', 0],
  ])('rejects shape %s', (shape, dims) => {
    expect(err(() => parseNpy(npy(hdr('<f4', shape), floats(vals, 4, true)), 'n.npy')).message).toContain(`array has ${dims} dimension`);
  });

  it('rejects truncated data with counts and offset', () => {
    const b = npy(hdr('<f4', '(2, 3)'), floats(vals, 4, true));
    const e = err(() => parseNpy(b.subarray(0, b.length - 5), 't.npy'));
    expect(e.message).toBe(
      `t.npy (byte ${b.length - 5}): truncated data: shape (2, 3) of <f4 needs 24 bytes after the header but only 19 are present (1 complete rows)`,
    );
  });

  it('rejects trailing bytes', () => {
    const b = npy(hdr('<f4', '(2, 3)'), floats([...vals, 0], 4, true));
    expect(err(() => parseNpy(b, 'x.npy')).message).toMatch(/4 unexpected bytes after the data/);
  });

  it('rejects an empty array', () => {
    expect(err(() => parseNpy(npy(hdr('<f4', '(0, 3)'), new Uint8Array(0)), 'e.npy')).message).toContain('array is empty');
  });

  it('names the row of a NaN or Inf', () => {
    expect(err(() => parseNpy(npy(hdr('<f4', '(2, 3)'), floats([1, 2, 3, 4, NaN, 6], 4, true)), 'nan.npy')).message).toBe(
      'nan.npy (row 2 of 2): NaN at column 2; every value must be a finite number',
    );
    expect(err(() => parseNpy(npy(hdr('>f8', '(2, 3)'), floats([1, -Infinity, 3, 4, 5, 6], 8, false)), 'inf.npy')).message).toBe(
      'inf.npy (row 1 of 2): -Infinity at column 2; every value must be a finite number',
    );
    expect(err(() => parseNpy(npy(hdr('<f8', '(2, 3)'), floats([1, 2, 3, 4, 5, 1e300], 8, true)), 'big.npy')).message).toContain(
      '(row 2 of 2): value 1e+300 at column 3 does not fit in float32',
    );
  });

  it('checkFinite passes finite data', () => {
    expect(() => checkFinite({ n: 1, dim: 2, data: Float32Array.from([0, -1]) }, 'ok')).not.toThrow();
  });
});
