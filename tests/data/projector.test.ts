import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEmbeddingsFile, loadProjectorConfig, readInputFile } from '../../src/data/files-node.ts';
import { writeNpy } from '../../src/data/npy.ts';
import {
  baseName,
  embeddingsFormat,
  parseEmbeddings,
  parseProjectorConfig,
  parseVectorsBytes,
  parseVectorsTsv,
  resolveRelative,
} from '../../src/data/projector.ts';
import { aerr, err } from './_helpers.ts';

const f32 = (v: number[]) => new Uint8Array(Float32Array.from(v).buffer);

describe('vectors .tsv', () => {
  it('parses rows of numbers (CRLF, trailing blank lines)', () => {
    const x = parseVectorsTsv('1\t2.5\t-3\r\n4e-1\t5\t6\r\n\n', 'v.tsv');
    expect(x.n).toBe(2);
    expect(x.dim).toBe(3);
    expect(Array.from(x.data)).toEqual([1, 2.5, -3, Math.fround(0.4), 5, 6]);
  });

  it('names the line of mixed row lengths', () => {
    expect(err(() => parseVectorsTsv('1\t2\n3\t4\n5\n', 'mixed.tsv')).message).toBe(
      'mixed.tsv (line 3): row has 1 values, expected 2 (as on line 1)',
    );
  });

  it('rejects non-numbers, empty values, a header row and blank lines', () => {
    expect(err(() => parseVectorsTsv('1\tx\n', 'a.tsv')).message).toBe(
      'a.tsv (line 1): "x" at column 2 is not a number (a vectors .tsv has no header row)',
    );
    expect(err(() => parseVectorsTsv('1\t2\n3\t\n', 'b.tsv')).message).toBe('b.tsv (line 2): empty value at column 2 is not a number');
    expect(err(() => parseVectorsTsv('1\t2\n\n3\t4\n', 'c.tsv')).message).toBe('c.tsv (line 2): empty line in a vectors file');
    expect(err(() => parseVectorsTsv('', 'd.tsv')).message).toBe('d.tsv: the file is empty (no vectors)');
  });

  it('names the row of NaN/Inf', () => {
    expect(err(() => parseVectorsTsv('1\t2\n3\tNaN\n', 'n.tsv')).message).toBe(
      'n.tsv (row 2 of 2): NaN at column 2; every value must be a finite number',
    );
    expect(err(() => parseVectorsTsv('1\t-Infinity\n', 'i.tsv')).message).toBe(
      'i.tsv (row 1 of 1): -Infinity at column 2; every value must be a finite number',
    );
    expect(err(() => parseVectorsTsv('1e39\t0\n', 'o.tsv')).message).toBe(
      'o.tsv (row 1 of 1): 1e39 (does not fit in float32) at column 1; every value must be a finite number',
    );
  });
});

