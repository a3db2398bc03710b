/**
 * Issue 12: every fixture of tests/fixtures/formats/ (written by numpy, pandas and parquet-wasm:
 * scripts/fixtures/) imported through `importFiles`, both as the app gives files (whole reads) and
 * as the CLI does (sliced reads for Parquet). Values are multiples of 1/8, exact in float16/bfloat16.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeImportFiles } from '../../../src/cli/import-node.ts';
import { importFiles } from '../../../src/data/import/import.ts';
import type { Workspace } from '../../../src/data/import/types.ts';
import { nodeDecoder, memFiles } from './helpers.ts';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'formats');
const IDS = ['a', 'b', 'c', 'd', 'e', 'f'];
const LABEL = ['cat', 'dog', 'cat', 'bird', 'dog', 'cat'];
const IDENTITY = ['x', 'x', 'y', 'y', 'z', 'z'];

function vectors(n = 6, dim = 4, shift = 0): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) out.push((((i * dim + j + shift) % 7) - 3) * 0.25 + (j === i % dim ? 1 : 0));
  return out;
}

function walk(p: string): string[] {
  return statSync(p).isDirectory() ? readdirSync(p).flatMap((x) => walk(join(p, x))) : [p];
}

type Mode = 'app' | 'cli';

async function load(mode: Mode, names: string[], opts: { dataset?: string } = {}): Promise<Workspace> {
  if (mode === 'cli') {
    const files = await nodeImportFiles(names.map((n) => join(DIR, n)));
    for (const f of files) f.path = relative(DIR, f.path);
    return importFiles(files, { decodeImage: nodeDecoder, ...opts });
  }
  const entries: Record<string, Uint8Array> = {};
  for (const n of names)
    for (const p of walk(join(DIR, n)))
      if (!p.split('/').pop()!.startsWith('.')) entries[relative(DIR, p)] = new Uint8Array(readFileSync(p));
  return importFiles(memFiles(entries), { decodeImage: nodeDecoder, ...opts });
}

const data = (ws: Workspace, id: string) => Array.from(ws.variants.find((v) => v.id === id)!.embeddings.data);

describe.each<Mode>(['app', 'cli'])('format fixtures through importFiles (%s)', (mode) => {
  it('float16 .npy beside a manifest', async () => {
    const ws = await load(mode, ['f16.npy', 'manifest.csv']);
    expect(ws.corpus.columns.id).toEqual(IDS);
    expect(data(ws, 'f16')).toEqual(vectors());
  });

  it('.npz: each 2-D array a variant named by its key; 1-D text array skipped; savez_compressed', async () => {
    const ws = await load(mode, ['arrays.npz', 'compressed.npz', 'manifest.csv']);
    expect(ws.variants.map((v) => v.id).sort()).toEqual(['compressed', 'x', 'y']);
    expect(data(ws, 'x')).toEqual(vectors());
    expect(data(ws, 'y')).toEqual(vectors(6, 4, 1));
    expect(data(ws, 'compressed')).toEqual(vectors(6, 4, 2));
    expect(ws.report.warnings.join('\n')).toContain('arrays.npz: arrays skipped (ids');
  });

  it('.safetensors: F32, F16 and BF16 tensors, the 1-D one skipped', async () => {
    const ws = await load(mode, ['model.safetensors', 'manifest.csv']);
    expect(ws.variants.map((v) => v.id)).toEqual(['emb', 'emb16', 'embbf']);
    expect(data(ws, 'emb')).toEqual(vectors());
    expect(data(ws, 'emb16')).toEqual(vectors(6, 4, 1));
    expect(data(ws, 'embbf')).toEqual(vectors(6, 4, 2));
  });

  it('pandas CSV: unnamed index dropped, labels kept, list and numpy-array columns → variants', async () => {
    const ws = await load(mode, ['pandas.csv']);
    expect(ws.corpus.columns.id).toEqual(IDS);
    expect(ws.corpus.columns.label).toEqual(LABEL);
    expect(ws.corpus.columns.title).toEqual(IDS.map((i) => `item ${i}`));
    expect(Object.keys(ws.corpus.columns)).not.toContain('column1');
    expect(data(ws, 'pandas:embedding')).toEqual(vectors());
    expect(data(ws, 'pandas:emb_np')).toEqual(vectors(6, 4, 1));
  });

  it('pandas JSONL (orient=records, lines=True)', async () => {
    const ws = await load(mode, ['pandas.jsonl']);
    expect(ws.corpus.columns.id).toEqual(IDS);
    expect(ws.corpus.columns.identity).toEqual(IDENTITY);
    expect(data(ws, 'pandas')).toEqual(vectors());
  });

  it('Hugging Face datasets Parquet: image structs → thumbnails, ClassLabel names, list and fixed-size-list variants', async () => {
    const ws = await load(mode, ['hf.parquet']);
    expect(ws.corpus.n).toBe(6);
    expect(ws.corpus.columns.label).toEqual(LABEL);
    expect(ws.corpus.imageSize).toBe(64);
    // Item i's PNG is one colour: (40 i, 255 - 30 i, 80).
    for (let i = 0; i < 6; i++)
      expect(Array.from(ws.corpus.images.subarray(i * 64 * 64 * 3, i * 64 * 64 * 3 + 3))).toEqual([(i * 40) % 256, 255 - i * 30, 80]);
    expect(data(ws, 'hf:embedding')).toEqual(vectors());
    expect(data(ws, 'hf:clip')).toEqual(vectors(6, 4, 1));
  });

  it('a Spark-style folder of Parquet parts (_SUCCESS, .crc, row groups of 2) is one table', async () => {
    const ws = await load(mode, ['parts']);
    expect(ws.corpus.columns.id).toEqual(IDS);
    expect(ws.corpus.columns.label).toEqual(LABEL);
    expect(data(ws, 'parts')).toEqual(vectors());
    expect(ws.report.files.map((f) => f.kind)).toEqual(['embeddings (2 Parquet parts)', 'marker (ignored)']);
    expect(ws.report.warnings).toEqual([]);
  });

  it('key=value partition folders become a column', async () => {
    const ws = await load(mode, ['hive', 'manifest.csv']);
    expect(ws.corpus.columns.id).toEqual(IDS);
    expect(ws.corpus.columns.split).toEqual(['train', 'train', 'train', 'train', 'test', 'test']);
    expect(data(ws, 'hive')).toEqual(vectors());
  });

  it('a projector config with two datasets: the first by default, the other on request', async () => {
    const a = await load(mode, ['projector']);
    expect(a.report.datasets?.map((d) => d.name)).toEqual(['words', 'iris']);
    expect(a.report.dataset).toBe('words');
    expect(a.variants.map((v) => v.name)).toEqual(['words A', 'words B']);
    expect(a.corpus.columns.label).toEqual(LABEL);
    const b = await load(mode, ['projector'], { dataset: 'iris' });
    expect(b.report.dataset).toBe('iris');
    expect(b.corpus.n).toBe(5);
    expect(b.variants.map((v) => v.name)).toEqual(['iris']);
    expect(b.corpus.columns.species).toEqual(['setosa', 'setosa', 'virginica', 'virginica', 'setosa']);
    await expect(load(mode, ['projector'], { dataset: 'nope' })).rejects.toThrow('has no dataset "nope" (its datasets: "words", "iris")');
  });
});
