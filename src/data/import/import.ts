/**
 * Bring your own data: the files an analyst drops (or names on the command line) → one Workspace.
 * Pure TypeScript: runs unchanged in Node and in a Web Worker (images are decoded by the injected
 * `opts.decodeImage`).
 *
 * Rules (which file is what: ./classify.ts; the formats: docs/FORMATS.md):
 * 1. The sizes are summed and checked against `opts.maxBytes` before anything is read.
 * 2. Every file is read once and parsed; every problem is collected (file + row/byte + problem), and
 *    when there is any, `ImportFailed` lists them all and nothing is imported.
 * 3. Items: the manifest's ids and order (several manifests join by id); else the TF Projector
 *    metadata; else a folder of images (id = path without extension, below the folder all images
 *    share); else the first file with ids (by path); else the rows of the first file (ids "1".."n").
 * 4. Files with ids (Parquet, Arrow, CSV/TSV with an id column, images) join by id: an item is kept
 *    when every one of them has it; the rest are dropped and reported per file (count + 5 examples).
 *    Files without ids (`.npy`, headerless vectors) must have one row per item of the base (before
 *    the join); projector tensors one row per row of the bundle's metadata.
 * 5. Variants: one per embeddings file, or per vector column of a table ("stem:column"); ids are
 *    the file stem (unique: "-2", "-3" … on a clash).
 * 6. Thumbnails: the manifest's image column, else the projector sprite's tiles, else the image files,
 *    each squared to `imageSize` with toSquareRgb (white composite, centre crop, box resize).
 * 7. Encoders: `<x>.onnx` with `<x>.card.json` or a short-form `<x>.json`; the ONNX graph is
 *    inspected (src/encoders/onnx-inspect.ts) and must match the card before anything is encoded.
 * 8. corpus.hash = sha256 over the sorted (path, sha256 of bytes) of every file read (a Parquet part read
 *    in slices: sha256 over its size and the sha256 of its footer and of each row group's bytes).
 * 9. Parquet files of one folder of parts are one table (./parquet-parts.ts); a projector config with
 *    several datasets imports the one `opts.dataset` names (default: the first; ./projector-bundle.ts).
 */
import type { Corpus } from '../corpus.ts';
import { InputError } from '../errors.ts';
import { defaultAllocate, type Allocate } from '../vectors-table.ts';
import { classifyName, type FileKind } from './classify.ts';
import { digestHex, workspaceHash } from './hash.ts';
import { isIdentity, joinById } from './join.ts';
import { checkIds, clip, fileName, Problems, stripExt } from './problems.ts';
import {
  ImportFailed,
  type ImportedEncoder,
  type ImportedVariant,
  type ImportFile,
  type ImportOptions,
  type ImportReport,
  type Workspace,
} from './types.ts';
import { parquetGroups, readParquetGroup } from './parquet-parts.ts';
import { readProjectorBundle, type ProjectorBundle } from './projector-bundle.ts';
import { importEncoders } from './encoders.ts';
import type { Block, Part } from './blocks.ts';
import { decodeAll } from './thumbnails.ts';
import {
  commonDir,
  corpusName,
  datasetsOf,
  fmtBytes,
  imageFolderBlock,
  parseData,
  pickBase,
  pickRows,
  relativeTo,
} from './import-steps.ts';

export { fmtBytes };

export const DEFAULT_IMAGE_SIZE = 64;

