/**
 * `recall-lens eval --compare --probe`: the pairs (overlap@K, linear CKA), each variant's probe and
 * hubness, equal to the compute core's figures on the same vectors; the text output's sections.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateVariantWithKnn } from '../../src/compute/evaluate.ts';
import { linearCka } from '../../src/compute/compare/cka.ts';
import { meanOverlap } from '../../src/compute/compare/overlap.ts';
import { encodeLabels } from '../../src/compute/labels.ts';
import { mulberry32 } from '../../src/compute/sampling.ts';
import { applyWhitening, fitWhitening } from '../../src/compute/whitening.ts';
import { writeNpy } from '../../src/data/npy.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/recall-lens.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'rl-cli-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const n = 200,
  dim = 8;
const rand = mulberry32(4);
const data = new Float32Array(n * dim);
const cls: string[] = [];
for (let i = 0; i < n; i++) {
  cls.push(`c${i % 4}`);
  for (let d = 0; d < dim; d++) data[i * dim + d] = (d === i % 4 ? 1 : 0) + (d === 5 ? 4 : 1) * rand();
}
const x = { n, dim, data };
const npy = path.join(dir, 'v.npy');
const meta = path.join(dir, 'v.tsv');
writeFileSync(npy, writeNpy(x));
writeFileSync(meta, `class\tgroup\n${cls.map((c, i) => `${c}\tg${i % 3}`).join('\n')}\n`);

describe('recall-lens eval --compare --probe', () => {
  it('--json: pairs, probe and hubness equal the compute core on the same vectors', async () => {
    const r = await cli(['eval', npy, '--metadata', meta, '--k', '5', '--whiten', 'none,full,3', '--compare', '--probe', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const names = ['v', 'v+w', 'v+w3'];
    expect(out.variants.map((v: { name: string }) => v.name)).toEqual(names);
    expect(out.pairs.map((p: { a: string; b: string }) => `${p.a}|${p.b}`)).toEqual(['v|v+w', 'v|v+w3', 'v+w|v+w3']);
    expect(out.ckaSample).toBeNull();

    const w = fitWhitening(x);
    const vecs = [x, applyWhitening(x, w), applyWhitening(x, w, 3)];
    const facets = [
      encodeLabels('class', cls),
      encodeLabels(
        'group',
        cls.map((_, i) => `g${i % 3}`),
      ),
    ];
    const seeds = Int32Array.from({ length: n }, (_, i) => i);
    const ev = vecs.map((v) => evaluateVariantWithKnn(v, { k: 5, metric: 'euclidean', seeds, facets, probe: true, hubness: true }));
    ev.forEach((e, i) => {
      expect(out.variants[i].probe.class.top1).toBeCloseTo(e.metrics.probe!.class.top1, 12);
      expect(out.variants[i].probe.class.top5).toBeCloseTo(e.metrics.probe!.class.top5, 12);
      expect(out.variants[i].hubness.skew).toBeCloseTo(e.metrics.hubness!.skew, 12);
      expect(out.variants[i].hubness.antihubs).toBeCloseTo(e.metrics.hubness!.antihubs, 12);
    });
    const at = (a: number, b: number) => out.pairs.find((p: { a: string; b: string }) => p.a === names[a] && p.b === names[b]);
    for (const [a, b] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ]) {
      expect(at(a, b).overlap).toBeCloseTo(meanOverlap(ev[a].knn, ev[b].knn, 5), 12);
      expect(at(a, b).cka).toBeCloseTo(linearCka(vecs[a], vecs[b]), 5);
    }
  });

  it('text output lists the pairs and the probe/hubness rows; without the flags the JSON is unchanged', async () => {
    const r = await cli(['eval', npy, '--metadata', meta, '--k', '5', '--whiten', 'none,full', '--compare', '--probe']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/variant A\s+variant B\s+overlap@K\s+linear CKA/);
    expect(r.stdout).toMatch(/CKA on every item/);
    expect(r.stdout).toMatch(/probe class top1\/top5\s+probe group top1\/top5\s+hub skew\s+anti-hubs/);
    const plain = JSON.parse((await cli(['eval', npy, '--metadata', meta, '--k', '5', '--json'])).stdout);
    expect(plain.pairs).toBeUndefined();
    expect(plain.variants[0].probe).toBeUndefined();
    expect(plain.variants[0].hubness).toBeUndefined();
  });
});
