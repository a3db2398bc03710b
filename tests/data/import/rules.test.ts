/** importFiles: classification rules, storage from opts.allocate, warnings, images joined by id. */
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../../src/data/npy.ts';
import { classifyName } from '../../../src/data/import/classify.ts';
import { problems, run, solid } from './helpers.ts';

describe('which file is what', () => {
  it('by name', () => {
    expect(
      [
        'a/.DS_Store',
        '__MACOSX/x.png',
        'm.onnx',
        'm.card.json',
        'p/projector_config.json',
        'items.json',
        'e.npy',
        'e.parquet',
        'e.feather',
        'e.arrows',
        'm.csv',
        't.tsv',
        't.bytes',
        'c.JPG',
        'notes.md',
      ].map(classifyName),
    ).toEqual([
      'skip',
      'skip',
      'onnx',
      'card',
      'projector-config',
      'json',
      'npy',
      'parquet',
      'arrow',
      'arrow',
      'table',
      'table',
      'bytes',
      'image',
      'unknown',
    ]);
  });

  it('CSV by content: headerless numbers, id + numbers, id + vectors, or a manifest', async () => {
    const ws = await run({
      'm.csv': 'id,title,style\na,A,x\nb,B,x\n',
      'plain.csv': '1,2,3\n4,5,6\n',
      'wide.csv': 'id,d0,d1\nb,3,4\na,1,2\n',
      'vec.tsv': 'id\tembedding\na\t0.5 0.25\nb\t1 2\n',
      'notes.md': '# hello',
      '.hidden.csv': 'garbage',
    });
    const v = Object.fromEntries(ws.variants.map((x) => [x.id, Array.from(x.embeddings.data)]));
    expect(v).toEqual({ plain: [1, 2, 3, 4, 5, 6], vec: [0.5, 0.25, 1, 2], wide: [1, 2, 3, 4] });
    expect(ws.report.warnings).toEqual(['notes.md: not a format Recall Lens imports; ignored']);
    expect(ws.report.files.find((f) => f.path === 'wide.csv')).toEqual({ path: 'wide.csv', kind: 'embeddings (CSV/TSV)', rows: 2, dim: 2 });
  });

  it('an empty "embedding" column is an error, not a label', async () => {
    expect(await problems({ 'e.tsv': 'id\tembedding\na\t\nb\t\n' })).toEqual([
      'e.tsv (row 1 (line 2)): column "embedding" holds an empty vector',
    ]);
  });
});

describe('storage', () => {
  it('every variant lives in memory from opts.allocate', async () => {
    const mine = new Set<Float32Array>();
    const allocate = (n: number) => {
      const a = new Float32Array(new SharedArrayBuffer(n * 4));
      mine.add(a);
      return a;
    };
    const ws = await run(
      {
        'm.csv': 'id,s\nb,x\na,y\n',
        'e.npy': writeNpy({ n: 2, dim: 2, data: Float32Array.from([1, 2, 3, 4]) }),
        'w.csv': 'id,u,v\na,1,1\nb,2,2\n',
        'h.tsv': '5\t6\n7\t8\n',
      },
      { allocate },
    );
    expect(ws.variants).toHaveLength(3);
    for (const v of ws.variants) {
      expect(mine.has(v.embeddings.data), v.id).toBe(true);
      expect(v.embeddings.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
    expect(Array.from(ws.variants.find((v) => v.id === 'w')!.embeddings.data)).toEqual([2, 2, 1, 1]);
  });
});

describe('images with other files', () => {
  it('a folder of images joins a table of embeddings by id (path without extension)', async () => {
    const ws = await run(
      {
        'covers/b.png': solid(2, 2, [0, 0, 200]),
        'covers/a.png': solid(2, 2, [200, 0, 0]),
        'covers/c.png': solid(2, 2, [0, 200, 0]),
        'emb.csv': 'id,u,v\nc,3,3\na,1,1\nzz,9,9\n',
      },
      { imageSize: 2 },
    );
    expect(ws.corpus.columns.id).toEqual(['a', 'c']);
    expect(Array.from(ws.corpus.images.subarray(0, 3))).toEqual([200, 0, 0]);
    expect(Array.from(ws.corpus.images.subarray(12, 15))).toEqual([0, 200, 0]);
    expect(ws.report.unmatched).toEqual([
      { file: 'covers/', count: 1, examples: ['b'] },
      { file: 'emb.csv', count: 1, examples: ['zz'] },
    ]);
  });

  it('a manifest ignores images it does not name, with a warning', async () => {
    const ws = await run({ 'm.csv': 'id,image\na,a.png\n', 'a.png': solid(2, 2, [1, 1, 1]), 'extra.png': solid(2, 2, [1, 1, 1]) });
    expect(ws.corpus.n).toBe(1);
    expect(ws.report.warnings).toEqual(['1 image file not referenced by the manifest ignored (e.g. extra.png)']);
  });
});
