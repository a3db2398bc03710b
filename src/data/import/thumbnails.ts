/**
 * Thumbnails of an import: the images a block names (files, decoded once each however many items
 * show them) or holds itself (Parquet {bytes, path} structs), each squared to the import's size.
 */
import { toSquareRgb } from '../../encoders/square.ts';
import { InputError } from '../errors.ts';
import type { Block } from './blocks.ts';
import type { Problems } from './problems.ts';
import type { ImportFile, ImportOptions } from './types.ts';

export async function decodeAll(
  b: Block,
  rows: Int32Array,
  out: Uint8Array,
  size: number,
  byPath: Map<string, ImportFile>,
  read: (p: string) => Promise<Uint8Array>,
  opts: ImportOptions,
  problems: Problems,
): Promise<void> {
  if (b.imageBytes) return decodeEmbedded(b, rows, out, size, opts, problems);
  return decodeFiles(b, rows, out, size, byPath, read, opts, problems);
}

/** Images held in the table itself ({bytes, path} structs): each row's bytes decoded. */
async function decodeEmbedded(
  b: Block,
  rows: Int32Array,
  out: Uint8Array,
  size: number,
  opts: ImportOptions,
  problems: Problems,
): Promise<void> {
  const { bytes, paths, column } = b.imageBytes!;
  const tile = size * size * 3;
  let missing = 0;
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    const data = bytes[r];
    if (!data) {
      if (missing++ < 5)
        problems.add(
          new InputError(
            b.file,
            `no image bytes in column "${column}"${paths[r] ? ` (path ${JSON.stringify(paths[r])})` : ''}`,
            b.where(r),
          ),
          b.file,
        );
      continue;
    }
    const where = `${b.file} (${b.where(r)}, column "${column}")`;
    await problems.run(b.file, async () => {
      const img = await opts.decodeImage(data, where);
      if (!img || !(img.width > 0) || !(img.height > 0) || !(img.data?.length >= img.width * img.height * 4))
        throw new InputError(b.file, 'the image decoded to nothing (0 pixels)', b.where(r));
      out.set(toSquareRgb(img, size), k * tile);
    });
  }
  if (missing > 5) problems.add(new InputError(b.file, `${missing} images missing in all (5 listed)`), b.file);
}

async function decodeFiles(
  b: Block,
  rows: Int32Array,
  out: Uint8Array,
  size: number,
  byPath: Map<string, ImportFile>,
  read: (p: string) => Promise<Uint8Array>,
  opts: ImportOptions,
  problems: Problems,
): Promise<void> {
  const paths = b.images!.paths;
  const tile = size * size * 3;
  let missing = 0;
  const jobs: { k: number; path: string }[] = [];
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    const p = paths[r];
    if (!p) {
      if (missing++ < 5) problems.add(new InputError(b.file, `no image path in column "${b.images!.column}"`, b.where(r)), b.file);
    } else if (!byPath.has(p)) {
      if (missing++ < 5)
        problems.add(
          new InputError(b.file, `image ${JSON.stringify(p)} (column "${b.images!.column}") is not among the imported files`, b.where(r)),
          b.file,
        );
    } else jobs.push({ k, path: p });
  }
  if (missing > 5) problems.add(new InputError(b.file, `${missing} images missing in all (5 listed)`), b.file);
  // Each image is read and decoded once, however many items show it.
  const byImage = new Map<string, number[]>();
  for (const { k, path } of jobs) {
    const ks = byImage.get(path);
    if (ks) ks.push(k);
    else byImage.set(path, [k]);
  }
  const work = [...byImage.entries()];
  let next = 0;
  const worker = async () => {
    while (next < work.length) {
      const [path, ks] = work[next++];
      await problems.run(path, async () => {
        const img = await opts.decodeImage(await read(path), path);
        if (!img || !(img.width > 0) || !(img.height > 0) || !(img.data?.length >= img.width * img.height * 4)) {
          throw new InputError(path, 'the image decoded to nothing (0 pixels)');
        }
        const rgb = toSquareRgb(img, size);
        for (const k of ks) out.set(rgb, k * tile);
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(4, work.length) }, worker));
}
