/**
 * Query by example: decode dropped/pasted/picked images in the browser, embed each with every image
 * encoder (encoder worker), whiten like each variant, and search the corpus (compute pool).
 * A file that is not an image, or does not decode, gets a message naming it; the others go on.
 */
import type { Embeddings } from '../compute/types.ts';
import type { ModelCard } from '../encoders/card.ts';
import { toSquareRgb } from '../encoders/square.ts';
import { decodeImageBlob } from '../encoders/decode-browser.ts';
import type { AnalysisSession } from './session.ts';
import { useQueries } from './query.ts';
import { useStore } from './store.ts';

let nextId = 1;

/** Decodes an image file into a size×size RGB tile (white composite, centre crop, box resize). */
export async function decodeImageFile(file: File, size: number): Promise<Uint8Array> {
  if (file.type && !file.type.startsWith('image/')) throw new Error(`${file.name}: is not an image (${file.type})`);
  return toSquareRgb(await decodeImageBlob(file, file.name), size);
}

/** Runs each image file as a query; returns when all are done. */
export async function runImageQueries(session: AnalysisSession, files: File[]): Promise<void> {
  const { addError } = useStore.getState();
  for (const file of files) {
    let rgb: Uint8Array;
    try {
      rgb = await decodeImageFile(file, session.corpus.imageSize);
    } catch (e) {
      addError((e as Error).message);
      continue;
    }
    const id = nextId++;
    useQueries.getState().add({ id, name: file.name, kind: 'image', rgb, size: session.corpus.imageSize, results: {}, status: 'encoding' });
    await runQuery(session, id, 'image', (card) => session.embedImages(card, rgb, 1, session.corpus.imageSize));
  }
}

/** A typed text as a query: embedded by every text encoder (and, across a dual encoder, searched in its image space too). */
export async function runTextQuery(session: AnalysisSession, text: string): Promise<void> {
  const id = nextId++;
  useQueries.getState().add({ id, name: text, kind: 'text', results: {}, status: 'encoding' });
  await runQuery(session, id, 'text', (card) => session.embedTexts(card, [text]));
}

async function runQuery(session: AnalysisSession, id: number, modality: Modality, embed: (card: ModelCard) => Promise<Embeddings>) {
  try {
    await searchEveryVariant(session, id, modality, embed);
    useQueries.getState().update(id, { status: 'done' });
  } catch (e) {
    const q = useQueries.getState().items.find((x) => x.id === id);
    const message = `${q?.kind === 'text' ? `text query "${q.name}"` : q?.name}: ${(e as Error).message}`;
    useQueries.getState().update(id, { status: 'error', error: message });
    useStore.getState().addError(message);
  }
}

type Modality = ModelCard['modality'];

/**
 * How a query of one modality reaches a source: an encoder of that modality embeds it; a tower of a
 * dual encoder is reached through its partner (image and title share one space, so an image query
 * searches the title space and vice versa); a fused source fuses the query's two routes.
 * Sources with no route (e.g. raw pixels for a text query) are listed as unsupported.
 */
export async function searchEveryVariant(
  session: AnalysisSession,
  id: number,
  modality: Modality,
  embed: (card: ModelCard) => Promise<Embeddings>,
): Promise<void> {
  const embedded = new Map<string, Promise<Embeddings>>();
  const byCard = (card: ModelCard) => {
    let e = embedded.get(card.id);
    if (!e) embedded.set(card.id, (e = embed(card)));
    return e;
  };
  const route = (sourceId: string): Promise<Embeddings> | null => {
    const source = session.sources.find((s) => s.id === sourceId);
    if (!source) return null;
    if (source.fuse) {
      const [a, b] = source.fuse.map(route);
      if (!a || !b) return null;
      return Promise.all([a, b]).then(([x, y]) => session.compute((api) => api.fuse(x, y)));
    }
    const card = source.card!;
    if (card.modality === modality) return byCard(card);
    const partner = session.cards.find((c) => c.modality === modality && (c.pairs === card.id || card.pairs === c.id));
    return partner ? byCard(partner) : null;
  };
  const { rows, order, settings } = useStore.getState();
  const unsupported: string[] = [];
  const jobs: Promise<void>[] = [];
  for (const source of session.sources) {
    const variants = order.filter((v) => rows[v]?.encoderId === source.id);
    if (variants.length === 0 || !session.embeddings.has(source.id)) continue;
    const q = route(source.id);
    if (!q) {
      unsupported.push(...variants);
      continue;
    }
    for (const variant of variants) {
      jobs.push(
        q.then(async (vectors) => {
          useQueries.getState().update(id, { status: 'searching' });
          const r = await session.search(variant, vectors, Math.max(settings.k, 20));
          useQueries.getState().setResult(id, variant, { indices: r.indices, distances: r.distances });
        }),
      );
    }
  }
  useQueries.getState().update(id, { unsupported });
  await Promise.all(jobs);
}
