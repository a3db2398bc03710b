/**
 * TF Projector text files: vectors `.tsv` and metadata `.tsv`, written to the rules TensorBoard's
 * projector reads them by (tensorflow/tensorboard, tensorboard/plugins/projector/):
 * - vz_projector/data-provider.ts `parseTensors`: one line per point, values split on tabs, blank
 *   lines skipped, a first field that is not a number taken as a label, every row the same length
 *   and more than one value ("Found a vector with only one dimension?"); projector_plugin.py
 *   `_read_tensor_tsv_file` (the TensorBoard server) reads the same with `float()`.
 * - vz_projector/data-provider.ts `parseMetadata`: the first non-blank line is a header exactly
 *   when it contains a tab; lines that are blank after trim() are skipped (so a point whose values
 *   are all empty would shift every later row); values are split on tabs with no quoting or
 *   escapes; '' means a missing value. projector_plugin.py `_serve_metadata` uses the same
 *   header rule ("\t" in the first line).
 * So: one column → no header; several → a header row; tabs and line breaks inside values become
 * spaces; and when some row would be blank, an `index` column (the row number) goes first so no
 * row is dropped. src/data/table.ts reads the result back with the same header rule.
 */
import type { Embeddings } from '../../compute/types.ts';

/** Shortest decimal (≤ 9 significant digits) that reads back as the same float32. */
export function formatFloat32(v: number): string {
  const s = String(v);
  if (s.length <= 8) return s; // short doubles are exact: e.g. 0.5, -1.25, 3
  for (let p = 6; p <= 9; p++) {
    let t = v.toPrecision(p);
    if (Math.fround(Number(t)) === v) {
      // Drop trailing zeros of the mantissa: 0.100000 → 0.1, 1.50000e-7 → 1.5e-7.
      t = t.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1');
      return t;
    }
  }
  return s; // not reached for float32 values: 9 digits always round-trip
}

/** Vectors `.tsv`: one line per row, tab-separated values, no header. */
export function formatVectorsTsv(x: Embeddings): string {
  const { n, dim, data } = x;
  const lines = new Array<string>(n);
  const row = new Array<string>(dim);
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    for (let j = 0; j < dim; j++) row[j] = formatFloat32(data[o + j]);
    lines[i] = row.join('\t');
  }
  return n === 0 ? '' : lines.join('\n') + '\n';
}

function clean(s: string): string {
  return s.replace(/[\t\r\n]+/g, ' ');
}

export interface MetadataColumns {
  names: string[];
  /** columns[j][i]: row i of column j; every column has one value per point. */
  columns: readonly (readonly string[])[];
}

/** What {@link formatMetadataTsv} wrote: the column names as a reader will see them. */
export interface MetadataTsv {
  text: string;
  /** Names in file order; a one-column file has no header and reads back as `label`. */
  names: string[];
  hasHeader: boolean;
  /** An `index` column was added in front because some row would otherwise be blank. */
  indexAdded: boolean;
}

/** Metadata `.tsv` by TensorBoard's rules (see the module comment). */
export function formatMetadataTsv(meta: MetadataColumns): MetadataTsv {
  if (meta.names.length === 0) throw new RangeError('formatMetadataTsv: no columns');
  if (meta.names.length !== meta.columns.length) throw new RangeError('formatMetadataTsv: names and columns differ in length');
  const n = meta.columns[0].length;
  for (const c of meta.columns) if (c.length !== n) throw new RangeError('formatMetadataTsv: columns differ in length');
  let names = meta.names.map((s, j) => clean(s).trim() || `column${j + 1}`);
  let columns = meta.columns.map((c) => c.map(clean));
  const blank = (i: number) => columns.every((c) => c[i].trim() === '');
  let indexAdded = false;
  for (let i = 0; i < n; i++) {
    if (blank(i)) {
      indexAdded = true;
      break;
    }
  }
  if (indexAdded) {
    names = ['index', ...names];
    columns = [Array.from({ length: n }, (_, i) => String(i)), ...columns];
  }
  // Header names must be distinct for a reader that keys values by name.
  const seen = new Set<string>();
  names = names.map((name) => {
    let u = name;
    for (let k = 2; seen.has(u); k++) u = `${name} (${k})`;
    seen.add(u);
    return u;
  });
  const lines: string[] = [];
  const hasHeader = names.length > 1;
  if (hasHeader) lines.push(names.join('\t'));
  for (let i = 0; i < n; i++) lines.push(columns.map((c) => c[i]).join('\t'));
  return { text: lines.join('\n') + '\n', names: hasHeader ? names : ['label'], hasHeader, indexAdded };
}
