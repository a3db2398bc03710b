import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/data/errors.ts';
import { parseCard } from '../../src/encoders/card-validate.ts';
import { MODELS_DIR, readJson } from './fixtures.ts';

const FILE = 'public/models/x.card.json';

function valid(): Record<string, unknown> {
  return readJson<Record<string, unknown>>(path.join(MODELS_DIR, 'random-cnn.card.json'));
}

function errorOf(json: unknown): InputError {
  try {
    parseCard(json, FILE);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('parseCard accepted an invalid card');
}

/** A deep copy of the valid card with `field` (dotted path) set to `value` (undefined deletes it). */
function withField(field: string, value: unknown): Record<string, unknown> {
  const card = JSON.parse(JSON.stringify(valid())) as Record<string, unknown>;
  const keys = field.split('.');
  let o = card as Record<string, unknown>;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  if (value === undefined) delete o[last];
  else o[last] = value;
  return card;
}

describe('model cards in public/models', () => {
  const index = readJson<{ models: string[] }>(path.join(MODELS_DIR, 'index.json'));

  it('index.json lists the strongest encoders first (training/common/export.py INDEX_ORDER)', () => {
    const order = ['image-title-image', 'image-title-text', 'pixels', 'moco-v2', 'random-cnn', 'swav'].map((id) => `${id}.card.json`);
    expect(index.models.slice(0, order.length)).toEqual(order);
  });

  it.each(index.models)('%s parses and its sha256 matches the ONNX file (≤ 10 MB)', (name) => {
    const card = parseCard(readJson(path.join(MODELS_DIR, name)), name);
    expect(name).toBe(`${card.id}.card.json`);
    const bytes = readFileSync(path.join(MODELS_DIR, card.file));
    expect(bytes.length).toBeLessThanOrEqual(10 * 1024 * 1024);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(card.sha256);
    expect(card.output.dim).toBeLessThanOrEqual(512);
  });
});

describe('parseCard', () => {
  it('returns the typed card and keeps extra fields', () => {
    const card = parseCard({ ...valid(), training: { epochs: 3 }, extra: 1 }, FILE);
    expect(card.input).toEqual({ name: 'images', size: 64, channels: 3, layout: 'NCHW', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    expect(card.output).toEqual({ name: 'embedding', dim: 128 });
    expect(card.training).toEqual({ epochs: 3 });
    expect((card as unknown as Record<string, unknown>).extra).toBe(1);
  });

  it('rejects what is not an object', () => {
    expect(errorOf([]).message).toBe(`${FILE}: a model card must be a JSON object (got an array of 0)`);
    expect(errorOf(null).message).toMatch(/must be a JSON object \(got null\)/);
  });

  it.each([
    ['id', undefined, 'field "id" is missing'],
    ['id', '../x', 'field "id" must be letters'],
    ['name', '', 'field "name" must be a non-empty string (got "")'],
    ['modality', 'audio', 'field "modality" must be "image" or "text" (got "audio")'],
    ['modality', 'text', 'field "input.kind" must be "hashed-ngrams"'],
    ['pairs', '../x', 'field "pairs" must be a model id'],
    ['file', 'models/x.onnx', 'field "file" must be the name of an .onnx file next to the card'],
    ['file', 'x.bin', 'field "file" must be the name of an .onnx file'],
    ['sha256', 'ABC', 'field "sha256" must be 64 lowercase hex digits (got "ABC")'],
    ['input', undefined, 'field "input" is missing'],
    ['input', 3, 'field "input" must be an object (got 3)'],
    ['input.name', 7, 'field "input.name" must be a non-empty string (got 7)'],
    ['input.size', 64.5, 'field "input.size" must be an integer from 1 to 4096 (got 64.5)'],
    ['input.size', undefined, 'field "input.size" is missing'],
    ['input.channels', 1, 'field "input.channels" must be 3 (RGB) (got 1)'],
    ['input.layout', 'NHWC', 'field "input.layout" must be "NCHW" (got "NHWC")'],
    ['input.mean', [0.5, 0.5], 'field "input.mean" must be an array of 3 numbers, one per RGB channel (got an array of 2)'],
    ['input.mean', [0.5, '0.5', 0.5], 'field "input.mean[1]" must be a finite number (got "0.5")'],
    ['input.std', [0.5, 0, 0.5], 'field "input.std[1]" must be a positive number (got 0)'],
    ['output.name', undefined, 'field "output.name" is missing'],
    ['output.dim', 0, 'field "output.dim" must be an integer from 1 to 65536 (got 0)'],
    ['output.dim', '128', 'field "output.dim" must be an integer from 1 to 65536 (got "128")'],
    ['architecture', undefined, 'field "architecture" is missing'],
    ['objective', null, 'field "objective" must be a non-empty string (got null)'],
    ['provenance', undefined, 'field "provenance" is missing'],
    ['licence', undefined, 'field "licence" is missing'],
    ['training', [1], 'field "training" must be an object when present (got an array of 1)'],
  ])('%s = %j → %s', (field, value, message) => {
    const e = errorOf(withField(field, value));
    expect(e.file).toBe(FILE);
    expect(e.message.startsWith(`${FILE}: `)).toBe(true);
    expect(e.message).toContain(message);
  });
});

/** A valid text card (the shape training/image_title.py writes). */
function textCard(): Record<string, unknown> {
  return {
    ...valid(),
    id: 'title-text',
    modality: 'text',
    file: 'title-text.onnx',
    input: {
      name: 'tokens',
      kind: 'hashed-ngrams',
      version: 'hashed-ngrams-v1',
      buckets: 16384,
      maxTokens: 128,
      ngram: 3,
      column: 'title',
    },
    pairs: 'title-image',
  };
}

function textWith(field: string, value: unknown): Record<string, unknown> {
  const card = JSON.parse(JSON.stringify(textCard())) as Record<string, unknown>;
  const keys = field.split('.');
  let o = card;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  if (value === undefined) delete o[keys[keys.length - 1]];
  else o[keys[keys.length - 1]] = value;
  return card;
}

describe('parseCard (text cards)', () => {
  it('returns a typed text card with the tokeniser input', () => {
    const card = parseCard(textCard(), FILE);
    expect(card.modality).toBe('text');
    if (card.modality !== 'text') throw new Error('unreachable');
    expect(card.input).toEqual({
      name: 'tokens',
      kind: 'hashed-ngrams',
      version: 'hashed-ngrams-v1',
      buckets: 16384,
      maxTokens: 128,
      ngram: 3,
      column: 'title',
    });
    expect(card.pairs).toBe('title-image');
    expect(card.output).toEqual({ name: 'embedding', dim: 128 });
  });

  it('column is optional', () => {
    const card = parseCard(textWith('input.column', undefined), FILE);
    expect(card.input).not.toHaveProperty('column');
  });

  it('image cards are unchanged (no tokeniser fields needed, pixel fields checked)', () => {
    const card = parseCard(valid(), FILE);
    expect(card.modality).toBe('image');
  });

  it.each([
    ['input.kind', 'bpe', 'field "input.kind" must be "hashed-ngrams"'],
    ['input.kind', undefined, 'field "input.kind" must be "hashed-ngrams"'],
    ['input.version', 'hashed-ngrams-v2', 'field "input.version" must be "hashed-ngrams-v1"'],
    ['input.buckets', 0, 'field "input.buckets" must be an integer from 1 to 16777216 (got 0)'],
    ['input.buckets', undefined, 'field "input.buckets" is missing'],
    ['input.maxTokens', 1.5, 'field "input.maxTokens" must be an integer from 1 to 4096 (got 1.5)'],
    ['input.ngram', 0, 'field "input.ngram" must be an integer from 1 to 16 (got 0)'],
    ['input.column', '', 'field "input.column" must be a non-empty string'],
    ['input.name', undefined, 'field "input.name" is missing'],
    ['output.dim', 0, 'field "output.dim" must be an integer from 1 to 65536 (got 0)'],
  ])('%s = %j → %s', (field, value, message) => {
    expect(errorOf(textWith(field, value)).message).toContain(message);
  });
});
