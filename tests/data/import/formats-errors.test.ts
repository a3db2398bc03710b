/** Issue 12: the new formats refuse broken input with a message naming the file and the problem. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../../src/data/npy.ts';
import { problems, run } from './helpers.ts';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'formats');
const fixture = (p: string) => new Uint8Array(readFileSync(join(DIR, p)));
const npy = (n: number, dim: number) => writeNpy({ n, dim, data: Float32Array.from({ length: n * dim }, (_, i) => i / 8) });
const MANIFEST = 'id,label\na,x\nb,x\nc,y\n';

describe('new formats: clear refusals', () => {
  it('.npz whose arrays disagree on rows', async () => {
    const z = zipSync({ 'x.npy': npy(3, 2), 'y.npy': npy(2, 2) });
    expect(await problems({ 'm.csv': MANIFEST, 'e.npz': z })).toEqual([
      'e.npz: "y" has 2 rows but "x" has 3; every array of one archive must have one row per item',
    ]);
  });

  it('.npz that is not a zip, and one with no .npy member', async () => {
    expect(await problems({ 'm.csv': MANIFEST, 'e.npz': npy(3, 2) })).toEqual([
      'e.npz (byte 0): not a .npz archive (a .npz is a zip file: it must start with "PK")',
    ]);
    expect(await problems({ 'm.csv': MANIFEST, 'e.npz': zipSync({ 'a.txt': new Uint8Array(4) }) })).toEqual([
      'e.npz: the .npz archive holds no .npy arrays',
    ]);
  });

  it('.safetensors cut short, and a header length past the end', async () => {
    const st = fixture('model.safetensors');
    expect((await problems({ 'm.csv': 'id\na\nb\nc\nd\ne\nf\n', 'e.safetensors': st.subarray(0, st.length - 10) }))[0]).toMatch(
      /^e\.safetensors \(tensor "[a-z0-9]+"\): data_offsets \[\d+, \d+\] run past the end of the data/,
    );
    const bad = st.slice();
    bad[0] = 0xff;
    bad[1] = 0xff;
    expect((await problems({ 'e.safetensors': bad }))[0]).toMatch(
      /^e\.safetensors \(byte 0\): header length field says \d+ bytes but the file has \d+ after it/,
    );
  });

  it('JSONL: a row without its vector, a bad value, a line that is not an object', async () => {
    const ok = '{"id":"a","v":[1,2]}\n{"id":"b","v":[3,4]}\n';
    expect(await problems({ 'e.jsonl': `${ok}{"id":"c"}\n` })).toEqual([
      'e.jsonl (row 3 (line 3)): "v" is missing; every row needs its vector',
    ]);
    expect(await problems({ 'e.jsonl': `${ok}{"id":"c","v":[1,"x"]}\n` })).toEqual([
      'e.jsonl (row 3 (line 3)): "v"[1]: "x" is not a number; every value must be a finite number',
    ]);
    expect(await problems({ 'e.jsonl': `${ok}[1,2]\n` })).toEqual([
      'e.jsonl (line 3): line holds an array, expected one JSON object per line',
    ]);
  });

  it("pandas CSV: numpy's '...' in a long array names the fix", async () => {
    const csv = ',id,emb\n0,a,[0.1 0.2 ... 0.9]\n1,b,[0.1 0.2 0.3 0.9]\n';
    expect((await problems({ 'e.csv': csv }))[0]).toContain('numpy shortened a long array when it was written as text');
  });

  it('Parquet parts whose vector columns differ', async () => {
    const a = fixture('parts/part-00000-6b1f0c2e-9d3a-4e51-8a7b-2c4d5e6f7a8b-c000.snappy.parquet');
    const hf = fixture('hf.parquet');
    const msgs = await problems({ 'out/_SUCCESS': '', 'out/part-00000.parquet': a, 'out/part-00001.parquet': hf });
    expect(msgs).toEqual([
      "out/part-00001.parquet: vector columns (embedding, clip) differ from out/part-00000.parquet's (embedding); the parts of one table share their columns",
    ]);
  });

  it('two unrelated Parquet files beside each other stay two tables (joined by id)', async () => {
    const a = fixture('parts/part-00000-6b1f0c2e-9d3a-4e51-8a7b-2c4d5e6f7a8b-c000.snappy.parquet');
    const ws = await run({ 'x/one.parquet': a, 'x/two.parquet': a });
    expect(ws.variants.map((v) => v.id)).toEqual(['one', 'two']);
    expect(ws.corpus.n).toBe(4);
  });
});
