/**
 * `recall-lens export` end to end (spawns bin/recall-lens.mjs): the folder it writes reads back
 * through src/data (projector config, tables, .npy) to the same vectors, metadata and thumbnails;
 * `recall-lens eval` scores the exported config; bad inputs get one-line errors.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { mulberry32 } from '../../src/compute/sampling.ts';
import type { Embeddings } from '../../src/compute/types.ts';
import { applyWhitening, fitWhitening } from '../../src/compute/whitening.ts';
import { loadProjectorConfig } from '../../src/data/files-node.ts';
import { parseNpy, writeNpy } from '../../src/data/npy.ts';
import { parseTable } from '../../src/data/table.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/recall-lens.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'rl-export-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** In-process (the same main() the binary runs, without a process start per case): exit code and one stderr line. */
async function fails(args: string[], code: number): Promise<string> {
  let stderr = '';
  let stdout = '';
  const rc = await main(
    args.map((a) => (a.endsWith('.png') && !path.isAbsolute(a) ? path.join(dir, a) : a)),
    {
      stdout: (s) => void (stdout += s),
      stderr: (s) => void (stderr += s),
      stderrIsTTY: false,
    },
  );
  expect(rc, stderr).toBe(code);
  expect(stdout).toBe('');
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  return lines[0];
}

const N = 12;
const r = mulberry32(21);
function emb(dim: number): Embeddings {
  return { n: N, dim, data: Float32Array.from({ length: N * dim }, (_, i) => (r() - 0.5) * (1 + (i % dim))) };
}
const a = emb(5);
const b = emb(3);
const A = path.join(dir, 'alpha.npy');
const B = path.join(dir, 'beta.tsv');
const META = path.join(dir, 'meta.tsv');
writeFileSync(A, writeNpy(a));
writeFileSync(
  B,
  Array.from({ length: N }, (_, i) =>
    Array.from(b.data.subarray(i * 3, i * 3 + 3))
      .map(String)
      .join('\t'),
  ).join('\n') + '\n',
);
const styles = Array.from({ length: N }, (_, i) => ['noto', 'twemoji', 'openmoji'][i % 3]);
writeFileSync(META, `id\tstyle\ttitle\n${styles.map((s, i) => `i${i}\t${s}\tthing ${i}`).join('\n')}\n`);

// A 4×4 grid of 5 px tiles (N = 12 items, 4 unused tiles): item i is a flat colour (i·20, 255 − i·20, 7).
const TILE = 5;
const sheet = new PNG({ width: 4 * TILE, height: 4 * TILE });
sheet.data.fill(0);
for (let i = 0; i < N; i++)
  for (let y = 0; y < TILE; y++)
    for (let x = 0; x < TILE; x++) {
      const o = ((Math.floor(i / 4) * TILE + y) * 4 * TILE + (i % 4) * TILE + x) * 4;
      sheet.data.set([i * 20, 255 - i * 20, 7, 255], o);
    }
const SPRITE = path.join(dir, 'sheet.png');
writeFileSync(SPRITE, PNG.sync.write(sheet));

