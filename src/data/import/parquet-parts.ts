/**
 * Parquet in an import: single files, and folders of part files as Spark, Ray, Dask or DuckDB write
 * them (`part-00000-<uuid>.snappy.parquet`, `data_0.parquet`, `_SUCCESS` / `.crc` markers,
 * `key=value/` partition folders), read as ONE table: the parts in path order, each partition
 * `key=value` a column. A folder is read as parts when its Parquet files sit below `key=value/`
 * folders, or beside a job marker (`_SUCCESS`, `_committed_*`, `_started_*`, `_metadata`), or are
 * all named `part-…` / `data_…`; other Parquet files are tables of their own (joined by id).
 *
 * Footers are read first (rows and columns of every part, checked, before anything is allocated);
 * then each part is read one row group at a time — with `ImportFile.slice` only that row group's
 * bytes are fetched — into one preallocated float32 array per variant.
 */
import { InputError } from '../errors.ts';
import { newSink, planParquet, readParquetRows, bytesSource, type ByteSource, type ParquetPlan } from '../parquet.ts';
import type { Allocate } from '../vectors-table.ts';
import type { Block } from './blocks.ts';
import type { FileKind } from './classify.ts';
import { partsOf } from './formats.ts';
import { digestHex } from './hash.ts';
import { fileName } from './problems.ts';
import type { ImportFile } from './types.ts';

const PARTITION = /^([^=/]+)=([^/]*)$/;
const PART_NAME = /^(part|data)[-_]/i;

export interface ParquetGroup {
  /** The folder the table lives in ('' = the top), or the file itself for a single file. */
  root: string;
  files: { path: string; partition: [string, string][] }[];
  isParts: boolean;
}

/** Groups the Parquet files of an import into tables (see the module comment). */
export function parquetGroups(kinds: Map<string, FileKind>, claimed: Set<string>): ParquetGroup[] {
  const byRoot = new Map<string, ParquetGroup['files']>();
  for (const [path, kind] of kinds) {
    if (kind !== 'parquet' || claimed.has(path)) continue;
    const segs = path.split('/');
    const dirs = segs.slice(0, -1);
    const partition: [string, string][] = [];
    while (dirs.length && PARTITION.test(dirs[dirs.length - 1])) {
      const m = PARTITION.exec(dirs.pop()!)!;
      partition.unshift([m[1], decode(m[2])]);
    }
    const root = dirs.join('/');
    const list = byRoot.get(root) ?? [];
    list.push({ path, partition });
    byRoot.set(root, list);
  }
  const markers = new Set([...kinds.entries()].filter(([, k]) => k === 'marker').map(([p]) => p.slice(0, Math.max(0, p.lastIndexOf('/')))));
  const out: ParquetGroup[] = [];
  for (const [root, files] of byRoot) {
    const isParts =
      files.some((f) => f.partition.length > 0) ||
      markers.has(root) ||
      (files.length > 1 && files.every((f) => PART_NAME.test(fileName(f.path))));
    if (isParts) out.push({ root, files: files.sort((a, b) => (a.path < b.path ? -1 : 1)), isParts });
    else for (const f of files) out.push({ root: f.path, files: [f], isParts: false });
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export interface PartsCtx {
  byPath: Map<string, ImportFile>;
  /** Whole-file read (counted, digested) when the file cannot be sliced. */
  read(path: string): Promise<Uint8Array>;
  allocate: Allocate;
  /** Records the digest of a file read in slices. */
  digest(path: string, hex: string): void;
}

/** Reads a group as one block: ids (when the parts have an id column), item columns, images, variants. */
export async function readParquetGroup(g: ParquetGroup, ctx: PartsCtx): Promise<Block> {
  const plans: { plan: ParquetPlan; src: ByteSource; path: string; partition: [string, string][]; sliced: boolean }[] = [];
  for (const f of g.files) {
    const file = ctx.byPath.get(f.path)!;
    const sliced = typeof file.slice === 'function';
    const src: ByteSource = sliced ? { byteLength: file.size, slice: (s, e) => file.slice!(s, e) } : bytesSource(await ctx.read(f.path));
    plans.push({ plan: await planParquet(src, f.path), src, path: f.path, partition: f.partition, sliced });
  }
  const first = plans[0].plan;
  for (const p of plans) {
    const names = (q: ParquetPlan) => q.vectors.map((c) => c.name).join(', ');
    if (names(p.plan) !== names(first))
      throw new InputError(
        p.path,
        `vector columns (${names(p.plan)}) differ from ${plans[0].path}'s (${names(first)}); the parts of one table share their columns`,
      );
    if (p.plan.idCol !== first.idCol) {
      const what = (q: ParquetPlan) => (q.idCol ? `id column "${q.idCol}"` : 'no id column');
      throw new InputError(
        p.path,
        `has ${what(p.plan)} but ${plans[0].path} has ${what(first)}; the parts of one table share their columns`,
      );
    }
  }
  const total = plans.reduce((s, p) => s + p.plan.n, 0);
  const sink = newSink(total, ctx.allocate);
  const starts: number[] = [];
  let base = 0;
  const partCols = new Map<string, string[]>();
  for (const p of plans) {
    starts.push(base);
    const digests: string[] = p.sliced ? [await digestHex(p.plan.footer)] : [];
    await readParquetRows(p.plan, p.src, sink, base, p.sliced ? async (b) => void digests.push(await digestHex(b)) : undefined);
    if (p.sliced) ctx.digest(p.path, await digestHex(new TextEncoder().encode(`${p.plan.size}\n${digests.join('\n')}`)));
    for (const [k, v] of p.partition) {
      let col = partCols.get(k);
      if (!col) partCols.set(k, (col = new Array<string>(total).fill('')));
      col.fill(v, base, base + p.plan.n);
    }
    base += p.plan.n;
  }
  const partOf = (i: number) => {
    let k = starts.length - 1;
    while (k > 0 && starts[k] > i) k--;
    return k;
  };
  const where = (i: number) => {
    const k = partOf(i);
    return g.isParts ? `${fileName(plans[k].path)} row ${i - starts[k] + 1}` : `row ${i + 1}`;
  };
  const columns: Record<string, string[]> = { ...sink.columns };
  for (const [k, v] of partCols) if (!(k in columns)) columns[k] = v;
  const file = g.isParts ? g.root || 'parts' : g.root;
  const variants = partsOf(
    g.isParts ? `${file}.parquet` : file,
    first.vectors.map((c) => ({
      column: c.name,
      x: { n: total, dim: sink.vectors.get(c.name)!.dim, data: sink.vectors.get(c.name)!.data },
    })),
  );
  for (const v of variants) v.file = file;
  const block: Block = {
    file,
    kind: g.isParts
      ? `embeddings (${plans.length} Parquet part${plans.length === 1 ? '' : 's'})`
      : first.labels.size || first.image
        ? 'embeddings (Parquet, Hugging Face datasets)'
        : 'embeddings (Parquet)',
    n: total,
    ids: sink.ids,
    where,
    names: Object.keys(columns),
    columns,
    variants,
  };
  if (sink.images) block.imageBytes = { column: first.image!, bytes: sink.images, paths: sink.imagePaths ?? [] };
  return block;
}