describe('raw float32 .bytes', () => {
  it('parses little-endian float32 with the given dim', () => {
    const x = parseVectorsBytes(f32([1, 2, 3, 4, 5, 6]), 3, 'v.bytes');
    expect([x.n, x.dim]).toEqual([2, 3]);
    expect(Array.from(x.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects a size that is not a multiple of 4·dim', () => {
    expect(err(() => parseVectorsBytes(f32([1, 2, 3, 4, 5, 6]), 4, 'v.bytes')).message).toBe(
      'v.bytes (byte 16): size 24 bytes is not a multiple of 16 (dim 4 × 4-byte float32): 1 whole rows and 8 bytes left over; wrong --dim or a truncated file?',
    );
  });

  it('names the row of a NaN', () => {
    expect(err(() => parseVectorsBytes(f32([1, 2, NaN, 4]), 2, 'n.bytes')).message).toBe(
      'n.bytes (row 2 of 2): NaN at column 1; every value must be a finite number',
    );
  });

  it('needs --dim through parseEmbeddings', () => {
    expect(err(() => parseEmbeddings(f32([1, 2]), 'v.bytes')).message).toBe(
      'v.bytes: raw float32 .bytes has no shape: give the dimension with --dim D',
    );
  });
});

describe('parseEmbeddings dispatch', () => {
  it('by extension, checking --dim', () => {
    const npy = writeNpy({ n: 2, dim: 2, data: Float32Array.from([1, 2, 3, 4]) });
    expect(parseEmbeddings(npy, 'a.npy', { dim: 2 }).n).toBe(2);
    expect(err(() => parseEmbeddings(npy, 'a.npy', { dim: 3 })).message).toBe('a.npy: vectors have 2 dimensions but --dim 3 was given');
    expect(err(() => parseEmbeddings(npy, 'a.parquet')).message).toMatch(/^a\.parquet: unknown embeddings format/);
    expect(embeddingsFormat('x/projector_config.json')).toBe('config');
  });
});

describe('projector_config.json', () => {
  it('validates entries', () => {
    const e = parseProjectorConfig(
      {
        embeddings: [
          { tensorName: 'a', tensorShape: [2, 3], tensorPath: 'a.bytes', metadataPath: 'm.tsv' },
          { tensorPath: 'sub/b.tsv' },
          { tensorName: 'a', tensorPath: 'c.npy' },
        ],
      },
      'p.json',
    );
    expect(e.map((x) => x.tensorName)).toEqual(['a', 'b', 'a (2)']);
    expect(e[0].tensorShape).toEqual([2, 3]);
    expect(err(() => parseProjectorConfig([], 'p.json')).message).toBe(
      'p.json: projector config must be a JSON object with an "embeddings" array',
    );
    expect(err(() => parseProjectorConfig({}, 'p.json')).message).toBe('p.json: projector config has no "embeddings" array');
    expect(err(() => parseProjectorConfig({ embeddings: [{ tensorName: 'x' }] }, 'p.json')).message).toMatch(
      /^p\.json \(embeddings\[0\]\): entry has no "tensorPath"/,
    );
    expect(err(() => parseProjectorConfig({ embeddings: [{ tensorPath: 'a.tsv', tensorShape: [2] }] }, 'p.json')).message).toMatch(
      /"tensorShape" is \[2\], expected \[rows, dims\]/,
    );
    expect(err(() => parseProjectorConfig({ embeddings: [{ tensorPath: 'https://x/a.tsv' }] }, 'p.json')).message).toMatch(/is a URL/);
  });

  it('resolves paths relative to the config', () => {
    expect(resolveRelative('/d/e/projector_config.json', 'v.tsv')).toBe('/d/e/v.tsv');
    expect(resolveRelative('d/projector_config.json', '../v.tsv')).toBe('v.tsv');
    expect(resolveRelative('projector_config.json', './sub/v.tsv')).toBe('sub/v.tsv');
    expect(resolveRelative('d/p.json', '/abs/v.tsv')).toBe('/abs/v.tsv');
    expect(baseName('a/b/vec.tsv')).toBe('vec');
  });
});

describe('Node loaders', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rl-proj-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads every tensor of a config, relative to it', async () => {
    writeFileSync(path.join(dir, 'a.bytes'), f32([1, 2, 3, 4, 5, 6]));
    writeFileSync(path.join(dir, 'b.tsv'), '1\t2\n3\t4\n5\t6\n');
    writeFileSync(path.join(dir, 'm.tsv'), 'x\ny\nx\n');
    const cfg = path.join(dir, 'projector_config.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        embeddings: [
          { tensorName: 'A', tensorShape: [3, 2], tensorPath: 'a.bytes', metadataPath: 'm.tsv' },
          { tensorName: 'B', tensorShape: [3, 2], tensorPath: 'b.tsv' },
        ],
      }),
    );
    const vs = await loadProjectorConfig(cfg);
    expect(vs.map((v) => v.entry.tensorName)).toEqual(['A', 'B']);
    expect(vs[0].metadataFile).toBe(path.join(dir, 'm.tsv'));
    expect(vs[1].metadataFile).toBeUndefined();
    const a = await vs[0].load();
    expect([a.n, a.dim]).toEqual([3, 2]);
    expect(Array.from((await vs[1].load()).data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('a missing tensor file names the file and the config entry', async () => {
    const cfg = path.join(dir, 'missing.json');
    writeFileSync(cfg, JSON.stringify({ embeddings: [{ tensorName: 'gone', tensorPath: 'nope.tsv' }] }));
    const [v] = await loadProjectorConfig(cfg);
    expect((await aerr(v.load())).message).toBe(`${path.join(dir, 'nope.tsv')}: tensor file not found (tensorPath of "gone" in ${cfg})`);
  });

  it('checks tensorShape and .bytes needing a shape', async () => {
    const cfg = path.join(dir, 'shape.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        embeddings: [
          { tensorName: 'S', tensorShape: [4, 2], tensorPath: 'b.tsv' },
          { tensorName: 'R', tensorPath: 'a.bytes' },
        ],
      }),
    );
    const [s, r] = await loadProjectorConfig(cfg);
    expect((await aerr(s.load())).message).toBe(`${path.join(dir, 'b.tsv')}: has shape [3, 2] but ${cfg} says tensorShape [4, 2] for "S"`);
    expect((await aerr(r.load())).message).toBe(`${cfg}: "R": a .bytes tensorPath needs "tensorShape": [rows, dims]`);
  });

  it('bad JSON and missing files', async () => {
    const cfg = path.join(dir, 'bad.json');
    writeFileSync(cfg, '{"embeddings": [');
    expect((await aerr(loadProjectorConfig(cfg))).message).toMatch(/bad\.json: not valid JSON: /);
    expect((await aerr(loadEmbeddingsFile(path.join(dir, 'none.npy')))).message).toBe(
      `${path.join(dir, 'none.npy')}: embeddings file not found`,
    );
    expect((await aerr(readInputFile(dir))).message).toBe(`${dir}: is a directory, expected a file`);
  });
});
