/**
 * The TypeScript tokeniser equals the Python one (training/tokenize_titles.py) on the shared test
 * vectors tests/fixtures/tokenizer.json: every demo title plus tricky strings (accents, compatibility
 * forms, emoji, CJK, RTL, control characters, lone surrogates, empty, longer than maxTokens).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fnv1a32, normaliseTitle, titleIds, titleWords, tokenizeTitles } from '../../src/encoders/tokenize.ts';
import { ROOT, readJson } from './fixtures.ts';

interface TokenizerFixture {
  version: string;
  kind: string;
  buckets: number;
  maxTokens: number;
  ngram: number;
  fnv1a32: Record<string, number>;
  cases: { title: string; ids: number[] }[];
}

const fx = readJson<TokenizerFixture>(path.join(ROOT, 'tests', 'fixtures', 'tokenizer.json'));
const spec = { buckets: fx.buckets, maxTokens: fx.maxTokens, ngram: fx.ngram };

describe('tokenizer (shared test vectors with training/tokenize_titles.py)', () => {
  it('fixture covers the demo titles and the tricky strings', () => {
    expect(fx.version).toBe('hashed-ngrams-v1');
    expect(fx.kind).toBe('hashed-ngrams');
    expect(fx.cases.length).toBeGreaterThan(1900);
    expect(fx.cases.some((c) => c.ids.length === fx.maxTokens)).toBe(true); // truncation exercised
    expect(fx.cases.some((c) => c.title === '')).toBe(true);
  });

  it('FNV-1a 32 over UTF-8 matches', () => {
    for (const [s, h] of Object.entries(fx.fnv1a32)) expect(fnv1a32(s), s).toBe(h);
  });

  it('gives identical ids for every case', () => {
    const bad = fx.cases.filter((c) => JSON.stringify(titleIds(c.title, spec)) !== JSON.stringify(c.ids));
    expect(bad.map((c) => c.title)).toEqual([]);
  });

  it('tokenizeTitles packs int64 rows of maxTokens, zero-padded', () => {
    const cases = fx.cases.slice(0, 40);
    const t = tokenizeTitles(
      cases.map((c) => c.title),
      { input: spec },
    );
    expect(t).toBeInstanceOf(BigInt64Array);
    expect(t.length).toBe(cases.length * fx.maxTokens);
    cases.forEach((c, r) => {
      const row = Array.from(t.subarray(r * fx.maxTokens, (r + 1) * fx.maxTokens), Number);
      expect(row).toEqual([...c.ids, ...new Array<number>(fx.maxTokens - c.ids.length).fill(0)]);
    });
  });

  it('normalises case, compatibility forms and accents; splits on non-word characters', () => {
    expect(normaliseTitle('Ｃafe\u0301')).toBe('café');
    expect(titleWords(normaliseTitle('grinning face 😀 — face, grin'))).toEqual(['grinning', 'face', 'face', 'grin']);
    expect(titleIds('Grinning FACE', spec)).toEqual(titleIds('grinning face', spec));
    expect(titleIds('', spec)).toEqual([]);
    for (const id of titleIds('keycap: # — keycap', spec)) {
      expect(id).toBeGreaterThanOrEqual(1);
      expect(id).toBeLessThanOrEqual(fx.buckets);
    }
  });
});
