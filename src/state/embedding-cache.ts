/**
 * Embeddings cached in IndexedDB, keyed by model hash + corpus hash, so a reload does not re-encode;
 * each variant's metrics and neighbour lists too, keyed by the embeddings and every setting they depend on.
 * A cache that cannot be opened (private mode, quota) is treated as empty: the app still works.
 */
import type { Embeddings } from '../compute/types.ts';

const DB = 'recall-lens';
const STORE = 'embeddings';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function run<T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  return open().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const req = op(tx.objectStore(STORE));
        tx.oncomplete = () => {
          db.close();
          resolve(req.result as T);
        };
        tx.onerror = tx.onabort = () => {
          db.close();
          reject(tx.error ?? req.error);
        };
      }),
  );
}

/** Any structured-cloneable value (e.g. a variant's metrics and neighbour lists); null when absent or unreadable. */
export async function readValue<T>(key: string): Promise<T | null> {
  try {
    return ((await run<T | undefined>('readonly', (s) => s.get(key))) ?? null) as T | null;
  } catch {
    return null;
  }
}

export async function writeValue(key: string, value: unknown): Promise<void> {
  try {
    await run('readwrite', (s) => s.put(value, key));
  } catch {
    // As for embeddings: a failed write only costs a recomputation.
  }
}

/** Like writeValue, but a failure (quota, private mode) is thrown: for data that must not be lost silently. */
export async function putValue(key: string, value: unknown): Promise<void> {
  await run('readwrite', (s) => s.put(value, key));
}

export async function deleteValue(key: string): Promise<void> {
  try {
    await run('readwrite', (s) => s.delete(key));
  } catch {
    // Nothing to delete, or no database: either way it is gone.
  }
}

export function cacheKey(modelSha256: string, corpusHash: string): string {
  return `${modelSha256}:${corpusHash}`;
}

export async function readCached(key: string): Promise<Embeddings | null> {
  try {
    const v = await run<{ n: number; dim: number; data: ArrayBuffer } | undefined>('readonly', (s) => s.get(key));
    if (!v || v.data.byteLength !== v.n * v.dim * 4) return null;
    return { n: v.n, dim: v.dim, data: new Float32Array(v.data) };
  } catch {
    return null;
  }
}

export async function writeCached(key: string, x: Embeddings): Promise<void> {
  try {
    const data = x.data.slice().buffer;
    await run('readwrite', (s) => s.put({ n: x.n, dim: x.dim, data }, key));
  } catch {
    // A full or unavailable cache only costs a re-encode next time.
  }
}
