/**
 * Delimited text tables (TSV and CSV), pure TypeScript for the app and the CLI.
 *
 * - UTF-8 only, validated (the error gives the byte offset and line of the first bad sequence);
 *   a leading BOM is dropped; LF and CRLF line ends.
 * - TSV: fields split on tabs, no quoting (TF Projector's metadata format).
 * - CSV: RFC 4180 (double-quoted fields may hold commas, quotes as "" and line breaks).
 * - Header rule: a file whose first line has a single column has NO header (the TF Projector
 *   convention) and its one column is named `label`; otherwise the first line names the columns.
 * - Rows must be rectangular: every row has as many fields as the first line (error names the line).
 * - Blank lines (nothing but spaces or tabs) are skipped, as TensorBoard's projector skips them in
 *   metadata and pandas' read_csv does (`skip_blank_lines`); `Table.blankLines` counts them (a final
 *   line break is a line end, not a blank line). A file ends with a line break or without one.
 */
import { InputError } from './errors.ts';

export type Delimiter = '\t' | ',';

export interface Table {
  /** Column names, in file order. */
  names: string[];
  /** columns[j][i] is row i of column j. */
  columns: string[][];
  /** Number of data rows (the header excluded). */
  n: number;
  hasHeader: boolean;
  /** Blank lines skipped (see the module comment). */
  blankLines?: number;
  /** With blank lines skipped: the 1-based file line of each data row. */
  lines?: number[];
}

/** The file line of data row i (0-based) of a table, for messages. */
export function lineOfRow(t: Table, i: number): number {
  return t.lines?.[i] ?? i + (t.hasHeader ? 2 : 1);
}

/** `.csv` → comma; anything else (`.tsv`, `.txt`, …) → tab. */
export function delimiterFor(file: string): Delimiter {
  return /\.csv$/i.test(file) ? ',' : '\t';
}

/** Decodes UTF-8 text strictly (BOM dropped); invalid bytes are an InputError with offset and line. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    let line = 1;
    for (let i = 0; i < at; i++) if (bytes[i] === 0x0a) line++;
    const b = bytes[at] ?? 0;
    throw new InputError(
      file,
      `not valid UTF-8 (byte 0x${b.toString(16).padStart(2, '0')}); save the file as UTF-8`,
      `byte ${at}, line ${line}`,
    );
  }
}

/** Byte offset of the first invalid UTF-8 sequence (bytes.length when the input is valid). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
      cp = b & 0x1f;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
      cp = b & 0x0f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
      cp = b & 0x07;
    } else {
      return i;
    }
    if (i + need >= n) return i; // truncated sequence at the end
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return n;
}

interface RawRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

/** Splits text into records; TSV has no quoting, CSV follows RFC 4180. Blank lines are kept as records of one empty field. */
export function splitRecords(text: string, delimiter: Delimiter, file: string): RawRecord[] {
  return splitRecordsSkipping(text, delimiter, file, false).records;
}

/** splitRecords; with `skipBlank`, blank lines (spaces/tabs only) are left out and counted. */
export function splitRecordsSkipping(
  text: string,
  delimiter: Delimiter,
  file: string,
  skipBlank: boolean,
): { records: RawRecord[]; blank: number } {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return delimiter === '\t' ? splitTsv(text, skipBlank) : splitCsv(text, file, skipBlank);
}

const BLANK = /^[ \t\r]*$/;

function splitTsv(text: string, skipBlank: boolean): { records: RawRecord[]; blank: number } {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const out: RawRecord[] = [];
  let blank = 0;
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i];
    if (skipBlank && BLANK.test(l)) {
      blank++;
      continue;
    }
    if (l.endsWith('\r')) l = l.slice(0, -1);
    out.push({ fields: l.split('\t'), line: i + 1 });
  }
  return { records: out, blank };
}

