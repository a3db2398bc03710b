/**
 * The one IndexedDB wrapper: a key–value object store per (database, store), opened per operation
 * so nothing holds a connection open. Works on the main thread and in Web Workers. Callers decide
 * whether a failure matters (a cache treats it as a miss; the analyst's imported files must not be
 * lost silently).
 */
export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

export function idbStore(database: string, store: string): KeyValueStore {
  const open = () =>
    new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(database, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(store);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  const run = async <T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest): Promise<T> => {
    const db = await open();
    return new Promise<T>((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const req = op(tx.objectStore(store));
      tx.oncomplete = () => {
        db.close();
        resolve(req.result as T);
      };
      tx.onerror = tx.onabort = () => {
        db.close();
        reject(tx.error ?? req.error);
      };
    });
  };
  return {
    get: <T>(key: string) => run<T | undefined>('readonly', (s) => s.get(key)),
    put: (key, value) => run<IDBValidKey>('readwrite', (s) => s.put(value, key)).then(() => undefined),
    delete: (key) => run<undefined>('readwrite', (s) => s.delete(key)),
  };
}

/** Reads a value, treating any failure (no IndexedDB, private mode, a broken record) as absent. */
export async function readOrNull<T>(s: KeyValueStore, key: string): Promise<T | null> {
  try {
    return (await s.get<T>(key)) ?? null;
  } catch {
    return null;
  }
}

/** Writes a value; a failure (quota, private mode) only costs a recomputation next time. */
export async function writeQuietly(s: KeyValueStore, key: string, value: unknown): Promise<void> {
  try {
    await s.put(key, value);
  } catch {
    // A full or unavailable cache only costs a recomputation.
  }
}
