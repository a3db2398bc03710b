/**
 * `recall-lens eval` at scale, on small inputs: default seeds (every item up to 20k, else a seeded
 * 2,000 sample, said in the output), whitened variants written over the raw vectors with the same
 * numbers as the copying path, --timings, and files too large for memory refused up front
 * (a sparse file: nothing is actually allocated).
 */
import { execFile } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateVariant } from '../../src/compute/evaluate.ts';
import { encodeLabels } from '../../src/compute/labels.ts';
import { mulberry32, sampleSeeds } from '../../src/compute/sampling.ts';
import { applyWhitening, fitWhitening } from '../../src/compute/whitening.ts';
import { MAX_FLOATS } from '../../src/data/memory-node.ts';
import { writeNpy } from '../../src/data/npy.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/recall-lens.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'rl-cli-scale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: dir, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** n items in 6 classes (+ offset by class) with identities in pairs; dim 6. */
function dataset(n: number, seed: number) {
  const dim = 6;
  const rand = mulberry32(seed);
  const data = new Float32Array(n * dim);
  const cls: string[] = [];
  const ident: string[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 6;
    cls.push(`c${c}`);
    ident.push(`id${i >> 1}`);
    for (let d = 0; d < dim; d++) data[i * dim + d] = (d === c ? 0.7 : 0) + (d === 0 ? 5 * rand() : rand()) + (i >> 1) * 1e-3;
  }
  const x = { n, dim, data };
  const npy = path.join(dir, `x${n}.npy`);
  const meta = path.join(dir, `x${n}.tsv`);
  writeFileSync(npy, writeNpy(x));
  writeFileSync(meta, `class\tidentity\n${cls.map((c, i) => `${c}\t${ident[i]}`).join('\n')}\n`);
  return { x, npy, meta, cls, ident };
}

