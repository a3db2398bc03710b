/**
 * Integration: `recall-lens embed --demo` with a shipped model on the built demo corpus, then
 * `recall-lens eval` on what it wrote. Needs `npm run corpus` (public/data/emoji-styles).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
    const { variants } = JSON.parse(r.stdout) as { variants: { name: string; n: number; facets: Record<string, { consistency: number; chance: number }>; recall: Record<string, number> }[] };
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
