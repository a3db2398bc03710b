import type { Embeddings } from './types.ts';

/**
 * Fused item embedding of two embeddings of the same items (e.g. the image and the title tower of the
 * image-title model): each row of `a` and of `b` is L2-normalised, the two are concatenated and the
 * result divided by √2, so every fused row has unit length and Euclidean distances weigh both parts
 * equally (‖f − g‖² = (‖â − ĝa‖² + ‖b̂ − ĝb‖²) / 2). A zero row stays zero (it is not normalised).
 * float32 `n × (a.dim + b.dim)`; arithmetic in float64 per row.
 */
export function fuseEmbeddings(a: Embeddings, b: Embeddings): Embeddings {
  if (a.n !== b.n) throw new RangeError(`fuseEmbeddings: ${a.n} rows and ${b.n} rows (both must embed the same items)`);
  const dim = a.dim + b.dim;
  const out = new Float32Array(a.n * dim);
  const put = (src: Embeddings, row: number, offset: number): void => {
    const base = row * src.dim;
    let ss = 0;
    for (let j = 0; j < src.dim; j++) ss += src.data[base + j] * src.data[base + j];
    const scale = ss > 0 ? 1 / Math.sqrt(ss) / Math.SQRT2 : 0;
    for (let j = 0; j < src.dim; j++) out[row * dim + offset + j] = src.data[base + j] * scale;
  };
  for (let i = 0; i < a.n; i++) {
    put(a, i, 0);
    put(b, i, a.dim);
  }
  return { n: a.n, dim, data: out };
}
