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

/** The demo corpus; the image bytes land in a SharedArrayBuffer when the page is cross-origin isolated. */
export async function loadDemoCorpus(): Promise<Corpus> {
  const manifest = await getJson(`${DEMO_BASE}manifest.json`);
  const file = (manifest as { images?: unknown }).images;
  const imagesUrl = `${DEMO_BASE}${typeof file === 'string' ? file : 'images.rgb'}`;
  const bytes = new Uint8Array(await (await get(imagesUrl)).arrayBuffer());
  return parseCorpus(manifest, shareable(bytes), `${DEMO_BASE}manifest.json`);
}

function shareable(bytes: Uint8Array): Uint8Array {
  if (!globalThis.crossOriginIsolated) return bytes;
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.byteLength));
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
