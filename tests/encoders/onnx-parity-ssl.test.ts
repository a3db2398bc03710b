/**
 * The self-supervised encoders (training/moco.py, training/swav.py): onnxruntime-node and
 * onnxruntime-web (WASM) on the fixture images, through the app's preprocessing (the fixtures are at
 * the card's input size), equal PyTorch's embeddings of the unfolded eval-mode backbone written by
 * training/common/train_utils.py export_backbone (max |Δ| ≤ 1e-4). Also: every image model listed in
 * public/models/index.json has a parity fixture, so a newly exported encoder cannot go untested.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCard } from '../../src/encoders/card-validate.ts';
import { encodeAll, type Encoder } from '../../src/encoders/encoder.ts';
import { loadNodeEncoder } from '../../src/encoders/node-session.ts';
import { loadWebEncoder } from '../../src/encoders/web-session.ts';
import { FIXTURES_DIR, MODELS_DIR, base64Bytes, maxAbsDiff, modelFixture, readJson, webOptions } from './fixtures.ts';

const SSL_MODELS = ['moco-v2', 'swav'];
const open: Encoder[] = [];
afterAll(async () => {
  for (const e of open) await e.dispose();
});

async function check(enc: Encoder, id: string): Promise<void> {
  const fx = modelFixture(id);
  expect(fx.sha256).toBe(enc.card.sha256);
  expect(fx.dim).toBe(enc.card.output.dim);
  expect(fx.size).toBe((enc.card.input as { size?: number }).size);
  // 7 images in batches of 3: also exercises the dynamic batch axis (3 and 1)
  const x = await encodeAll(enc, base64Bytes(fx.images), fx.count, fx.size, { batchSize: 3 });
  const expected = fx.embedding.flat();
  const scale = Math.max(...expected.map(Math.abs));
  const diff = maxAbsDiff(x.data, expected);
  expect(diff).toBeLessThanOrEqual(1e-4);
  expect(diff / scale).toBeLessThanOrEqual(1e-5);
}

it('every image model in public/models/index.json has an ORT-vs-PyTorch fixture', () => {
  const index = readJson<{ models: string[] }>(path.join(MODELS_DIR, 'index.json'));
  for (const file of index.models) {
    const card = readJson<{ id: string; modality?: string }>(path.join(MODELS_DIR, file));
    if (card.modality !== 'image') continue;
    expect(existsSync(path.join(FIXTURES_DIR, `${card.id}.json`)), `tests/fixtures/encoders/${card.id}.json`).toBe(true);
  }
  for (const id of SSL_MODELS) expect(index.models).toContain(`${id}.card.json`);
});

describe.each(SSL_MODELS)('%s', (id) => {
  it('onnxruntime-node equals PyTorch on the fixture images (max |Δ| ≤ 1e-4)', async () => {
    const enc = await loadNodeEncoder(path.join(MODELS_DIR, `${id}.card.json`));
    open.push(enc);
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

  it('the card records how it was trained and stays under 10 MB', () => {
    const card = readJson<{ file: string; training?: Record<string, unknown> }>(path.join(MODELS_DIR, `${id}.card.json`));
    for (const key of ['epochs', 'wall_time_seconds', 'hardware', 'final_loss', 'seed', 'git_commit', 'hyperparameters']) {
      expect(card.training, `training.${key}`).toHaveProperty(key);
    }
    expect(readFileSync(path.join(MODELS_DIR, card.file)).length).toBeLessThanOrEqual(10 * 1024 * 1024);
  });
});
