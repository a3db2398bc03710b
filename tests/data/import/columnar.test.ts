/** Parquet (hyparquet-writer fixtures) and Arrow IPC (apache-arrow fixtures) embeddings through importFiles. */
import {
  Field,
  FixedSizeList,
  Float32,
  Float64,
  List,
  Table,
  Utf8,
  makeVector,
  tableToIPC,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { readParquetVectors } from '../../../src/data/parquet.ts';
import { problems, run } from './helpers.ts';

function parquet(
  ids: string[],
  cols: Record<string, (number[] | null)[]>,
  opts: { rowGroupSize?: number; type?: 'FLOAT' | 'DOUBLE' } = {},
): Uint8Array {
  const names = Object.keys(cols);
  const schema: Record<string, unknown>[] = [
    { name: 'root', num_children: 1 + names.length },
    { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  ];
  for (const n of names) {
    schema.push(
      { name: n, repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
      { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
      { name: 'element', type: opts.type ?? 'FLOAT', repetition_type: 'REQUIRED' },
    );
  }
  const buf = parquetWriteBuffer({
    columnData: [{ name: 'id', data: ids }, ...names.map((n) => ({ name: n, data: cols[n] }))],
    schema: schema as never,
    rowGroupSize: opts.rowGroupSize,
  });
  return new Uint8Array(buf);
}

function arrowTable(ids: string[], cols: Record<string, number[][]>, kind: 'fixed' | 'list' = 'fixed', f64 = false): Table {
  const vectors: Record<string, Vector> = { id: vectorFromArray(ids, new Utf8()) };
  for (const [name, rows] of Object.entries(cols)) {
    const child = f64 ? new Float64() : new Float32();
    const type = kind === 'fixed' ? new FixedSizeList(rows[0].length, new Field('item', child)) : new List(new Field('item', child));
    vectors[name] = vectorFromArray(rows, type as never);
  }
  return new Table(vectors);
}

describe('Parquet', () => {
  it('id + two vector columns over several row groups → two variants joined to the manifest', async () => {
    const bytes = parquet(
      ['c', 'a', 'b', 'x'],
      {
        clip: [
          [3, 3],
          [1, 1],
          [2, 2],
          [9, 9],
        ],
        dino: [
          [30, 0, 0],
          [10, 0, 0],
          [20, 0, 0],
          [90, 0, 0],
        ],
      },
      { rowGroupSize: 3 },
    );
    const ws = await run({ 'm.csv': 'id,style\na,s\nb,s\nc,t\n', 'emb.parquet': bytes });
    expect(ws.corpus.columns.id).toEqual(['a', 'b', 'c']);
    const v = Object.fromEntries(ws.variants.map((x) => [x.id, x.embeddings]));
    expect(Object.keys(v)).toEqual(['emb:clip', 'emb:dino']);
    expect(Array.from(v['emb:clip'].data)).toEqual([1, 1, 2, 2, 3, 3]);
    expect(Array.from(v['emb:dino'].data)).toEqual([10, 0, 0, 20, 0, 0, 30, 0, 0]);
    expect(ws.report.unmatched).toEqual([{ file: 'emb.parquet', count: 1, examples: ['x'] }]);
  });

  it('float64 lists become float32; storage comes from opts.allocate', async () => {
    const allocated: number[] = [];
    const r = await readParquetVectors(
      parquet(
        ['a', 'b'],
        {
          v: [
            [0.1, 0.2],
            [0.3, 0.4],
          ],
        },
        { type: 'DOUBLE' },
      ),
      'd.parquet',
      (len) => {
        allocated.push(len);
        return new Float32Array(len);
      },
    );
    expect(allocated).toEqual([4]);
    expect(Array.from(r.variants[0].x.data)).toEqual([0.1, 0.2, 0.3, 0.4].map(Math.fround));
  });

  it('bad files: truncated, not Parquet, mixed dims, NaN, null vector', async () => {
    const good = parquet(['a', 'b'], {
      v: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(await problems({ 'e.parquet': good.subarray(0, good.length - 10) })).toEqual([
      expect.stringMatching(/^e\.parquet \(byte \d+\): truncated Parquet file/),
    ]);
    expect(await problems({ 'e.parquet': new TextEncoder().encode('id,v\na,1\nb,2\nc,3\n') })).toEqual([
      'e.parquet (byte 0): not a Parquet file (it must start with "PAR1")',
    ]);
    expect(
      await problems({
        'e.parquet': parquet(['a', 'b', 'c'], {
          v: [
            [1, 2],
            [3, 4, 5],
            [6, 7],
          ],
        }),
      }),
    ).toEqual(['e.parquet (row 2): column "v" has 3 values, expected 2 (as in the first row)']);
    expect(
      await problems({
        'e.parquet': parquet(['a', 'b'], {
          v: [
            [1, 2],
            [3, NaN],
          ],
        }),
      }),
    ).toEqual(['e.parquet (row 2): NaN in column "v" at position 2; every value must be a finite number']);
    expect(await problems({ 'e.parquet': parquet(['a', 'b'], { v: [[1, 2], null] }) })).toEqual([
      'e.parquet (row 2): vector is null in column "v"',
    ]);
    // Corrupt the middle (the column chunks): still one message naming the file, never a raw TypeError.
    const mid = good.slice();
    for (let i = 8; i < mid.length / 2; i++) mid[i] = 0xff;
    const msgs = await problems({ 'e.parquet': mid });
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatch(/^e\.parquet/);
  });
});

describe('Arrow IPC', () => {
  const ids = ['b', 'a', 'c'];
  const rows = [
    [2, 2],
    [1, 1],
    [3, 3],
  ];
  for (const format of ['file', 'stream'] as const) {
    for (const kind of ['fixed', 'list'] as const) {
      it(`${format} format, ${kind === 'fixed' ? 'FixedSizeList' : 'List'}<Float32>`, async () => {
        const bytes = tableToIPC(arrowTable(ids, { v: rows }, kind), format);
        const ws = await run({ [`emb.${format === 'file' ? 'arrow' : 'arrows'}`]: bytes, 'm.tsv': 'id\tstyle\na\tx\nb\tx\nc\ty\n' });
        expect(ws.corpus.columns.id).toEqual(['a', 'b', 'c']);
        expect(ws.variants).toHaveLength(1);
        expect(ws.variants[0].id).toBe('emb');
        expect(Array.from(ws.variants[0].embeddings.data)).toEqual([1, 1, 2, 2, 3, 3]);
      });
    }
  }

  it('several batches, Float64, two vector columns (.feather)', async () => {
    const t1 = arrowTable(
      ['a', 'b'],
      {
        u: [
          [1, 0],
          [2, 0],
        ],
        w: [[0.5], [0.25]],
      },
      'fixed',
      true,
    );
    const t2 = arrowTable(['c'], { u: [[3, 0]], w: [[0.125]] }, 'fixed', true);
    const bytes = tableToIPC(t1.concat(t2), 'file');
    const ws = await run({ 'e.feather': bytes });
    expect(ws.corpus.columns.id).toEqual(['a', 'b', 'c']);
    const v = Object.fromEntries(ws.variants.map((x) => [x.id, Array.from(x.embeddings.data)]));
    expect(v).toEqual({ 'e:u': [1, 0, 2, 0, 3, 0], 'e:w': [0.5, 0.25, 0.125] });
  });

  it('bad files: truncated, mixed list lengths, NaN, no vector column', async () => {
    const good = tableToIPC(arrowTable(ids, { v: rows }), 'file');
    expect(await problems({ 'e.arrow': good.subarray(0, good.length - 20) })).toEqual([
      expect.stringMatching(/^e\.arrow \(byte \d+\): truncated Arrow IPC file/),
    ]);
    expect(await problems({ 'e.arrow': tableToIPC(arrowTable(ids, { v: [[1, 1], [2], [3, 3]] }, 'list'), 'file') })).toEqual([
      'e.arrow (row 2): column "v" has 1 values, expected 2 (as in the first row)',
    ]);
    expect(
      await problems({
        'e.arrow': tableToIPC(
          arrowTable(ids, {
            v: [
              [1, 1],
              [2, Infinity],
              [3, 3],
            ],
          }),
          'file',
        ),
      }),
    ).toEqual(['e.arrow (row 2): Infinity in column "v" at position 2; every value must be a finite number']);
    const noVec = new Table({ id: vectorFromArray(['a'], new Utf8()), x: makeVector(new Float32Array([1])) });
    expect(await problems({ 'e.arrow': tableToIPC(noVec, 'file') })).toEqual([
      expect.stringMatching(/^e\.arrow: no vector column: expected FixedSizeList<Float32>.*\(columns: id Utf8, x Float32\)/),
    ]);
    const stream = tableToIPC(arrowTable(ids, { v: rows }), 'stream');
    const msgs = await problems({ 'e.arrows': stream.subarray(0, Math.floor(stream.length / 2)) });
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatch(/^e\.arrows/);
  });
});
