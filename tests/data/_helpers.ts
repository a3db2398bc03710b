/** Helpers shared by the tests of src/data: hand-built .npy files and InputError catchers. */
import { expect } from 'vitest';
import { InputError } from '../../src/data/errors.ts';

/** A .npy file by hand: any header text, any version, raw data bytes. */
export function npy(header: string, data: Uint8Array, version = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  let h = header;
  const pad = (64 - ((pre + h.length + 1) % 64)) % 64;
  h += ' '.repeat(pad) + '\n';
  const hb = version === 3 ? new TextEncoder().encode(h) : Uint8Array.from(h, (c) => c.charCodeAt(0));
  const out = new Uint8Array(pre + hb.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const v = new DataView(out.buffer);
  if (version === 1) v.setUint16(8, hb.length, true);
  else v.setUint32(8, hb.length, true);
  out.set(hb, pre);
  out.set(data, pre + hb.length);
  return out;
}

/** The .npy header dictionary for `descr` and `shape` (a Python tuple as text). */
export const hdr = (descr: string, shape: string, fortran = 'False') =>
  `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

/** `values` as float32 or float64 bytes in the given byte order. */
export function floats(values: ArrayLike<number>, itemSize: 4 | 8, little: boolean): Uint8Array {
  const b = new Uint8Array(values.length * itemSize);
  const v = new DataView(b.buffer);
  for (let i = 0; i < values.length; i++) {
    if (itemSize === 4) v.setFloat32(i * 4, values[i], little);
    else v.setFloat64(i * 8, values[i], little);
  }
  return b;
}

/** The InputError `f` throws (the test fails if it throws nothing or something else). */
export function err(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

/** The InputError `p` (a promise, or a function returning one) rejects with. */
export async function aerr(p: Promise<unknown> | (() => Promise<unknown>)): Promise<InputError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}
