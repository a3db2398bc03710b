/// <reference lib="webworker" />
/**
 * Fetches a gzipped file and inflates it off the main thread. The demo corpus's images (87 MB once
 * inflated) arrive as about a thousand chunks; reading and copying them on the main thread took
 * ~1.2 s of a warm reload's main-thread time (docs/BENCHMARKS.md). The bytes land in shared memory
 * when the page is cross-origin isolated, so nothing is copied back.
 */
import { fetchInflated } from '../../data/fetch-file.ts';
import { expose, transfer } from '../rpc.ts';

const api = {
  async inflate(url: string, size: number): Promise<Uint8Array> {
    const bytes = await fetchInflated(url, size);
    return transfer(bytes, [bytes.buffer]); // a plain buffer moves; shared memory is shared
  },
};

export type InflateApi = typeof api;
expose(api);
