/**
 * What the session embeds: one source per model card, plus a fused source for each dual encoder
 * (an image card whose `pairs` names a text card): concat(L2(image), L2(text))/√2.
 */
import type { ModelCard } from '../encoders/card.ts';
import type { Embeddings } from '../compute/types.ts';

export interface EmbeddingSource {
  id: string;
  name: string;
  dim: number;
  /** The model that computes it (absent for a fused source). */
  card?: ModelCard;
  /** The two sources a fused source concatenates. */
  fuse?: [string, string];
  /** Embeddings the analyst imported (no model computes them). */
  precomputed?: Embeddings;
}

export function embeddingSources(
  cards: ModelCard[],
  imported: { id: string; name: string; embeddings: Embeddings }[] = [],
): EmbeddingSource[] {
  const out: EmbeddingSource[] = imported.map((v) => ({ id: v.id, name: v.name, dim: v.embeddings.dim, precomputed: v.embeddings }));
  out.push(...cards.map((card) => ({ id: card.id, name: card.name, dim: card.output.dim, card })));
  for (const a of cards) {
    const b = a.modality === 'image' && a.pairs ? cards.find((c) => c.id === a.pairs && c.modality === 'text') : undefined;
    if (!b) continue;
    const at = Math.max(
      out.findIndex((s) => s.id === a.id),
      out.findIndex((s) => s.id === b.id),
    );
    out.splice(at + 1, 0, {
      id: fusedId(a.id, b.id),
      name: `${a.name} + ${b.name} (fused)`,
      dim: a.output.dim + b.output.dim,
      fuse: [a.id, b.id],
    });
  }
  return out;
}

/** `image-title-image` + `image-title-text` → `image-title-fused`. */
export function fusedId(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const prefix = a.slice(0, i).replace(/[-_.]+$/, '');
  return prefix ? `${prefix}-fused` : `${a}+${b}`;
}
