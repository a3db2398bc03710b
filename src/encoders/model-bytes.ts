import { InputError } from '../data/errors.ts';

/**
 * An ONNX model's bytes from where it is served; a failed request is an InputError naming the file.
 * Workers that run the same model at once get the bytes from one fetch of the page's: two workers
 * fetching the same large file concurrently from Vite's servers fail in Chromium ("Failed to fetch").
 */
export async function fetchModelBytes(file: string, url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new InputError(file, `model file could not be loaded (${(e as Error).message})`);
  }
  if (!response.ok) throw new InputError(file, `model file could not be loaded (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}
