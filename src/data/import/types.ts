/**
 * What an import takes in and gives back. Pure types: the browser (File objects, createImageBitmap)
 * and Node (fs, pngjs/jpeg-js) supply the files and the image decoder.
 */
import type { Embeddings } from '../../compute/types.ts';
import type { Corpus } from '../corpus.ts';
import type { ModelCard } from '../../encoders/card.ts';
import type { Rgba } from '../../encoders/square.ts';

/** One input file. `path` is relative to what the user picked ("covers/a.jpg", "emb.npy"). */
export interface ImportFile {
  path: string;
  size: number;
  /** The whole file; called at most once per import, and only after the size check. */
  read(): Promise<Uint8Array>;
  /** Bytes start…end of the file, when the source can read parts of it (Parquet is then read row group by row group). */
  slice?(start: number, end: number): Promise<Uint8Array>;
}

/** Decodes PNG/JPEG/…; throws InputError(file, problem) when the bytes are not a decodable image. */
export type ImageDecoder = (bytes: Uint8Array, file: string) => Promise<Rgba>;

export interface ImportOptions {
  decodeImage: ImageDecoder;
  /** Side of the square RGB thumbnails (and encoder input source) built from images/sprites. Default 64. */
  imageSize?: number;
  /** Largest total of bytes an import may read; bigger inputs are refused up front, naming the limit. */
  maxBytes?: number;
  /** Allocates the float32 storage of each variant (the browser passes SharedArrayBuffer-backed arrays). */
  allocate?: (length: number) => Float32Array;
  /** A projector config with several datasets: which one to import (by name; default: the first). */
  dataset?: string;
  /** Progress: files or rows done of total, with a short label. */
  onProgress?: (done: number, total: number, label: string) => void;
}

/** Precomputed embeddings of one variant, rows aligned with the corpus. */
export interface ImportedVariant {
  id: string;
  name: string;
  /** The file(s) it came from, as given. */
  file: string;
  embeddings: Embeddings;
}

/** An ONNX encoder the user brought, with its card (given, or built from the short form). */
export interface ImportedEncoder {
  card: ModelCard;
  file: string;
  model: Uint8Array;
}

export interface ImportReport {
  /** Every file and what it was read as. */
  files: { path: string; kind: string; rows?: number; dim?: number; blankLines?: number }[];
  /** Ids that did not join, per file: how many, and a few examples. */
  unmatched: { file: string; count: number; examples: string[] }[];
  /** Items kept after the join. */
  items: number;
  warnings: string[];
  /** A projector config with several datasets (entries grouped by their items): all of them, and the one imported. */
  datasets?: { name: string; tensors: string[]; rows?: number }[];
  dataset?: string;
}

export interface Workspace {
  /** Items: ids, metadata columns (facets, `identity`, `title`), and thumbnails when images or a sprite came
   *  with the data (`imageSize` 0 and empty `images` when none did). `hash` identifies the imported data. */
  corpus: Corpus;
  variants: ImportedVariant[];
  encoders: ImportedEncoder[];
  report: ImportReport;
}

/** Every problem an import found (it imports nothing when there is one). */
export class ImportFailed extends Error {
  constructor(readonly problems: Error[]) {
    super(problems.map((p) => p.message).join('\n'));
    this.name = 'ImportFailed';
  }
}
