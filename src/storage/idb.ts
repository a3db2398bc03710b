/**
 * The one IndexedDB wrapper: a key–value object store per (database, store). One connection per
 * store is opened on first use and kept (a warm load reads dozens of values: opening one per read
 * cost more than the reads); it is closed when another tab needs to upgrade the database, or the
 * browser closes it, and reopened by the next operation. Works on the main thread and in Web Workers.
 * Callers decide whether a failure matters (a cache treats it as a miss; the analyst's imported files
 * must not be lost silently).
 */
export interface KeyValueStore {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

export function idbStore(database: string, store: string): KeyValueStore {
  let connection: Promise<IDBDatabase> | null = null;
  const open = () =>
    (connection ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(database, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(store);
      req.onsuccess = () => {
        const db = req.result;
        const forget = () => {
          db.close();
          connection = null;
        };
        db.onversionchange = forget;
        db.onclose = forget;
        resolve(db);
      };
      req.onerror = () => {
        connection = null;
        reject(req.error);
      };
    }));
  const transaction = async (mode: IDBTransactionMode): Promise<IDBTransaction> => {
    try {
      return (await open()).transaction(store, mode);
    } catch (e) {
      if (!(e instanceof DOMException && e.name === 'InvalidStateError')) throw e;
      connection = null; // closed under us: reopen once
      return (await open()).transaction(store, mode);
    }
  };
  const run = async <T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest): Promise<T> => {
    const tx = await transaction(mode);
    return new Promise<T>((resolve, reject) => {
      const req = op(tx.objectStore(store));
      tx.oncomplete = () => resolve(req.result as T);
      tx.onerror = tx.onabort = () => reject(tx.error ?? req.error);
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
