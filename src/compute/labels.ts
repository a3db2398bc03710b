/** Categorical label columns. */
import type { LabelColumn } from './types.ts';

/**
 * Encodes a column of strings as integer codes. The empty string means "no label" (code −1);
 * other values get codes in ascending code-unit order of the distinct strings (independent of
 * row order and locale), so `values[code]` is the label.
 */
export function encodeLabels(name: string, values: string[]): LabelColumn {
  const distinct = [...new Set(values.filter((v) => v !== ''))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const index = new Map<string, number>();
  distinct.forEach((v, i) => index.set(v, i));
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) codes[i] = values[i] === '' ? -1 : index.get(values[i])!;
  return { name, codes, values: distinct };
}

/** A column is a facet when some non-empty value occurs more than once. */
export function isFacet(values: string[]): boolean {
  const seen = new Set<string>();
  for (const v of values) {
    if (v === '') continue;
    if (seen.has(v)) return true;
    seen.add(v);
  }
  return false;
}
