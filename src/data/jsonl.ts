/**
 * JSON Lines tables (`.jsonl`, `.ndjson`): one JSON object per line, as pandas writes them
 * (`df.to_json(orient='records', lines=True)`) and Embedding Atlas reads them. Pure TypeScript.
 *
 * - text values, numbers, booleans and null (→ "") are item columns (`id` → identity of the row for
 *   the join, `image`/`path` → image paths, the rest labels: see manifest.ts);
 * - arrays of numbers are vectors: each such key is a variant (every row needs one, all of one length);
 * - nested objects and other arrays are skipped (listed);
 * - blank lines are skipped (counted); UTF-8 BOM, CRLF and a missing final newline are fine.
 */
import type { Embeddings } from '../compute/types.ts';
import { InputError } from './errors.ts';
import { manifestFromColumns, type Manifest } from './manifest.ts';
import type { Allocate } from './vectors-table.ts';

export interface JsonlTable {
  manifest: Manifest;
  vectors: { column: string; x: Embeddings }[];
  skipped: string[];
}

export function parseJsonl(text: string, file: string, allocate: Allocate): JsonlTable {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows: Record<string, unknown>[] = [];
  const lines: number[] = [];
  let blank = 0;
  const all = text.split('\n');
  if (all.length > 0 && all[all.length - 1] === '') all.pop();
  for (let i = 0; i < all.length; i++) {
    const l = all[i];
    if (/^[ \t\r]*$/.test(l)) {
      blank++;
      continue;
    }
    let v: unknown;
    try {
      v = JSON.parse(l);
    } catch (e) {
      throw new InputError(file, `not a JSON object: ${(e as Error).message}`, `line ${i + 1}`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v))
      throw new InputError(
        file,
        `line holds ${Array.isArray(v) ? 'an array' : v === null ? 'null' : `a ${typeof v}`}, expected one JSON object per line`,
        `line ${i + 1}`,
      );
    rows.push(v as Record<string, unknown>);
    lines.push(i + 1);
  }
  const n = rows.length;
  if (n === 0) throw new InputError(file, 'the file has no rows (one JSON object per line)');
  const where = (i: number) => `row ${i + 1} (line ${lines[i]})`;

  // What each key holds: a vector when any row holds a non-empty array of numbers there (so one
  // broken row is an error, not a silently dropped variant); else from its first non-null value.
  const kinds = new Map<string, 'scalar' | 'vector' | 'skip'>();
  for (const r of rows) {
    for (const [k, v] of Object.entries(r)) {
      if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number')) kinds.set(k, 'vector');
      if (kinds.has(k) || v === null || v === undefined) continue;
      if (Array.isArray(v) || typeof v === 'object') kinds.set(k, 'skip');
      else kinds.set(k, 'scalar');
    }
  }
  for (const r of rows) for (const k of Object.keys(r)) if (!kinds.has(k)) kinds.set(k, 'scalar');
  const names = [...kinds.keys()].filter((k) => kinds.get(k) === 'scalar');
  const columns: Record<string, string[]> = Object.create(null);
  for (const k of names) {
    const col = (columns[k] = new Array<string>(n));
    for (let i = 0; i < n; i++) {
      const v = rows[i][k];
      if (v === null || v === undefined) col[i] = '';
      else if (typeof v === 'string') col[i] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') col[i] = String(v);
      else
        throw new InputError(
          file,
          `"${k}" is ${Array.isArray(v) ? 'an array' : 'an object'} here but text or a number in other rows`,
          where(i),
        );
    }
  }
  const vectors: JsonlTable['vectors'] = [];
  for (const [k, kind] of kinds) {
    if (kind !== 'vector') continue;
    let dim = -1;
    let data: Float32Array = new Float32Array(0);
    for (let i = 0; i < n; i++) {
      const v = rows[i][k];
      if (!Array.isArray(v))
        throw new InputError(
          file,
          `"${k}" is ${v === null || v === undefined ? 'missing' : 'not an array of numbers'}; every row needs its vector`,
          where(i),
        );
      if (dim < 0) {
        dim = v.length;
        data = allocate(n * dim);
      } else if (v.length !== dim) throw new InputError(file, `"${k}" has ${v.length} values, expected ${dim} (as in row 1)`, where(i));
      for (let j = 0; j < dim; j++) {
        const x = v[j];
        const f = typeof x === 'number' ? Math.fround(x) : NaN;
        if (!Number.isFinite(f)) {
          const what = typeof x !== 'number' ? `${JSON.stringify(x)?.slice(0, 20)} is not a number` : `${x} does not fit in float32`;
          throw new InputError(file, `"${k}"[${j}]: ${what}; every value must be a finite number`, where(i));
        }
        data[i * dim + j] = f;
      }
    }
    vectors.push({ column: k, x: { n, dim, data } });
  }
  const skipped = [...kinds.entries()].filter(([, kind]) => kind === 'skip').map(([k]) => k);
  const manifest = manifestFromColumns(file, names, { ...columns }, n, where);
  if (blank) manifest.blankLines = blank;
  return { manifest, vectors, skipped };
}
