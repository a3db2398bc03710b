import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareIdentity, corpusImage, parseCorpus, type Corpus } from '../src/data/corpus.ts';
import { DEMO_CORPUS_DIR, loadCorpusFromDir } from '../src/data/corpus-node.ts';
import { InputError } from '../src/data/errors.ts';

const S = 4;
function manifest(n = 2, extra: Record<string, unknown> = {}) {
  return {
    name: 'tiny',
    version: 1,
    hash: 'abc',
    n,
    imageSize: S,
    channels: 3,
    images: 'images.rgb',
    columns: {
      id: Array.from({ length: n }, (_, i) => `x:${i}`),
      style: Array.from({ length: n }, (_, i) => (i % 2 ? 'a' : 'b')),
    },
    ...extra,
  };
}
const bytes = (n: number) => new Uint8Array(n * S * S * 3).fill(7);

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('parseCorpus', () => {
  it('accepts a well-formed corpus', () => {
    const c = parseCorpus(manifest(), bytes(2), 'm.json');
    expect(c).toMatchObject({ name: 'tiny', hash: 'abc', n: 2, imageSize: S });
    expect(c.columns.style).toEqual(['b', 'a']);
    expect(corpusImage(c, 1).length).toBe(S * S * 3);
  });

  it('accepts an empty corpus', () => {
    expect(parseCorpus(manifest(0), new Uint8Array(0), 'm.json').n).toBe(0);
  });

  it('names the file and the problem', () => {
    const cases: [unknown, Uint8Array, RegExp][] = [
      [null, bytes(2), /^m\.json: manifest is not a JSON object$/],
      [[1, 2], bytes(2), /not a JSON object/],
      [{ ...manifest(), name: '' }, bytes(2), /"name" must be a non-empty string/],
      [{ ...manifest(), version: 2 }, bytes(2), /unsupported "version" 2/],
      [{ ...manifest(), hash: 5 }, bytes(2), /"hash"/],
      [{ ...manifest(), n: -1 }, bytes(2), /"n" must be a non-negative integer, got -1/],
      [{ ...manifest(), n: 1.5 }, bytes(2), /"n" must be a non-negative integer/],
      [{ ...manifest(), imageSize: 0 }, bytes(2), /"imageSize" must be a positive integer/],
      [{ ...manifest(), channels: 4 }, bytes(2), /"channels" must be 3/],
      [{ ...manifest(), columns: [] }, bytes(2), /"columns" must be an object/],
      [{ ...manifest(), columns: { id: ['a', 'b'], style: 'ab' } }, bytes(2), /column "style" is not an array/],
      [{ ...manifest(), columns: { id: ['a', 'b'], style: ['x'] } }, bytes(2), /column "style" has 1 values, expected n = 2/],
      [{ ...manifest(), columns: { id: ['a', 'b'], style: ['x', 3] } }, bytes(2), /column "style" row 1: expected a string, got 3/],
      [{ ...manifest(), columns: { style: ['x', 'y'] } }, bytes(2), /no "id" column/],
      [{ ...manifest(), columns: { id: ['a', 'a'] } }, bytes(2), /duplicate "a" \(rows 0 and 1\)/],
      [{ ...manifest(), columns: { id: ['a', ''] } }, bytes(2), /column "id" row 1 is empty/],
    ];
    for (const [m, img, re] of cases) {
      const msg = problem(() => parseCorpus(m, img, 'm.json'));
      expect(msg.startsWith('m.json: ')).toBe(true);
      expect(msg).toMatch(re);
    }
  });

  it('rejects truncated and oversized image data with the sizes', () => {
    const short = problem(() => parseCorpus(manifest(), bytes(2).subarray(1), 'dir/manifest.json'));
    expect(short).toBe('dir/manifest.json: images.rgb is truncated: 95 bytes, expected n × 4 × 4 × 3 = 96');
    const long = problem(() => parseCorpus(manifest(), bytes(3), 'dir/manifest.json'));
    expect(long).toMatch(/images\.rgb is too long: 144 bytes, expected .* = 96/);
  });
});

describe('compareIdentity', () => {
  it('orders by code points numerically, prefixes first', () => {
    const ids = ['1f600', '00a9', '1f468-200d-1f373', '1f468', '263a', '0023-20e3'];
    expect([...ids].sort(compareIdentity)).toEqual(['0023-20e3', '00a9', '263a', '1f468', '1f468-200d-1f373', '1f600']);
  });
});