function splitCsv(text: string, file: string, skipBlank: boolean): { records: RawRecord[]; blank: number } {
  const out: RawRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  let blank = 0;
  while (i < n) {
    if (skipBlank) {
      let j = i;
      while (j < n && (text[j] === ' ' || text[j] === '\t' || text[j] === '\r')) j++;
      if (j >= n || text[j] === '\n') {
        if (j < n || j > i) blank++;
        i = j + 1;
        line++;
        continue;
      }
    }
    const start = line;
    const fields: string[] = [];
    for (;;) {
      // One field.
      let value = '';
      if (text[i] === '"') {
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= n) throw new InputError(file, 'unterminated quoted field (a " opened here is never closed)', `line ${quoteLine}`);
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          value += c;
          i++;
        }
        const c = text[i];
        if (i < n && c !== ',' && c !== '\n' && !(c === '\r' && text[i + 1] === '\n')) {
          throw new InputError(
            file,
            `unexpected ${JSON.stringify(c)} after a closing quote (a quote inside a quoted field must be doubled: "")`,
            `line ${line}`,
          );
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text[j];
          if (c === ',' || c === '\n' || (c === '\r' && text[j + 1] === '\n')) break;
          j++;
        }
        value = text.slice(i, j);
        i = j;
      }
      fields.push(value);
      if (i >= n) break;
      if (text[i] === ',') {
        i++;
        if (i >= n) {
          fields.push('');
          break;
        }
        continue;
      }
      // End of record.
      i += text[i] === '\r' ? 2 : 1;
      line++;
      break;
    }
    out.push({ fields, line: start });
  }
  return { records: out, blank };
}

/** Parses delimited text into a column table (see the module comment for the rules). */
export function parseTable(text: string, file: string, delimiter: Delimiter = delimiterFor(file)): Table {
  const { records, blank } = splitRecordsSkipping(text, delimiter, file, true);
  if (records.length === 0)
    throw new InputError(file, blank > 0 ? `the file has only blank lines (${blank}), no rows` : 'the file is empty (no rows)');
  const blankLines = blank > 0 ? { blankLines: blank } : {};
  const width = records[0].fields.length;
  if (width === 1) {
    // TF Projector convention: a single column has no header.
    const col = records.map((r) => r.fields[0]);
    for (const r of records) {
      if (r.fields.length !== 1) {
        throw new InputError(
          file,
          `row has ${r.fields.length} fields but the first line has 1 (a one-column file has no header)`,
          `line ${r.line}`,
        );
      }
    }
    return {
      names: ['label'],
      columns: [col],
      n: col.length,
      hasHeader: false,
      ...blankLines,
      ...(blank > 0 ? { lines: records.map((r) => r.line) } : {}),
    };
  }
  const names = records[0].fields.map((s, j) => s.trim() || `column${j + 1}`);
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new InputError(file, `duplicate column name ${JSON.stringify(name)} in the header`, 'line 1');
    seen.add(name);
  }
  const n = records.length - 1;
  const columns: string[][] = names.map(() => new Array<string>(n));
  for (let i = 1; i < records.length; i++) {
    const r = records[i];
    if (r.fields.length !== width) {
      const what =
        r.fields.length === 1 && r.fields[0] === ''
          ? 'row is empty'
          : `row has ${r.fields.length} field${r.fields.length === 1 ? '' : 's'}`;
      throw new InputError(file, `${what}, expected ${width} (the header has ${width} columns)`, `line ${r.line}`);
    }
    for (let j = 0; j < width; j++) columns[j][i - 1] = r.fields[j];
  }
  if (n === 0) throw new InputError(file, 'the file has a header but no data rows');
  return { names, columns, n, hasHeader: true, ...blankLines, ...(blank > 0 ? { lines: records.slice(1).map((r) => r.line) } : {}) };
}

/** decodeUtf8 + parseTable. */
export function parseTableBytes(bytes: Uint8Array, file: string, delimiter: Delimiter = delimiterFor(file)): Table {
  return parseTable(decodeUtf8(bytes, file), file, delimiter);
}

/** Writes a TSV with a header row; tabs and line breaks inside values become spaces. */
export function formatTsv(names: string[], columns: string[][]): string {
  const clean = (s: string) => s.replace(/[\t\r\n]+/g, ' ');
  const n = columns.length > 0 ? columns[0].length : 0;
  const lines: string[] = [names.map(clean).join('\t')];
  for (let i = 0; i < n; i++) lines.push(columns.map((c) => clean(c[i] ?? '')).join('\t'));
  return lines.join('\n') + '\n';
}
