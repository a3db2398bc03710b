/** `recall-lens embed`: encode the demo corpus or a folder of images with an ONNX model card. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Embeddings } from '../compute/types.ts';
import type { Corpus } from '../data/corpus.ts';
import { InputError } from '../data/errors.ts';
import { nonNegInt, parse, positiveInt, UsageError } from './args.ts';
import type { Io } from './main.ts';

export const EMBED_HELP = `Usage: recall-lens embed --model <card.json> (--demo | --images <folder>) --out <prefix>
       recall-lens embed --model <a.card.json> --model <b.card.json> --fuse (--demo | --images <folder>) --out <prefix>

Encodes the items with an ONNX encoder (onnxruntime-node), with exactly the browser's preprocessing,
and writes <prefix>.npy (float32, items × dim) and <prefix>.tsv (metadata with a header row), ready
for recall-lens eval <prefix>.npy --metadata <prefix>.tsv.
An image model embeds the images; a text model (card "modality": "text", e.g. image-title-text)
embeds each item's title (the metadata column named by the card, default "title"; --demo only).

Options
  --model <card.json>    model card; the ONNX file is named in the card, relative to it
                         (e.g. public/models/<id>.card.json). Give it twice with --fuse.
  --fuse                 with two --model: write the fused embedding, concat(a/‖a‖, b/‖b‖)/√2 per
                         item (a = first model, b = second; dim = dim a + dim b), e.g.
                         --model public/models/image-title-image.card.json
                         --model public/models/image-title-text.card.json --fuse
  --demo                 the demo corpus "emoji styles" (public/data/emoji-styles, built by
                         npm run corpus); metadata: id, identity, title, style, category, ...
  --images <folder>      PNG/JPEG files under a folder (recursively; needs the npm packages pngjs
                         and jpeg-js); composited on white, centre-cropped, resized to the model's
                         input size; metadata: id (relative path), folder (sub-folder, a facet)
  --out <prefix>         output path prefix (folders are created)
  --sample <n>           encode only a seeded random sample of n items (quick checks)
  --seed <n>             random seed for --sample (default 0)
  --batch <n>            items per encoder call (default 64)
  -h, --help             show this help

Exit status: 0 ok, 1 bad input file or model, 2 bad command line, 3 internal error.
`;

const CMD = 'embed';

export async function runEmbed(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(CMD, argv, {
    model: { type: 'string', multiple: true },
    fuse: { type: 'boolean' },
    demo: { type: 'boolean' },
    images: { type: 'string' },
    out: { type: 'string' },
    sample: { type: 'string' },
    seed: { type: 'string' },
    batch: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(EMBED_HELP);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`${CMD}: unexpected argument ${JSON.stringify(positionals[0])} (see recall-lens embed --help)`);
  }
  const models = (values.model as string[] | undefined) ?? [];
  const out = values.out as string | undefined;
  const images = values.images as string | undefined;
  if (models.length === 0) throw new UsageError(`${CMD}: --model <card.json> is required (see recall-lens embed --help)`);
  if (values.fuse && models.length !== 2) {
    throw new UsageError(`${CMD}: --fuse needs exactly two --model cards (got ${models.length})`);
  }
  if (!values.fuse && models.length > 1) {
    throw new UsageError(`${CMD}: ${models.length} --model cards given; add --fuse to write their fused embedding, or give one`);
  }
  if (!out) throw new UsageError(`${CMD}: --out <prefix> is required (see recall-lens embed --help)`);
  if (values.demo && images !== undefined) throw new UsageError(`${CMD}: give either --demo or --images <folder>, not both`);
  if (!values.demo && images === undefined) throw new UsageError(`${CMD}: give --demo or --images <folder> (see recall-lens embed --help)`);
  const sample = values.sample === undefined ? undefined : positiveInt(CMD, 'sample', values.sample as string, 0);
  const seed = nonNegInt(CMD, 'seed', values.seed as string | undefined, 0);
  const batchSize = positiveInt(CMD, 'batch', values.batch as string | undefined, 64);
  const outPrefix = out.replace(/\.(npy|tsv)$/i, '');

  const progress = io.stderrIsTTY;
  const [{ loadNodeEncoder }, { encodeAll, encodeTexts }, { writeNpy }, { formatTsv }, { textColumn }] = await Promise.all([
    import('../encoders/node-session.ts'),
    import('../encoders/encoder.ts'),
    import('../data/npy.ts'),
    import('../data/table.ts'),
    import('../encoders/card.ts'),
  ]);

  // Items first (cheap to validate), then the model.
  let corpus: Corpus;
  if (values.demo) {
    const { loadCorpusFromDir, DEMO_CORPUS_DIR } = await import('../data/corpus-node.ts');
    corpus = await loadCorpusFromDir(DEMO_CORPUS_DIR);
  } else {
    corpus = await imageFolderCorpus(images!, models, io, progress);
  }
  if (sample !== undefined && sample < corpus.n) {
    const [{ subsetCorpus }, { sampleSeeds }] = await Promise.all([import('../data/subset.ts'), import('../compute/sampling.ts')]);
    corpus = subsetCorpus(corpus, sampleSeeds(corpus.n, sample, seed));
  }
  if (corpus.n === 0) throw new InputError(values.demo ? 'demo corpus' : images!, 'has no items to encode');

  const results: { x: Embeddings; label: string }[] = [];
  for (const model of models) {
    const enc = await loadNodeEncoder(model);
    try {
      const t0 = performance.now();
      let last = 0;
      const opts = {
        batchSize,
        onProgress: progress
          ? (done: number, total: number) => {
              const now = performance.now();
              if (now - last > 250 || done === total) {
                last = now;
                io.stderr(`\r${enc.card.id}: encoding ${done}/${total}`);
              }
            }
          : undefined,
      };
      let x: Embeddings;
      if (enc.card.modality === 'text') {
        const column = textColumn(enc.card);
        const texts = corpus.columns[column];
        if (!texts) {
          throw new InputError(
            model,
            `is a text encoder of the "${column}" column, which ${values.demo ? 'the demo corpus' : 'an image folder'} does not have` +
              (values.demo ? '' : ' (text models need --demo)'),
          );
        }
        x = await encodeTexts(enc, texts, opts);
      } else {
        x = await encodeAll(enc, corpus.images, corpus.n, corpus.imageSize, opts);
      }
      const seconds = (performance.now() - t0) / 1000;
      if (progress) io.stderr('\n');
      if (x.n !== corpus.n) throw new Error(`encoder returned ${x.n} rows for ${corpus.n} items`);
      results.push({ x, label: `${enc.card.id} on ${enc.backend}: ${(x.n / Math.max(seconds, 1e-9)).toFixed(1)} items/s` });
    } finally {
      await enc.dispose();
    }
  }
  let x = results[0].x;
  if (values.fuse) {
    const { fuseEmbeddings } = await import('../compute/fuse.ts');
    x = fuseEmbeddings(results[0].x, results[1].x);
  }

  const names = orderColumns(Object.keys(corpus.columns));
  await mkdir(path.dirname(path.resolve(outPrefix)), { recursive: true });
  const npyFile = `${outPrefix}.npy`;
  const tsvFile = `${outPrefix}.tsv`;
  try {
    await writeFile(npyFile, writeNpy(x));
    await writeFile(
      tsvFile,
      formatTsv(
        names,
        names.map((nm) => corpus.columns[nm]),
      ),
    );
  } catch (e) {
    throw new InputError(outPrefix, `cannot write the output: ${(e as Error).message}`);
  }
  io.stdout(
    `wrote ${npyFile} (${x.n} × ${x.dim} float32) and ${tsvFile} (${names.join(', ')}); ` +
      (values.fuse ? `fused (concat of L2-normalised rows / √2): ` : '') +
      `${results.map((r) => r.label).join(' + ')}\n`,
  );
  return 0;
}

/** `id` first, `identity` next, then the rest in their order. */
function orderColumns(names: string[]): string[] {
  const first = ['id', 'identity'].filter((n) => names.includes(n));
  return [...first, ...names.filter((n) => !first.includes(n))];
}

