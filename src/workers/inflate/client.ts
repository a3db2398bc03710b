/**
 * The inflate worker, seen from the page: one fresh worker per file behind a WorkerHost, stopped
 * afterwards. Not retried: a download that crashed the worker names the file in its error.
 */
import { WorkerHost } from '../host.ts';
import type { InflateApi } from './inflate.worker.ts';

const spawn = () => new Worker(new URL('./inflate.worker.ts', import.meta.url), { type: 'module', name: 'inflate' });

/** A gzipped file's `size` bytes, fetched and inflated in a worker (see fetchInflated). */
export async function inflateInWorker(url: string, size: number): Promise<Uint8Array> {
  const host = new WorkerHost<InflateApi>({ name: 'inflate', spawn, retries: 0 });
  try {
    return await host.call(`loading ${url}`, (api) => api.inflate(url, size));
  } finally {
    host.terminate();
  }
}
