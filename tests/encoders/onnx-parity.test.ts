/**
 * onnxruntime (node, and web's WASM build running in Node) on the fixture images, through the app's
 * preprocessing, equals PyTorch's embeddings stored by training/export_baselines.py (baselines),
 * training/common/train_utils.py export_backbone (moco-v2, swav) and training/image_title.py --export
 * (image-title towers); for the text tower, the fixture's titles go
 * through the app's tokeniser (whose ids must equal the fixture's Python ids) and encodeTexts.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCard } from '../../src/encoders/card-validate.ts';
import { encodeAll, encodeTexts, type Encoder } from '../../src/encoders/encoder.ts';
import { tokenizeTitles } from '../../src/encoders/tokenize.ts';
import { loadNodeEncoder } from '../../src/encoders/node-session.ts';
import { loadWebEncoder } from '../../src/encoders/web-session.ts';
import {
  FIXTURES_DIR,
  MODELS_DIR,
  base64Bytes,
  maxAbsDiff,
  modelFixture,
  readJson,
  webOptions,
  type TextModelFixture,
} from './fixtures.ts';

const MODELS = ['pixels', 'random-cnn', 'moco-v2', 'swav', 'image-title-image'];
const TEXT_MODELS = ['image-title-text'];
const open: Encoder[] = [];
afterAll(async () => {
  for (const e of open) await e.dispose();
});

async function check(enc: Encoder, id: string): Promise<void> {
  const fx = modelFixture(id);
  expect(fx.sha256).toBe(enc.card.sha256);
  expect(fx.dim).toBe(enc.card.output.dim);
  expect(fx.size).toBe((enc.card.input as { size?: number }).size);
  // batch size 3 with 4+ images: also exercises the dynamic batch axis (3 and 1)
  const x = await encodeAll(enc, base64Bytes(fx.images), fx.count, fx.size, { batchSize: 3 });
  const expected = fx.embedding.flat();
  const scale = Math.max(...expected.map(Math.abs));
  const diff = maxAbsDiff(x.data, expected);
  expect(diff).toBeLessThanOrEqual(1e-4);
  expect(diff / scale).toBeLessThanOrEqual(1e-5);
}

describe.each(MODELS)('%s', (id) => {
  it('onnxruntime-node equals PyTorch on the fixture images (max |Δ| ≤ 1e-4)', async () => {
    const enc = await loadNodeEncoder(path.join(MODELS_DIR, `${id}.card.json`));
    open.push(enc);
    expect(enc.backend).toBe('onnxruntime-node (cpu)');
    await check(enc, id);
  });

  it('onnxruntime-web (wasm) equals PyTorch on the fixture images', async () => {
    const card = parseCard(readJson(path.join(MODELS_DIR, `${id}.card.json`)), `${id}.card.json`);
    const bytes = new Uint8Array(readFileSync(path.join(MODELS_DIR, card.file)));
    const enc = await loadWebEncoder(card, bytes, 'wasm', webOptions());
    open.push(enc);
    expect(enc.backend).toBe('wasm');
    await check(enc, id);
  });
});

async function checkText(enc: Encoder, id: string): Promise<void> {
  const fx = readJson<TextModelFixture>(path.join(FIXTURES_DIR, `${id}.json`));
  expect(fx.sha256).toBe(enc.card.sha256);
  expect(fx.dim).toBe(enc.card.output.dim);
  if (enc.card.modality !== 'text') throw new Error(`${id} is not a text model`);
  const L = enc.card.input.maxTokens;
  // The app's tokeniser gives the ids PyTorch was fed.
  const ids = tokenizeTitles(fx.titles, enc.card);
  fx.tokens.forEach((row, r) => {
    expect(Array.from(ids.subarray(r * L, (r + 1) * L), Number)).toEqual([...row, ...new Array<number>(L - row.length).fill(0)]);
  });
  const x = await encodeTexts(enc, fx.titles, { batchSize: 3 });
  const expected = fx.embedding.flat();
  expect(maxAbsDiff(x.data, expected)).toBeLessThanOrEqual(1e-4);
}

describe.each(TEXT_MODELS)('%s (text)', (id) => {
  it('onnxruntime-node equals PyTorch on the fixture titles (max |Δ| ≤ 1e-4)', async () => {
    const enc = await loadNodeEncoder(path.join(MODELS_DIR, `${id}.card.json`));
    open.push(enc);
    await checkText(enc, id);
  });

  it('onnxruntime-web (wasm, int64 input) equals PyTorch on the fixture titles', async () => {
    const card = parseCard(readJson(path.join(MODELS_DIR, `${id}.card.json`)), `${id}.card.json`);
    const bytes = new Uint8Array(readFileSync(path.join(MODELS_DIR, card.file)));
    const enc = await loadWebEncoder(card, bytes, 'wasm', webOptions());
    open.push(enc);
    expect(enc.backend).toBe('wasm');
    await checkText(enc, id);
    await expect(enc.run(new Float32Array(card.modality === 'text' ? card.input.maxTokens : 1), 1)).rejects.toThrow(
      /takes int64 token ids/,
    );
  });
});
