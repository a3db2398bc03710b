/**
 * Trained encoders' cards (moco-v2, swav) record how they were trained; and every image model listed
 * in public/models/index.json has a parity fixture (checked in onnx-parity.test.ts), so a newly
 * exported encoder cannot go untested.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR, MODELS_DIR, readJson } from './fixtures.ts';

const SSL_MODELS = ['moco-v2', 'swav'];

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
  it('the card records how it was trained and stays under 10 MB', () => {
    const card = readJson<{ file: string; training?: Record<string, unknown> }>(path.join(MODELS_DIR, `${id}.card.json`));
    for (const key of ['epochs', 'wall_time_seconds', 'hardware', 'final_loss', 'seed', 'git_commit', 'hyperparameters']) {
      expect(card.training, `training.${key}`).toHaveProperty(key);
    }
    expect(readFileSync(path.join(MODELS_DIR, card.file)).length).toBeLessThanOrEqual(10 * 1024 * 1024);
  });
});
