/**
 * Embeddings cached in IndexedDB, keyed by model hash + corpus hash, so a reload does not re-encode;
 * each variant's metrics and neighbour lists too, keyed by the embeddings and every setting they depend on.
 * A cache that cannot be opened (private mode, quota) is treated as empty: the app still works.
 */
import type { Embeddings } from '../compute/types.ts';
import { idbStore, readOrNull, writeQuietly } from '../storage/idb.ts';
import { shareArrays } from '../workers/shared-memory.ts';

/** The app's cache: embeddings, metrics rows and UMAP layouts (each keyed by what it depends on). */
export const cache = idbStore('recall-lens', 'embeddings');

/**
 * Values being read ahead of their first read: the keys the last session of the same corpus read,
 * listed under `warm:…`. A warm reload reads ~60 MB from the cache (every model's embeddings, every
 * row's metrics and neighbour lists); reading it while the corpus's images are still loading, rather
 * than after, took a second off it (docs/BENCHMARKS.md). Each value is handed out once; what is not
 * asked for soon is dropped.
 */
const ahead = new Map<string, Promise<unknown>>();
const AHEAD_MS = 30_000;

function warmKey(corpusHash: string): string {
  return `warm:v1|${corpusHash}`;
}

/** Starts reading the values the last session of this corpus read (resolves once they are all asked for). */
export function readAhead(corpusHash: string): Promise<void> {
  return readOrNull<string[]>(cache, warmKey(corpusHash)).then((keys) => {
    if (!Array.isArray(keys)) return;
    // Shared as they arrive (each copy into fresh shared memory is main-thread time the pipeline
    // would otherwise spend once the images are in).
    for (const key of keys) if (typeof key === 'string' && !ahead.has(key)) ahead.set(key, readOrNull(cache, key).then(shareArrays));
    setTimeout(() => ahead.clear(), AHEAD_MS);
  });
}

/** Lists the keys a session of this corpus read, for the next load to read ahead. */
export function rememberReads(corpusHash: string, keys: Iterable<string>): Promise<void> {
  return writeQuietly(cache, warmKey(corpusHash), [...keys]);
}

function read<T>(key: string): Promise<T | null> {
  const early = ahead.get(key);
  if (!early) return readOrNull<T>(cache, key);
  ahead.delete(key);
  return early as Promise<T | null>;
}

/** Any structured-cloneable value (e.g. a variant's metrics and neighbour lists); null when absent or unreadable. */
export function readValue<T>(key: string): Promise<T | null> {
  return read<T>(key);
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
  const v = await read<{ n: number; dim: number; data: ArrayBufferLike }>(key);
  const buffer = v?.data instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && v?.data instanceof SharedArrayBuffer);
  if (!v || !buffer || v.data.byteLength !== v.n * v.dim * 4) return null;
  return { n: v.n, dim: v.dim, data: new Float32Array(v.data) };
}

export function writeCached(key: string, x: Embeddings): Promise<void> {
  return writeQuietly(cache, key, { n: x.n, dim: x.dim, data: x.data.slice().buffer });
}
