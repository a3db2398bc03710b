import { describe, expect, it } from 'vitest';
import { embeddingSources, fusedId } from '../src/state/embedding-sources.ts';
import type { ModelCard } from '../src/encoders/card.ts';

const card = (id: string, modality: 'image' | 'text', dim: number, pairs?: string) =>
  ({ id, name: id, modality, output: { name: 'embedding', dim }, pairs }) as unknown as ModelCard;

describe('embedding sources', () => {
  it('adds a fused source after the pair of a dual encoder', () => {
    const s = embeddingSources([
      card('pixels', 'image', 192),
      card('it-image', 'image', 128, 'it-text'),
      card('it-text', 'text', 128, 'it-image'),
    ]);
    expect(s.map((x) => [x.id, x.dim])).toEqual([
      ['pixels', 192],
      ['it-image', 128],
      ['it-text', 128],
      ['it-fused', 256],
    ]);
    expect(s[3].fuse).toEqual(['it-image', 'it-text']);
  });
  it('names fused sources by the common prefix', () => {
    expect(fusedId('image-title-image', 'image-title-text')).toBe('image-title-fused');
    expect(fusedId('a', 'b')).toBe('a+b');
  });
});
