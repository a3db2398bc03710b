/**
 * Issue 12: `recall-lens eval` on a projector config with two datasets scores every dataset, through
 * the config path and the import path alike, in the documented shape {"datasets":[{name, variants}]};
 * eval also reads the new formats (a folder of Parquet parts, pandas CSV).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin/recall-lens.mjs');
const FMT = path.join(ROOT, 'tests/fixtures/formats');

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: FMT, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

type Out = {
  datasets?: { name: string; variants: { name: string; n: number; dim: number; facets: Record<string, unknown> }[] }[];
  variants?: { name: string; n: number }[];
};

describe('eval over several datasets', () => {
  it.each([['projector/projector_config.json'], ['projector']])('%s: one object per dataset', async (input) => {
    const r = await cli(['eval', input, '--k', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.variants).toBeUndefined();
    expect(out.datasets!.map((d) => d.name)).toEqual(['words', 'iris']);
    expect(out.datasets![0].variants.map((v) => [v.n, v.dim])).toEqual([
      [6, 4],
      [6, 4],
    ]);
    expect(out.datasets![1].variants.map((v) => [v.n, v.dim])).toEqual([[5, 3]]);
    expect(Object.keys(out.datasets![1].variants[0].facets)).toEqual(['species']);
    expect(r.stderr).toMatch(/: 1 blank line skipped \(as TensorBoard does\)/);
  });

  it('text output: one table per dataset', async () => {
    const r = await cli(['eval', 'projector/projector_config.json', '--k', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^dataset: words\n[\s\S]*\ndataset: iris\n/);
  });

  it.each([['parts'], ['pandas.csv'], ['hf.parquet']])('%s evaluates', async (input) => {
    const r = await cli(['eval', input, '--k', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.variants!.length).toBeGreaterThan(0);
    expect(out.variants!.every((v) => v.n === 6)).toBe(true);
  });
});
