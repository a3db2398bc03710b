/**
 * `recall-lens export`: embeddings → a TF Projector bundle, one `.npy` per variant and the
 * whitening parameters, written unzipped into a folder with the same writers as the app
 * (src/data/export). The folder opens in TensorBoard (`tensorboard --logdir <out>`, which reads
 * projector_config.pbtxt) or in the standalone projector (projector_config.json).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Embeddings, Whitening } from '../compute/types.ts';
import { variantName, type WhitenSpec } from '../compute/whiten-spec.ts';
import { InputError } from '../data/errors.ts';
import { baseName } from '../data/projector.ts';
import type { Thumbnails, TensorFormat } from '../data/export/projector-bundle.ts';
import { parse, positiveInt, UsageError } from './args.ts';
import type { Io } from './main.ts';

export const EXPORT_HELP = `Usage: recall-lens export <embeddings...> --metadata <file> --out <dir> [options]

Writes, into <dir>:
  projector_config.json   TF Projector config: one embeddings[] entry per variant (paths relative)
  projector_config.pbtxt  the same for TensorBoard (tensorboard --logdir <dir>)
  metadata.tsv            the metadata rows (header row when more than one column)
  sprite.png              the thumbnails of --sprite, re-tiled to TensorBoard's 8192 px limit
  tensors/<variant>.tsv   the vectors (.bytes, raw float32, for large variants; see --tensors)
  npy/<variant>.npy       float32, one per variant
  whitening/<variant>/    mean.npy, W.npy, eigenvalues.npy (float64) and whitening.json, for each
                          whitened variant: x_w = (x − μ)·W[:, :k]

<embeddings...>          one or more files, each a source named after its file: .npy (2-D
                         float32/float64), .tsv (TF Projector vectors), .bytes (raw float32, --dim)

Options
  --metadata <file>      TSV/CSV, one row per item (header row unless it has a single column)
  --out <dir>            output folder (created if missing; files of the same name are replaced)
  --whiten <w>           none (default), full, or <k> (whiten, keep the top k directions); a
                         comma-separated list (e.g. none,full,32) exports each as a variant
  --sprite <png>         a sprite sheet of the items' thumbnails: square tiles, row-major from the
                         top left, item i at (i mod g, floor(i / g)), g = tiles per row
  --sprite-dim <px>      side of one tile in --sprite (default: width / ceil(√n))
  --tensors <f>          tsv, bytes, or auto (default: TSV up to 4M values per variant)
  --dim <D>              dimension of .bytes files
  -h, --help             show this help

Exit status: 0 ok, 1 bad input file, 2 bad command line, 3 internal error.
`;

const CMD = 'export';

export async function runExport(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(CMD, argv, {
    metadata: { type: 'string' },
    out: { type: 'string' },
    whiten: { type: 'string' },
    sprite: { type: 'string' },
    'sprite-dim': { type: 'string' },
    tensors: { type: 'string' },
    dim: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(EXPORT_HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError(`${CMD}: missing <embeddings> file (see recall-lens export --help)`);
  const metadataPath = values.metadata as string | undefined;
  if (!metadataPath) throw new UsageError(`${CMD}: --metadata <file> is required (see recall-lens export --help)`);
  const out = values.out as string | undefined;
  if (!out) throw new UsageError(`${CMD}: --out <dir> is required (see recall-lens export --help)`);
  const whitens = parseWhiten((values.whiten as string | undefined) ?? 'none');
  const tensors = ((values.tensors as string | undefined) ?? 'auto') as TensorFormat;
  if (tensors !== 'tsv' && tensors !== 'bytes' && tensors !== 'auto') {
    throw new UsageError(`${CMD}: --tensors must be tsv, bytes or auto, got ${JSON.stringify(tensors)}`);
  }
  const dim = values.dim === undefined ? undefined : positiveInt(CMD, 'dim', values.dim as string, 0);
  const spritePath = values.sprite as string | undefined;
  const spriteDimArg = values['sprite-dim'] as string | undefined;
  if (spriteDimArg !== undefined && !spritePath) throw new UsageError(`${CMD}: --sprite-dim needs --sprite <png>`);
  const spriteDim = spriteDimArg === undefined ? undefined : positiveInt(CMD, 'sprite-dim', spriteDimArg, 0);

  const [
    { applyWhitening, fitWhitening },
    files,
    { checkRowCount },
    { buildProjectorBundle },
    { whiteningFiles },
    { uniqueFileNames },
    { writeNpy },
  ] = await Promise.all([
    import('../compute/whitening.ts'),
    import('../data/files-node.ts'),
    import('../data/metadata.ts'),
    import('../data/export/projector-bundle.ts'),
    import('../data/export/whitening-files.ts'),
    import('../data/export/names.ts'),
    import('../data/npy.ts'),
  ]);

  const table = await files.loadTableFile(metadataPath);
  const sourceNames = distinct(positionals.map((p) => baseName(p)));
  const variants: Array<{ name: string; x: Embeddings }> = [];
  const whitening: Record<string, Uint8Array> = {};
  for (let s = 0; s < positionals.length; s++) {
    const file = positionals[s];
    const x = await files.loadEmbeddingsFile(file, { dim });
    checkRowCount(table.n, metadataPath, x.n, file);
    let fitted: Whitening | undefined;
    for (const w of whitens) {
      const name = variantName(sourceNames[s], w);
      if (w === 'none') {
        variants.push({ name, x });
        continue;
      }
      if (typeof w === 'number' && w > x.dim)
        throw new InputError(file, `has ${x.dim} dimensions; --whiten ${w} cannot keep more directions than that`);
      fitted ??= fitWhitening(x);
      const keep = w === 'full' ? x.dim : w;
      variants.push({ name, x: applyWhitening(x, fitted, keep) });
      Object.assign(whitening, whiteningFiles(fitted, { variant: name, source: sourceNames[s], keep, n: x.n }, name));
    }
  }

  const thumbnails = spritePath ? await readSprite(spritePath, table.n, spriteDim) : undefined;
  const bundle = buildProjectorBundle({ variants, metadata: { names: table.names, columns: table.columns }, thumbnails, tensors });
  const npyNames = uniqueFileNames(variants.map((v) => v.name));
  const outFiles: Record<string, Uint8Array> = { ...bundle.files };
  variants.forEach((v, i) => (outFiles[`npy/${npyNames[i]}.npy`] = writeNpy(v.x)));
  // whiteningFiles was given the variant name as its folder; make it a safe one.
  const safeDir = new Map(variants.map((v, i) => [v.name, npyNames[i]]));
  for (const [rel, data] of Object.entries(whitening)) {
    const slash = rel.lastIndexOf('/');
    outFiles[`whitening/${safeDir.get(rel.slice(0, slash))}/${rel.slice(slash + 1)}`] = data;
  }
  await writeTree(out, outFiles);

  const list = variants.map((v) => `${v.name} (${v.x.n} × ${v.x.dim})`).join(', ');
  const nw = Object.keys(whitening).length / 4;
  io.stdout(
    `wrote ${out}: TF Projector bundle of ${variants.length} variant${variants.length === 1 ? '' : 's'} [${list}]` +
      `${thumbnails ? `, sprite.png (${bundle.config.embeddings[0].sprite!.singleImageDim[0]} px tiles)` : ''}, npy/ (${variants.length} file${variants.length === 1 ? '' : 's'})` +
      `${nw > 0 ? `, whitening/ (${nw} variant${nw === 1 ? '' : 's'})` : ''}\n`,
  );
  return 0;
}

async function writeTree(root: string, files: Record<string, Uint8Array>): Promise<void> {
  for (const [rel, data] of Object.entries(files)) {
    const p = path.join(root, ...rel.split('/'));
    try {
      await mkdir(path.dirname(p), { recursive: true });
      await writeFile(p, data);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(p, `cannot write the output file${code ? ` (${code})` : ''}: ${(e as Error).message}`);
    }
  }
}

function distinct(names: string[]): string[] {
  const seen = new Set<string>();
  return names.map((n) => {
    let u = n;
    for (let k = 2; seen.has(u); k++) u = `${n} (${k})`;
    seen.add(u);
    return u;
  });
}

function parseWhiten(arg: string): WhitenSpec[] {
  const out: WhitenSpec[] = [];
  for (const part of arg.split(',').map((s) => s.trim())) {
    let w: WhitenSpec;
    if (part === 'none' || part === 'full') w = part;
    else if (/^\d+$/.test(part) && Number(part) > 0 && Number.isSafeInteger(Number(part))) w = Number(part);
    else
      throw new UsageError(
        `${CMD}: --whiten must be none, full, a positive integer k, or a comma-separated list of them; got ${JSON.stringify(part)}`,
      );
    if (!out.includes(w)) out.push(w);
  }
  return out;
}

/** Cuts a sprite sheet PNG into n square thumbnails (RGB on white), for the bundle to re-tile. */
async function readSprite(file: string, n: number, dimArg: number | undefined): Promise<Thumbnails> {
  const [{ readInputFile }, { PNG }] = await Promise.all([import('../data/files-node.ts'), import('pngjs')]);
  const bytes = await readInputFile(file, 'sprite image');
  let png: { width: number; height: number; data: Uint8Array };
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    throw new InputError(file, `not a readable PNG image: ${(e as Error).message}`);
  }
  const { width, height, data } = png;
  const grid = Math.ceil(Math.sqrt(n));
  let dim = dimArg;
  if (dim === undefined) {
    if (width % grid !== 0) {
      throw new InputError(
        file,
        `is ${width} px wide, not a multiple of ${grid} tiles (ceil(√${n})); give the tile size with --sprite-dim <px>`,
      );
    }
    dim = width / grid;
  }
  const perRow = Math.floor(width / dim);
  const rows = Math.floor(height / dim);
  if (perRow < 1 || perRow * rows < n) {
    throw new InputError(file, `is ${width}×${height} px: ${perRow * rows} tiles of ${dim} px, fewer than the ${n} items`);
  }
  // TensorBoard finds tile i at (i mod g, floor(i / g)) with g = width / dim tiles per row.
  const images = new Uint8Array(n * dim * dim * 3);
  for (let i = 0; i < n; i++) {
    const x0 = (i % perRow) * dim;
    const y0 = Math.floor(i / perRow) * dim;
    for (let y = 0; y < dim; y++) {
      for (let x = 0; x < dim; x++) {
        const o = ((y0 + y) * width + x0 + x) * 4;
        const a = data[o + 3] / 255;
        const d = ((i * dim + y) * dim + x) * 3;
        for (let c = 0; c < 3; c++) images[d + c] = Math.round(data[o + c] * a + 255 * (1 - a));
      }
    }
  }
  return { images, n, size: dim };
}
