/** Loading the built-in demo corpus and the model cards over the app's own origin. */
import { parseCorpus, type Corpus } from '../data/corpus.ts';
import { parseCard } from '../encoders/card-validate.ts';
import type { ModelCard } from '../encoders/card.ts';
import { InputError } from '../data/errors.ts';

export const DEMO_BASE = '/data/emoji-styles/';
export const MODELS_BASE = '/models/';

async function get(url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new InputError(url, `could not be fetched (${(e as Error).message})`);
  }
  if (!response.ok) throw new InputError(url, `could not be loaded (HTTP ${response.status})`);
  return response;
}

async function getJson(url: string): Promise<unknown> {
  const text = await (await get(url)).text();
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(url, `is not valid JSON (${(e as Error).message})`);
  }
}

/**
 * The demo corpus. The images come gzipped when the build wrote them so (`imagesGzip`: 8 MB instead of
 * 87) and are inflated by the browser's DecompressionStream straight into one buffer of the size the
 * manifest gives — a SharedArrayBuffer when the page is cross-origin isolated, so workers read it in place.
 */
export async function loadDemoCorpus(): Promise<Corpus> {
  const manifest = await getJson(`${DEMO_BASE}manifest.json`);
  const m = manifest as { images?: unknown; imagesGzip?: unknown; n?: unknown; imageSize?: unknown; channels?: unknown };
  const size = Number(m.n) * Number(m.imageSize) ** 2 * Number(m.channels ?? 3);
  const gz = typeof m.imagesGzip === 'string' && typeof DecompressionStream !== 'undefined' && Number.isSafeInteger(size) && size > 0;
  const file = gz ? (m.imagesGzip as string) : typeof m.images === 'string' ? m.images : 'images.rgb';
  const response = await get(`${DEMO_BASE}${file}`);
  const bytes = gz ? await inflateInto(response, size, `${DEMO_BASE}${file}`) : shareable(new Uint8Array(await response.arrayBuffer()));
  return parseCorpus(manifest, bytes, `${DEMO_BASE}manifest.json`);
}

function allocate(size: number): Uint8Array {
  return globalThis.crossOriginIsolated ? new Uint8Array(new SharedArrayBuffer(size)) : new Uint8Array(size);
}

function shareable(bytes: Uint8Array): Uint8Array {
  if (!globalThis.crossOriginIsolated) return bytes;
  const shared = allocate(bytes.byteLength);
  shared.set(bytes);
  return shared;
}

/**
 * Reads a gzip file's bytes into one buffer of exactly `size` bytes (a different size is an error).
 * Many servers (Vite's among them) send a `.gz` file with `Content-Encoding: gzip`, so the browser has
 * already inflated it; others send it as it is. The gzip magic bytes of the first chunk tell which.
 */
async function inflateInto(response: Response, size: number, url: string): Promise<Uint8Array> {
  const out = allocate(size);
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
    const { done, value } = await reader.read();
    if (done) break;
    if (at + value.length > size) throw new InputError(url, `holds more than the ${size} bytes the manifest describes`);
    out.set(value, at);
    at += value.length;
  }
  if (at !== size) throw new InputError(url, `holds ${at} bytes, the manifest describes ${size}`);
  return out;
}

export interface LoadedModels {
  cards: ModelCard[];
  /** Models that could not be loaded: the rest of the app keeps working without them. */
  errors: string[];
}

export async function loadModelCards(): Promise<LoadedModels> {
  const index = (await getJson(`${MODELS_BASE}index.json`)) as { models?: unknown };
  if (!Array.isArray(index.models)) throw new InputError(`${MODELS_BASE}index.json`, 'has no "models" list');
  const cards: ModelCard[] = [];
  const errors: string[] = [];
  for (const name of index.models) {
    const url = `${MODELS_BASE}${String(name)}`;
    try {
      cards.push(parseCard(await getJson(url), url));
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { cards, errors };
}

export function modelUrl(card: ModelCard): string {
  return `${MODELS_BASE}${card.file}`;
}
