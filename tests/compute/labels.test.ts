import { describe, expect, it } from 'vitest';
import { encodeLabels, isFacet } from '../../src/compute/labels.ts';

describe('labels', () => {
  it('encodes values in sorted order, empty → −1', () => {
    const c = encodeLabels('style', ['noto', '', 'twemoji', 'noto', 'Fluent']);
    expect(c.name).toBe('style');
    expect(c.values).toEqual(['Fluent', 'noto', 'twemoji']);
    expect(Array.from(c.codes)).toEqual([1, -1, 2, 1, 0]);
  });

  it('a facet has a repeated non-empty value', () => {
    expect(isFacet(['a', 'b', 'a'])).toBe(true);
    expect(isFacet(['a', 'b', '', ''])).toBe(false);
    expect(isFacet([])).toBe(false);
  });
});
