/**
 * Files fetched from the app's own origin, failures naming the file: a response, or a gzipped file
 * inflated into one buffer of a known size. Web APIs only (fetch, DecompressionStream): runs on the
 * page and in workers.
 */
import { InputError } from './errors.ts';

export async function fetchFile(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new InputError(url, `could not be fetched (${(e as Error).message})`);
  }
  if (!response.ok) throw new InputError(url, `could not be loaded (HTTP ${response.status})`);
  return response;
}

/** `size` zeroed bytes, in shared memory when this context is cross-origin isolated (workers read it in place). */
export function allocateBytes(size: number): Uint8Array {
  return globalThis.crossOriginIsolated ? new Uint8Array(new SharedArrayBuffer(size)) : new Uint8Array(size);
}

/**
 * A gzip file's bytes, fetched and inflated into one buffer of exactly `size` bytes (a different size,
 * or a corrupt file, is an InputError naming it). Many servers (Vite's among them) send a `.gz` file with `Content-Encoding: gzip`, so the browser has
 * already inflated it; others send it as it is. The gzip magic bytes of the first chunk tell which.
 */
export async function fetchInflated(url: string, size: number): Promise<Uint8Array> {
  const response = await fetchFile(url);
  const out = allocateBytes(size);
  const body = response.body!.getReader();
  const first = await body.read();
  const head = first.value ?? new Uint8Array(0);
  const raw = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.length > 0) controller.enqueue(head);
    },
    async pull(controller) {
      const { done, value } = await body.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
  });
  const gzipped = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const inflate = new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
  const reader = (gzipped ? raw.pipeThrough(inflate) : raw).getReader();
  let at = 0;
  for (;;) {
    const { done, value } = await reader.read().catch((e: unknown) => {
      throw new InputError(url, `could not be read or inflated (${(e as Error).message})`);
    });
    if (done) break;
    if (at + value.length > size) throw new InputError(url, `holds more than the ${size} bytes the manifest describes`);
    out.set(value, at);
    at += value.length;
  }
  if (at !== size) throw new InputError(url, `holds ${at} bytes, the manifest describes ${size}`);
  return out;
}
