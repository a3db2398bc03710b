/** Colour by facet: label codes → palette texels for the GPU, and the legend entries. */
import { schemeTableau10, schemeSet3, color } from 'd3';
import { encodeLabels } from '../../compute/labels.ts';
import { PALETTE } from './gl-renderer.ts';

/** Distinct colours, cycled when a facet has more labels. */
const COLOURS = [...schemeTableau10, ...schemeSet3];
export const UNLABELLED = '#b8bec6';

export interface Colouring {
  facet: string | null;
  /** Per row palette texel (0 = no label). */
  texels: Uint8Array;
  /** RGBA bytes of the PALETTE texels. */
  palette: Uint8Array;
  /** Legend entries, most frequent first. */
  legend: Array<{ label: string; colour: string; count: number }>;
  /** CSS colour per row (for thumbnails' frames, the hovered point). */
  colourOf(row: number): string;
}

export function labelColour(code: number): string {
  return code < 0 ? UNLABELLED : COLOURS[code % COLOURS.length];
}

export function colouring(columns: Record<string, string[]>, facet: string | null, n: number): Colouring {
  const palette = new Uint8Array(PALETTE * 4);
  const texels = new Uint8Array(n);
  const setTexel = (t: number, css: string) => {
    const c = color(css)!.rgb();
    palette.set([c.r, c.g, c.b, 255], t * 4);
  };
  setTexel(0, UNLABELLED);
  for (let t = 1; t < PALETTE; t++) setTexel(t, labelColour(t - 1));
  const values = facet ? columns[facet] : undefined;
  if (!values) return { facet: null, texels, palette, legend: [], colourOf: () => UNLABELLED };
  const labels = encodeLabels(facet!, values);
  const counts = new Int32Array(labels.values.length);
  for (let i = 0; i < n; i++) {
    const c = labels.codes[i];
    texels[i] = c < 0 ? 0 : 1 + (c % (PALETTE - 1));
    if (c >= 0) counts[c]++;
  }
  const legend = labels.values
    .map((label, code) => ({ label, colour: labelColour(code), count: counts[code] }))
    .sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1));
  return { facet, texels, palette, legend, colourOf: (row) => labelColour(labels.codes[row] ?? -1) };
}