describe('recall-lens eval: default seeds', () => {
  it('up to 20,000 items: every item is a seed', async () => {
    const { npy, meta } = dataset(60, 1);
    const r = await cli(['eval', npy, '--metadata', meta, '--k', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/K=3 euclidean neighbours, all items as seeds;/);
  });

  it('above 20,000 items: a seeded sample of 2,000, said in the output, same numbers as --seeds 2000', async () => {
    const { npy, meta } = dataset(20_001, 2);
    const table = await cli(['eval', npy, '--metadata', meta, '--k', '5']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/K=5 euclidean neighbours, seeds: 2000 sampled \(seed 0\);/);
    const [byDefault, explicit, other] = await Promise.all([
      cli(['eval', npy, '--metadata', meta, '--k', '5', '--json']),
      cli(['eval', npy, '--metadata', meta, '--k', '5', '--json', '--seeds', '2000']),
      cli(['eval', npy, '--metadata', meta, '--k', '5', '--json', '--seeds', '2000', '--seed', '1']),
    ]);
    expect(byDefault.code, byDefault.stderr).toBe(0);
    expect(JSON.parse(byDefault.stdout)).toEqual(JSON.parse(explicit.stdout));
    expect(JSON.parse(other.stdout)).not.toEqual(JSON.parse(explicit.stdout));
  }, 120_000);
});

describe('recall-lens eval: whitened variants over the raw buffer', () => {
  it('none,full,3 give exactly the numbers of scoring applyWhitening copies', async () => {
    const { x, npy, meta, cls, ident } = dataset(400, 3);
    const r = await cli(['eval', npy, '--metadata', meta, '--k', '4', '--whiten', '3,none,full', '--seed', '5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout).variants as {
      name: string;
      whiten: unknown;
      facets: Record<string, unknown>;
      recall: Record<string, number>;
    }[];
    expect(got.map((v) => [v.name, v.whiten])).toEqual([
      ['x400+w3', 3],
      ['x400', 'none'],
      ['x400+w', 'full'],
    ]);
    const w = fitWhitening(x);
    const opts = {
      k: 4,
      metric: 'euclidean' as const,
      seeds: sampleSeeds(400, 'all', 5),
      facets: [encodeLabels('class', cls)],
      identity: encodeLabels('identity', ident),
      bootstrapSeed: 5,
    };
    const want = [applyWhitening(x, w, 3), x, applyWhitening(x, w)].map((xv) => evaluateVariant(xv, opts));
    got.forEach((v, i) => {
      const f = want[i].facets.class;
      expect(v.facets.class).toEqual({ consistency: f.consistency, ci95: f.ci95, chance: f.chance });
      expect(v.recall).toEqual(want[i].recall);
    });
    // The variants do differ (the check above could not pass by accident).
    expect(got[0].facets.class).not.toEqual(got[1].facets.class);
  });

  it('--timings: one line per phase and the peak RSS, on stderr', async () => {
    const { npy, meta } = dataset(50, 4);
    const r = await cli(['eval', npy, '--metadata', meta, '--k', '2', '--whiten', 'none,full', '--timings']);
    expect(r.code, r.stderr).toBe(0);
    const names = r.stderr
      .trimEnd()
      .split('\n')
      .map((l) => l.replace(/ [\d.]+ s.*$/, ''));
    expect(names).toEqual([
      'timing: x50: read metadata',
      'timing: x50: read embeddings',
      'timing: x50: evaluate none',
      'timing: x50: fit whitening',
      'timing: x50: whiten full',
      'timing: x50: evaluate full',
      'timing: total',
    ]);
    expect(r.stderr).toMatch(/timing: total [\d.]+ s; peak RSS \d+\.\d MiB\n$/);
  });
});

describe('recall-lens eval: files too large for memory are refused up front', () => {
  /** A .npy header for (n, dim) float32 followed by a sparse hole of the right size. */
  function sparseNpy(name: string, n: number, dim: number): string {
    const header = writeNpy({ n: 1, dim: 1, data: new Float32Array(1) });
    let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${dim}), }`;
    dict += ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
    const head = new Uint8Array(10 + dict.length);
    head.set(header.subarray(0, 8));
    new DataView(head.buffer).setUint16(8, dict.length, true);
    for (let i = 0; i < dict.length; i++) head[10 + i] = dict.charCodeAt(i);
    const file = path.join(dir, name);
    const fd = openSync(file, 'w');
    writeSync(fd, head);
    writeSync(fd, new Uint8Array(1), 0, 1, head.length + n * dim * 4 - 1); // the rest stays a hole
    closeSync(fd);
    return file;
  }

  it('more than 2× the float32 bytes would exceed this machine: exit 1 naming the sizes and the limit', async () => {
    const dim = 1024;
    const n = Math.ceil(totalmem() / (2 * 4 * dim)) + 1; // 2 × n × dim × 4 > total memory ≥ available
    expect(n * dim).toBeLessThanOrEqual(MAX_FLOATS); // (true up to 32 GiB of memory; else the next test covers it)
    const file = sparseNpy('big.npy', n, dim);
    const meta = path.join(dir, 'big.tsv');
    writeFileSync(meta, 'class\na\na\n');
    const r = await cli(['eval', file, '--metadata', meta]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      new RegExp(
        `^recall-lens: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: too large for memory: ${n} × ${dim} float32 = [\\d.]+ GB, and evaluating needs up to 2× that \\([\\d.]+ GB\\), but only [\\d.]+ [GM]B of this machine's [\\d.]+ GB memory is available`,
      ),
    );
  });

  it('more values than one array can hold: refused before reading', async () => {
    const file = sparseNpy('huge.npy', 2 ** 23, 1024);
    const meta = path.join(dir, 'huge.tsv');
    writeFileSync(meta, 'class\na\na\n');
    const r = await cli(['eval', file, '--metadata', meta]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/too large: 8388608 × 1024 = 8589934592 values is more than the 4294967295 one array can hold/);
  });
});