export async function importFiles(files: ImportFile[], opts: ImportOptions): Promise<Workspace> {
  const imageSize = opts.imageSize ?? DEFAULT_IMAGE_SIZE;
  const allocate: Allocate = opts.allocate ?? defaultAllocate;
  const problems = new Problems();
  const warnings: string[] = [];
  const reportFiles: ImportReport['files'] = [];
  const progress = opts.onProgress ?? (() => {});

  // 1. What each file is; the size limit before reading anything.
  const byPath = new Map<string, ImportFile>();
  const kinds = new Map<string, FileKind>();
  for (const f of files) {
    const path = f.path.replace(/\\/g, '/').replace(/^\.\//, '');
    if (byPath.has(path)) {
      problems.add(new InputError(path, 'given twice'), path);
      continue;
    }
    const kind = classifyName(path);
    if (kind === 'skip') continue;
    byPath.set(path, f);
    kinds.set(path, kind);
  }
  // Path order: the same files give the same workspace whatever order they came in.
  const sortedKinds = [...kinds.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  kinds.clear();
  for (const [p, k] of sortedKinds) kinds.set(p, k);
  const total = [...byPath.values()].reduce((s, f) => s + (Number.isFinite(f.size) && f.size > 0 ? f.size : 0), 0);
  if (opts.maxBytes !== undefined && total > opts.maxBytes) {
    const biggest = [...byPath.entries()].sort((a, b) => b[1].size - a[1].size).slice(0, 3);
    throw new ImportFailed([
      new InputError(
        biggest.length === 1 ? biggest[0][0] : `${byPath.size} files`,
        `${fmtBytes(total)} in all, more than the ${fmtBytes(opts.maxBytes)} limit for one import (largest: ${biggest.map(([p, f]) => `${p} ${fmtBytes(f.size)}`).join(', ')}); nothing was read`,
      ),
    ]);
  }
  if (byPath.size === 0) throw new ImportFailed([new InputError('(import)', 'no files to import')]);

  // Each file is read at most once; its digest feeds corpus.hash.
  const digests: { path: string; digest: string }[] = [];
  // Pending reads only: once a file's bytes are handed out the import does not keep them, so each
  // file's memory can go as soon as it is parsed.
  const cache = new Map<string, Promise<Uint8Array>>();
  const consumed = new Set<string>();
  let done = 0;
  const steps = byPath.size;
  const read = (path: string): Promise<Uint8Array> => {
    let p = cache.get(path);
    if (!p) {
      if (consumed.has(path))
        return Promise.reject(
          new InputError(path, 'is used twice in this import (e.g. by two projector configs); give each file one role'),
        );
      consumed.add(path);
      const f = byPath.get(path);
      if (!f) return Promise.reject(new InputError(path, 'file not found among the imported files'));
      p = f.read().then(async (b) => {
        if (!(b instanceof Uint8Array)) throw new InputError(path, 'could not be read');
        if (opts.maxBytes !== undefined && b.length > f.size && b.length > opts.maxBytes) {
          throw new InputError(path, `is ${fmtBytes(b.length)}, more than the ${fmtBytes(opts.maxBytes)} limit`);
        }
        digests.push({ path, digest: await digestHex(b) });
        progress(++done, steps, fileName(path));
        return b;
      });
      const pending = p;
      cache.set(path, pending);
      void pending.then(
        () => cache.delete(path),
        () => cache.delete(path),
      );
    }
    return p;
  };

  // 2. Projector bundles first: they claim their tensors, metadata and sprite.
  const claimed = new Set<string>();
  const bundles: ProjectorBundle[] = [];
  for (const [path, kind] of kinds) {
    if (kind !== 'projector-config') continue;
    claimed.add(path);
    const b = await problems.run(path, () =>
      readProjectorBundle(path, read, {
        claimed,
        byPath,
        imageSize,
        allocate,
        decodeImage: opts.decodeImage,
        problems,
        dataset: opts.dataset,
      }),
    );
    if (b) {
      bundles.push(b);
      for (const c of b.claimed) claimed.add(c);
      reportFiles.push({ path, kind: 'projector config', rows: b.n });
    }
  }

  // 3. Encoders (ONNX + cards): checked now, encoded later by the app/CLI.
  const encoderPaths = [...kinds.entries()]
    .filter(([p, k]) => !claimed.has(p) && (k === 'onnx' || k === 'card' || (k === 'json' && kinds.get(`${stripExt(p)}.onnx`) === 'onnx')))
    .map(([p]) => p);
  for (const p of encoderPaths) claimed.add(p);
  const encoders: ImportedEncoder[] = await importEncoders(encoderPaths, read, problems, reportFiles);

  // 4. Everything else: Parquet tables first (a folder of part files is one table).
  const blocks: Block[] = [];
  for (const g of parquetGroups(kinds, claimed)) {
    for (const f of g.files) claimed.add(f.path);
    const b = await problems.run(g.root || g.files[0].path, () =>
      readParquetGroup(g, {
        byPath,
        read,
        allocate,
        digest: (path, digest) => {
          digests.push({ path, digest });
          progress(++done, steps, fileName(path));
        },
      }),
    );
    if (b) {
      blocks.push(b);
      const dims = b.variants.map((v) => v.x.dim);
      reportFiles.push({ path: b.file, kind: b.kind, rows: b.n, ...(dims.length ? { dim: dims[0] } : {}) });
    }
  }
  const loose: Part[] = [];
  const imagePaths: string[] = [];
  for (const [path, kind] of kinds) {
    if (claimed.has(path)) continue;
    switch (kind) {
      case 'image':
        imagePaths.push(path);
        break;
      case 'marker':
        reportFiles.push({ path, kind: 'marker (ignored)' });
        break;
      case 'unknown':
        warnings.push(`${path}: not a format Recall Lens imports; ignored`);
        reportFiles.push({ path, kind: 'ignored' });
        break;
      case 'bytes':
        problems.add(
          new InputError(path, 'raw float32 .bytes has no shape: name it in a projector_config.json with "tensorShape": [rows, dims]'),
          path,
        );
        break;
      default:
        await problems.run(path, async () => {
          const bytes = await read(path);
          const got = parseData(path, kind, bytes, allocate, warnings);
          const r = got instanceof Promise ? await got : got;
          if ('x' in r) {
            loose.push(r);
            reportFiles.push({ path, kind: 'embeddings (no ids)', rows: r.x.n, dim: r.x.dim });
          } else {
            blocks.push(r);
            const dims = r.variants.map((v) => v.x.dim);
            reportFiles.push({
              path,
              kind: r.kind,
              rows: r.n,
              ...(dims.length ? { dim: dims[0] } : {}),
              ...(r.blankLines ? { blankLines: r.blankLines } : {}),
            });
          }
        });
    }
  }

  for (const b of bundles) {
    blocks.push(...b.blocks);
    loose.push(...b.loose);
    const blank = b.blocks.reduce((s, m) => s + (m.blankLines ?? 0), 0);
    const entry = reportFiles.find((f) => f.path === b.config);
    if (blank && entry) entry.blankLines = blank;
  }
  for (const b of blocks) {
    if (b.blankLines)
      warnings.push(`${b.file}: ${b.blankLines} blank line${b.blankLines === 1 ? '' : 's'} skipped (as TensorBoard and pandas skip them)`);
  }
  const manifests = blocks.filter((b) => b.isManifest);
  const referenced = new Set<string>();
  for (const b of blocks) for (const p of b.images?.paths ?? []) if (p) referenced.add(p);
  const freeImages = imagePaths.filter((p) => !referenced.has(p));
  if (manifests.length > 0 || blocks.some((b) => b.thumbs)) {
    if (freeImages.length > 0)
      warnings.push(
        `${freeImages.length} image file${freeImages.length === 1 ? '' : 's'} not referenced by the manifest ignored (e.g. ${freeImages.slice(0, 3).join(', ')})`,
      );
  } else if (freeImages.length > 0) {
    blocks.push(imageFolderBlock(freeImages));
    reportFiles.push({ path: commonDir(freeImages) || '.', kind: 'image folder', rows: freeImages.length });
  }

  // 5. The base, the join, the loose rows.
  for (const b of blocks) if (b.ids) checkIds(b.ids, b.file, b.where, problems);
  const base = pickBase(blocks, loose);
  if (!base) {
    if (problems.empty && encoders.length === 0)
      problems.add(
        new InputError('(import)', 'nothing to import: no manifest, images, embeddings or projector bundle among the files'),
        '(import)',
      );
    if (!problems.empty) throw new ImportFailed(problems.list);
  }
  let workspace: Workspace | undefined;
  if (base) {
    if (!base.ids) {
      base.ids = Array.from({ length: base.n }, (_, i) => String(i + 1));
      warnings.push(`${base.file}: no ids; items are numbered 1..${base.n} by row`);
    }
    // Rows without ids must match the base row for row; the others are left out (and reported).
    const rowsMismatch = (file: string, n: number) => {
      if (n === base.n) return false;
      problems.add(
        new InputError(
          file,
          `has ${n} rows but ${base.file} has ${base.n} items; a file without ids must have one row per item, in the same order`,
        ),
        file,
      );
      return true;
    };
    for (let i = loose.length - 1; i >= 0; i--) if (rowsMismatch(loose[i].file, loose[i].x.n)) loose.splice(i, 1);
    for (let i = blocks.length - 1; i >= 0; i--)
      if (blocks[i] !== base && !blocks[i].ids && rowsMismatch(blocks[i].file, blocks[i].n)) blocks.splice(i, 1);

    const keyed = [base, ...blocks.filter((b) => b !== base && b.ids)];
    const joined = joinById(keyed.map((b) => ({ file: b.file, ids: b.ids! })));
    const rowsOf = new Map<Block, Int32Array>(keyed.map((b, i) => [b, joined.rows[i]]));
    for (const b of blocks) if (!rowsOf.has(b)) rowsOf.set(b, joined.rows[0]);
    const n = joined.ids.length;
    if (n === 0) {
      if (!problems.empty) throw new ImportFailed(problems.list);
      const ex = joined.unmatched
        .map(
          (u) =>
            `${u.file}: ${u.examples
              .slice(0, 3)
              .map((e) => JSON.stringify(clip(e, 30)))
              .join(', ')}`,
        )
        .join('; ');
      throw new ImportFailed([new InputError(base.file, `no id is in every file, so no item is left after the join (${ex})`)]);
    }

    // Columns.
    const columns: Record<string, string[]> = { id: joined.ids };
    const idLike = new Set(['id']);
    for (const b of [base, ...blocks.filter((x) => x !== base)]) {
      const rows = rowsOf.get(b)!;
      for (const name of b.names) {
        if (idLike.has(name.toLowerCase()) || name in columns) continue;
        const col = b.columns[name];
        columns[name] = isIdentity(rows, col.length) ? col : Array.from(rows, (r) => col[r]);
      }
    }

    // Variants.
    const variants: ImportedVariant[] = [];
    const used = new Set<string>();
    const uniqueId = (stem: string) => {
      let id = stem;
      for (let k = 2; used.has(id); k++) id = `${stem}-${k}`;
      used.add(id);
      return id;
    };
    const addVariant = (p: Part, rows: Int32Array) => {
      const x = pickRows(p.x, rows, allocate);
      variants.push({ id: uniqueId(p.stem), name: p.name, file: p.file, embeddings: x });
    };
    for (const b of blocks) for (const p of b.variants) addVariant(p, rowsOf.get(b)!);
    for (const p of loose) addVariant(p, joined.rows[0]);

    // Thumbnails.
    let images = new Uint8Array(0);
    let size = 0;
    const withImages =
      [base, ...blocks.filter((b) => b !== base)].find((b) => (b.images || b.imageBytes) && !b.isImageFolder) ??
      blocks.find((b) => b.thumbs) ??
      blocks.find((b) => b.isImageFolder);
    if (withImages) {
      size = imageSize;
      const rows = rowsOf.get(withImages)!;
      const tile = size * size * 3;
      images = new Uint8Array(n * tile);
      if (withImages.thumbs) {
        for (let k = 0; k < n; k++) images.set(withImages.thumbs.subarray(rows[k] * tile, (rows[k] + 1) * tile), k * tile);
      } else {
        await decodeAll(withImages, rows, images, size, byPath, read, opts, problems);
      }
    }
    if (!problems.empty) throw new ImportFailed(problems.list);

    const hash = await workspaceHash(relativeTo(digests));
    const corpus: Corpus = { name: corpusName(base), hash, n, imageSize: size, images, columns };
    workspace = {
      corpus,
      variants,
      encoders,
      report: { files: reportFiles, unmatched: joined.unmatched, items: n, warnings, ...datasetsOf(bundles) },
    };
  } else {
    const hash = await workspaceHash(relativeTo(digests));
    workspace = {
      corpus: { name: 'import', hash, n: 0, imageSize: 0, images: new Uint8Array(0), columns: { id: [] } },
      variants: [],
      encoders,
      report: { files: reportFiles, unmatched: [], items: 0, warnings },
    };
  }
  if (!problems.empty) throw new ImportFailed(problems.list);
  return workspace;
}
