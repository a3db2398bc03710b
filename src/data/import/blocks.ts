/** The intermediate rows of an import, before the join (see ./import.ts). */
import type { Embeddings } from '../../compute/types.ts';

/** Rows that belong together: a manifest, a table with ids, a projector bundle's metadata, an image folder. */
export interface Block {
  file: string;
  kind: string;
  n: number;
  /** undefined: no ids (rows align with the base). */
  ids?: string[];
  where(i: number): string;
  names: string[];
  columns: Record<string, string[]>;
  /** Per row, the path of the image to decode ('' = none), and what referenced it. */
  images?: { paths: string[]; column: string };
  /** Per row, the encoded image itself (a Parquet {bytes, path} struct column). */
  imageBytes?: { column: string; bytes: (Uint8Array | undefined)[]; paths: string[] };
  /** Square RGB tiles per row already cut (projector sprite), at `imageSize`. */
  thumbs?: Uint8Array;
  variants: Part[];
  isManifest?: boolean;
  isImageFolder?: boolean;
  /** Blank lines skipped in its text (counted in the report). */
  blankLines?: number;
}

/** One variant's rows, aligned with its block (or, loose, with the base). */
export interface Part {
  stem: string;
  name: string;
  file: string;
  x: Embeddings;
}
