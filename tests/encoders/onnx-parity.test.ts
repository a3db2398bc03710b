/**
 * onnxruntime (node, and web's WASM build running in Node) on the fixture images, through the app's
 * preprocessing, equals PyTorch's embeddings stored by training/export_baselines.py.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCard } from '../../src/encoders/card-validate.ts';
import { encodeAll, type Encoder } from '../../src/encoders/encoder.ts';
import { loadNodeEncoder } from '../../src/encoders/node-session.ts';
import { loadWebEncoder } from '../../src/encoders/web-session.ts';
import { MODELS_DIR, base64Bytes, maxAbsDiff, modelFixture, readJson, webOptions } from './fixtures.ts';

const MODELS = ['pixels', 'random-cnn'];
const open: Encoder[] = [];
afterAll(async () => {
  for (const e of open) await e.dispose();
});

async function check(enc: Encoder, id: string): Promise<void> {
  const fx = modelFixture(id);
  expect(fx.sha256).toBe(enc.card.sha256);
  expect(fx.dim).toBe(enc.card.output.dim);
  // batch size 3 with 4 images: also exercises the dynamic batch axis (3 and 1)
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
