/** A TF Projector bundle (config + .tsv/.bytes tensors + metadata + sprite) through importFiles. */
import { describe, expect, it } from 'vitest';
import { png, problems, run } from './helpers.ts';

// 3 items, tiles of 4×4 in an 8×8 sprite (2 per row): item i's pixel (x, y) = [10i + x, 10i + y, 50i, 255].
const TILE = 4;
const sprite = png(8, 8, (x, y) => {
  const i = Math.floor(y / TILE) * 2 + Math.floor(x / TILE);
  return i < 3 ? [10 * i + (x % TILE), 10 * i + (y % TILE), 50 * i, 255] : [0, 0, 0, 0];
});
const f32 = (v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
const config = {
  embeddings: [
    {
      tensorName: 'CLIP',
      tensorShape: [3, 2],
      tensorPath: 'clip.tsv',
      metadataPath: 'meta.tsv',
      sprite: { imagePath: 'sprite.png', singleImageDim: [TILE, TILE] },
    },
    { tensorName: 'Raw', tensorShape: [3, 3], tensorPath: 'raw.bytes', metadataPath: 'meta.tsv' },
  ],
};
const bundle = {
  'p/projector_config.json': JSON.stringify(config),
  'p/clip.tsv': '1\t2\n3\t4\n5\t6\n',
  'p/raw.bytes': f32([1, 0, 0, 0, 1, 0, 0, 0, 1]),
  'p/meta.tsv': 'title\tstyle\nA\tflat\nB\tflat\nC\tnoto\n',
  'p/sprite.png': sprite,
};

describe('TF Projector bundle', () => {
  it('tensors become variants, metadata the columns, sprite tiles the thumbnails', async () => {
    const ws = await run(bundle, { imageSize: TILE });
    expect(ws.corpus.n).toBe(3);
    expect(ws.corpus.columns.id).toEqual(['1', '2', '3']);
    expect(ws.corpus.columns.style).toEqual(['flat', 'flat', 'noto']);
    expect(ws.variants.map((v) => [v.id, v.name, v.embeddings.dim])).toEqual([
      ['clip', 'CLIP', 2],
      ['raw', 'Raw', 3],
    ]);
    expect(Array.from(ws.variants[1].embeddings.data)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(ws.corpus.imageSize).toBe(TILE);
    for (let i = 0; i < 3; i++) {
      for (let y = 0; y < TILE; y++) {
        for (let x = 0; x < TILE; x++) {
          const o = ((i * TILE + y) * TILE + x) * 3;
          expect(Array.from(ws.corpus.images.subarray(o, o + 3))).toEqual([10 * i + x, 10 * i + y, 50 * i]);
        }
      }
    }
    // The bundle's files are not read again as loose files.
    expect(ws.report.files.map((f) => f.kind)).toEqual(['projector config']);
  });

  it('a metadata id column joins the bundle with other files', async () => {
    const ws = await run(
      { ...bundle, 'p/meta.tsv': 'id\tstyle\nq\tflat\nr\tflat\ns\tnoto\n', 'e.csv': 'id,u,v\ns,1,1\nq,2,2\n' },
      { imageSize: TILE },
    );
    expect(ws.corpus.columns.id).toEqual(['q', 's']);
    expect(Array.from(ws.corpus.images.subarray(TILE * TILE * 3, TILE * TILE * 3 + 3))).toEqual([20, 20, 100]);
    expect(ws.report.unmatched).toEqual([{ file: 'p/meta.tsv', count: 1, examples: ['r'] }]);
  });

  it('bad bundles: wrong tensorShape, truncated .bytes, sprite too small, missing file', async () => {
    const msgs = await problems({
      ...bundle,
      'p/raw.bytes': f32([1, 0, 0, 0, 1, 0, 0, 0]),
      'p/clip.tsv': '1\t2\n3\t4\n',
      'p/sprite.png': png(8, 4, () => [0, 0, 0, 255]),
    });
    expect(msgs).toContainEqual(
      'p/raw.bytes (byte 32): is 32 bytes but tensorShape [3, 3] in p/projector_config.json needs 36 (float32); truncated or the wrong shape?',
    );
    expect(msgs).toContainEqual('p/clip.tsv: has shape [2, 2] but p/projector_config.json says tensorShape [3, 2] for "CLIP"');
    expect(msgs).toContainEqual('p/sprite.png: sprite of 8×4 holds 2 tiles of 4×4, but there are 3 items');
    const { 'p/meta.tsv': _m, ...noMeta } = bundle;
    expect(await problems(noMeta)).toContainEqual(
      'p/projector_config.json (embeddings[0]): metadataPath "meta.tsv": p/meta.tsv is not among the imported files',
    );
  });
});
