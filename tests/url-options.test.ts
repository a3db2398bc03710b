import { describe, expect, it } from 'vitest';
import { readUrlOptions, writeUrlView } from '../src/state/url-options.ts';
import { defaultSettings } from '../src/state/store.ts';

describe('URL view', () => {
  it('round-trips every part of the view', () => {
    const view = {
      corpus: 'emoji-styles',
      backend: 'wasm' as const,
      subset: 600,
      settings: { ...defaultSettings, k: 5, metric: 'cosine' as const, seeds: 1000, whitenK: 16 },
      seed: 0,
      facet: 'category',
      color: null,
      hidden: ['pixels', 'pixels+w'],
    };
    const back = readUrlOptions(writeUrlView(view));
    expect(back).toEqual({
      corpus: 'emoji-styles',
      backend: 'wasm',
      subset: 600,
      settings: { k: 5, metric: 'cosine', seeds: 1000, whitenK: 16 },
      seed: 0,
      facet: 'category',
      color: null,
      hidden: ['pixels', 'pixels+w'],
    });
  });
  it('ignores malformed values', () => {
    const o = readUrlOptions('?k=-3&metric=manhattan&seeds=x&seed=1.5&backend=cuda');
    expect(o.settings).toEqual({});
    expect(o.seed).toBeNull();
    expect(o.backend).toBe('auto');
  });
});
