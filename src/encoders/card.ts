/** Input of an image encoder: one float32 NCHW tensor of normalised RGB pixels. */
export interface ImageInput {
  name: string;
  /** Square input side in pixels (images are resized from the corpus size when they differ). */
  size: number;
  channels: 3;
  layout: 'NCHW';
  /** Per-channel mean and std applied to pixel values scaled to [0, 1]. */
  mean: [number, number, number];
  std: [number, number, number];
}

/**
 * Input of a text encoder: one int64 tensor `N × maxTokens` of token ids from src/encoders/tokenize.ts
 * (0 = padding, ids 1..buckets).
 */
export interface TextInput {
  name: string;
  /** The tokeniser: hashed words and character n-grams (tokenize.ts == training/tokenize_titles.py). */
  kind: 'hashed-ngrams';
  /** Tokeniser version; only "hashed-ngrams-v1" exists. */
  version: 'hashed-ngrams-v1';
  /** Hash buckets B: ids are 1..B. */
  buckets: number;
  /** Ids per text L (truncated, then 0-padded). */
  maxTokens: number;
  /** Character n-gram length n. */
  ngram: number;
  /** The corpus metadata column the model embeds (default "title"). */
  column?: string;
}

interface CardBase {
  id: string;
  name: string;
  /** ONNX file name, relative to the card. */
  file: string;
  /** sha256 (hex) of the ONNX file; part of the embedding cache key. */
  sha256: string;
  output: { name: string; dim: number };
  architecture: string;
  objective: string;
  provenance: string;
  licence: string;
  /** Free-form training facts (epochs, wall time, hardware, loss, seed, commit) for trained models. */
  training?: Record<string, unknown>;
  /** Id of the other tower of a dual encoder (image ↔ text), whose embedding can be fused with this one. */
  pairs?: string;
}

export interface ImageModelCard extends CardBase {
  modality: 'image';
  input: ImageInput;
}

export interface TextModelCard extends CardBase {
  modality: 'text';
  input: TextInput;
}

/** What the app and the CLI need to know about an ONNX encoder; stored next to it as `<id>.card.json`. */
export type ModelCard = ImageModelCard | TextModelCard;

/** The metadata column a text model embeds. */
export function textColumn(card: TextModelCard): string {
  return card.input.column ?? 'title';
}
