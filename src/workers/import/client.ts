/**
 * The import worker, seen from the page: each import runs in a fresh worker behind a WorkerHost and
 * the worker is stopped afterwards, so the parsed files' memory goes with it. Imports are not
 * retried: a file that crashed the worker would crash it again. A crash or hang becomes a typed
 * error naming the import; the analyst's files are untouched.
 */
import { WorkerHost } from '../host.ts';
import type { Remote } from '../rpc.ts';
import type { ImportApi } from './import.worker.ts';

const spawn = () => new Worker(new URL('./import.worker.ts', import.meta.url), { type: 'module', name: 'import' });

/** An import worker that stops answering this long (no progress) is hung. */
const IDLE_MS = 5 * 60_000;

export function importHost(): WorkerHost<ImportApi> {
  return new WorkerHost<ImportApi>({ name: 'import', spawn, retries: 0, idleTimeoutMs: IDLE_MS });
}

/** Runs one job in a fresh import worker, stopped afterwards. */
export async function inImportWorker<T>(what: string, job: (api: Remote<ImportApi>, alive: () => void) => Promise<T>): Promise<T> {
  const host = importHost();
  try {
    return await host.call(what, job);
  } finally {
    host.terminate();
  }
}
