/**
 * `recall-lens import` and `recall-lens eval <folder | several paths>` end to end (spawns the bin):
 * the six-item example of tests/fixtures/cli imported as manifest + .npy + Parquet in shuffled
 * order must score exactly as the classic single-file eval (the hand computation in its README).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.ts';
import { solid } from '../data/import/helpers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/recall-lens.mjs');
const FIX = path.join(ROOT, 'tests/fixtures/cli');
const dir = mkdtempSync(path.join(tmpdir(), 'rl-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const POS = [0, 1, 3, 7, 12, 20];

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

function parquetOf(ids: string[], rows: number[][]): Uint8Array {
  return new Uint8Array(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: ids },
        { name: 'vec', data: rows },
      ],
      schema: [
        { name: 'root', num_children: 2 },
        { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
        { name: 'vec', repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST' },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
      ] as never,
    }),
  );
}

// The six items as a folder: manifest (six-meta.tsv has id, identity, style, shape, color, title),
// the positions as .npy (manifest order) and as Parquet (reversed, plus one id the manifest lacks).
const set = path.join(dir, 'six');
mkdirSync(set);
copyFileSync(path.join(FIX, 'six-meta.tsv'), path.join(set, 'items.tsv'));
writeFileSync(path.join(set, 'pos.npy'), writeNpy({ n: 6, dim: 1, data: Float32Array.from(POS) }));
const order = [5, 4, 3, 2, 1, 0];
writeFileSync(path.join(set, 'rev.parquet'), parquetOf([...order.map(String), 'ghost'], [...order.map((i) => [POS[i]]), [99]]));

describe('recall-lens import', () => {
  it('--json: items, variants n × dim, unmatched with examples', async () => {
    const r = await cli(['import', set, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.items).toBe(6);
    expect(out.corpus).toMatchObject({ name: 'six', n: 6, imageSize: 0, columns: ['id', 'identity', 'style', 'shape', 'color', 'title'] });
    expect(out.corpus.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(out.variants).toEqual([
      { id: 'rev', name: 'rev', file: `${set}/rev.parquet`, n: 6, dim: 1 },
      { id: 'pos', name: 'pos', file: `${set}/pos.npy`, n: 6, dim: 1 },
    ]);
    expect(out.unmatched).toEqual([{ file: `${set}/rev.parquet`, count: 1, examples: ['ghost'] }]);
  });

  it('the report in words; an encoder with a short card', async () => {
    copyFileSync(path.join(ROOT, 'public/models/pixels.onnx'), path.join(dir, 'pixels.onnx'));
    writeFileSync(path.join(dir, 'pixels.json'), JSON.stringify({ input: { size: 64 }, output: {} }));
    const r = await cli(['import', 'six', 'pixels.onnx', 'pixels.json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^6 items \(six, hash [0-9a-f]{12}\), no images\n/);
    expect(r.stdout).toMatch(/\n {2}rev\s+6 × 1\s+six\/rev\.parquet\n/);
    expect(r.stdout).toMatch(/\n {2}pixels\s+image 64px → 192\s+pixels\.onnx\n/);
    expect(r.stdout).toMatch(/ids that did not join \(dropped\)\n {2}six\/rev\.parquet\s+1\s+"ghost"\n/);
  });

  it('bad input: exit 1, one line per problem naming file and row', async () => {
    const bad = path.join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(path.join(bad, 'm.csv'), 'id,image,style\na,a.png,x\na,b.png,y\n');
    writeFileSync(path.join(bad, 'a.png'), solid(2, 2, [1, 2, 3]));
    writeFileSync(path.join(bad, 'b.png'), 'not a png');
    writeFileSync(path.join(bad, 'e.npy'), writeNpy({ n: 3, dim: 1, data: new Float32Array(3) }));
    const r = await cli(['import', 'bad']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr.trimEnd().split('\n').sort()).toEqual([
      'recall-lens: bad/b.png (byte 0): not a PNG or JPEG image (unrecognised file signature)',
      'recall-lens: bad/e.npy: has 3 rows but bad/m.csv has 2 items; a file without ids must have one row per item, in the same order',
      'recall-lens: bad/m.csv (row 2 (line 3)): duplicate id "a" (also at row 1 (line 2))',
    ]);
    const missing = await cli(['import', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('recall-lens: nope: file or folder not found\n');
    const usage = await cli(['import']);
    expect(usage.code).toBe(2);
  });
});

describe('recall-lens eval on a folder / several paths', () => {
  it('every variant scored against the manifest columns, same numbers as the single-file eval', async () => {
    const r = await cli(['eval', 'six', '--k', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const vs = JSON.parse(r.stdout).variants;
    expect(vs.map((v: { name: string }) => v.name)).toEqual(['rev', 'pos']);
    const single = await cli(['eval', path.join(FIX, 'six.tsv'), '--metadata', path.join(FIX, 'six-meta.tsv'), '--k', '2', '--json']);
    const ref = JSON.parse(single.stdout).variants[0];
    for (const v of vs) {
      expect(v.facets).toEqual(ref.facets);
      expect(v.recall).toEqual(ref.recall);
      expect(v.facets.style.consistency).toBeCloseTo(5.5 / 6, 9);
    }
  });

  it('several files; a .npy with the wrong row count is named', async () => {
    const r = await cli(['eval', 'six/items.tsv', 'six/pos.npy', '--k', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).variants.map((v: { name: string }) => v.name)).toEqual(['pos']);
    writeFileSync(path.join(dir, 'five.npy'), writeNpy({ n: 5, dim: 1, data: new Float32Array(5) }));
    const bad = await cli(['eval', 'six/items.tsv', 'five.npy', '--k', '2']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'recall-lens: five.npy: has 5 rows but six/items.tsv has 6 items; a file without ids must have one row per item, in the same order\n',
    );
  });
});
