/**
 * Query by example: decode dropped/pasted/picked images in the browser, embed each with every image
 * encoder (encoder worker), whiten like each variant, and search the corpus (compute pool).
 * A file that is not an image, or does not decode, gets a message naming it; the others go on.
 */
import type { Embeddings } from '../compute/types.ts';
import { toSquareRgb } from '../encoders/square.ts';
import type { AnalysisSession } from './session.ts';
import { useQueries } from './query.ts';
import { useStore } from './store.ts';

/** Largest image decoded, in megapixels (as in the CLI). */
const MAX_MEGAPIXELS = 50;
let nextId = 1;

export async function decodeImageFile(file: File, size: number): Promise<Uint8Array> {
  if (file.type && !file.type.startsWith('image/')) throw new Error(`${file.name}: is not an image (${file.type})`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  } catch {
    throw new Error(`${file.name}: cannot be decoded as an image (corrupt, truncated, or an unsupported format)`);
  }
  const { width, height } = bitmap;
  if (width * height > MAX_MEGAPIXELS * 1e6) throw new Error(`${file.name}: ${width}×${height} is over the ${MAX_MEGAPIXELS}-megapixel limit`);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const d = ctx.getImageData(0, 0, width, height).data;
  return toSquareRgb({ width, height, data: new Uint8Array(d.buffer, d.byteOffset, d.length) }, size);
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
    try {
      await searchEveryVariant(session, id, (encoderId) => {
        const card = session.cards.find((c) => c.id === encoderId)!;
        return session.embedImages(card, rgb, 1, session.corpus.imageSize);
      }, session.cards.filter((c) => c.modality === 'image').map((c) => c.id));
      useQueries.getState().update(id, { status: 'done' });
    } catch (e) {
      const message = `${file.name}: ${(e as Error).message}`;
      useQueries.getState().update(id, { status: 'error', error: message });
      addError(message);
    }
  }
}

/** A typed text as a query: embedded by every text encoder, searched in each of its variants. */
export async function runTextQuery(session: AnalysisSession, text: string): Promise<void> {
  const id = nextId++;
  const cards = session.cards.filter((c) => c.modality === 'text');
  useQueries.getState().add({ id, name: text, kind: 'text', results: {}, status: 'encoding' });
  try {
    await searchEveryVariant(session, id, (encoderId) => session.embedTexts(cards.find((c) => c.id === encoderId)!, [text]), cards.map((c) => c.id));
    useQueries.getState().update(id, { status: 'done' });
  } catch (e) {
    const message = `text query "${text}": ${(e as Error).message}`;
    useQueries.getState().update(id, { status: 'error', error: message });
    useStore.getState().addError(message);
  }
}

/** Embeds the query with each encoder, then searches each of its variants; results land as they finish. */
export async function searchEveryVariant(
  session: AnalysisSession,
  id: number,
  embed: (encoderId: string) => Promise<Embeddings>,
  encoderIds: string[],
): Promise<void> {
  const { rows, order, settings } = useStore.getState();
  for (const encoderId of encoderIds) {
    const variants = order.filter((v) => rows[v]?.encoderId === encoderId);
    if (variants.length === 0 || !session.embeddings.has(encoderId)) continue;
    const q = await embed(encoderId);
    useQueries.getState().update(id, { status: 'searching' });
    await Promise.all(
      variants.map(async (variant) => {
        const r = await session.search(variant, q, Math.max(settings.k, 20));
        useQueries.getState().setResult(id, variant, { indices: r.indices, distances: r.distances });
      }),
    );
  }
}
