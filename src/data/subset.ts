/** A corpus restricted to some items (used for quick runs, e.g. the WebGPU check on a small subset). */
import type { Corpus } from './corpus.ts';

export function subsetCorpus(corpus: Corpus, indices: Int32Array): Corpus {
  const px = corpus.imageSize * corpus.imageSize * 3;
  const images = new Uint8Array(indices.length * px);
  indices.forEach((row, i) => images.set(corpus.images.subarray(row * px, (row + 1) * px), i * px));
  const columns: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(corpus.columns)) columns[name] = Array.from(indices, (row) => values[row]);
  return { ...corpus, n: indices.length, images, columns, hash: `${corpus.hash}:subset-${fnv1a(indices)}` };
}

/** 32-bit FNV-1a of the index list: enough to key caches of different subsets apart. */
function fnv1a(values: Int32Array): string {
  let h = 0x811c9dc5;
  for (const v of values) {
    for (let s = 0; s < 32; s += 8) {
      h ^= (v >>> s) & 0xff;
      h = Math.imul(h, 0x01000193);
    }
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
