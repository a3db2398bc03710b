import type { Embeddings, Progress } from '../compute/types.ts';
import { InputError } from '../data/errors.ts';
import { textColumn, type ModelCard } from './card.ts';
import { preprocess } from './preprocess.ts';
import { tokenizeTitles } from './tokenize.ts';

/** A loaded ONNX encoder, image or text (onnxruntime-web in a worker, or onnxruntime-node). */
export interface Encoder {
  card: ModelCard;
  /** What actually runs it, e.g. "webgpu", "wasm", "onnxruntime-node (cpu)". */
  backend: string;
  /**
   * Embed `count` items; returns float32 `count × card.output.dim`, row-major.
   * - image card: `input` is float32 NCHW `count × 3 × S × S` with S = card.input.size (preprocess());
   * - text card: `input` is int64 `count × card.input.maxTokens` token ids (tokenizeTitles()).
   * The other array type is a RangeError.
   */
  run(input: Float32Array | BigInt64Array, count: number): Promise<Float32Array>;
  /** Release the session (and GPU buffers). The encoder must not be used afterwards. */
  dispose(): Promise<void>;
}

export interface EncodeOptions {
  /** Images per `run` call (default 64). */
  batchSize?: number;
  /** Called with (0, count) first and after every batch. */
  onProgress?: Progress;
  /** Checked before every batch; an aborted signal rejects with its reason (an "AbortError"). */
  signal?: AbortSignal;
}

/**
 * Preprocess and embed `count` RGB images (uint8 `count × srcSize × srcSize × 3`) in batches.
 * Every batch's output is checked: `card.output.dim` values per image and no NaN/Infinity, else an
 * InputError naming the model file (card.file).
 */
export async function encodeAll(
  enc: Encoder,
  rgb: Uint8Array,
  count: number,
  srcSize: number,
  opts: EncodeOptions = {},
): Promise<Embeddings> {
  const { card } = enc;
  if (card.modality !== 'image') {
    throw new InputError(card.file, `is a ${card.modality} encoder; encodeAll embeds images (use encodeTexts for text encoders)`);
  }
  const bytesPerImage = srcSize * srcSize * 3;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`encodeAll: bad count ${count}`);
  if (rgb.length < count * bytesPerImage) {
    throw new RangeError(`encodeAll: ${count} images of ${srcSize}×${srcSize}×3 need ${count * bytesPerImage} bytes, got ${rgb.length}`);
  }
  return encodeBatches(enc, count, opts, (start, n) =>
    preprocess(rgb.subarray(start * bytesPerImage, (start + n) * bytesPerImage), n, srcSize, card),
  );
}

/**
 * Tokenise and embed `texts` (e.g. the corpus's `title` column, see textColumn(card)) with a text
 * encoder, in batches: tokenizeTitles(batch, card) → enc.run(int64 ids, n). Same options, progress,
 * cancellation and output checks as encodeAll. A non-text encoder is an InputError naming card.file.
 */
export async function encodeTexts(enc: Encoder, texts: readonly string[], opts: EncodeOptions = {}): Promise<Embeddings> {
  const { card } = enc;
  if (card.modality !== 'text') {
    throw new InputError(card.file, `is an ${card.modality} encoder; encodeTexts needs a text encoder (use encodeAll for images)`);
  }
  return encodeBatches(enc, texts.length, opts, (start, n) => tokenizeTitles(texts.slice(start, start + n), card));
}

/**
 * The batch loop encodeAll and encodeTexts share: `input(start, n)` builds the encoder input of items
 * start … start + n − 1; progress, cancellation and output checks as documented on encodeAll.
 */
async function encodeBatches(
  enc: Encoder,
  count: number,
  opts: EncodeOptions,
  input: (start: number, n: number) => Float32Array | BigInt64Array,
): Promise<Embeddings> {
  const { card } = enc;
  const dim = card.output.dim;
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 64));
  const data = new Float32Array(count * dim);
  opts.onProgress?.(0, count);
  for (let start = 0; start < count; start += batchSize) {
    throwIfAborted(opts.signal);
    const n = Math.min(batchSize, count - start);
    const out = await enc.run(input(start, n), n);
    throwIfAborted(opts.signal);
    checkOutput(card, out, n, start);
    data.set(out.subarray(0, n * dim), start * dim);
    opts.onProgress?.(start + n, count);
  }
  return { n: count, dim, data };
}

/** The items of a corpus as encoders see them (Corpus from src/data/corpus.ts fits). */
export interface EncodeItems {
  /** `n × imageSize × imageSize × 3` RGB bytes. */
  images: Uint8Array;
  n: number;
  imageSize: number;
  /** Metadata columns; a text encoder reads `columns[textColumn(card)]` (n strings). */
  columns: Record<string, readonly string[]>;
}

/**
 * encodeAll or encodeTexts, whichever the card's modality needs: the one call a worker or the CLI
 * makes per model. A text encoder whose column is missing or of the wrong length is an InputError.
 */
export async function encodeItems(enc: Encoder, items: EncodeItems, opts: EncodeOptions = {}): Promise<Embeddings> {
  const { card } = enc;
  if (card.modality === 'image') return encodeAll(enc, items.images, items.n, items.imageSize, opts);
  const column = textColumn(card);
  const texts = items.columns[column];
  if (!texts) throw new InputError(card.file, `is a text encoder of the "${column}" column, which the items do not have`);
  if (texts.length !== items.n) {
    throw new InputError(card.file, `column "${column}" has ${texts.length} values for ${items.n} items`);
  }
  return encodeTexts(enc, texts, opts);
}

/** The batch output has `dim` finite values per image, else an InputError naming the model file. */
export function checkOutput(card: ModelCard, out: Float32Array, count: number, firstIndex = 0): void {
  const dim = card.output.dim;
  if (out.length !== count * dim) {
    const per = count > 0 ? out.length / count : out.length;
    throw new InputError(
      card.file,
      `output "${card.output.name}" has ${Number.isInteger(per) ? per : out.length} values per image, the card says ${dim}`,
    );
  }
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i])) {
      const item = firstIndex + Math.floor(i / dim);
      throw new InputError(
        card.file,
        `output "${card.output.name}" contains ${Number.isNaN(out[i]) ? 'NaN' : 'Infinity'} (image ${item}, value ${i % dim})`,
      );
    }
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  if (reason instanceof Error) throw reason;
  throw new DOMException(typeof reason === 'string' ? reason : 'Encoding was cancelled', 'AbortError');
}