describe('loadCorpusFromDir', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'corpus-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a corpus directory', async () => {
    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest()));
    await writeFile(path.join(dir, 'images.rgb'), bytes(2));
    const c = await loadCorpusFromDir(dir);
    expect(c.n).toBe(2);
    expect(c.images.length).toBe(2 * S * S * 3);
  });

  it('reports a missing manifest, bad JSON, a missing or truncated image file', async () => {
    const empty = await mkdtemp(path.join(dir, 'empty-'));
    await expect(loadCorpusFromDir(empty)).rejects.toThrow(/manifest\.json: cannot read the manifest: file not found/);

    await writeFile(path.join(dir, 'manifest.json'), '{"name": ');
    await expect(loadCorpusFromDir(dir)).rejects.toThrow(/manifest\.json: not valid JSON/);

    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest(2, { images: '../evil.rgb' })));
    await expect(loadCorpusFromDir(dir)).rejects.toThrow(/"images" must be a plain file name/);

    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest(2, { images: 'missing.rgb' })));
    await expect(loadCorpusFromDir(dir)).rejects.toThrow(/missing\.rgb: cannot read the images: file not found/);

    await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest()));
    await writeFile(path.join(dir, 'images.rgb'), bytes(2).subarray(10));
    const err = await loadCorpusFromDir(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/manifest\.json: images\.rgb is truncated: 86 bytes, expected/);
  });
});

const demoBuilt = existsSync(path.join(DEMO_CORPUS_DIR, 'manifest.json'));

describe.skipIf(!demoBuilt)('demo corpus emoji-styles (built by npm run corpus)', () => {
  let c: Corpus;
  beforeAll(async () => {
    c = await loadCorpusFromDir(DEMO_CORPUS_DIR);
  });

  it('has the expected shape and full columns', () => {
    expect(c.name).toBe('emoji-styles');
    expect(c.imageSize).toBe(64);
    expect(c.n).toBeGreaterThan(6000);
    expect(c.images.length).toBe(c.n * 64 * 64 * 3);
    expect(Object.keys(c.columns).sort()).toEqual(['category', 'id', 'identity', 'style', 'subcategory', 'title']);
    for (const [name, col] of Object.entries(c.columns)) {
      expect(col.length, name).toBe(c.n);
      expect(
        col.every((v) => v.length > 0),
        `every ${name} non-empty`,
      ).toBe(true);
    }
  });

  it('hash matches the images and columns', () => {
    const h = createHash('sha256').update(c.images).update(JSON.stringify(c.columns), 'utf8').digest('hex');
    expect(h).toBe(c.hash);
  });

  it('ids are style:identity, sorted by style then identity', () => {
    const { id, style, identity } = c.columns;
    for (let i = 0; i < c.n; i++) {
      expect(id[i]).toBe(`${style[i]}:${identity[i]}`);
      expect(identity[i]).toMatch(/^[0-9a-f]{4,6}(-[0-9a-f]{4,6})*$/);
      expect(identity[i]).not.toMatch(/(^|-)fe0f(-|$)/);
      if (i > 0) {
        const order = style[i - 1] === style[i] ? compareIdentity(identity[i - 1], identity[i]) : style[i - 1] < style[i] ? -1 : 1;
        expect(order, `${id[i - 1]} before ${id[i]}`).toBeLessThan(0);
      }
    }
  });

  it('has at least 4 styles sharing most identities, no skin tones or components', () => {
    const byStyle = new Map<string, Set<string>>();
    c.columns.style.forEach((s, i) => {
      if (!byStyle.has(s)) byStyle.set(s, new Set());
      byStyle.get(s)!.add(c.columns.identity[i]);
    });
    expect(byStyle.size).toBeGreaterThanOrEqual(4);
    for (const [s, ids] of byStyle) expect(ids.size, s).toBeGreaterThanOrEqual(1500);
    const sets = [...byStyle.values()];
    const shared = [...sets[0]].filter((id) => sets.every((x) => x.has(id)));
    expect(shared.length).toBeGreaterThanOrEqual(1500);
    expect(c.columns.identity.some((id) => /-1f3f[b-f]($|-)/.test(id))).toBe(false);
    expect(c.columns.category).not.toContain('components');
    expect(new Set(c.columns.category).size).toBe(9);
    expect(c.columns.title[c.columns.id.indexOf('twemoji:1f600')]).toMatch(/^grinning face — .*smile/);
  });

  it('images are drawn: sampled items are neither blank nor all white at the top and middle', () => {
    const s = c.imageSize;
    const row = s * 3;
    for (let i = 0; i < c.n; i += 97) {
      const img = corpusImage(c, i);
      let nonWhite = 0;
      for (let k = 0; k < img.length; k++) if (img[k] !== 255) nonWhite++;
      expect(nonWhite, c.columns.id[i]).toBeGreaterThan(img.length / 50);
      // the middle row crosses every emoji
      const mid = img.subarray((s / 2) * row, (s / 2 + 1) * row);
      expect(
        mid.some((v) => v !== 255),
        `${c.columns.id[i]} middle row`,
      ).toBe(true);
    }
    // the background is white: nearly every top-left pixel is (a few emoji touch the corner)
    let whiteCorners = 0;
    for (let i = 0; i < c.n; i++) {
      const o = i * s * row;
      if (c.images[o] === 255 && c.images[o + 1] === 255 && c.images[o + 2] === 255) whiteCorners++;
    }
    expect(whiteCorners / c.n).toBeGreaterThan(0.99);
    // the first rows of the first few items hold something other than white somewhere
    const firstRows = c.images.subarray(0, 8 * s * row);
    expect(firstRows.some((v) => v !== 255)).toBe(true);
  });
});
