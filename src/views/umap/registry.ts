/** The mounted UMAP plots by variant id, for export (PNG) and browser tests. */
import type { Scatter } from './scatter.ts';

export const umapPlots = new Map<string, Scatter>();
(globalThis as { __umapPlots?: Map<string, Scatter> }).__umapPlots = umapPlots;

/** PNG data URLs of every ready panel, by variant id. */
export function umapPanelImages(): Record<string, string> {
  return Object.fromEntries([...umapPlots].map(([variant, plot]) => [variant, plot.toDataURL()]));
}
