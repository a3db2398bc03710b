import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/data/errors.ts';
import { loadNodeEncoder } from '../../src/encoders/node-session.ts';
import { parseCard } from '../../src/encoders/card-validate.ts';
import { loadWebEncoder } from '../../src/encoders/web-session.ts';
import { MODELS_DIR, readJson, webOptions } from './fixtures.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'recall-lens-enc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = readJson<Record<string, unknown>>(path.join(MODELS_DIR, 'random-cnn.card.json'));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Write `<name>.card.json` (+ the ONNX bytes when given, with the card's sha256 set to match). */
function setup(name: string, patch: Record<string, unknown>, onnx?: Uint8Array): string {
  const card: Record<string, unknown> = { ...base, id: name, file: `${name}.onnx`, ...patch };
  if (onnx) {
    writeFileSync(path.join(dir, `${name}.onnx`), onnx);
    if (!('sha256' in patch)) card.sha256 = sha(onnx);
  }
  const cardPath = path.join(dir, `${name}.card.json`);
  writeFileSync(cardPath, JSON.stringify(card));
  return cardPath;
}

async function failure(p: Promise<unknown>): Promise<InputError> {
  const e = await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(InputError);
  return e as InputError;
}

const good = new Uint8Array(readFileSync(path.join(MODELS_DIR, 'random-cnn.onnx')));

describe('loadNodeEncoder errors', () => {
  it('missing card', async () => {
    const p = path.join(dir, 'nope.card.json');
    expect((await failure(loadNodeEncoder(p))).message).toBe(`${p}: model card file not found`);
  });

  it('card that is not JSON', async () => {
    const p = path.join(dir, 'bad.card.json');
    writeFileSync(p, '{ "id": ');
    expect((await failure(loadNodeEncoder(p))).message).toMatch(new RegExp(`^${escape(p)}: not valid JSON`));
  });

  it('invalid card names the field', async () => {
    const p = setup('nodim', { output: { name: 'embedding' } }, good);
    expect((await failure(loadNodeEncoder(p))).message).toBe(`${p}: field "output.dim" is missing`);
  });

  it('missing ONNX file', async () => {
    const p = setup('missing', {});
    const onnx = path.join(dir, 'missing.onnx');
    expect((await failure(loadNodeEncoder(p))).message).toBe(`${onnx}: ONNX model file not found (named by "file" in missing.card.json)`);
  });

  it('empty ONNX file', async () => {
    const p = setup('empty', {}, new Uint8Array(0));
    expect((await failure(loadNodeEncoder(p))).message).toBe(`${path.join(dir, 'empty.onnx')}: the ONNX model file is empty`);
  });

  it('a file that is not an ONNX model', async () => {
    const p = setup('corrupt', {}, new TextEncoder().encode('this is not a model'));
    const e = await failure(loadNodeEncoder(p));
    expect(e.file).toBe(path.join(dir, 'corrupt.onnx'));
    expect(e.message).toMatch(/corrupt\.onnx: not a loadable ONNX model \(onnxruntime: .*protobuf parsing failed/);
  });

  it('a truncated model', async () => {
    const p = setup('truncated', {}, good.subarray(0, 5000));
    expect((await failure(loadNodeEncoder(p))).message).toMatch(/truncated\.onnx: not a loadable ONNX model \(onnxruntime: /);
  });

  it('a model changed without updating its card (sha256)', async () => {
    const p = setup('stale', { sha256: 'a'.repeat(64) }, good);
    expect((await failure(loadNodeEncoder(p))).message).toMatch(
      /stale\.onnx: sha256 [0-9a-f]{12}… does not match the card's aaaaaaaaaaaa…/,
    );
  });

  it('card and model disagree on the output dim', async () => {
    const p = setup('dim', { output: { name: 'embedding', dim: 64 } }, good);
    expect((await failure(loadNodeEncoder(p))).message).toBe(
      `${path.join(dir, 'dim.onnx')}: output "embedding" has shape [batch, 128], the card says [batch, 64]`,
    );
  });

  it('card and model disagree on the input size', async () => {
    const p = setup('size', { input: { ...(base.input as object), size: 32 } }, good);
    expect((await failure(loadNodeEncoder(p))).message).toBe(
      `${path.join(dir, 'size.onnx')}: input "images" has shape [batch, 3, 64, 64], the card says [batch, 3, 32, 32]`,
    );
  });

  it('card and model disagree on the names', async () => {
    const p1 = setup('inname', { input: { ...(base.input as object), name: 'pixels' } }, good);
    expect((await failure(loadNodeEncoder(p1))).message).toMatch(/inname\.onnx: the model has no input "pixels" \(its inputs: "images"\)/);
    const p2 = setup('outname', { output: { name: 'features', dim: 128 } }, good);
    expect((await failure(loadNodeEncoder(p2))).message).toMatch(
      /outname\.onnx: the model has no output "features" \(its outputs: "embedding"\)/,
    );
  });

  it('a text card on an image model: the input type and shape disagree', async () => {
    const textInput = { name: 'images', kind: 'hashed-ngrams', version: 'hashed-ngrams-v1', buckets: 16, maxTokens: 8, ngram: 3 };
    const p = setup('textcard', { modality: 'text', input: textInput }, good);
    expect((await failure(loadNodeEncoder(p))).message).toBe(
      `${path.join(dir, 'textcard.onnx')}: input "images" is float32, expected int64`,
    );
  });

  it('the wrong input array type for the modality is a RangeError', async () => {
    copyFileSync(path.join(MODELS_DIR, 'pixels.onnx'), path.join(dir, 'pixels.onnx'));
    copyFileSync(path.join(MODELS_DIR, 'pixels.card.json'), path.join(dir, 'pixels.card.json'));
    const enc = await loadNodeEncoder(path.join(dir, 'pixels.card.json'));
    await expect(enc.run(new BigInt64Array(2 * 3 * 64 * 64), 2)).rejects.toThrow(/takes float32 pixels/);
    await expect(enc.run(new Float32Array(5), 2)).rejects.toThrow(/2 images need 24576 floats, got 5/);
    await enc.dispose();
  });

  it('a copied card and model load and encode', async () => {
    copyFileSync(path.join(MODELS_DIR, 'pixels.onnx'), path.join(dir, 'pixels.onnx'));
    copyFileSync(path.join(MODELS_DIR, 'pixels.card.json'), path.join(dir, 'pixels.card.json'));
    const enc = await loadNodeEncoder(path.join(dir, 'pixels.card.json'));
    const out = await enc.run(new Float32Array(2 * 3 * 64 * 64).fill(0.25), 2);
    expect(out).toHaveLength(2 * 192);
    expect(Math.max(...out.map((v) => Math.abs(v - 0.25)))).toBeLessThan(1e-7);
    await enc.dispose();
  });
});

describe('loadWebEncoder errors (wasm, in Node)', () => {
  const card = parseCard(base, 'random-cnn.card.json');

  it('bytes that are not the card’s model', async () => {
    const e = await failure(loadWebEncoder(card, new TextEncoder().encode('nope'), 'wasm', webOptions()));
    expect(e.message).toMatch(/^random-cnn\.onnx: sha256 [0-9a-f]{12}… does not match the card's/);
  });

  it('a corrupt model whose hash matches', async () => {
    const bytes = new TextEncoder().encode('this is not a model');
    const e = await failure(loadWebEncoder({ ...card, sha256: sha(bytes) }, bytes, 'wasm', webOptions()));
    expect(e.message).toMatch(/^random-cnn\.onnx: could not be loaded on wasm \(onnxruntime-web: .*protobuf parsing failed/);
  });

  it('a card that disagrees with the model', async () => {
    const e = await failure(loadWebEncoder({ ...card, output: { name: 'embedding', dim: 10 } }, good, 'wasm', webOptions()));
    expect(e.message).toBe('random-cnn.onnx: output "embedding" has shape [batch, 128], the card says [batch, 10]');
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
