/**
 * The steps of `importFiles` (import.ts) that stand alone: parsing one data file into a block or a
 * loose variant, the image-folder block, choosing the base block and its rows, and naming.
 */
import type { Embeddings } from '../../compute/types.ts';
import { InputError } from '../errors.ts';
import { manifestFromJson, parseManifest } from '../manifest.ts';
import { parseNpy } from '../npy.ts';
import { decodeUtf8 } from '../table.ts';
import type { Allocate } from '../vectors-table.ts';
import { archiveBlock, copyInto, jsonlBlock, manifestBlock, tableBlock, vectorsBlock } from './formats.ts';
import type { FileKind } from './classify.ts';
import { isIdentity } from './join.ts';
import { dirName, fileName, stripExt } from './problems.ts';
import type { ImportReport } from './types.ts';
import { readArrowVectors } from '../arrow.ts';
import type { ProjectorBundle } from './projector-bundle.ts';
import type { Block, Part } from './blocks.ts';

/** The datasets of the first projector config that has several (the report lists them for the picker). */
export function datasetsOf(bundles: ProjectorBundle[]): Pick<ImportReport, 'datasets' | 'dataset'> {
  const b = bundles.find((x) => x.datasets.length > 1);
  return b ? { datasets: b.datasets, dataset: b.dataset } : {};
}

/** Parses a data file into a block (rows with or without ids) or a loose variant (rows without ids). */
export function parseData(
  path: string,
  kind: FileKind,
  bytes: Uint8Array,
  allocate: Allocate,
  warnings: string[],
): Block | Part | Promise<Block | Part> {
  const stem = stripExt(fileName(path));
  switch (kind) {
    case 'npy': {
      const x = copyInto(parseNpy(bytes, path), allocate);
      return { stem, name: stem, file: path, x };
    }
    case 'arrow':
      return vectorsBlock(readArrowVectors(bytes, path, allocate), 'embeddings (Arrow IPC)');
    case 'json': {
      const text = decodeUtf8(bytes, path);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (e) {
        throw new InputError(path, `not valid JSON: ${(e as Error).message}`);
      }
      if (typeof json === 'object' && json !== null && !Array.isArray(json) && 'input' in json && 'output' in json) {
        throw new InputError(path, `looks like a model card, but there is no ${stripExt(fileName(path))}.onnx next to it`);
      }
      return manifestBlock(manifestFromJson(json, path));
    }
    case 'table':
      return tableBlock(path, bytes, allocate);
    case 'jsonl':
      return jsonlBlock(path, bytes, allocate, warnings);
    case 'npz':
    case 'safetensors':
      return archiveBlock(path, kind, bytes, allocate, warnings);
    default:
      return manifestBlock(parseManifest(bytes, path));
  }
}

export function imageFolderBlock(paths: string[]): Block {
  const sorted = [...paths].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const dir = commonDir(sorted);
  const ids = sorted.map((p) => stripExt(p.slice(dir.length)));
  return {
    file: dir || '(images)',
    kind: 'image folder',
    n: sorted.length,
    ids,
    where: (i) => sorted[i],
    names: [],
    columns: {},
    images: { column: '(file)', paths: sorted },
    variants: [],
    isImageFolder: true,
  };
}

export function pickBase(blocks: Block[], loose: Part[]): Block | undefined {
  const byFile = (a: Block, b: Block) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
  const manifests = blocks.filter((b) => b.isManifest).sort(byFile);
  if (manifests.length) return manifests.find((b) => b.ids) ?? manifests[0];
  const meta = blocks.find((b) => b.kind === 'projector metadata');
  if (meta) return meta;
  const folder = blocks.find((b) => b.isImageFolder);
  if (folder) return folder;
  const keyed = blocks.filter((b) => b.ids).sort(byFile);
  if (keyed.length) return keyed[0];
  if (blocks.length) return blocks[0];
  if (loose.length) {
    // Rows of the first id-less file are the items.
    const first = [...loose].sort((a, b) => (a.file < b.file ? -1 : 1))[0];
    const b: Block = { file: first.file, kind: 'rows', n: first.x.n, where: (i) => `row ${i + 1}`, names: [], columns: {}, variants: [] };
    blocks.push(b);
    return b;
  }
  return undefined;
}

/** The kept rows of x, in order (x itself when nothing moves). */
export function pickRows(x: Embeddings, rows: Int32Array, allocate: Allocate): Embeddings {
  if (isIdentity(rows, x.n)) return x;
  const { dim } = x;
  const data = allocate(rows.length * dim);
  for (let k = 0; k < rows.length; k++) data.set(x.data.subarray(rows[k] * dim, (rows[k] + 1) * dim), k * dim);
  return { n: rows.length, dim, data };
}

/** Paths below the folder all files share: the hash does not depend on where the folder is. */
export function relativeTo(files: { path: string; digest: string }[]): { path: string; digest: string }[] {
  const dir = commonDir(files.map((f) => f.path));
  return files.map((f) => ({ path: f.path.slice(dir.length), digest: f.digest }));
}

export function commonDir(paths: string[]): string {
  if (paths.length === 0) return '';
  let dir = dirName(paths[0]);
  for (const p of paths) while (dir && !p.startsWith(dir)) dir = dirName(dir.slice(0, -1));
  return dir;
}

export function corpusName(base: Block): string {
  const dir = dirName(base.file).replace(/\/$/, '');
  return fileName(dir) || stripExt(fileName(base.file)) || 'import';
}

export function fmtBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (n >= 2 ** 10) return `${(n / 2 ** 10).toFixed(1)} KiB`;
  return `${n} bytes`;
}
