/** Which variant of an embedding is meant, and its name: the one definition the CLI, the exports and the app share. */

/** A variant of one embedding: the raw vectors ('none'), BERT-whitened ('full'), or whitened keeping the top k directions. */
export type WhitenSpec = 'none' | 'full' | number;

/** The variant's name: `pixels` (raw), `pixels+w` (whitened), `pixels+w32` (whitened, top 32 directions). */
export function variantName(source: string, whiten: WhitenSpec): string {
  if (whiten === 'none') return source;
  return whiten === 'full' ? `${source}+w` : `${source}+w${whiten}`;
}
