import { InputError } from '../data/errors.ts';
import type { ModelCard } from './card.ts';

/** sha256 in lowercase hex. */
const SHA256 = /^[0-9a-f]{64}$/;
/** A plain file name next to the card: no directories, no URL. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Check a parsed `<id>.card.json` and return it typed. Throws InputError naming `file` and the first
 * field that is missing or wrong, e.g. `random-cnn.card.json: field "input.std[1]" must be a positive
 * number (got 0)`. Unknown extra fields are kept (forward compatible); `training` must be an object.
 * Image cards (`modality: "image"`) have an NCHW pixel `input`; text cards (`modality: "text"`) a
 * tokeniser `input` (`kind: "hashed-ngrams"`, see tokenize.ts).
 */
export function parseCard(json: unknown, file: string): ModelCard {
  const fail = (field: string, problem: string): never => {
    throw new InputError(file, `field "${field}" ${problem}`);
  };
  if (!isObject(json)) throw new InputError(file, `a model card must be a JSON object (got ${describe(json)})`);

  const str = (obj: Record<string, unknown>, key: string, path: string): string => {
    const v = obj[key];
    if (v === undefined) return fail(path, 'is missing');
    if (typeof v !== 'string' || v.trim() === '') return fail(path, `must be a non-empty string (got ${describe(v)})`);
    return v;
  };
  const int = (obj: Record<string, unknown>, key: string, path: string, min: number, max: number): number => {
    const v = obj[key];
    if (v === undefined) return fail(path, 'is missing');
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      return fail(path, `must be an integer from ${min} to ${max} (got ${describe(v)})`);
    }
    return v;
  };
  const triple = (obj: Record<string, unknown>, key: string, path: string, positive: boolean): [number, number, number] => {
    const v = obj[key];
    if (v === undefined) return fail(path, 'is missing');
    if (!Array.isArray(v) || v.length !== 3) return fail(path, `must be an array of 3 numbers, one per RGB channel (got ${describe(v)})`);
    return v.map((x, i) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) return fail(`${path}[${i}]`, `must be a finite number (got ${describe(x)})`);
      if (positive && !(x > 0)) return fail(`${path}[${i}]`, `must be a positive number (got ${describe(x)})`);
      return x;
    }) as [number, number, number];
  };
  const obj = (parent: Record<string, unknown>, key: string): Record<string, unknown> => {
    const v = parent[key];
    if (v === undefined) return fail(key, 'is missing');
    if (!isObject(v)) return fail(key, `must be an object (got ${describe(v)})`);
    return v;
  };

  const id = str(json, 'id', 'id');
  if (!FILE_NAME.test(id)) fail('id', `must be letters, digits, ".", "_" or "-" (got ${describe(id)})`);
  const name = str(json, 'name', 'name');
  const modality = str(json, 'modality', 'modality');
  if (modality !== 'image' && modality !== 'text') fail('modality', `must be "image" or "text" (got ${describe(modality)})`);
  const modelFile = str(json, 'file', 'file');
  if (!FILE_NAME.test(modelFile) || !modelFile.toLowerCase().endsWith('.onnx')) {
    fail('file', `must be the name of an .onnx file next to the card, without directories (got ${describe(modelFile)})`);
  }
  const sha256 = str(json, 'sha256', 'sha256');
  if (!SHA256.test(sha256)) fail('sha256', `must be 64 lowercase hex digits (got ${describe(sha256)})`);

  const input = obj(json, 'input');
  const inputName = str(input, 'name', 'input.name');

  const output = obj(json, 'output');
  const outputName = str(output, 'name', 'output.name');
  const dim = int(output, 'dim', 'output.dim', 1, 65536);

  const architecture = str(json, 'architecture', 'architecture');
  const objective = str(json, 'objective', 'objective');
  const provenance = str(json, 'provenance', 'provenance');
  const licence = str(json, 'licence', 'licence');
  if (json.training !== undefined && !isObject(json.training)) {
    fail('training', `must be an object when present (got ${describe(json.training)})`);
  }
  if (json.pairs !== undefined) {
    const pairs = str(json, 'pairs', 'pairs');
    if (!FILE_NAME.test(pairs)) fail('pairs', `must be a model id (got ${describe(pairs)})`);
  }
  const common = {
    ...json,
    id,
    name,
    file: modelFile,
    sha256,
    output: { ...output, name: outputName, dim },
    architecture,
    objective,
    provenance,
    licence,
    ...(json.training !== undefined ? { training: json.training as Record<string, unknown> } : {}),
  };

  if (modality === 'text') {
    if (input.kind !== 'hashed-ngrams') {
      fail('input.kind', `must be "hashed-ngrams", the only tokeniser of this version of Recall Lens (got ${describe(input.kind)})`);
    }
    if (input.version !== 'hashed-ngrams-v1') {
      fail(
        'input.version',
        `must be "hashed-ngrams-v1", the tokeniser this version of Recall Lens implements (got ${describe(input.version)})`,
      );
    }
    const buckets = int(input, 'buckets', 'input.buckets', 1, 1 << 24);
    const maxTokens = int(input, 'maxTokens', 'input.maxTokens', 1, 4096);
    const ngram = int(input, 'ngram', 'input.ngram', 1, 16);
    const column = input.column === undefined ? undefined : str(input, 'column', 'input.column');
    return {
      ...common,
      modality: 'text',
      input: {
        ...input,
        name: inputName,
        kind: 'hashed-ngrams',
        version: 'hashed-ngrams-v1',
        buckets,
        maxTokens,
        ngram,
        ...(column !== undefined ? { column } : {}),
      },
    };
  }

  const size = int(input, 'size', 'input.size', 1, 4096);
  if (input.channels !== 3) fail('input.channels', `must be 3 (RGB) (got ${describe(input.channels)})`);
  if (input.layout !== 'NCHW') fail('input.layout', `must be "NCHW" (got ${describe(input.layout)})`);
  const mean = triple(input, 'mean', 'input.mean', false);
  const std = triple(input, 'std', 'input.std', true);
  return {
    ...common,
    modality: 'image',
    input: { ...input, name: inputName, size, channels: 3, layout: 'NCHW', mean, std },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'object') return 'an object';
  return String(v);
}
