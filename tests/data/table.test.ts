import { describe, expect, it } from 'vitest';
import { decodeUtf8, delimiterFor, firstInvalidUtf8, formatTsv, parseTable, parseTableBytes } from '../../src/data/table.ts';
import { err } from './_helpers.ts';

const enc = (s: string) => new TextEncoder().encode(s);

describe('parseTable (TSV)', () => {
  it('reads a header and columns; CRLF and BOM', () => {
    const t = parseTableBytes(enc('\uFEFFid\tstyle\r\na\tx\r\nb\ty\r\n'), 'm.tsv');
    expect(t).toEqual({
      names: ['id', 'style'],
      columns: [
        ['a', 'b'],
        ['x', 'y'],
      ],
      n: 2,
      hasHeader: true,
    });
  });

  it('a single column has no header and is named label (TF Projector)', () => {
    const t = parseTable('cat\ndog\ncat\n', 'labels.tsv');
    expect(t).toEqual({ names: ['label'], columns: [['cat', 'dog', 'cat']], n: 3, hasHeader: false });
  });

  it('keeps empty cells and a last line without newline', () => {
    const t = parseTable('a\tb\n1\t\n\t2', 'e.tsv');
    expect(t.columns).toEqual([
      ['1', ''],
      ['', '2'],
    ]);
  });

  it('quotes are literal in TSV', () => {
    expect(parseTable('a\tb\n"x, ""y"\tz\n', 'q.tsv').columns).toEqual([['"x, ""y"'], ['z']]);
  });

  it('names the line of a row with the wrong number of fields', () => {
    expect(err(() => parseTable('a\tb\tc\n1\t2\t3\n4\t5\n', 'mixed.tsv')).message).toBe(
      'mixed.tsv (line 3): row has 2 fields, expected 3 (the header has 3 columns)',
    );
    // A blank line is skipped (as TensorBoard's projector does), and counted.
    const t = parseTable('a\tb\n1\t2\n\n3\t4\n', 'blank.tsv');
    expect(t.n).toBe(2);
    expect(t.blankLines).toBe(1);
    expect(t.lines).toEqual([2, 4]);
  });

  it('single-column file with a tab later names the line', () => {
    expect(err(() => parseTable('x\ny\nz\tw\n', 'one.tsv')).message).toBe(
      'one.tsv (line 3): row has 2 fields but the first line has 1 (a one-column file has no header)',
    );
  });

  it('rejects empty files, header-only files and duplicate names', () => {
    expect(err(() => parseTable('', 'empty.tsv')).message).toBe('empty.tsv: the file is empty (no rows)');
    expect(err(() => parseTable('a\tb\n', 'h.tsv')).message).toBe('h.tsv: the file has a header but no data rows');
    expect(err(() => parseTable('a\ta\n1\t2\n', 'd.tsv')).message).toBe('d.tsv (line 1): duplicate column name "a" in the header');
  });
});

describe('parseTable (CSV, RFC 4180)', () => {
  it('quoted fields with commas, doubled quotes and line breaks', () => {
    const t = parseTable('id,title,style\r\n1,"a, b",x\r\n2,"say ""hi""",y\r\n3,"two\nlines",x\r\n', 'm.csv');
    expect(t.names).toEqual(['id', 'title', 'style']);
    expect(t.columns[1]).toEqual(['a, b', 'say "hi"', 'two\nlines']);
    expect(t.columns[2]).toEqual(['x', 'y', 'x']);
  });

  it('empty trailing field and empty quoted field', () => {
    expect(parseTable('a,b\n1,\n"",2', 'e.csv').columns).toEqual([
      ['1', ''],
      ['', '2'],
    ]);
  });

  it('row numbers count physical lines across quoted line breaks', () => {
    expect(err(() => parseTable('a,b\n"x\ny",1\n2\n', 'l.csv')).message).toBe(
      'l.csv (line 4): row has 1 field, expected 2 (the header has 2 columns)',
    );
  });

  it('rejects an unterminated quote and junk after a closing quote', () => {
    expect(err(() => parseTable('a,b\n1,"open\n2,3\n', 'u.csv')).message).toBe(
      'u.csv (line 2): unterminated quoted field (a " opened here is never closed)',
    );
    expect(err(() => parseTable('a,b\n"x"y,1\n', 'j.csv')).message).toMatch(/^j\.csv \(line 2\): unexpected "y" after a closing quote/);
  });

  it('delimiter from the extension', () => {
    expect(delimiterFor('x.CSV')).toBe(',');
    expect(delimiterFor('x.tsv')).toBe('\t');
    expect(delimiterFor('x.txt')).toBe('\t');
  });
});

describe('UTF-8', () => {
  it('names the byte offset and line of invalid UTF-8', () => {
    const b = new Uint8Array([...enc('a\tb\nok\t\u00e9\n'), 0x78, 0xff, 0x09, 0x79, 0x0a]);
    expect(err(() => parseTableBytes(b, 'latin.tsv')).message).toBe(
      'latin.tsv (byte 11, line 3): not valid UTF-8 (byte 0xff); save the file as UTF-8',
    );
  });

  it('firstInvalidUtf8 finds overlongs, surrogates and truncated sequences', () => {
    expect(firstInvalidUtf8(enc('héllo 😀'))).toBe(enc('héllo 😀').length);
    expect(firstInvalidUtf8(new Uint8Array([0x41, 0xc0, 0x80]))).toBe(1); // overlong
    expect(firstInvalidUtf8(new Uint8Array([0x41, 0xed, 0xa0, 0x80]))).toBe(1); // surrogate
    expect(firstInvalidUtf8(new Uint8Array([0x41, 0x42, 0xe2, 0x82]))).toBe(2); // truncated
    expect(firstInvalidUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // > U+10FFFF
  });

  it('decodeUtf8 drops the BOM', () => {
    expect(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]), 'b')).toBe('a');
  });
});

describe('formatTsv', () => {
  it('writes a header and replaces tabs and newlines in values', () => {
    expect(
      formatTsv(
        ['id', 'title'],
        [
          ['1', '2'],
          ['a\tb', 'c\nd'],
        ],
      ),
    ).toBe('id\ttitle\n1\ta b\n2\tc d\n');
  });

  it('round-trips through parseTable', () => {
    const s = formatTsv(
      ['id', 'style'],
      [
        ['a', 'b'],
        ['x', 'x'],
      ],
    );
    expect(parseTable(s, 'r.tsv').columns).toEqual([
      ['a', 'b'],
      ['x', 'x'],
    ]);
  });
});
