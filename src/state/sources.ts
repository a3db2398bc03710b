/** Loading the built-in demo corpus and the model cards over the app's own origin. */
import { parseCorpus, type Corpus } from '../data/corpus.ts';
import { parseCard } from '../encoders/card-validate.ts';
import type { ModelCard } from '../encoders/card.ts';
import { InputError } from '../data/errors.ts';
import { allocateBytes, fetchFile } from '../data/fetch-file.ts';
import { inflateInWorker } from '../workers/inflate/client.ts';

export const DEMO_BASE = '/data/emoji-styles/';
export const MODELS_BASE = '/models/';

async function getJson(url: string): Promise<unknown> {
  const text = await (await fetchFile(url)).text();
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(url, `is not valid JSON (${(e as Error).message})`);
  }
}

/**
 * The demo corpus. The images come gzipped when the build wrote them so (`imagesGzip`: 8 MB instead of
 * 87) and are inflated in a worker straight into one buffer of the size the manifest gives — a
 * SharedArrayBuffer when the page is cross-origin isolated, so workers read it in place.
 * `onManifest` is told the corpus's hash before the images are loaded.
 */
export async function loadDemoCorpus(onManifest?: (hash: string) => void): Promise<Corpus> {
  const manifest = await getJson(`${DEMO_BASE}manifest.json`);
  const m = manifest as { hash?: unknown; images?: unknown; imagesGzip?: unknown; n?: unknown; imageSize?: unknown; channels?: unknown };
  if (typeof m.hash === 'string') onManifest?.(m.hash);
  const size = Number(m.n) * Number(m.imageSize) ** 2 * Number(m.channels ?? 3);
  const gz = typeof m.imagesGzip === 'string' && typeof DecompressionStream !== 'undefined' && Number.isSafeInteger(size) && size > 0;
  const file = gz ? (m.imagesGzip as string) : typeof m.images === 'string' ? m.images : 'images.rgb';
  const url = `${DEMO_BASE}${file}`;
  const bytes = gz ? await inflateInWorker(url, size) : shareable(new Uint8Array(await (await fetchFile(url)).arrayBuffer()));
  return parseCorpus(manifest, bytes, `${DEMO_BASE}manifest.json`);
}

function shareable(bytes: Uint8Array): Uint8Array {
  if (!globalThis.crossOriginIsolated) return bytes;
  const shared = allocateBytes(bytes.byteLength);
  shared.set(bytes);
  return shared;
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
