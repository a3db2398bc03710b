/**
 * A TF Projector bundle inside an import: `projector_config.json` names, relative to itself, each
 * variant's tensor (`.tsv` vectors or `.bytes` float32 with `tensorShape`), the metadata `.tsv`
 * (one row per item; a header row when it has several columns; an `id` column, when present, joins
 * it with the other files) and a sprite (`sprite.imagePath` + `singleImageDim: [w, h]`): tiles of
 * w × h pixels, row-major, item i at column i % ⌊W/w⌋, row ⌊i / ⌊W/w⌋⌋, which become the thumbnails.
 * The bundle's files are claimed by it (not read again as files of their own).
 */
import type { Embeddings } from '../../compute/types.ts';
import { toSquareRgb } from '../../encoders/square.ts';
import { InputError } from '../errors.ts';
import {
  checkTensorShape,
  embeddingsFormat,
  groupProjectorDatasets,
  parseEmbeddings,
  parseProjectorConfig,
  type ProjectorEntry,
} from '../projector.ts';
import { decodeUtf8, lineOfRow, parseTableBytes } from '../table.ts';
import type { Allocate } from '../vectors-table.ts';
import type { Block, Part } from './blocks.ts';
import { dirName, fileName, joinPath, type Problems, stripExt } from './problems.ts';
import type { ImageDecoder, ImportFile } from './types.ts';

export interface ProjectorBundle {
  config: string;
  claimed: string[];
  /** The metadata/sprite block (ids when the metadata has an `id` column), tensors as its variants. */
  blocks: Block[];
  /** Tensors without a block (no metadata, no sprite): aligned with the import's items. */
  loose: Part[];
  n: number;
  /** The config's datasets (entries grouped by their items) and the one read. */
  datasets: { name: string; tensors: string[]; rows?: number }[];
  dataset: string;
}

interface Ctx {
  /** Filled as paths are resolved, so that even a failed bundle keeps its files. */
  claimed: Set<string>;
  byPath: Map<string, ImportFile>;
  imageSize: number;
  allocate: Allocate;
  decodeImage: ImageDecoder;
  problems: Problems;
  /** Which dataset of a config with several (default: the first). */
  dataset?: string;
}

/** Largest sprite side we cut, in pixels (browsers' canvas limit). */
export const MAX_SPRITE_SIDE = 16384;

