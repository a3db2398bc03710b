/**
 * End-to-end: spawns `node bin/recall-lens.mjs eval …` on tiny fixtures (tests/fixtures/cli, see its
 * README for the hand computation) and on broken files written to a temporary folder.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeNpy } from '../../src/data/npy.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/recall-lens.mjs');
const FIX = path.join(ROOT, 'tests/fixtures/cli');
const dir = mkdtempSync(path.join(tmpdir(), 'rl-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Exit code, and exactly one line on stderr with no stack trace. */
async function fails(args: string[], code: number): Promise<string> {
  const r = await cli(args);
  expect(r.code, r.stderr).toBe(code);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

const SIX = path.join(FIX, 'six.tsv');
const META = path.join(FIX, 'six-meta.tsv');
const POS = [0, 1, 3, 7, 12, 20];
const w = (name: string, data: string | Uint8Array) => {
  const p = path.join(dir, name);
  writeFileSync(p, data);
  return p;
};

describe('recall-lens eval --json on the hand-computable six-item example', () => {
  it('matches the hand computation (K=2, Euclidean, all seeds)', async () => {
    const r = await cli(['eval', SIX, '--metadata', META, '--k', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['variants']);
    expect(out.variants).toHaveLength(1);
    const v = out.variants[0];
    expect(Object.keys(v).sort()).toEqual(['dim', 'facets', 'k', 'metric', 'n', 'name', 'recall', 'whiten']);
    expect(v).toMatchObject({ name: 'six', n: 6, dim: 1, k: 2, metric: 'euclidean', whiten: 'none' });
    expect(Object.keys(v.facets)).toEqual(['style', 'shape', 'color']);
    const close = (a: number, b: number) => expect(a).toBeCloseTo(b, 9);
    close(v.facets.style.consistency, 5.5 / 6);
    close(v.facets.style.chance, 0.5);
    close(v.facets.shape.consistency, 0.25);
    close(v.facets.shape.chance, 0.5);
    close(v.facets.color.consistency, 0.4);
    close(v.facets.color.chance, 0.52);
    for (const f of Object.values(v.facets) as { consistency: number; ci95: number[] }[]) {
      expect(Object.keys(f).sort()).toEqual(['chance', 'ci95', 'consistency']);
      expect(f.ci95).toHaveLength(2);
      expect(f.ci95[0]).toBeLessThanOrEqual(f.consistency);
      expect(f.ci95[1]).toBeGreaterThanOrEqual(f.consistency);
      expect(f.ci95[0]).toBeGreaterThanOrEqual(0);
      expect(f.ci95[1]).toBeLessThanOrEqual(1);
    }
    close(v.recall['1'], 4 / 6);
    close(v.recall['5'], 1);
    close(v.recall['10'], 1);
    close(v.recall['20'], 1);
  });

  it('whitening variants (affine in 1-D: same neighbours) and .npy input', async () => {
    const npy = w('six.npy', writeNpy({ n: 6, dim: 1, data: Float32Array.from(POS) }));
    const r = await cli(['eval', npy, '--metadata', META, '--k', '2', '--whiten', 'none,full,1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const vs = JSON.parse(r.stdout).variants;
    expect(vs.map((v: { name: string; whiten: unknown }) => [v.name, v.whiten])).toEqual([
      ['six', 'none'],
      ['six+w', 'full'],
      ['six+w1', 1],
    ]);
    for (const v of vs) expect(v.facets.style.consistency).toBeCloseTo(5.5 / 6, 9);
  });

  it('a projector config: each entry is a variant, metadata relative to the config', async () => {
    copyFileSync(META, path.join(dir, 'meta.tsv'));
    copyFileSync(SIX, path.join(dir, 'pos.tsv'));
    // Second tensor: reversed order of distances (negated squares) as raw float32 .bytes.
    w('sq.bytes', new Uint8Array(Float32Array.from(POS.map((p) => -p * p)).buffer));
    const cfg = w(
      'projector_config.json',
      JSON.stringify({
        embeddings: [
          { tensorName: 'pos', tensorShape: [6, 1], tensorPath: 'pos.tsv', metadataPath: 'meta.tsv' },
          { tensorName: 'squares', tensorShape: [6, 1], tensorPath: 'sq.bytes', metadataPath: 'meta.tsv' },
        ],
      }),
    );
    const r = await cli(['eval', cfg, '--k', '2', '--json', '--seeds', '4', '--seed', '3']);
    expect(r.code, r.stderr).toBe(0);
    const vs = JSON.parse(r.stdout).variants;
    expect(vs.map((v: { name: string }) => v.name)).toEqual(['pos', 'squares']);
    expect(vs[1].dim).toBe(1);
  });

  it('prints a readable aligned table without --json', async () => {
    const r = await cli(['eval', SIX, '--metadata', META, '--k', '2', '--whiten', 'none,full']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^variant\s+n\s+dim\s+whiten\s+style\s+shape\s+color\s+R@1\s+R@5\s+R@10\s+R@20$/);
    expect(lines[2]).toMatch(/^six\s+6\s+1\s+none\s+0\.9167 \[/);
    expect(lines[3]).toMatch(/^six\+w\s+6\s+1\s+full\s+0\.9167 \[/);
    expect(r.stdout).toMatch(/chance \(sum p\^2\)\s+0\.5000\s+0\.5000\s+0\.5200/);
    expect(r.stdout).toMatch(/K=2 euclidean neighbours, all items as seeds/);
    // Columns line up: left-aligned "whiten", right-aligned "dim" and facet cells end under their headers.
    expect(lines[2].indexOf('none')).toBe(lines[0].indexOf('whiten'));
    expect(lines[3].indexOf('full')).toBe(lines[0].indexOf('whiten'));
    expect(lines[2].indexOf(' 1 ') + 2).toBe(lines[0].indexOf('dim') + 3);
    expect(lines[1]).toMatch(/^-+( {2}-+)+$/);
  });

  it('--help for each command', async () => {
    for (const cmd of [['--help'], ['eval', '--help'], ['embed', '--help'], ['eval', '-h']]) {
      const r = await cli(cmd);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: recall-lens/);
    }
  });
});

describe('recall-lens eval: bad command lines exit 2 with one line', () => {
  it.each([
    [['eval', SIX, '--metadata', META, '--bogus'], /^recall-lens eval: Unknown option '--bogus'\. \(see recall-lens eval --help\)$/],
    [['eval', SIX, '--metadata', META, '--k', 'ten'], /^recall-lens eval: --k must be a positive integer, got "ten"$/],
    [['eval', SIX, '--metadata', META, '--k', '0'], /--k must be a positive integer/],
    [['eval', SIX, '--metadata', META, '--metric', 'manhattan'], /--metric must be euclidean or cosine, got "manhattan"/],
    [['eval', SIX, '--metadata', META, '--whiten', 'half'], /--whiten must be none, full or a positive number/],
    [['eval', SIX, '--metadata', META, '--seeds', 'some'], /--seeds must be a positive integer/],
    [['eval', SIX], /--metadata <file> is required/],
    [['eval'], /missing <embeddings> file/],
    [['eval', SIX, SIX, '--metadata', META], /expected one <embeddings> file, got 2/],
    [['frobnicate'], /^recall-lens: unknown command "frobnicate"/],
    [['embed', '--demo', '--out', 'x'], /--model <card\.json> is required/],
    [['embed', '--model', 'm.json', '--out', 'x'], /give --demo or --images <folder>/],
  ])('%j', async (args, re) => {
    expect(await fails(args as string[], 2)).toMatch(re as RegExp);
  });
});

describe('recall-lens eval: bad input exits 1 with one line naming the file', () => {
  it('missing files', async () => {
    expect(await fails(['eval', 'nope.npy', '--metadata', META], 1)).toBe('recall-lens: nope.npy: embeddings file not found');
    expect(await fails(['eval', SIX, '--metadata', 'nope.tsv'], 1)).toBe('recall-lens: nope.tsv: metadata file not found');
  });

  it('row count mismatch names both files and counts', async () => {
    const m = w('five.tsv', readFileSync(META, 'utf8').split('\n').slice(0, 6).join('\n') + '\n');
    expect(await fails(['eval', SIX, '--metadata', m], 1)).toBe(
      `recall-lens: ${m}: has 5 data rows but ${SIX} has 6 vectors; they must match row for row`,
    );
  });

  it('truncated .npy, bad magic, wrong dtype, NaN row', async () => {
    const good = writeNpy({ n: 6, dim: 1, data: Float32Array.from(POS) });
    const t = w('trunc.npy', good.subarray(0, good.length - 3));
    expect(await fails(['eval', t, '--metadata', META], 1)).toMatch(
      /^recall-lens: .*trunc\.npy \(byte \d+\): truncated data: shape \(6, 1\) of <f4 needs 24 bytes/,
    );
    const bad = good.slice();
    bad[1] = 0;
    expect(await fails(['eval', w('magic.npy', bad), '--metadata', META], 1)).toMatch(/magic\.npy \(byte 1\): not a \.npy file: bad magic/);
    const i4 = good.slice();
    const at = Buffer.from(i4).indexOf("'<f4'");
    i4.set(Buffer.from("'<i4'"), at);
    expect(await fails(['eval', w('int.npy', i4), '--metadata', META], 1)).toMatch(/int\.npy \(byte 10\): unsupported dtype '<i4'/);
    const nan = writeNpy({ n: 6, dim: 1, data: Float32Array.from([0, 1, 3, NaN, 12, 20]) });
    expect(await fails(['eval', w('nan.npy', nan), '--metadata', META], 1)).toMatch(/nan\.npy \(row 4 of 6\): NaN at column 1/);
  });

  it('mixed row lengths in TSV vectors and metadata, bad UTF-8', async () => {
    expect(await fails(['eval', w('mixed.tsv', '0\n1\n3\t4\n7\n12\n20\n'), '--metadata', META], 1)).toMatch(
      /mixed\.tsv \(line 3\): row has 2 values, expected 1/,
    );
    expect(await fails(['eval', SIX, '--metadata', w('mm.tsv', 'a\tb\n1\t2\n3\n')], 1)).toMatch(
      /mm\.tsv \(line 3\): row has 1 field, expected 2/,
    );
    const utf = new Uint8Array([...Buffer.from('style\tx\na\t'), 0xe9, ...Buffer.from('\n')]);
    expect(await fails(['eval', SIX, '--metadata', w('latin1.tsv', utf)], 1)).toMatch(/latin1\.tsv \(byte 10, line 2\): not valid UTF-8/);
  });

  it('.bytes: needs --dim, size must be a multiple', async () => {
    const b = w('v.bytes', new Uint8Array(Float32Array.from(POS).buffer));
    expect(await fails(['eval', b, '--metadata', META], 1)).toMatch(
      /v\.bytes: raw float32 \.bytes has no shape: give the dimension with --dim D/,
    );
    expect(await fails(['eval', b, '--metadata', META, '--dim', '4'], 1)).toMatch(
      /v\.bytes \(byte 16\): size 24 bytes is not a multiple of 16/,
    );
  });

  it('projector config pointing to a missing file', async () => {
    const cfg = w(
      'broken_config.json',
      JSON.stringify({ embeddings: [{ tensorName: 'gone', tensorPath: 'gone.tsv', metadataPath: 'meta.tsv' }] }),
    );
    copyFileSync(META, path.join(dir, 'meta.tsv'));
    expect(await fails(['eval', cfg], 1)).toBe(
      `recall-lens: ${path.join(dir, 'gone.tsv')}: tensor file not found (tensorPath of "gone" in ${cfg})`,
    );
    const nometa = w('nometa_config.json', JSON.stringify({ embeddings: [{ tensorName: 'pos', tensorPath: 'pos.tsv' }] }));
    expect(await fails(['eval', nometa], 1)).toMatch(
      /nometa_config\.json: entry "pos" has no metadataPath; give one in the config or pass --metadata <file>/,
    );
  });

  it('K too large, whitening beyond dim, nothing to evaluate', async () => {
    expect(await fails(['eval', SIX, '--metadata', META, '--k', '6'], 1)).toBe(
      `recall-lens: ${SIX}: has 6 items; --k 6 needs at least 7 (the seed itself is excluded)`,
    );
    expect(await fails(['eval', SIX, '--metadata', META, '--k', '2', '--whiten', '2'], 1)).toMatch(
      /has 1 dimensions; --whiten 2 cannot keep more directions/,
    );
    const u = w('unique.tsv', 'a\nb\nc\nd\ne\nf\n');
    expect(await fails(['eval', SIX, '--metadata', u, '--k', '2'], 1)).toMatch(
      /unique\.tsv: nothing to evaluate: no column has repeated values and there is no "identity" column \(label: no value repeats\)/,
    );
  });
});
