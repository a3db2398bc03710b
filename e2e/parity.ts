/** onnxruntime-node embeddings of the same demo items the browser encoded (the reference for parity). */
import { loadCorpusFromDir, DEMO_CORPUS_DIR } from '../src/data/corpus-node.ts';
import { subsetCorpus } from '../src/data/subset.ts';
import { sampleSeeds } from '../src/compute/sampling.ts';
import { loadNodeEncoder } from '../src/encoders/node-session.ts';
import { encodeAll, encodeTexts } from '../src/encoders/encoder.ts';
import { textColumn } from '../src/encoders/card.ts';
import { PNG } from 'pngjs';
import { cardPath } from './app.ts';

/** Embeds the first `count` items of the corpus the page shows (the whole demo, or `?subset=N`). */
export async function nodeEmbeddings(encoderId: string, count: number, subset: number | null): Promise<number[][]> {
  let corpus = await loadCorpusFromDir(DEMO_CORPUS_DIR);
  if (subset) corpus = subsetCorpus(corpus, sampleSeeds(corpus.n, subset, 0));
  const encoder = await loadNodeEncoder(cardPath(encoderId));
  try {
    const card = encoder.card;
    const x =
      card.modality === 'text'
        ? await encodeTexts(encoder, corpus.columns[textColumn(card)].slice(0, count))
        : await encodeAll(encoder, corpus.images, count, corpus.imageSize);
    return Array.from({ length: count }, (_, i) => Array.from(x.data.subarray(i * x.dim, (i + 1) * x.dim)));
  } finally {
    await encoder.dispose();
  }
}

/** Item `row` of the demo (or of its `?subset=N`, as the page draws it) as a PNG file, for drop tests. */
export async function demoItemPng(row: number, subset: number | null): Promise<Buffer> {
  let corpus = await loadCorpusFromDir(DEMO_CORPUS_DIR);
  if (subset) corpus = subsetCorpus(corpus, sampleSeeds(corpus.n, subset, 0));
  const s = corpus.imageSize;
  const png = new PNG({ width: s, height: s });
  for (let i = 0; i < s * s; i++) {
    png.data.set([...corpus.images.subarray((row * s * s + i) * 3, (row * s * s + i) * 3 + 3), 255], i * 4);
  }
  return PNG.sync.write(png);
}
