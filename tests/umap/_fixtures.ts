/** Test data shared by the UMAP tests. */
import { mulberry32 } from '../../src/compute/sampling.ts';
import type { Embeddings } from '../../src/compute/types.ts';

/** `clusters` well separated Gaussian blobs in `dim` dimensions; row i belongs to blob i % clusters. */
export function blobs(n: number, dim: number, clusters: number, seed = 1): Embeddings {
  const rnd = mulberry32(seed);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, () => (rnd() - 0.5) * 20));
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const c = centres[i % clusters];
    for (let d = 0; d < dim; d++) data[i * dim + d] = c[d] + (rnd() + rnd() + rnd() - 1.5);
  }
  return { n, dim, data };
}
