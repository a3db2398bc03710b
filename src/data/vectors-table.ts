/**
 * Embeddings in CSV/TSV, pure TypeScript:
 * - with ids: a header row, an id column (`id`, any case, else the first column) and either
 *   (a) numeric columns — together one vector per row (one variant), or
 *   (b) one or more vector columns holding "[0.1, 0.2, …]" or "0.1 0.2 …" — each a variant;
 * - without ids: no header, every line a row of numbers (the TF Projector vectors layout, tabs or
 *   commas), rows aligned with the items.
 * Errors name the file, the row (line) and column: non-numbers, NaN/±Inf, rows of another length.
 */
import type { Embeddings } from '../compute/types.ts';
import { InputError } from './errors.ts';
import type { Delimiter, Table } from './table.ts';
import { lineOfRow, splitRecords } from './table.ts';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NONFINITE = /^[+-]?(?:nan|inf|infinity)$/i;

export type Allocate = (length: number) => Float32Array;
export const defaultAllocate: Allocate = (n) => new Float32Array(n);

export function isNumberText(s: string): boolean {
  const t = s.trim();
  return NUMBER.test(t) || NONFINITE.test(t);
}

/** "[0.1, 0.2]", "0.1 0.2", "0.1,0.2": at least 2 numbers. */
export function vectorTokens(s: string): string[] | undefined {
  let t = s.trim();
  const bracketed = t.startsWith('[');
  if (bracketed && t.endsWith(']')) t = t.slice(1, -1);
  else if (bracketed) return undefined;
  const parts = t.split(/[\s,;]+/).filter((p) => p !== '');
  return bracketed || parts.length >= 2 ? parts : undefined;
}

/** Parses one number; throws naming row and column when it is not a finite float32. */
export function parseNumber(s: string, file: string, where: string, column: string): number {
  const t = s.trim();
  if (!NUMBER.test(t)) {
    if (NONFINITE.test(t)) throw new InputError(file, `${t} at column ${column}; every value must be a finite number`, where);
    const hint =
      t === '...'
        ? ' (numpy shortened a long array when it was written as text: write lists, or call np.set_printoptions(threshold=sys.maxsize) first)'
        : '';
    throw new InputError(
      file,
      `${t === '' ? 'empty value' : JSON.stringify(t.length > 40 ? `${t.slice(0, 37)}...` : t)} at column ${column} is not a number${hint}`,
      where,
    );
  }
  const f = Math.fround(Number(t));
  if (!Number.isFinite(f)) throw new InputError(file, `${t} at column ${column} does not fit in float32`, where);
  return f;
}

export interface IdVectors {
  file: string;
  ids: string[];
  /** One per vector column (`column` undefined when the numeric columns make one vector). */
  variants: { column?: string; x: Embeddings }[];
  where(i: number): string;
}

/** Column names that always hold vectors (so an empty or broken one is an error, not a label). */
export const VECTOR_NAMES = /^(vector|vectors|vec|embedding|embeddings|emb)$/i;

export type TableShape = { kind: 'numeric'; idColumn: number; columns: number[] } | { kind: 'vector'; idColumn: number; columns: number[] };

/** Whether a headed table holds embeddings (and how), judged by its first data row. */
export function vectorsTableShape(t: Table): TableShape | undefined {
  if (!t.hasHeader || t.n === 0 || t.names.length < 2) return undefined;
  const lower = t.names.map((s) => s.toLowerCase());
  let idColumn = lower.indexOf('id');
  if (idColumn < 0) {
    if (isNumberText(t.columns[0][0])) return undefined;
    idColumn = 0;
  }
  const others = t.names.map((_, j) => j).filter((j) => j !== idColumn);
  if (others.length >= 2 && others.every((j) => isNumberText(t.columns[j][0]))) return { kind: 'numeric', idColumn, columns: others };
  // Vector columns: "[…]" (even empty or broken, so the problem is named) or ≥ 2 numbers.
  const vectorLike = (j: number) =>
    VECTOR_NAMES.test(t.names[j].trim()) ||
    t.columns[j][0].trim().startsWith('[') ||
    (vectorTokens(t.columns[j][0])?.some(isNumberText) === true && !isNumberText(t.columns[j][0]));
  if (others.every(vectorLike)) return { kind: 'vector', idColumn, columns: others };
  return undefined;
}

export function vectorsFromTable(t: Table, shape: TableShape, file: string, allocate: Allocate = defaultAllocate): IdVectors {
  const where = (i: number) => `row ${i + 1} (line ${lineOfRow(t, i)})`;
  const ids = t.columns[shape.idColumn].map((s) => s.trim());
  const n = t.n;
  if (shape.kind === 'numeric') {
    const dim = shape.columns.length;
    const data = allocate(n * dim);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < dim; c++) {
        const j = shape.columns[c];
        data[i * dim + c] = parseNumber(t.columns[j][i], file, where(i), `${c + 1} ("${t.names[j]}")`);
      }
    }
    return { file, ids, variants: [{ x: { n, dim, data } }], where };
  }
  const variants = shape.columns.map((j) => {
    const name = t.names[j];
    const first = vectorTokens(t.columns[j][0]) ?? (isNumberText(t.columns[j][0]) ? [t.columns[j][0]] : []);
    const dim = first.length;
    if (dim === 0) throw new InputError(file, `column "${name}" holds an empty vector`, where(0));
    const data = allocate(n * dim);
    for (let i = 0; i < n; i++) {
      const tokens = vectorTokens(t.columns[j][i]) ?? (isNumberText(t.columns[j][i]) ? [t.columns[j][i]] : undefined);
      if (!tokens) throw new InputError(file, `column "${name}" is not a vector ("[0.1, 0.2, …]" or space-separated numbers)`, where(i));
      if (tokens.length !== dim)
        throw new InputError(file, `column "${name}" has ${tokens.length} values, expected ${dim} (as in row 1)`, where(i));
      for (let c = 0; c < dim; c++) data[i * dim + c] = parseNumber(tokens[c], file, where(i), `"${name}"[${c}]`);
    }
    return { column: name, x: { n, dim, data } };
  });
  return { file, ids, variants, where };
}

/** True when the first line is all numbers (a headerless vectors file). */
export function firstLineNumeric(text: string, delimiter: Delimiter): boolean {
  const nl = text.indexOf('\n');
  let line = nl >= 0 ? text.slice(0, nl) : text;
  if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
  line = line.replace(/\r$/, '');
  const fields = line.split(delimiter);
  return line.trim() !== '' && fields.every(isNumberText);
}

/** A headerless file of numbers (one row per item) → embeddings. */
export function parseHeaderlessVectors(text: string, delimiter: Delimiter, file: string, allocate: Allocate = defaultAllocate): Embeddings {
  const records = splitRecords(text, delimiter, file).filter(
    (r, i, all) => !(i === all.length - 1 && r.fields.length === 1 && r.fields[0].trim() === ''),
  );
  const n = records.length;
  if (n === 0) throw new InputError(file, 'the file is empty (no vectors)');
  const dim = records[0].fields.length;
  const data = allocate(n * dim);
  for (let i = 0; i < n; i++) {
    const r = records[i];
    const where = `row ${i + 1} (line ${r.line})`;
    if (r.fields.length !== dim) throw new InputError(file, `row has ${r.fields.length} values, expected ${dim} (as on line 1)`, where);
    for (let j = 0; j < dim; j++) data[i * dim + j] = parseNumber(r.fields[j], file, where, String(j + 1));
  }
  return { n, dim, data };
}
