import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/data/errors.ts';
import { encodeAll, encodeItems, encodeTexts, type Encoder } from '../../src/encoders/encoder.ts';
import { titleIds } from '../../src/encoders/tokenize.ts';
import { fakeImageCard } from './fixtures.ts';

const DIM = 3;
const SIZE = 2;

/** Embeds each image as its per-channel means (× 255), so the result is checkable. */
function fakeEncoder(opts: { dim?: number; nanAt?: number; onRun?: (count: number) => void } = {}): Encoder & { batches: number[] } {
  const batches: number[] = [];
  let seen = 0;
  return {
    card: fakeImageCard(SIZE, DIM),
    backend: 'fake',
    batches,
    async run(input: Float32Array, count: number): Promise<Float32Array> {
      batches.push(count);
      opts.onRun?.(count);
      const dim = opts.dim ?? DIM;
      const out = new Float32Array(count * dim);
      const plane = SIZE * SIZE;
      for (let n = 0; n < count; n++)
        for (let c = 0; c < Math.min(3, dim); c++) {
          let s = 0;
          for (let p = 0; p < plane; p++) s += input[(n * 3 + c) * plane + p];
          out[n * dim + c] = Math.round((s / plane) * 255);
        }
      if (opts.nanAt !== undefined && opts.nanAt >= seen && opts.nanAt < seen + count) out[(opts.nanAt - seen) * dim + 1] = NaN;
      seen += count;
      return out;
    },
    async dispose() {},
  };
}

/** Image i is uniformly (i, 2i, 3i). */
function images(count: number): Uint8Array {
  const a = new Uint8Array(count * SIZE * SIZE * 3);
  for (let i = 0; i < count; i++) for (let p = 0; p < SIZE * SIZE; p++) a.set([i, 2 * i, 3 * i], (i * SIZE * SIZE + p) * 3);
  return a;
}

