/** Loads the reference fixtures written by training/reference/make_fixtures.py. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Embeddings } from '../../src/compute/types.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'compute');

interface ArrayMeta {
  dtype: 'float32' | 'float64' | 'int32' | 'uint8';
  shape: number[];
  offset: number;
}

export interface Fixture {
  meta: Record<string, unknown> & { arrays: Record<string, ArrayMeta> };
  f32(key: string): Float32Array;
  f64(key: string): Float64Array;
  i32(key: string): Int32Array;
  u8(key: string): Uint8Array;
  shape(key: string): number[];
  /** A 2-D float array (any dtype) as float32 embeddings. */
  embeddings(key: string): Embeddings;
  num(key: string): number;
}

const cache = new Map<string, Fixture>();

export function loadFixture(name: string): Fixture {
  const hit = cache.get(name);
  if (hit) return hit;
  const meta = JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as Fixture['meta'];
  const bin = readFileSync(join(DIR, `${name}.bin`));
  const buf = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength);
  const get = (key: string, dtype: ArrayMeta['dtype']) => {
    const a = meta.arrays[key];
    if (!a) throw new Error(`fixture ${name}: no array ${key}`);
    if (a.dtype !== dtype) throw new Error(`fixture ${name}: ${key} is ${a.dtype}, not ${dtype}`);
    const count = a.shape.reduce((x, y) => x * y, 1);
    switch (dtype) {
      case 'float32':
        return new Float32Array(buf, a.offset, count);
      case 'float64':
        return new Float64Array(buf, a.offset, count);
      case 'int32':
        return new Int32Array(buf, a.offset, count);
      case 'uint8':
        return new Uint8Array(buf, a.offset, count);
    }
  };
  const fx: Fixture = {
    meta,
    f32: (k) => get(k, 'float32') as Float32Array,
    f64: (k) => get(k, 'float64') as Float64Array,
    i32: (k) => get(k, 'int32') as Int32Array,
    u8: (k) => get(k, 'uint8') as Uint8Array,
    shape: (k) => meta.arrays[k].shape,
    embeddings: (k) => {
      const a = meta.arrays[k];
      const [n, dim] = a.shape;
      const src = get(k, a.dtype);
      return { n, dim, data: Float32Array.from(src as ArrayLike<number>) };
    },
    num: (k) => meta[k] as number,
  };
  cache.set(name, fx);
  return fx;
}

/** Largest absolute difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d; // NaN propagates
  }
  return m;
}

/** First position where two index arrays differ, or -1. */
export function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}
