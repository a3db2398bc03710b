/**
 * Data files → import blocks (./blocks.ts), one function per layout: item manifests, tables with
 * vectors (CSV/TSV from pandas or by hand), JSON Lines, and the archives of named arrays (`.npz`,
 * `.safetensors`). Pure TypeScript (Node and the import worker).
 */
import type { Embeddings } from '../../compute/types.ts';
import { parseJsonl } from '../jsonl.ts';
import { manifestFromTable, type Manifest } from '../manifest.ts';
import { decodeUtf8, delimiterFor, parseTable, type Table } from '../table.ts';
import { parseNpz, parseSafetensors, type NamedArrays } from '../tensor-archives.ts';
import {
  defaultAllocate,
  firstLineNumeric,
  parseHeaderlessVectors,
  vectorsFromTable,
  vectorsTableShape,
  VECTOR_NAMES,
  type Allocate,
  type IdVectors,
} from '../vectors-table.ts';
import type { Block, Part } from './blocks.ts';
import { dirName, fileName, joinPath, stripExt } from './problems.ts';

export function manifestBlock(m: Manifest): Block {
  const b: Block = {
    file: m.file,
    kind: 'manifest',
    n: m.n,
    ids: m.idColumn ? m.columns[m.idColumn].map((s) => s.trim()) : undefined,
    where: m.where,
    names: m.names.filter((s) => s !== m.idColumn),
    columns: m.columns,
    variants: [],
    isManifest: true,
    ...(m.blankLines ? { blankLines: m.blankLines } : {}),
  };
  if (m.imageColumn) {
    const dir = dirName(m.file);
    b.images = { column: m.imageColumn, paths: m.columns[m.imageColumn].map((s) => (s.trim() ? joinPath(dir, s.trim()) : '')) };
  }
  return b;
}

/** Variant names of one file's vector columns: the stem alone, or "stem:column" when there are several. */
export function partsOf(file: string, cols: { column?: string; x: Embeddings }[]): Part[] {
  const stem = stripExt(fileName(file));
  const multi = cols.length > 1;
  return cols.map((c) => {
    const s = multi && c.column ? `${stem}:${c.column}` : stem;
    return { stem: s, name: s, file, x: c.x };
  });
}

export function vectorsBlock(v: IdVectors, kind: string): Block {
  return { file: v.file, kind, n: v.ids.length, ids: v.ids, where: v.where, names: [], columns: {}, variants: partsOf(v.file, v.variants) };
}

/**
 * pandas `to_csv` writes its index as a first column with an empty name ("Unnamed: 0" once read
 * back and written again). When its values are integers it is the row index: the id when the table
 * has no `id` column, else dropped.
 */
export function dropPandasIndex(t: Table): Table {
  if (!t.hasHeader || t.names.length < 2) return t;
  const first = t.names[0];
  if (!(first === 'column1' || /^Unnamed: 0$/.test(first))) return t;
  if (!t.columns[0].every((v) => /^-?\d+$/.test(v.trim()))) return t;
  const hasId = t.names.some((s, j) => j > 0 && s.toLowerCase() === 'id');
  if (hasId) return { ...t, names: t.names.slice(1), columns: t.columns.slice(1) };
  return { ...t, names: ['id', ...t.names.slice(1)], columns: t.columns };
}

/** CSV/TSV: headerless numbers, a vectors table, a manifest, or a manifest with "[…]" vector columns (pandas). */
export function tableBlock(path: string, bytes: Uint8Array, allocate: Allocate): Block | Part {
  const text = decodeUtf8(bytes, path);
  const delim = delimiterFor(path);
  const stem = stripExt(fileName(path));
  if (firstLineNumeric(text, delim)) return { stem, name: stem, file: path, x: parseHeaderlessVectors(text, delim, path, allocate) };
  const t = dropPandasIndex(parseTable(text, path, delim));
  const blank = t.blankLines ? { blankLines: t.blankLines } : {};
  const shape = vectorsTableShape(t);
  if (shape) return { ...vectorsBlock(vectorsFromTable(t, shape, path, allocate), 'embeddings (CSV/TSV)'), ...blank };
  // Label columns beside "[…]" vector columns (pandas writes lists and numpy arrays so).
  const vectorCols = t.hasHeader
    ? t.names.map((_, j) => j).filter((j) => VECTOR_NAMES.test(t.names[j].trim()) || t.columns[j][0]?.trim().startsWith('['))
    : [];
  const m = manifestFromTable(
    vectorCols.length
      ? { ...t, names: t.names.filter((_, j) => !vectorCols.includes(j)), columns: t.columns.filter((_, j) => !vectorCols.includes(j)) }
      : t,
    path,
  );
  const b = manifestBlock(m);
  if (vectorCols.length) {
    const v = vectorsFromTable(t, { kind: 'vector', idColumn: 0, columns: vectorCols }, path, allocate);
    b.kind = 'manifest + embeddings (CSV/TSV)';
    b.variants = partsOf(path, v.variants);
  }
  return b;
}

/** JSON Lines: item columns + one variant per vector key. */
export function jsonlBlock(path: string, bytes: Uint8Array, allocate: Allocate, warnings: string[]): Block {
  const j = parseJsonl(decodeUtf8(bytes, path), path, allocate);
  const b = manifestBlock(j.manifest);
  b.kind = j.vectors.length ? 'manifest + embeddings (JSON Lines)' : 'manifest (JSON Lines)';
  b.variants = partsOf(path, j.vectors);
  if (j.skipped.length) warnings.push(`${path}: keys holding objects or non-numeric arrays skipped (${j.skipped.join(', ')})`);
  return b;
}

/** `.npz` / `.safetensors`: one variant per 2-D float array, rows = the items (no ids). */
export function archiveBlock(path: string, kind: 'npz' | 'safetensors', bytes: Uint8Array, allocate: Allocate, warnings: string[]): Block {
  const a: NamedArrays = kind === 'npz' ? parseNpz(bytes, path) : parseSafetensors(bytes, path);
  if (a.skipped.length) warnings.push(`${path}: arrays skipped (${a.skipped.join('; ')})`);
  const stem = stripExt(fileName(path));
  const positional = (k: string) => /^arr_\d+$/.test(k);
  const n = a.arrays[0].x.n;
  const variants: Part[] = a.arrays.map(({ key, x }) => {
    const name = positional(key) ? (a.arrays.length > 1 ? `${stem}:${key}` : stem) : key;
    return { stem: name, name, file: path, x: copyInto(x, allocate) };
  });
  return {
    file: path,
    kind: kind === 'npz' ? 'embeddings (.npz)' : 'embeddings (.safetensors)',
    n,
    where: (i) => `row ${i + 1}`,
    names: [],
    columns: {},
    variants,
  };
}

export function copyInto(x: Embeddings, allocate: Allocate): Embeddings {
  if (allocate === defaultAllocate) return x;
  const data = allocate(x.data.length);
  data.set(x.data);
  return { n: x.n, dim: x.dim, data };
}