describe('encodeAll', () => {
  it('encodes in batches, in order, reporting progress', async () => {
    const enc = fakeEncoder();
    const progress: [number, number][] = [];
    const x = await encodeAll(enc, images(10), 10, SIZE, { batchSize: 4, onProgress: (d, t) => progress.push([d, t]) });
    expect(enc.batches).toEqual([4, 4, 2]);
    expect(progress).toEqual([
      [0, 10],
      [4, 10],
      [8, 10],
      [10, 10],
    ]);
    expect(x.n).toBe(10);
    expect(x.dim).toBe(DIM);
    for (let i = 0; i < 10; i++) expect(Array.from(x.data.subarray(i * DIM, (i + 1) * DIM))).toEqual([i, 2 * i, 3 * i]);
  });

  it('handles zero images', async () => {
    const x = await encodeAll(fakeEncoder(), new Uint8Array(0), 0, SIZE);
    expect(x).toEqual({ n: 0, dim: DIM, data: new Float32Array(0) });
  });

  it('stops between batches when the signal aborts', async () => {
    const controller = new AbortController();
    const enc = fakeEncoder({ onRun: () => controller.abort() });
    await expect(encodeAll(enc, images(10), 10, SIZE, { batchSize: 4, signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(enc.batches).toEqual([4]);
  });

  it('does not start when the signal is already aborted', async () => {
    const enc = fakeEncoder();
    await expect(encodeAll(enc, images(2), 2, SIZE, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(enc.batches).toEqual([]);
  });

  it('rejects an output of the wrong dimension, naming the model file', async () => {
    const err = await encodeAll(fakeEncoder({ dim: 5 }), images(3), 3, SIZE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe('fake.onnx: output "embedding" has 5 values per image, the card says 3');
  });

  it('rejects NaN in the output, naming the model file and the image', async () => {
    const err = await encodeAll(fakeEncoder({ nanAt: 6 }), images(10), 10, SIZE, { batchSize: 4 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe('fake.onnx: output "embedding" contains NaN (image 6, value 1)');
  });

  it('rejects an image buffer that is too short', async () => {
    await expect(encodeAll(fakeEncoder(), new Uint8Array(5), 1, SIZE)).rejects.toThrow(/need 12 bytes, got 5/);
  });
});

const TEXT_INPUT = { name: 'tokens', kind: 'hashed-ngrams', version: 'hashed-ngrams-v1', buckets: 1000, maxTokens: 6, ngram: 3 } as const;

/** A text encoder whose embedding of a row is (number of ids, first id, last non-zero id). */
function fakeTextEncoder(): Encoder & { batches: number[] } {
  const batches: number[] = [];
  const L = TEXT_INPUT.maxTokens;
  return {
    card: { ...fakeImageCard(SIZE, DIM), id: 'fake-text', modality: 'text', input: { ...TEXT_INPUT } },
    backend: 'fake',
    batches,
    async run(input: Float32Array | BigInt64Array, count: number): Promise<Float32Array> {
      if (!(input instanceof BigInt64Array)) throw new RangeError('int64 expected');
      expect(input.length).toBe(count * L);
      batches.push(count);
      const out = new Float32Array(count * DIM);
      for (let n = 0; n < count; n++) {
        const row = Array.from(input.subarray(n * L, (n + 1) * L), Number).filter((v) => v !== 0);
        out.set([row.length, row[0] ?? 0, row[row.length - 1] ?? 0], n * DIM);
      }
      return out;
    },
    async dispose() {},
  };
}

describe('encodeTexts', () => {
  const titles = ['grinning face — face, grin', '', 'cat', 'a much longer title than six ids', 'cat'];

  it('tokenises each batch and embeds in order, reporting progress', async () => {
    const enc = fakeTextEncoder();
    const progress: [number, number][] = [];
    const x = await encodeTexts(enc, titles, { batchSize: 2, onProgress: (d, t) => progress.push([d, t]) });
    expect([x.n, x.dim]).toEqual([5, DIM]);
    expect(enc.batches).toEqual([2, 2, 1]);
    expect(progress).toEqual([
      [0, 5],
      [2, 5],
      [4, 5],
      [5, 5],
    ]);
    titles.forEach((t, i) => {
      const ids = titleIds(t, TEXT_INPUT);
      expect(Array.from(x.data.subarray(i * DIM, (i + 1) * DIM))).toEqual([ids.length, ids[0] ?? 0, ids[ids.length - 1] ?? 0]);
    });
    expect(x.data[3 * DIM]).toBe(6); // truncated to maxTokens
  });

  it('refuses an image encoder, and encodeAll refuses a text encoder', async () => {
    await expect(encodeTexts(fakeEncoder(), titles)).rejects.toThrow(/fake\.onnx: is an image encoder; encodeTexts needs a text encoder/);
    await expect(encodeAll(fakeTextEncoder(), images(1), 1, SIZE)).rejects.toThrow(/is a text encoder; encodeAll embeds images/);
  });

  it('stops when the signal aborts', async () => {
    const ctl = new AbortController();
    ctl.abort(new Error('stop'));
    await expect(encodeTexts(fakeTextEncoder(), titles, { signal: ctl.signal })).rejects.toThrow('stop');
  });
});

describe('encodeItems', () => {
  const items = { images: images(3), n: 3, imageSize: SIZE, columns: { title: ['a b', 'cat', 'a b'], id: ['x', 'y', 'z'] } };

  it('dispatches on the modality: images for image cards, the title column for text cards', async () => {
    const img = await encodeItems(fakeEncoder(), items);
    expect(img).toEqual(await encodeAll(fakeEncoder(), items.images, 3, SIZE));
    const txt = await encodeItems(fakeTextEncoder(), items, { batchSize: 2 });
    expect(txt).toEqual(await encodeTexts(fakeTextEncoder(), items.columns.title));
  });

  it('a text encoder needs its column, one value per item', async () => {
    await expect(encodeItems(fakeTextEncoder(), { ...items, columns: { id: ['x', 'y', 'z'] } })).rejects.toThrow(
      /fake\.onnx: is a text encoder of the "title" column, which the items do not have/,
    );
    await expect(encodeItems(fakeTextEncoder(), { ...items, columns: { title: ['a'] } })).rejects.toThrow(
      /column "title" has 1 values for 3 items/,
    );
  });
});
