/**
 * `recall-lens embed` with the image-title model: a text card embeds the demo titles, two cards with
 * --fuse write the fused item embedding; and the command-line mistakes around them.
 * Needs the demo corpus (npm run corpus) and public/models/image-title-{image,text}.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNpy } from '../../src/data/npy.ts';
import { parseTable } from '../../src/data/table.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/recall-lens.mjs');
const CORPUS = path.join(ROOT, 'public/data/emoji-styles/manifest.json');
const IMAGE = path.join(ROOT, 'public/models/image-title-image.card.json');
const TEXT = path.join(ROOT, 'public/models/image-title-text.card.json');
const ready = existsSync(CORPUS) && existsSync(IMAGE) && existsSync(TEXT);

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 170_000, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'rl-embed-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!ready)(`embed with the image-title model${ready ? '' : ' (skipped: demo corpus or image-title models missing)'}`, () => {
  it('a text card embeds the demo titles: one row per item, identical titles give identical rows', { timeout: 120_000 }, async () => {
    const prefix = path.join(dir, 'text');
    const e = await cli(['embed', '--model', TEXT, '--demo', '--sample', '300', '--seed', '1', '--out', prefix]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/^wrote .*text\.npy \(300 × 128 float32\) and .*text\.tsv .*image-title-text on onnxruntime-node/);
    const x = parseNpy(new Uint8Array(readFileSync(`${prefix}.npy`)), 'text.npy');
    const t = parseTable(readFileSync(`${prefix}.tsv`, 'utf8'), 'text.tsv');
    const titles = t.columns[t.names.indexOf('title')];
    const row = (i: number) => Array.from(x.data.subarray(i * x.dim, (i + 1) * x.dim));
    const byTitle = new Map<string, number>();
    let repeats = 0;
    titles.forEach((title, i) => {
      expect(Math.hypot(...row(i))).toBeCloseTo(1, 4); // the towers' outputs are unit vectors
      const j = byTitle.get(title);
      if (j === undefined) byTitle.set(title, i);
      else {
        repeats++;
        expect(row(i)).toEqual(row(j));
      }
    });
    expect(repeats).toBeGreaterThan(0);
  });

  it('--fuse writes concat(L2(a), L2(b))/√2 of an image and a text card; eval scores it', { timeout: 170_000 }, async () => {
    const args = ['--demo', '--sample', '300', '--seed', '1'];
    const [img, txt, fused] = ['img', 'txt', 'fused'].map((n) => path.join(dir, n));
    for (const [card, out] of [
      [IMAGE, img],
      [TEXT, txt],
    ]) {
      const e = await cli(['embed', '--model', card, ...args, '--out', out]);
      expect(e.code, e.stderr).toBe(0);
    }
    const e = await cli(['embed', '--model', IMAGE, '--model', TEXT, '--fuse', ...args, '--out', fused]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/\(300 × 256 float32\).*fused .*image-title-image on .* \+ image-title-text on /);
    const [a, b, f] = [img, txt, fused].map((p) => parseNpy(new Uint8Array(readFileSync(`${p}.npy`)), p));
    expect(f.dim).toBe(a.dim + b.dim);
    for (let i = 0; i < f.n; i++) {
      const parts: [typeof a, number][] = [
        [a, 0],
        [b, a.dim],
      ];
      for (const [src, off] of parts) {
        const v = Array.from(src.data.subarray(i * src.dim, (i + 1) * src.dim));
        const norm = Math.hypot(...v);
        v.forEach((val, j) => expect(f.data[i * f.dim + off + j]).toBeCloseTo(val / norm / Math.SQRT2, 5));
      }
    }
    expect(readFileSync(`${fused}.tsv`, 'utf8')).toBe(readFileSync(`${img}.tsv`, 'utf8'));
    const r = await cli(['eval', `${fused}.npy`, '--metadata', `${fused}.tsv`, '--whiten', 'none', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { variants } = JSON.parse(r.stdout) as { variants: { facets: Record<string, { consistency: number; chance: number }> }[] };
    expect(variants[0].facets.category.consistency).toBeGreaterThan(variants[0].facets.category.chance);
  });

  it('a text card cannot embed an image folder (exit 1)', { timeout: 60_000 }, async () => {
    const imgs = path.join(dir, 'imgs');
    mkdirSync(imgs, { recursive: true });
    const png = new PNG({ width: 4, height: 4 });
    png.data.fill(255);
    writeFileSync(path.join(imgs, 'a.png'), PNG.sync.write(png));
    const e = await cli(['embed', '--model', TEXT, '--images', imgs, '--out', path.join(dir, 'no')]);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/image-title-text\.card\.json: is a text encoder .*use --demo/);
  });
});

describe('embed --model/--fuse usage errors (exit 2)', () => {
  it.each([
    [['--model', 'a.card.json', '--fuse'], /--fuse needs exactly two --model cards \(got 1\)/],
    [['--model', 'a.card.json', '--model', 'b.card.json'], /2 --model cards given; add --fuse/],
    [['--model', 'a', '--model', 'b', '--model', 'c', '--fuse'], /--fuse needs exactly two --model cards \(got 3\)/],
  ])('%j', async (args, message) => {
    const e = await cli(['embed', ...args, '--demo', '--out', path.join(dir, 'x')]);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(message);
  });

  it('--help documents text models and --fuse', async () => {
    const e = await cli(['embed', '--help']);
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/--fuse/);
    expect(e.stdout).toMatch(/text model/);
  });
});
