/**
 * The corpus format: a manifest (JSON) plus one raw RGB image file.
 *
 * manifest.json = { name, version: 1, hash, n, imageSize, channels: 3, images: "images.rgb",
 *                   columns: { id: [...], <column>: [...] }, sources?: [...] }
 * images.rgb    = n × imageSize × imageSize × 3 uint8, row-major, item order = column order.
 *
 * Pure TypeScript: no DOM, no Node APIs (runs in the browser, in workers and in Node).
 */
import { InputError } from './errors.ts';

export interface Corpus {
  name: string;
  /** sha256 (hex) of the image bytes followed by the UTF-8 JSON of `columns`, as written by the builder. */
  hash: string;
  n: number;
  /** Width = height of every image, in pixels. */
  imageSize: number;
  /** n × imageSize × imageSize × 3 RGB, uint8, row-major. */
  images: Uint8Array;
  /** One string per item in every column; `id` is always present and unique. */
  columns: Record<string, string[]>;
}

export const CORPUS_FORMAT_VERSION = 1;
export const CORPUS_CHANNELS = 3;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonNegInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/**
 * Validate a parsed manifest and its image bytes. `source` names the manifest file in messages.
 * Throws InputError("<source>: <problem>") on anything malformed.
 */
export function parseCorpus(manifest: unknown, images: Uint8Array, source: string): Corpus {
  const fail = (problem: string): never => {
    throw new InputError(source, problem);
  };
  if (!isRecord(manifest)) fail('manifest is not a JSON object');
  const m = manifest as Record<string, unknown>;

  if (typeof m.name !== 'string' || m.name.length === 0) fail('"name" must be a non-empty string');
  if (m.version !== undefined && m.version !== CORPUS_FORMAT_VERSION) {
    fail(`unsupported "version" ${JSON.stringify(m.version)} (expected ${CORPUS_FORMAT_VERSION})`);
  }
  if (typeof m.hash !== 'string' || m.hash.length === 0) fail('"hash" must be a non-empty string');
  if (!isNonNegInt(m.n)) fail(`"n" must be a non-negative integer, got ${JSON.stringify(m.n)}`);
  const n = m.n as number;
  if (!isNonNegInt(m.imageSize) || m.imageSize === 0) {
    fail(`"imageSize" must be a positive integer, got ${JSON.stringify(m.imageSize)}`);
  }
  const s = m.imageSize as number;
  if (m.channels !== undefined && m.channels !== CORPUS_CHANNELS) {
    fail(`"channels" must be ${CORPUS_CHANNELS} (RGB), got ${JSON.stringify(m.channels)}`);
  }
  if (m.images !== undefined && typeof m.images !== 'string') fail('"images" must be a file name');

  if (!isRecord(m.columns)) fail('"columns" must be an object of string arrays');
  const rawColumns = m.columns as Record<string, unknown>;
  const columns: Record<string, string[]> = {};
  for (const [key, col] of Object.entries(rawColumns)) {
    if (!Array.isArray(col)) fail(`column "${key}" is not an array`);
    const arr = col as unknown[];
    if (arr.length !== n) fail(`column "${key}" has ${arr.length} values, expected n = ${n}`);
    for (let i = 0; i < arr.length; i++) {
      if (typeof arr[i] !== 'string') {
        fail(`column "${key}" row ${i}: expected a string, got ${JSON.stringify(arr[i]) ?? 'undefined'}`);
      }
    }
    columns[key] = arr as string[];
  }
  const ids = columns.id;
  if (!ids) fail('"columns" has no "id" column');
  const seen = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    if (id === '') fail(`column "id" row ${i} is empty`);
    const prev = seen.get(id);
    if (prev !== undefined) fail(`column "id" has a duplicate "${id}" (rows ${prev} and ${i})`);
    seen.set(id, i);
  }

  if (!(images instanceof Uint8Array)) fail('image data is not a byte array');
  const expected = n * s * s * CORPUS_CHANNELS;
  if (images.length !== expected) {
    const imgName = typeof m.images === 'string' ? m.images : 'image data';
    const what = images.length < expected ? 'truncated' : 'too long';
    fail(`${imgName} is ${what}: ${images.length} bytes, expected n × ${s} × ${s} × ${CORPUS_CHANNELS} = ${expected}`);
  }

  return { name: m.name as string, hash: m.hash as string, n, imageSize: s, images, columns };
}

/**
 * Order of emoji identities ("1f468-200d-1f373"): by code point sequence, numerically, element by
 * element; a prefix sorts first. The demo corpus is sorted by style, then by this.
 */
export function compareIdentity(a: string, b: string): number {
  const pa = a.split('-');
  const pb = b.split('-');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const d = parseInt(pa[i], 16) - parseInt(pb[i], 16);
    if (d !== 0) return d;
  }
  return pa.length - pb.length;
}

/** The RGB bytes of item i (a view, not a copy). */
export function corpusImage(c: Corpus, i: number): Uint8Array {
  const len = c.imageSize * c.imageSize * CORPUS_CHANNELS;
  return c.images.subarray(i * len, (i + 1) * len);
}
