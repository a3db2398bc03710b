import { describe, expect, it } from 'vitest';
import { variantName } from '../../src/compute/whiten-spec.ts';

describe('variantName', () => {
  it('raw, whitened, whitened keeping the top k directions', () => {
    expect(variantName('pixels', 'none')).toBe('pixels');
    expect(variantName('pixels', 'full')).toBe('pixels+w');
    expect(variantName('pixels', 32)).toBe('pixels+w32');
    expect(variantName('a + b', 1)).toBe('a + b+w1');
  });
});
