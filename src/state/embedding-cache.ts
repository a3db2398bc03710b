/**
 * Embeddings cached in IndexedDB, keyed by model hash + corpus hash, so a reload does not re-encode;
 * each variant's metrics and neighbour lists too, keyed by the embeddings and every setting they depend on.
 * A cache that cannot be opened (private mode, quota) is treated as empty: the app still works.
 */
import type { Embeddings } from '../compute/types.ts';
import { idbStore, readOrNull, writeQuietly } from '../storage/idb.ts';

/** The app's cache: embeddings, metrics rows and UMAP layouts (each keyed by what it depends on). */
export const cache = idbStore('recall-lens', 'embeddings');

/** Any structured-cloneable value (e.g. a variant's metrics and neighbour lists); null when absent or unreadable. */
export function readValue<T>(key: string): Promise<T | null> {
  return readOrNull<T>(cache, key);
}

export function writeValue(key: string, value: unknown): Promise<void> {
  return writeQuietly(cache, key, value);
}

/** Like writeValue, but a failure (quota, private mode) is thrown: for data that must not be lost silently. */
export function putValue(key: string, value: unknown): Promise<void> {
  return cache.put(key, value);
}

export async function deleteValue(key: string): Promise<void> {
  try {
    await cache.delete(key);
  } catch {
    // Nothing to delete, or no database: either way it is gone.
  }
}

export function cacheKey(modelSha256: string, corpusHash: string): string {
  return `${modelSha256}:${corpusHash}`;
}

export async function readCached(key: string): Promise<Embeddings | null> {
  const v = await readOrNull<{ n: number; dim: number; data: ArrayBuffer }>(cache, key);
  if (!v || !(v.data instanceof ArrayBuffer) || v.data.byteLength !== v.n * v.dim * 4) return null;
  return { n: v.n, dim: v.dim, data: new Float32Array(v.data) };
}

export function writeCached(key: string, x: Embeddings): Promise<void> {
  return writeQuietly(cache, key, { n: x.n, dim: x.dim, data: x.data.slice().buffer });
}
