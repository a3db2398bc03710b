/**
 * Minimal reproducers of the open fuzz findings (tests/fuzz/FINDINGS.md), as it.fails: each goes red
 * once its finding is fixed — then delete the test and the entry in known-issues.ts, and the fuzz
 * suites hold the importer to it from then on.
 */
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../src/cli/decode-node.ts';
import { runCases } from './batch-node.ts';
import { png, utf8 } from './bytes.ts';
import { DEFAULT_MASTER_SEED, generateCase } from './generate.ts';
import { PASSING } from './judge.ts';
import { runCase } from './run-batch.ts';
import { nodeSeeds } from './seeds-node.ts';

describe('open fuzz findings (it.fails: red once fixed)', () => {
  it('F8 decode-node: a PNG whose IDAT is not zlib, or too short, is refused every time (200 tries each)', () => {
    const bad = [png({ width: 8, height: 8, idat: utf8('garbage garbage') }), png({ width: 8, height: 8, raw: new Uint8Array(2 * 33) })];
    let accepted = 0;
    for (const b of bad) {
      for (let i = 0; i < 200; i++) {
        try {
          decodeImage(b, 'x.png');
          accepted++;
        } catch (e) {
          expect((e as Error).name).toBe('InputError');
        }
      }
    }
    expect(accepted).toBe(0);
  });

  it('F13 parquet (seed 1) #54: a changed page header must not make hyparquet loop forever (20 s watchdog, own process)', async () => {
    const [r] = await runCases('parquet', 54, 1, { master: 1, caseTimeoutMs: 20_000 });
    expect(r.label).toBe('emb.parquet uint32 at byte 128 set to 0x1 (BE)');
    expect(PASSING, `${r.outcome}: ${r.detail}`).toContain(r.outcome);
  }, 60_000);

  it('F14 manifest (seed 1) #38, #310: a damaged JPEG is refused in words, not with jpeg-js TypeErrors', async () => {
    const out: string[] = [];
    for (const index of [38, 310]) {
      const v = await runCase(generateCase('manifest', index, nodeSeeds(), 1));
      out.push(`${v.outcome}: ${v.detail}`);
    }
    expect(out.filter((o) => !/^(rejected|imported):/.test(o))).toEqual([]);
  });

  it('F12 projector #321: a missing sprite.singleImageDim is "missing", not "undefined"', async () => {
    const c = generateCase('projector', 321, nodeSeeds(), DEFAULT_MASTER_SEED);
    expect(c.label).toBe('projector config embeddings.0.sprite.singleImageDim deleted');
    const v = await runCase(c);
    expect(`${v.outcome}: ${v.detail}`).toMatch(/^rejected: /);
  });
});
