/**
 * Item manifests: one row per item with an `id`, an image path column (`image`, `image_path`, `path`,
 * `file` or `filename`, relative to the manifest's folder), a `title`, any label columns (facets) and
 * optionally `identity`. Formats: CSV/TSV with a header row (src/data/table.ts), or JSON — an array
 * of objects or `{ "items": [ … ] }` whose values are strings, numbers, booleans or null (→ "").
 * Pure TypeScript; every problem is an InputError naming the file and the row.
 */
import { InputError } from './errors.ts';
import { decodeUtf8, lineOfRow, parseTable, type Table } from './table.ts';

export const ID_COLUMN = 'id';
export const IMAGE_COLUMNS = ['image', 'image_path', 'path', 'file', 'filename'];

export interface Manifest {
  file: string;
  n: number;
  /** Column names in file order; `columns[name][i]` is row i. */
  names: string[];
  columns: Record<string, string[]>;
  /** The id column's name (`id`, any case), when there is one. */
  idColumn?: string;
  /** The image path column's name, when there is one. */
  imageColumn?: string;
  /** How messages name row i ("row 3 (line 4)", "items[2]"). */
  where(i: number): string;
  /** Blank lines skipped (CSV/TSV). */
  blankLines?: number;
}

export function isJsonName(file: string): boolean {
  return /\.json$/i.test(file);
}

/** Parses a manifest file (by extension: `.json` → JSON, `.csv` → CSV, else TSV). */
export function parseManifest(bytes: Uint8Array, file: string): Manifest {
  const text = decodeUtf8(bytes, file);
  if (isJsonName(file)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new InputError(file, `not valid JSON: ${(e as Error).message}`);
    }
    return manifestFromJson(json, file);
  }
  return manifestFromTable(parseTable(text, file), file);
}

export function manifestFromTable(t: Table, file: string): Manifest {
  if (!t.hasHeader) {
    throw new InputError(file, 'a manifest needs a header row naming its columns (id, image, title, labels…)', 'line 1');
  }
  const columns: Record<string, string[]> = {};
  t.names.forEach((name, j) => (columns[name] = t.columns[j]));
  const m = finish(file, t.names, columns, t.n, (i) => `row ${i + 1} (line ${lineOfRow(t, i)})`);
  if (t.blankLines) m.blankLines = t.blankLines;
  return m;
}

export function manifestFromJson(json: unknown, file: string): Manifest {
  let items: unknown = json;
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) items = (json as Record<string, unknown>).items;
  if (!Array.isArray(items)) throw new InputError(file, 'a JSON manifest must be an array of objects or { "items": [ … ] }');
  if (items.length === 0) throw new InputError(file, 'the manifest lists no items');
  const names: string[] = [];
  const columns: Record<string, string[]> = Object.create(null);
  const n = items.length;
  for (let i = 0; i < n; i++) {
    const it = items[i];
    if (typeof it !== 'object' || it === null || Array.isArray(it)) throw new InputError(file, 'item is not an object', `items[${i}]`);
    for (const [k, v] of Object.entries(it as Record<string, unknown>)) {
      let col = columns[k];
      if (!col) {
        col = columns[k] = new Array<string>(n).fill('');
        names.push(k);
      }
      if (v === null || v === undefined) col[i] = '';
      else if (typeof v === 'string') col[i] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') col[i] = String(v);
      else
        throw new InputError(
          file,
          `"${k}" is ${Array.isArray(v) ? 'an array' : 'an object'}; manifest values must be text, numbers or booleans`,
          `items[${i}]`,
        );
    }
  }
  return finish(file, names, { ...columns }, n, (i) => `items[${i}]`);
}

/** A manifest from columns already parsed (JSON Lines, Parquet, a table's non-vector columns). */
export function manifestFromColumns(
  file: string,
  names: string[],
  columns: Record<string, string[]>,
  n: number,
  where: (i: number) => string,
): Manifest {
  return finish(file, names, columns, n, where);
}

function finish(file: string, names: string[], columns: Record<string, string[]>, n: number, where: (i: number) => string): Manifest {
  const lower = names.map((s) => s.toLowerCase());
  const idIdx = lower.indexOf(ID_COLUMN);
  let imageColumn: string | undefined;
  for (const c of IMAGE_COLUMNS) {
    const j = lower.indexOf(c);
    if (j >= 0) {
      imageColumn = names[j];
      break;
    }
  }
  return { file, n, names, columns, idColumn: idIdx >= 0 ? names[idIdx] : undefined, imageColumn, where };
}