describe('recall-lens export', () => {
  const out = path.join(dir, 'out');

  it('writes the bundle, npy/ and whitening/ that read back to the same vectors, metadata and thumbnails', async () => {
    const res = await cli(['export', A, B, '--metadata', META, '--out', out, '--whiten', 'none,full,2', '--sprite', SPRITE]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(
      /^wrote .*out: TF Projector bundle of 6 variants \[alpha \(12 × 5\), alpha\+w \(12 × 5\), alpha\+w2 \(12 × 2\), beta \(12 × 3\)/,
    );

    const wa = fitWhitening(a);
    const wb = fitWhitening(b);
    const expected: Record<string, Embeddings> = {
      alpha: a,
      'alpha+w': applyWhitening(a, wa),
      'alpha+w2': applyWhitening(a, wa, 2),
      beta: b,
      'beta+w': applyWhitening(b, wb),
      'beta+w2': applyWhitening(b, wb, 2),
    };
    const entries = await loadProjectorConfig(path.join(out, 'projector_config.json'));
    expect(entries.map((e) => e.entry.tensorName)).toEqual(Object.keys(expected));
    for (const e of entries) {
      const want = expected[e.entry.tensorName];
      const x = await e.load();
      expect(x.data, e.entry.tensorName).toEqual(want.data);
      const npy = parseNpy(new Uint8Array(readFileSync(path.join(out, 'npy', `${e.entry.tensorName}.npy`))), 'x.npy');
      expect(npy.data).toEqual(want.data);
    }
    const meta = parseTable(readFileSync(path.join(out, 'metadata.tsv'), 'utf8'), 'metadata.tsv');
    expect(meta.names).toEqual(['id', 'style', 'title']);
    expect(meta.columns[1]).toEqual(styles);

    const config = JSON.parse(readFileSync(path.join(out, 'projector_config.json'), 'utf8'));
    expect(config.embeddings[0].sprite).toEqual({ imagePath: 'sprite.png', singleImageDim: [TILE, TILE] });
    expect(readFileSync(path.join(out, 'projector_config.pbtxt'), 'utf8')).toContain('tensor_name: "beta+w2"');
    const sprite = PNG.sync.read(readFileSync(path.join(out, 'sprite.png')));
    expect([sprite.width, sprite.height]).toEqual([4 * TILE, 4 * TILE]);
    for (let i = 0; i < N; i++) {
      const o = ((Math.floor(i / 4) * TILE + 2) * sprite.width + (i % 4) * TILE + 2) * 4;
      expect(Array.from(sprite.data.subarray(o, o + 3))).toEqual([i * 20, 255 - i * 20, 7]);
    }

    const wj = JSON.parse(readFileSync(path.join(out, 'whitening', 'alpha+w2', 'whitening.json'), 'utf8'));
    expect(wj).toMatchObject({ variant: 'alpha+w2', source: 'alpha', dim: 5, keep: 2, n: N });
    expect(wj.mean).toEqual(Array.from(wa.mean));
    for (const f of ['mean.npy', 'W.npy', 'eigenvalues.npy']) expect(existsSync(path.join(out, 'whitening', 'beta+w', f))).toBe(true);
    expect(existsSync(path.join(out, 'whitening', 'alpha'))).toBe(false);
  });

  it('recall-lens eval scores the exported projector_config.json (metadataPath resolved from the config)', async () => {
    const res = await cli(['eval', path.join(out, 'projector_config.json'), '--k', '3', '--json']);
    expect(res.code, res.stderr).toBe(0);
    const { variants } = JSON.parse(res.stdout);
    expect(variants.map((v: { name: string }) => v.name)).toEqual(['alpha', 'alpha+w', 'alpha+w2', 'beta', 'beta+w', 'beta+w2']);
    expect(variants[2].dim).toBe(2);
    expect(Object.keys(variants[0].facets)).toEqual(['style']);
  });

  it('without --sprite there is no sprite; --tensors bytes writes .bytes that load back exactly', async () => {
    const out2 = path.join(dir, 'out2');
    const res = await cli(['export', A, '--metadata', META, '--out', out2, '--tensors', 'bytes']);
    expect(res.code, res.stderr).toBe(0);
    expect(existsSync(path.join(out2, 'sprite.png'))).toBe(false);
    expect(existsSync(path.join(out2, 'whitening'))).toBe(false);
    const [e] = await loadProjectorConfig(path.join(out2, 'projector_config.json'));
    expect(e.entry.tensorPath).toBe('tensors/alpha.bytes');
    expect((await e.load()).data).toEqual(a.data);
  });

  it('bad inputs: one line naming the file and the problem', async () => {
    expect(await fails(['export', A, '--metadata', META], 2)).toMatch(/--out <dir> is required/);
    expect(await fails(['export', '--metadata', META, '--out', 'x'], 2)).toMatch(/missing <embeddings>/);
    expect(await fails(['export', A, '--metadata', META, '--out', 'x', '--whiten', 'half'], 2)).toMatch(/--whiten/);
    expect(await fails(['export', A, '--metadata', META, '--out', 'x', '--whiten', '9'], 1)).toMatch(
      /alpha\.npy.*5 dimensions.*--whiten 9/,
    );
    const short = path.join(dir, 'short.tsv');
    writeFileSync(short, 'id\tstyle\na\tb\n');
    expect(await fails(['export', A, '--metadata', short, '--out', 'x'], 1)).toMatch(/short\.tsv.*1 data row.*12 vectors/);
    const odd = path.join(dir, 'odd.png');
    writeFileSync(odd, PNG.sync.write(new PNG({ width: 21, height: 21 })));
    expect(await fails(['export', A, '--metadata', META, '--out', 'x', '--sprite', odd], 1)).toMatch(/odd\.png.*21 px wide.*--sprite-dim/);
    expect(await fails(['export', A, '--metadata', META, '--out', 'x', '--sprite', odd, '--sprite-dim', '7'], 1)).toMatch(
      /odd\.png.*9 tiles of 7 px, fewer than the 12 items/,
    );
    writeFileSync(path.join(dir, 'junk.png'), 'not a png');
    expect(await fails(['export', A, '--metadata', META, '--out', 'x', '--sprite', 'junk.png'], 1)).toMatch(
      /junk\.png.*not a readable PNG/,
    );
  });
});