export async function readProjectorBundle(config: string, read: (p: string) => Promise<Uint8Array>, ctx: Ctx): Promise<ProjectorBundle> {
  const text = decodeUtf8(await read(config), config);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(config, `not valid JSON: ${(e as Error).message}`);
  }
  const entries = parseProjectorConfig(json, config);
  const raw = (json as { embeddings: Record<string, unknown>[] }).embeddings;
  const dir = dirName(config);
  const claimed: string[] = [];
  const resolve = (rel: string, field: string, i: number): string => {
    const p = joinPath(dir, rel);
    claimed.push(p);
    ctx.claimed.add(p);
    if (!ctx.byPath.has(p))
      throw new InputError(config, `${field} ${JSON.stringify(rel)}: ${p} is not among the imported files`, `embeddings[${i}]`);
    return p;
  };

  // Several datasets: the chosen one is read; the others' files are claimed (not read as files of their own).
  const groups = groupProjectorDatasets(entries);
  const datasets = groups.map((g) => ({
    name: g.name,
    tensors: g.entries.map((i) => entries[i].tensorName),
    ...(g.rows !== undefined ? { rows: g.rows } : {}),
  }));
  const chosen = ctx.dataset === undefined || groups.length === 1 ? groups[0] : groups.find((g) => g.name === ctx.dataset);
  if (!chosen)
    throw new InputError(
      config,
      `has no dataset ${JSON.stringify(ctx.dataset)} (its datasets: ${groups.map((g) => JSON.stringify(g.name)).join(', ')})`,
    );
  const selected = new Set(chosen.entries);
  for (let i = 0; i < raw.length; i++) {
    if (selected.has(i)) continue;
    const e = raw[i];
    for (const rel of [e.tensorPath, e.metadataPath, (e.sprite as { imagePath?: unknown } | undefined)?.imagePath]) {
      if (typeof rel !== 'string' || rel === '') continue;
      const p = joinPath(dir, rel);
      claimed.push(p);
      ctx.claimed.add(p);
    }
  }
  // Metadata: one file per dataset.
  const metaPaths = chosen.metadataPath ? [chosen.metadataPath] : [];
  // Sprite: the first entry of the dataset that has one.
  let sprite: { path: string; w: number; h: number } | undefined;
  for (let i = 0; i < raw.length && !sprite; i++) {
    if (!selected.has(i)) continue;
    const s = raw[i].sprite as Record<string, unknown> | undefined;
    if (s === undefined) continue;
    const dim = s?.singleImageDim;
    if (typeof s !== 'object' || s === null || typeof s.imagePath !== 'string' || s.imagePath === '') {
      throw new InputError(config, '"sprite" needs "imagePath" (the sprite image, relative to the config)', `embeddings[${i}]`);
    }
    if (!Array.isArray(dim) || dim.length !== 2 || !dim.every((v) => Number.isSafeInteger(v) && v > 0 && v <= MAX_SPRITE_SIDE)) {
      const got = dim === undefined || dim === null ? 'is missing' : `is ${JSON.stringify(dim)}`;
      throw new InputError(config, `"sprite.singleImageDim" ${got}, expected [width, height] of one tile in pixels`, `embeddings[${i}]`);
    }
    sprite = { path: resolve(s.imagePath, 'sprite.imagePath', i), w: dim[0] as number, h: dim[1] as number };
  }

  const tensors: (Part & { entry: ProjectorEntry; index: number })[] = [];
  for (let i = 0; i < entries.length; i++) {
    if (!selected.has(i)) continue;
    const e = entries[i];
    await ctx.problems.run(config, async () => {
      const p = resolve(e.tensorPath, 'tensorPath', i);
      const fmt = embeddingsFormat(p);
      if (fmt !== 'tsv' && fmt !== 'bytes' && fmt !== 'npy')
        throw new InputError(config, `tensorPath ${JSON.stringify(e.tensorPath)} is not a .tsv, .bytes or .npy tensor`, `embeddings[${i}]`);
      const dim = fmt === 'bytes' ? e.tensorShape?.[1] : undefined;
      if (fmt === 'bytes' && dim === undefined)
        throw new InputError(config, `"${e.tensorName}": a .bytes tensorPath needs "tensorShape": [rows, dims]`, `embeddings[${i}]`);
      const bytes = await read(p);
      if (fmt === 'bytes' && e.tensorShape && bytes.length !== e.tensorShape[0] * e.tensorShape[1] * 4) {
        throw new InputError(
          p,
          `is ${bytes.length} bytes but tensorShape [${e.tensorShape[0]}, ${e.tensorShape[1]}] in ${config} needs ${e.tensorShape[0] * e.tensorShape[1] * 4} (float32); truncated or the wrong shape?`,
          `byte ${Math.min(bytes.length, e.tensorShape[0] * e.tensorShape[1] * 4)}`,
        );
      }
      const x = parseEmbeddings(bytes, p, { dim });
      checkTensorShape(x, e, p, config);
      tensors.push({ stem: stripExt(fileName(p)), name: e.tensorName, file: p, x: copy(x, ctx.allocate), entry: e, index: i });
    });
  }

  let block: Block | undefined;
  if (metaPaths.length === 1) {
    const i = entries.findIndex((e) => e.metadataPath === metaPaths[0]);
    const p = resolve(metaPaths[0], 'metadataPath', i);
    const t = parseTableBytes(await read(p), p, '\t');
    const names = t.names;
    const columns: Record<string, string[]> = {};
    names.forEach((name, j) => (columns[name] = t.columns[j]));
    const idName = names.find((s) => s.toLowerCase() === 'id');
    block = {
      file: p,
      kind: 'projector metadata',
      n: t.n,
      ids: idName ? columns[idName].map((s) => s.trim()) : undefined,
      where: (r) => `row ${r + 1} (line ${lineOfRow(t, r)})`,
      names: names.filter((s) => s !== idName),
      columns,
      variants: [],
      ...(t.blankLines ? { blankLines: t.blankLines } : {}),
    };
  }
  if (sprite && !block) {
    const n = tensors[0]?.x.n;
    if (n === undefined) throw new InputError(config, 'has a sprite but no readable tensor to count its items');
    block = { file: config, kind: 'projector metadata', n, where: (r) => `row ${r + 1}`, names: [], columns: {}, variants: [] };
  }
  const loose: Part[] = [];
  for (const t of tensors) {
    if (!block) loose.push(t);
    else if (t.x.n !== block.n) {
      ctx.problems.add(
        new InputError(t.file, `has ${t.x.n} rows but ${block.file} has ${block.n}; tensor "${t.name}" must have one row per item`),
        t.file,
      );
    } else block.variants.push({ stem: t.stem, name: t.name, file: t.file, x: t.x });
  }
  if (sprite && block) {
    const b = block;
    const s = sprite;
    await ctx.problems.run(s.path, async () => {
      b.thumbs = await cutSprite(await read(s.path), s.path, s.w, s.h, b.n, ctx);
    });
  }
  return { config, claimed, blocks: block ? [block] : [], loose, n: block?.n ?? tensors[0]?.x.n ?? 0, datasets, dataset: chosen.name };
}

/** Cuts n tiles of w × h (row-major) out of the sprite; each becomes a size × size RGB thumbnail. */
async function cutSprite(bytes: Uint8Array, file: string, w: number, h: number, n: number, ctx: Ctx): Promise<Uint8Array> {
  const img = await ctx.decodeImage(bytes, file);
  const perRow = Math.floor(img.width / w);
  if (perRow < 1) throw new InputError(file, `sprite is ${img.width} pixels wide, narrower than one ${w}-pixel tile (singleImageDim)`);
  const rows = Math.ceil(n / perRow);
  if (rows * h > img.height) {
    throw new InputError(
      file,
      `sprite of ${img.width}×${img.height} holds ${perRow * Math.floor(img.height / h)} tiles of ${w}×${h}, but there are ${n} items`,
    );
  }
  const size = ctx.imageSize;
  const out = new Uint8Array(n * size * size * 3);
  const tile = new Uint8Array(w * h * 4);
  for (let i = 0; i < n; i++) {
    const x0 = (i % perRow) * w;
    const y0 = Math.floor(i / perRow) * h;
    for (let y = 0; y < h; y++) {
      const from = ((y0 + y) * img.width + x0) * 4;
      tile.set(img.data.subarray(from, from + w * 4), y * w * 4);
    }
    out.set(toSquareRgb({ width: w, height: h, data: tile }, size), i * size * size * 3);
  }
  return out;
}

function copy(x: Embeddings, allocate: Allocate): Embeddings {
  const data = allocate(x.data.length);
  data.set(x.data);
  return { n: x.n, dim: x.dim, data };
}