async function imageFolderCorpus(dir: string, cardPaths: string[], io: Io, progress: boolean): Promise<Corpus> {
  const [{ loadImageFolder }, { readInputFile }, { decodeUtf8 }, { parseCard }] = await Promise.all([
    import('./images.ts'),
    import('../data/files-node.ts'),
    import('../data/table.ts'),
    import('../encoders/card-validate.ts'),
  ]);
  // The tile size is the (first image) model's input size, so the shared preprocessing does no second resize.
  let size = 0;
  for (const cardPath of cardPaths) {
    let json: unknown;
    try {
      json = JSON.parse(decodeUtf8(await readInputFile(cardPath, 'model card'), cardPath));
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(cardPath, `not valid JSON: ${(e as Error).message}`);
    }
    const card = parseCard(json, cardPath);
    if (card.modality === 'text') {
      throw new InputError(cardPath, `is a text encoder (it embeds titles); an image folder has no titles: use --demo`);
    }
    size ||= card.input.size;
  }
  const { files, rgb } = await loadImageFolder(dir, size, progress ? (d, t) => io.stderr(`\rdecoding ${d}/${t}`) : undefined);
  if (progress) io.stderr('\n');
  const folder = files.map((f) => (f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : ''));
  return {
    name: path.basename(path.resolve(dir)),
    hash: '',
    n: files.length,
    imageSize: size,
    images: rgb,
    columns: { id: files, folder },
  };
}
