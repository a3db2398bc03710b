import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fetchInflated } from '../../src/data/fetch-file.ts';
import { InputError } from '../../src/data/errors.ts';

const URL = '/data/demo/images.rgb.gz';
const bytes = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31) % 251);

/** Serves `body` in chunks of `chunk` bytes, as a server streams it. */
function serve(body: Uint8Array, status = 200, chunk = 16_384) {
  vi.stubGlobal('fetch', async () => {
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (at >= body.length) return c.close();
        c.enqueue(body.slice(at, at + chunk));
        at += chunk;
      },
    });
    return new Response(status === 200 ? stream : null, { status });
  });
}

describe('fetchInflated', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('inflates a gzip file streamed in chunks into exactly its bytes', async () => {
    serve(new Uint8Array(gzipSync(bytes)));
    expect(await fetchInflated(URL, bytes.length)).toEqual(bytes);
  });

  it('takes the bytes as they are when the server has inflated them (Content-Encoding: gzip)', async () => {
    serve(bytes);
    expect(await fetchInflated(URL, bytes.length)).toEqual(bytes);
  });

  it('names the file when it holds more or fewer bytes than the manifest describes', async () => {
    serve(new Uint8Array(gzipSync(bytes)));
    await expect(fetchInflated(URL, bytes.length + 1)).rejects.toThrow(
      `${URL}: holds ${bytes.length} bytes, the manifest describes ${bytes.length + 1}`,
    );
    serve(new Uint8Array(gzipSync(bytes)));
    await expect(fetchInflated(URL, 1000)).rejects.toThrow(`${URL}: holds more than the 1000 bytes the manifest describes`);
  });

  it('names the file when it is a corrupt or truncated gzip file', async () => {
    const gz = new Uint8Array(gzipSync(bytes));
    serve(gz.subarray(0, gz.length >> 1));
    const truncated = fetchInflated(URL, bytes.length);
    await expect(truncated).rejects.toBeInstanceOf(InputError);
    await expect(truncated).rejects.toThrow(URL);
    const corrupt = gz.slice();
    corrupt.fill(0xff, 20, 200);
    serve(corrupt);
    await expect(fetchInflated(URL, bytes.length)).rejects.toThrow(`${URL}: could not be read or inflated`);
  });

  it('names the file and the HTTP status when it cannot be loaded', async () => {
    serve(new Uint8Array(0), 404);
    await expect(fetchInflated(URL, 10)).rejects.toThrow(`${URL}: could not be loaded (HTTP 404)`);
  });
});
