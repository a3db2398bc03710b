/** onnx-inspect on the real models in public/models (checked against onnxruntime-node), corrupted copies, and encoders in an import. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { inspectOnnx } from '../../../src/encoders/onnx-inspect.ts';
import { cardFromShort } from '../../../src/encoders/card-short.ts';
import { problems, run, solid } from './helpers.ts';

const MODELS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../public/models');
const models = readdirSync(MODELS)
  .filter((f) => f.endsWith('.onnx'))
  .sort();
const bytes = (f: string) => new Uint8Array(readFileSync(path.join(MODELS, f)));
const card = (id: string) => JSON.parse(readFileSync(path.join(MODELS, `${id}.card.json`), 'utf8'));

describe('inspectOnnx on the shipped models', () => {
  it('finds every model', () => expect(models.length).toBeGreaterThanOrEqual(5));
  for (const f of models) {
    it(`${f}: inputs and outputs as onnxruntime-node and the card see them`, async () => {
      const info = inspectOnnx(bytes(f), f);
      const session = await ort.InferenceSession.create(path.join(MODELS, f));
      try {
        expect(info.inputs.map((v) => v.name)).toEqual([...session.inputNames]);
        expect(info.outputs.map((v) => v.name)).toEqual([...session.outputNames]);
      } finally {
        await session.release();
      }
      const c = card(f.replace(/\.onnx$/, ''));
      expect(info.inputs).toHaveLength(1);
      const inp = info.inputs[0];
      expect(inp.name).toBe(c.input.name);
      if (c.modality === 'image') {
        expect(inp.type).toBe('float32');
        expect(inp.shape!.slice(1)).toEqual([3, c.input.size, c.input.size]);
      } else {
        expect(inp.type).toBe('int64');
        expect(inp.shape![1]).toBe(c.input.maxTokens);
      }
      const out = info.outputs.find((o) => o.name === c.output.name)!;
      expect(out.type).toBe('float32');
      expect(out.shape![1]).toBe(c.output.dim);
      expect(info.irVersion).toBeGreaterThanOrEqual(3);
    });
  }

  it('corrupted copies are refused with the byte offset, never a crash', () => {
    const good = bytes('random-cnn.onnx');
    const cases: [string, Uint8Array][] = [
      ['truncated', good.subarray(0, Math.floor(good.length / 2))],
      ['empty', new Uint8Array(0)],
      ['png', solid(2, 2, [1, 2, 3])],
      ['text', new TextEncoder().encode('{"input": {"size": 64}}')],
      ['cut after one byte', good.subarray(0, 1)],
    ];
    for (const [what, b] of cases) {
      expect(() => inspectOnnx(b, 'm.onnx'), what).toThrow(/^m\.onnx \(byte \d+\): not an ONNX model \(byte \d+: .+\)$/);
    }
    let seed = 1;
    const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let t = 0; t < 200; t++) {
      const b = good.slice(0, 4096);
      for (let k = 0; k < 8; k++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      try {
        inspectOnnx(b, 'm.onnx');
      } catch (e) {
        expect((e as Error).name).toBe('InputError');
      }
    }
  });
});

describe('encoders in an import', () => {
  const pixels = bytes('pixels.onnx');
  const pixelsCard = card('pixels');

  it('a short-form card takes the model names, dim and sha256', async () => {
    const ws = await run({ 'enc/pixels.onnx': pixels, 'enc/pixels.json': JSON.stringify({ input: { size: 64 }, output: {} }) });
    expect(ws.encoders).toHaveLength(1);
    const c = ws.encoders[0].card;
    expect(c).toMatchObject({
      id: 'pixels',
      modality: 'image',
      file: 'pixels.onnx',
      sha256: pixelsCard.sha256,
      output: { name: 'embedding', dim: 192 },
    });
    expect(c.input).toEqual({ name: 'images', size: 64, channels: 3, layout: 'NCHW', mean: [0, 0, 0], std: [1, 1, 1] });
    expect(ws.encoders[0].model.length).toBe(pixels.length);
  });

  it('a full card is checked against the model, sha256 included', async () => {
    const ws = await run({ 'pixels.onnx': pixels, 'pixels.card.json': JSON.stringify(pixelsCard) });
    expect(ws.encoders[0].card.id).toBe('pixels');
    const bad = { ...pixelsCard, sha256: '0'.repeat(64) };
    expect(await problems({ 'pixels.onnx': pixels, 'pixels.card.json': JSON.stringify(bad) })).toEqual([
      expect.stringMatching(/^pixels\.onnx: sha256 45d783801898… does not match the card's 000000000000…/),
    ]);
  });

  it('inputs/outputs that do not match the card, no card, not a model', async () => {
    expect(await problems({ 'pixels.onnx': pixels, 'pixels.json': JSON.stringify({ input: { size: 32 }, output: {} }) })).toEqual([
      'pixels.onnx: input "images" has shape [batch, 3, 64, 64], the card says [batch, 3, 32, 32]',
    ]);
    expect(await problems({ 'pixels.onnx': pixels, 'pixels.json': JSON.stringify({ input: { size: 64 }, output: { dim: 128 } }) })).toEqual(
      ['pixels.onnx: output "embedding" has shape [batch, 192], the card says [batch, 128]'],
    );
    expect(
      await problems({ 'pixels.onnx': pixels, 'pixels.json': JSON.stringify({ input: { size: 64 }, output: { name: 'feat' } }) }),
    ).toEqual(['pixels.onnx: the model has no output "feat" (its outputs: "embedding"); the card disagrees with the model']);
    expect(
      await problems({ 'pixels.onnx': pixels, 'pixels.json': JSON.stringify({ input: { size: 64, std: [1, 0, 1] }, output: {} }) }),
    ).toEqual(['pixels.json: field "input.std[1]" must be a positive number (got 0)']);
    const text = card('image-title-text');
    expect(
      await problems({
        'pixels.onnx': pixels,
        'pixels.card.json': JSON.stringify({ ...text, file: 'pixels.onnx', sha256: pixelsCard.sha256 }),
      }),
    ).toEqual([
      expect.stringMatching(/^pixels\.onnx: input "images" is float32, expected int64$|^pixels\.onnx: the model has no input "tokens"/),
    ]);
    expect(await problems({ 'm.onnx': pixels })).toEqual([
      expect.stringMatching(/^m\.onnx: no model card: add m\.card\.json, or a short form m\.json such as .*"dim": 192/),
    ]);
    expect(await problems({ 'm.onnx': pixels.subarray(0, 100), 'm.json': '{"input": {"size": 64}}' })).toEqual([
      expect.stringMatching(/^m\.onnx \(byte \d+\): not an ONNX model \(byte \d+: /),
    ]);
    expect(await problems({ 'm.card.json': JSON.stringify(pixelsCard) })).toEqual([
      'm.card.json: model card with no model: m.onnx is not among the imported files',
    ]);
  });

  it('cardFromShort: mean/std given, a name', () => {
    const c = cardFromShort(
      { name: 'Mine', input: { size: 32, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], name: 'x' }, output: { name: 'y', dim: 8 } },
      'm.json',
      { id: 'm', modelFile: 'm.onnx', sha256: 'a'.repeat(64) },
    );
    expect(c).toMatchObject({
      id: 'm',
      name: 'Mine',
      input: { name: 'x', size: 32, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
      output: { name: 'y', dim: 8 },
    });
  });
});
