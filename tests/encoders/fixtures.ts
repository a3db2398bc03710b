/** Loaders for tests/fixtures/encoders/*.json (written by training/export_baselines.py and training/image_title.py). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ModelCard } from '../../src/encoders/card.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MODELS_DIR = path.join(ROOT, 'public', 'models');
export const FIXTURES_DIR = path.join(ROOT, 'tests', 'fixtures', 'encoders');

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function base64Bytes(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

export function base64Float32(b64: string): Float32Array {
  const bytes = base64Bytes(b64);
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float32Array(copy.buffer, 0, bytes.length / 4);
}

export interface ModelFixture {
  model: string;
  card: string;
  sha256: string;
  seed: number;
  count: number;
  size: number;
  images: string;
  dim: number;
  embedding: number[][];
}

/** tests/fixtures/encoders/<id>.json of a text model (training/image_title.py --export). */
export interface TextModelFixture {
  model: string;
  card: string;
  sha256: string;
  seed: number;
  count: number;
  titles: string[];
  /** Non-zero token ids per title (Python's tokeniser). */
  tokens: number[][];
  dim: number;
  embedding: number[][];
}

export interface PreprocessFixture {
  size: number;
  mean: [number, number, number];
  std: [number, number, number];
  cases: { srcSize: number; count: number; method: string; images: string; expected: string }[];
}

export function modelFixture(id: string): ModelFixture {
  return readJson<ModelFixture>(path.join(FIXTURES_DIR, `${id}.json`));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** loadWebEncoder options for onnxruntime-web in Node: runtime files straight from node_modules. */
export function webOptions(): { wasmPaths: string; numThreads: number } {
  return { wasmPaths: pathToFileURL(path.join(ROOT, 'node_modules', 'onnxruntime-web', 'dist') + path.sep).href, numThreads: 1 };
}

/** A made-up image card (file fake.onnx, input "images" of size × size, output "embedding" of dim) for tests with fake sessions. */
export function fakeImageCard(size: number, dim: number): ModelCard {
  return {
    id: 'fake',
    name: 'fake',
    modality: 'image',
    file: 'fake.onnx',
    sha256: '0'.repeat(64),
    input: { name: 'images', size, channels: 3, layout: 'NCHW', mean: [0, 0, 0], std: [1, 1, 1] },
    output: { name: 'embedding', dim },
    architecture: '',
    objective: '',
    provenance: '',
    licence: 'MIT',
  };
}
