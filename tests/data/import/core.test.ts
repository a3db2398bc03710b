/** importFiles: manifest (CSV/TSV/JSON) + images, .npy, CSV embeddings, the join by id, atomic errors. */
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../../src/data/npy.ts';
import { toSquareRgb } from '../../../src/encoders/square.ts';
import { decodeImage } from '../../../src/cli/decode-node.ts';
import { problems, run, solid } from './helpers.ts';

const emb = (rows: number[][]) => writeNpy({ n: rows.length, dim: rows[0].length, data: Float32Array.from(rows.flat()) });

describe('manifest + images + .npy', () => {
  const red = solid(10, 6, [255, 0, 0]);
  const blue = solid(4, 4, [0, 0, 255]);
  const files = {
    'set/items.csv':
      'id,image,title,style,identity\na,img/a.png,Apple,flat,x\nb,img/b.png,"Banana, ripe",flat,y\nc,img/a.png,Cherry,noto,x\n',
    'set/img/a.png': red,
    'set/img/b.png': blue,
    'set/clip.npy': emb([
      [1, 2],
      [3, 4],
      [5, 6],
    ]),
  };

  it('items are the manifest rows; columns, thumbnails and the variant line up', async () => {
    const ws = await run(files, { imageSize: 8 });
    expect(ws.corpus.n).toBe(3);
    expect(ws.corpus.columns.id).toEqual(['a', 'b', 'c']);
    expect(ws.corpus.columns.title).toEqual(['Apple', 'Banana, ripe', 'Cherry']);
    expect(ws.corpus.columns.style).toEqual(['flat', 'flat', 'noto']);
    expect(ws.corpus.columns.identity).toEqual(['x', 'y', 'x']);
    expect(ws.corpus.imageSize).toBe(8);
    const tile = 8 * 8 * 3;
    expect(ws.corpus.images.length).toBe(3 * tile);
    const expectA = toSquareRgb(decodeImage(red, 'a'), 8);
    expect(Array.from(ws.corpus.images.subarray(0, tile))).toEqual(Array.from(expectA));
    expect(Array.from(ws.corpus.images.subarray(2 * tile, 3 * tile))).toEqual(Array.from(expectA));
    expect(Array.from(ws.corpus.images.subarray(tile, tile + 3))).toEqual([0, 0, 255]);
    expect(ws.variants.map((v) => [v.id, v.file, v.embeddings.n, v.embeddings.dim])).toEqual([['clip', 'set/clip.npy', 3, 2]]);
    expect(Array.from(ws.variants[0].embeddings.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(ws.report.items).toBe(3);
    expect(ws.report.unmatched).toEqual([]);
    expect(ws.corpus.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the hash is stable and changes with any byte', async () => {
    const a = await run(files);
    const b = await run(files);
    expect(a.corpus.hash).toBe(b.corpus.hash);
    const c = await run({
      ...files,
      'set/clip.npy': emb([
        [1, 2],
        [3, 4],
        [5, 7],
      ]),
    });
    expect(c.corpus.hash).not.toBe(a.corpus.hash);
  });

  it('JSON manifests (array or {items}) and TSV read the same', async () => {
    const items = [
      { id: 'a', image: 'img/a.png', title: 'Apple', style: 'flat' },
      { id: 'b', image: 'img/b.png', title: 'Banana', style: 'flat' },
    ];
    for (const m of [JSON.stringify(items), JSON.stringify({ items })]) {
      const ws = await run({ 'set/m.json': m, 'set/img/a.png': red, 'set/img/b.png': blue });
      expect(ws.corpus.columns.id).toEqual(['a', 'b']);
      expect(ws.corpus.columns.style).toEqual(['flat', 'flat']);
    }
    const ws = await run({ 'm.tsv': 'id\ttitle\tstyle\na\tApple\tflat\nb\tBanana\tflat\n', 'e.npy': emb([[1], [2]]) });
    expect(ws.corpus.columns.title).toEqual(['Apple', 'Banana']);
    expect(ws.corpus.imageSize).toBe(0);
    expect(ws.corpus.images.length).toBe(0);
  });

  it('a missing or undecodable image, a bad .npy row count: every problem, nothing imported', async () => {
    const msgs = await problems({
      ...files,
      'set/img/b.png': new Uint8Array([1, 2, 3, 4]),
      'set/items.csv': 'id,image,title\na,img/a.png,A\nb,img/b.png,B\nc,img/nope.png,C\nd,img/a.png,D\n',
    });
    expect(msgs).toContainEqual(
      expect.stringMatching(/^set\/items\.csv \(row 3 \(line 4\)\): image "set\/img\/nope\.png".*not among the imported files/),
    );
    expect(msgs).toContainEqual(expect.stringMatching(/^set\/img\/b\.png.*not a PNG or JPEG/));
    expect(msgs).toContainEqual(expect.stringMatching(/^set\/clip\.npy: has 3 rows but set\/items\.csv has 4 items/));
  });
});

describe('a folder of images, no manifest', () => {
  it('items are the images, id = path without extension below the shared folder', async () => {
    const ws = await run(
      { 'covers/b.png': solid(3, 3, [0, 255, 0]), 'covers/a.jpg.png': solid(3, 3, [1, 2, 3]), 'covers/sub/c.png': solid(3, 3, [9, 9, 9]) },
      { imageSize: 2 },
    );
    expect(ws.corpus.columns.id).toEqual(['a.jpg', 'b', 'sub/c']);
    expect(Array.from(ws.corpus.images.subarray(0, 3))).toEqual([1, 2, 3]);
    expect(Array.from(ws.corpus.images.subarray(12, 15))).toEqual([0, 255, 0]);
  });
});

describe('join by id', () => {
  it('keeps the ids every file has, in manifest order, and reports the rest per file', async () => {
    const ws = await run({
      'm.csv': 'id,title,label\nk1,t1,p\nk2,t2,q\nk3,t3,p\nk4,t4,q\nk5,t5,p\n',
      'a.csv': 'id,v1,v2\nk5,5,50\nk3,3,30\nk1,1,10\nz9,9,90\nk2,2,20\n',
      'b.tsv':
        'id\tvec\tother\nk2\t[2, 0]\t1 1 1\nk1\t[1, 0]\t2 2 2\nk5\t[5, 0]\t5 5 5\nk3\t[3,0]\t3 3 3\nq7\t[7, 0]\t7 7 7\nq8\t[8, 0]\t8 8 8\n',
    });
    expect(ws.corpus.columns.id).toEqual(['k1', 'k2', 'k3', 'k5']);
    expect(ws.corpus.columns.label).toEqual(['p', 'q', 'p', 'p']);
    expect(ws.report.items).toBe(4);
    expect(ws.report.unmatched).toEqual([
      { file: 'm.csv', count: 1, examples: ['k4'] },
      { file: 'a.csv', count: 1, examples: ['z9'] },
      { file: 'b.tsv', count: 2, examples: ['q7', 'q8'] },
    ]);
    const byId = Object.fromEntries(ws.variants.map((v) => [v.id, v]));
    expect(Object.keys(byId).sort()).toEqual(['a', 'b:other', 'b:vec']);
    expect(Array.from(byId.a.embeddings.data)).toEqual([1, 10, 2, 20, 3, 30, 5, 50]);
    expect(Array.from(byId['b:vec'].embeddings.data)).toEqual([1, 0, 2, 0, 3, 0, 5, 0]);
    expect(byId['b:other'].embeddings.dim).toBe(3);
  });

  it('examples stop at 5, counts do not', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `x${i}`);
    const ws = await run({
      'm.csv': `id,c\n${['a', 'b', ...ids].map((s) => `${s},1`).join('\n')}\n`,
      'e.csv': 'id,u,v\na,1,2\nb,3,4\n',
    });
    expect(ws.report.unmatched).toEqual([{ file: 'm.csv', count: 12, examples: ['x0', 'x1', 'x2', 'x3', 'x4'] }]);
    expect(ws.report.items).toBe(2);
  });

  it('without a manifest the first file with ids gives the items', async () => {
    const ws = await run({ 'b.csv': 'id,u,v\nq,1,2\np,3,4\n', 'a.csv': 'id,u,v\np,5,6\nq,7,8\n' });
    expect(ws.corpus.columns.id).toEqual(['p', 'q']);
    expect(ws.variants.map((v) => v.id)).toEqual(['a', 'b']);
    expect(Array.from(ws.variants[1].embeddings.data)).toEqual([3, 4, 1, 2]);
  });

  it('no id in common is an error naming the files', async () => {
    const msgs = await problems({ 'm.csv': 'id,c\na,1\nb,1\n', 'e.csv': 'id,u,v\nx,1,2\ny,3,4\n' });
    expect(msgs).toEqual([expect.stringMatching(/^m\.csv: no id is in every file.*"a".*e\.csv: "x"/)]);
  });
});

describe('bad inputs: one message per problem, naming file and row', () => {
  it('duplicate ids name both rows; empty ids their row', async () => {
    const msgs = await problems({ 'm.csv': 'id,c\na,1\nb,2\na,3\n,4\n' });
    expect(msgs).toEqual([
      'm.csv (row 3 (line 4)): duplicate id "a" (also at row 1 (line 2))',
      'm.csv (row 4 (line 5)): empty id (every item needs one)',
    ]);
  });

  it('mixed dims, NaN, non-numbers in CSV embeddings', async () => {
    expect(await problems({ 'e.csv': 'id,v\na,"[1, 2]"\nb,"[1, 2, 3]"\n' })).toEqual([
      'e.csv (row 2 (line 3)): column "v" has 3 values, expected 2 (as in row 1)',
    ]);
    expect(await problems({ 'e.csv': 'id,u,v\na,1,2\nb,NaN,3\n' })).toEqual([
      'e.csv (row 2 (line 3)): NaN at column 1 ("u"); every value must be a finite number',
    ]);
    expect(await problems({ 'e.csv': 'id,u,v\na,1,2\nb,x,3\n' })).toEqual([
      'e.csv (row 2 (line 3)): "x" at column 1 ("u") is not a number',
    ]);
    expect(await problems({ 'e.tsv': '1\t2\n3\tinf\n' })).toEqual([
      'e.tsv (row 2 (line 2)): inf at column 2; every value must be a finite number',
    ]);
  });

  it('non-UTF-8 text names the byte offset', async () => {
    const bad = new Uint8Array([...new TextEncoder().encode('id,c\na,1\nb,'), 0xff, 0x0a]);
    expect(await problems({ 'm.csv': bad })).toEqual(['m.csv (byte 11, line 3): not valid UTF-8 (byte 0xff); save the file as UTF-8']);
  });

  it('truncated .npy', async () => {
    const full = emb([
      [1, 2],
      [3, 4],
    ]);
    const msgs = await problems({ 'm.csv': 'id,c\na,1\nb,1\n', 'e.npy': full.subarray(0, full.length - 3) });
    expect(msgs).toEqual([expect.stringMatching(/^e\.npy \(byte \d+\): truncated data: shape \(2, 2\)/)]);
  });

  it('too large: refused before anything is read, naming the limit', async () => {
    const files = {
      'm.csv': 'id,c\na,1\nb,1\n',
      'e.npy': emb([
        [1, 2],
        [3, 4],
      ]),
    };
    const total = files['m.csv'].length + files['e.npy'].length;
    const msgs = await problems(files, { maxBytes: total - 1 });
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatch(new RegExp(`${total} bytes in all, more than the ${total - 1} bytes limit.*nothing was read`));
  });

  it('every problem across files at once', async () => {
    const msgs = await problems({ 'm.csv': 'id,c\na,1\na,2\n', 'e.csv': 'id,u,v\na,1\n', 'x.bytes': new Uint8Array(8) });
    expect(msgs).toHaveLength(3);
  });
});
