/**
 * The export worker, seen from the page: each export runs in a fresh worker behind a WorkerHost,
 * stopped afterwards so the bundle's memory goes with it. Not retried (the analyst clicks again).
 */
import { WorkerHost } from '../host.ts';
import type { Remote } from '../rpc.ts';
import type { ExportApi } from './export.worker.ts';

const spawn = () => new Worker(new URL('./export.worker.ts', import.meta.url), { type: 'module', name: 'export' });

export async function inExportWorker<T>(what: string, job: (api: Remote<ExportApi>) => Promise<T>): Promise<T> {
  const host = new WorkerHost<ExportApi>({ name: 'export', spawn, retries: 0 });
  try {
    return await host.call(what, job);
  } finally {
    host.terminate();
  }
}
