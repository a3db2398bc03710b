import { describe, expect, it } from 'vitest';
import { readUrlOptions, writeUrlView } from '../src/state/url-options.ts';
import { defaultSettings, resolveSeeds } from '../src/state/store.ts';
import { autoSeedsLabel } from '../src/views/Controls.tsx';

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

describe('seeds = auto', () => {
  it('is the default, left out of the URL, and read back from seeds=auto', () => {
    expect(defaultSettings.seeds).toBe('auto');
    const view = {
      corpus: 'emoji-styles',
      backend: 'auto' as const,
      subset: null,
      settings: defaultSettings,
      seed: null,
      facet: null,
      color: undefined,
      hidden: [],
    };
    const q = writeUrlView(view);
    expect(q).not.toContain('seeds');
    expect(readUrlOptions(q).settings.seeds).toBeUndefined();
    expect(readUrlOptions('?seeds=auto').settings.seeds).toBe('auto');
    expect(readUrlOptions('?seeds=all').settings.seeds).toBe('all');
    expect(readUrlOptions(writeUrlView({ ...view, settings: { ...defaultSettings, seeds: 'all' } })).settings.seeds).toBe('all');
  });
  it('resolves to every item up to 20k and to a 2,000 sample above', () => {
    expect(resolveSeeds('auto', 7_076)).toBe('all');
    expect(resolveSeeds('auto', 20_000)).toBe('all');
    expect(resolveSeeds('auto', 20_001)).toBe(2_000);
    expect(resolveSeeds('auto', 100_000)).toBe(2_000);
    expect(resolveSeeds(500, 100_000)).toBe(500);
    expect(resolveSeeds('all', 100_000)).toBe('all');
  });
  it('says what auto means in the seeds menu', () => {
    expect(autoSeedsLabel(100_000)).toBe('auto: 2,000 of 100,000');
    expect(autoSeedsLabel(7_076)).toBe('auto: all 7,076');
  });
});
