/** Vectors and metadata TSV: read back with src/data (table.ts, projector.ts) and by TensorBoard's own rules. */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../src/compute/sampling.ts';
import { formatFloat32, formatMetadataTsv, formatVectorsTsv } from '../../../src/data/export/tsv.ts';
import { parseVectorsTsv } from '../../../src/data/projector.ts';
import { parseTable } from '../../../src/data/table.ts';

/**
 * TensorBoard's metadata reading (vz_projector/data-provider.ts parseMetadata), restated: skip lines
 * blank after trim; the first line is a header iff it has a tab; '' → null.
 */
function tensorBoardMetadata(text: string): { columns: string[]; rows: Array<Record<string, string | null>> } {
  let columns = ['label'];
  const rows: Array<Record<string, string | null>> = [];
  let first = true;
  for (const line of text.split('\n')) {
    if (line.trim().length === 0) continue;
    if (first) {
      first = false;
      if (line.includes('\t')) {
        columns = line.split('\t');
        continue;
      }
    }
    const values = line.split('\t');
    rows.push(Object.fromEntries(columns.map((c, j) => [c, values[j] === '' ? null : values[j]])));
  }
  return { columns, rows };
}

describe('formatFloat32', () => {
  it('reads back as the same float32, and short when it can be', () => {
    const r = mulberry32(5);
    const values = [0, 1, -1, 0.5, 0.1, -0.3, 1e-30, 3.4e38, -1.17549435e-38, 1.4e-45, 123456792, 16777217];
    for (let i = 0; i < 5000; i++) values.push((r() - 0.5) * 10 ** Math.floor(r() * 20 - 10));
    for (const raw of values) {
      const v = Math.fround(raw);
      const s = formatFloat32(v);
      expect(Math.fround(Number(s)), `${v} → ${s}`).toBe(v);
      expect(s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').length).toBeLessThanOrEqual(9);
    }
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
    expect(formatFloat32(Math.fround(-2.5))).toBe('-2.5');
    expect(formatFloat32(Math.fround(1e-7))).toBe('1e-7');
  });
});

describe('formatVectorsTsv', () => {
  it('parses back (src/data/projector.ts) to the same float32 values, one line per row', () => {
    const r = mulberry32(8);
    const n = 37;
    const dim = 5;
    const data = Float32Array.from({ length: n * dim }, () => (r() - 0.5) * 100);
    const text = formatVectorsTsv({ n, dim, data });
    expect(text.split('\n')).toHaveLength(n + 1);
    const back = parseVectorsTsv(text, 'v.tsv');
    expect([back.n, back.dim]).toEqual([n, dim]);
    expect(back.data).toEqual(data);
  });
});

describe('formatMetadataTsv', () => {
  it('several columns: a header row, then one row per point; table.ts and TensorBoard read the same', () => {
    const names = ['id', 'title', 'style'];
    const columns = [
      ['a', 'b', 'c'],
      ['grinning face', 'cat', ''],
      ['noto', 'twemoji', 'noto'],
    ];
    const m = formatMetadataTsv({ names, columns });
    expect(m.hasHeader).toBe(true);
    expect(m.text).toBe('id\ttitle\tstyle\na\tgrinning face\tnoto\nb\tcat\ttwemoji\nc\t\tnoto\n');
    const t = parseTable(m.text, 'metadata.tsv');
    expect(t.names).toEqual(names);
    expect(t.columns).toEqual(columns);
    const tb = tensorBoardMetadata(m.text);
    expect(tb.columns).toEqual(names);
    expect(tb.rows).toHaveLength(3);
    expect(tb.rows[2]).toEqual({ id: 'c', title: null, style: 'noto' });
  });

  it('one column: no header (read back as "label")', () => {
    const m = formatMetadataTsv({ names: ['style'], columns: [['noto', 'openmoji']] });
    expect(m.text).toBe('noto\nopenmoji\n');
    expect(m.hasHeader).toBe(false);
    const t = parseTable(m.text, 'metadata.tsv');
    expect(t.names).toEqual(['label']);
    expect(t.columns[0]).toEqual(['noto', 'openmoji']);
    expect(tensorBoardMetadata(m.text).rows.map((r) => r.label)).toEqual(['noto', 'openmoji']);
  });

  it('tabs and line breaks inside values become spaces (no row splits, no extra columns)', () => {
    const m = formatMetadataTsv({
      names: ['id', 'title'],
      columns: [
        ['1', '2'],
        ['a\tb', 'line\r\nbreak\n'],
      ],
    });
    const t = parseTable(m.text, 'metadata.tsv');
    expect(t.n).toBe(2);
    expect(t.columns[1]).toEqual(['a b', 'line break ']);
    expect(tensorBoardMetadata(m.text).rows).toHaveLength(2);
  });

  it('a row that would be blank gets an index column first, so TensorBoard keeps every row', () => {
    for (const columns of [
      [['x', '', 'y']],
      [
        ['x', ' ', 'z'],
        ['', '\t', 'w'],
      ],
    ]) {
      const names = columns.length === 1 ? ['label'] : ['a', 'b'];
      const m = formatMetadataTsv({ names, columns });
      expect(m.indexAdded).toBe(true);
      expect(m.names[0]).toBe('index');
      const tb = tensorBoardMetadata(m.text);
      expect(tb.rows).toHaveLength(3);
      expect(tb.rows.map((r) => r.index)).toEqual(['0', '1', '2']);
      const t = parseTable(m.text, 'metadata.tsv');
      expect(t.n).toBe(3);
      expect(t.columns[1][0]).toBe(columns[0][0]);
    }
  });

  it('empty or duplicate header names are made distinct', () => {
    const m = formatMetadataTsv({ names: ['a', '', 'a'], columns: [['1'], ['2'], ['3']] });
    expect(parseTable(m.text, 'm.tsv').names).toEqual(['a', 'column2', 'a (2)']);
  });
});
