/**
 * Integration: `recall-lens embed --demo` with a shipped model on the built demo corpus, then
 * `recall-lens eval` on what it wrote (needs `npm run corpus`: public/data/emoji-styles); and
 * `recall-lens embed --images` on PNG/JPEG files written here, including damaged ones.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNpy } from '../../src/data/npy.ts';
import { parseTable } from '../../src/data/table.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/recall-lens.mjs');
const CORPUS = path.join(ROOT, 'public/data/emoji-styles/manifest.json');
const CARD = path.join(ROOT, 'public/models/pixels.card.json');
const ready = existsSync(CORPUS) && existsSync(CARD);
const reason = !existsSync(CORPUS) ? 'demo corpus not built (run `npm run corpus`)' : 'public/models/pixels.card.json missing';

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 170_000, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

describe.skipIf(!ready)(`embed --demo → eval${ready ? '' : ` (skipped: ${reason})`}`, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rl-embed-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const prefix = path.join(dir, 'out', 'pixels');

  it('writes <prefix>.npy and <prefix>.tsv that eval scores', { timeout: 180_000 }, async () => {
    const manifest = JSON.parse(readFileSync(CORPUS, 'utf8')) as { n: number; columns: Record<string, string[]> };
    const e = await cli(['embed', '--model', CARD, '--demo', '--out', prefix]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(/^wrote .*pixels\.npy \(\d+ × \d+ float32\) and .*pixels\.tsv/);

    const x = parseNpy(new Uint8Array(readFileSync(`${prefix}.npy`)), 'pixels.npy');
    const card = JSON.parse(readFileSync(CARD, 'utf8')) as { output: { dim: number } };
    expect([x.n, x.dim]).toEqual([manifest.n, card.output.dim]);
    const t = parseTable(readFileSync(`${prefix}.tsv`, 'utf8'), 'pixels.tsv');
    expect(t.n).toBe(manifest.n);
    expect(t.names[0]).toBe('id');
    expect(t.columns[0]).toEqual(manifest.columns.id);
    expect(t.names).toEqual(expect.arrayContaining(['identity', 'style', 'category']));

    const r = await cli(['eval', `${prefix}.npy`, '--metadata', `${prefix}.tsv`, '--seeds', '500', '--whiten', 'none,full', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { variants } = JSON.parse(r.stdout) as {
      variants: {
        name: string;
        n: number;
        facets: Record<string, { consistency: number; chance: number }>;
        recall: Record<string, number>;
      }[];
    };
    expect(variants.map((v) => v.name)).toEqual(['pixels', 'pixels+w']);
    for (const v of variants) {
      expect(v.n).toBe(manifest.n);
      expect(Object.keys(v.facets)).toEqual(expect.arrayContaining(['style', 'category']));
      expect(Object.keys(v.facets)).not.toContain('title');
      expect(Object.keys(v.facets)).not.toContain('identity');
      // Raw pixels carry the drawing style far above chance.
      expect(v.facets.style.consistency).toBeGreaterThan(v.facets.style.chance);
      expect(Object.keys(v.recall)).toEqual(['1', '5', '10', '20']);
    }
  });

  it('embed --sample encodes a seeded subset', { timeout: 60_000 }, async () => {
    const e = await cli(['embed', '--model', CARD, '--demo', '--sample', '50', '--out', `${prefix}-50`]);
    expect(e.code, e.stderr).toBe(0);
    expect(parseNpy(new Uint8Array(readFileSync(`${prefix}-50.npy`)), 'x').n).toBe(50);
  });
});

describe.skipIf(!existsSync(CARD))('embed --images', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rl-embed-img-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const card = existsSync(CARD) ? (JSON.parse(readFileSync(CARD, 'utf8')) as { output: { dim: number } }) : { output: { dim: 0 } };

  /** A w×h PNG of one RGBA colour, written by pngjs. */
  const solidPng = (w: number, h: number, c: number[]) => {
    const png = new PNG({ width: w, height: h });
    for (let i = 0; i < w * h; i++) png.data.set(c, i * 4);
    return PNG.sync.write(png, { colorType: c[3] === 255 ? 2 : 6 });
  };
  const solidJpeg = (w: number, h: number, c: number[]) => {
    const data = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) data.set(c, i * 4);
    return encodeJpeg({ width: w, height: h, data }, 95).data;
  };

  it('writes <prefix>.npy (items × dim) and <prefix>.tsv (id, folder) from PNG and JPEG files', { timeout: 60_000 }, async () => {
    const imgs = path.join(dir, 'good');
    mkdirSync(path.join(imgs, 'cats'), { recursive: true });
    writeFileSync(path.join(imgs, 'red.png'), solidPng(80, 64, [255, 0, 0, 255]));
    writeFileSync(path.join(imgs, 'half.png'), solidPng(10, 10, [0, 0, 0, 128])); // composited on white → 127
    writeFileSync(path.join(imgs, 'cats', 'blue.jpg'), solidJpeg(40, 50, [0, 0, 255, 255]));
    writeFileSync(path.join(imgs, 'cats', 'grey.jpeg'), solidJpeg(16, 16, [128, 128, 128, 255]));
    writeFileSync(path.join(imgs, 'README.txt'), 'not an image');
    const prefix = path.join(dir, 'out', 'x');
    const e = await cli(['embed', '--model', CARD, '--images', imgs, '--out', prefix]);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout).toMatch(new RegExp(`^wrote .*x\\.npy \\(4 × ${card.output.dim} float32\\) and .*x\\.tsv \\(id, folder\\)`));

    const x = parseNpy(new Uint8Array(readFileSync(`${prefix}.npy`)), 'x.npy');
    expect([x.n, x.dim]).toEqual([4, card.output.dim]);
    const t = parseTable(readFileSync(`${prefix}.tsv`, 'utf8'), 'x.tsv');
    expect(t.names).toEqual(['id', 'folder']);
    expect(t.columns).toEqual([
      ['cats/blue.jpg', 'cats/grey.jpeg', 'half.png', 'red.png'],
      ['cats', 'cats', '', ''],
    ]);
    // The pixels model is 8×8 average pooling of RGB in [0, 1], channel-major: a solid image gives
    // each channel's value 64 times.
    const row = (i: number) => Array.from(x.data.subarray(i * x.dim, (i + 1) * x.dim));
    const solid = (rgb: number[]) => rgb.flatMap((v) => new Array(x.dim / 3).fill(v / 255));
    const near = (got: number[], want: number[], tol: number) => got.every((v, i) => Math.abs(v - want[i]) <= tol);
    expect(near(row(3), solid([255, 0, 0]), 1e-6)).toBe(true);
    expect(near(row(2), solid([127, 127, 127]), 1e-6)).toBe(true);
    expect(near(row(0), solid([0, 0, 255]), 6 / 255)).toBe(true);
    expect(near(row(1), solid([128, 128, 128]), 3 / 255)).toBe(true);
  });

  it('a damaged image aborts with exit 1, one line naming the file, and writes nothing', { timeout: 60_000 }, async () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['truncated.png', solidPng(20, 20, [1, 2, 3, 255]).subarray(0, 60), /truncated PNG/],
      ['random.png', new Uint8Array(300).map((_, i) => (i * 7919 + 13) & 255), /not a PNG or JPEG image/],
      ['text.jpg', new TextEncoder().encode('just some text\n'), /not a PNG or JPEG image/],
      ['cut.jpg', solidJpeg(30, 30, [9, 9, 9, 255]).subarray(0, 150), /cannot decode the JPEG image/],
    ];
    for (const [name, bytes, problem] of cases) {
      const imgs = path.join(dir, `bad-${name}`);
      mkdirSync(imgs);
      writeFileSync(path.join(imgs, 'ok.png'), solidPng(8, 8, [0, 255, 0, 255]));
      writeFileSync(path.join(imgs, name), bytes);
      const prefix = path.join(dir, 'bad-out', name);
      const e = await cli(['embed', '--model', CARD, '--images', imgs, '--out', prefix]);
      expect(e.code, e.stderr).toBe(1);
      expect(e.stdout).toBe('');
      const lines = e.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0].startsWith(`recall-lens: ${path.join(imgs, name)}`), lines[0]).toBe(true);
      expect(lines[0]).toMatch(problem);
      expect(lines[0]).toMatch(/nothing was written/);
      expect(existsSync(`${prefix}.npy`) || existsSync(`${prefix}.tsv`)).toBe(false);
    }
  });

  it('several damaged images: one line with the folder, the count and the names', { timeout: 60_000 }, async () => {
    const imgs = path.join(dir, 'many-bad');
    mkdirSync(imgs);
    writeFileSync(path.join(imgs, 'ok.png'), solidPng(8, 8, [0, 255, 0, 255]));
    for (let i = 0; i < 6; i++) writeFileSync(path.join(imgs, `b${i}.png`), new Uint8Array(i));
    const prefix = path.join(dir, 'many-out', 'x');
    const e = await cli(['embed', '--model', CARD, '--images', imgs, '--out', prefix]);
    expect(e.code, e.stderr).toBe(1);
    expect(e.stderr).toBe(
      `recall-lens: ${imgs}: 6 of 7 images cannot be decoded, nothing was written (fix or remove them): ` +
        'b0.png: empty file (0 bytes), not a PNG or JPEG image; ' +
        [1, 2, 3, 4].map((i) => `b${i}.png (byte 0): not a PNG or JPEG image (unrecognised file signature)`).join('; ') +
        '; and 1 more\n',
    );
    expect(existsSync(path.dirname(prefix))).toBe(false);
  });
});
