/**
 * `.npy` (format 1.0) of float32 or float64 arrays of any shape, little-endian, C order: the
 * whitening parameters (μ: 1-D float64, W: 2-D float64). src/data/npy.ts `writeNpy` writes the
 * 2-D float32 embeddings; this is its general form.
 * Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

export function writeNpyArray(data: Float32Array | Float64Array, shape: readonly number[]): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (!shape.every((s) => Number.isSafeInteger(s) && s >= 0)) throw new RangeError(`writeNpyArray: bad shape (${shape.join(', ')})`);
  if (data.length !== count) throw new RangeError(`writeNpyArray: ${data.length} values for shape (${shape.join(', ')})`);
  const descr = data instanceof Float64Array ? '<f8' : '<f4';
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  // Preamble (10 bytes) + header ends on a 64-byte boundary; the header ends with '\n'.
  dict += ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + dict.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  const base = 10 + dict.length;
  if (data instanceof Float64Array) for (let i = 0; i < data.length; i++) view.setFloat64(base + i * 8, data[i], true);
  else for (let i = 0; i < data.length; i++) view.setFloat32(base + i * 4, data[i], true);
  return out;
}
