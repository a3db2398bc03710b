/** The mounted UMAP plots by variant id, for export (PNG), and on the debug handle for browser tests. */
import { debugHandle } from '../../debug.ts';
import { sharedRenderer } from './gl-renderer.ts';
import type { Scatter } from './scatter.ts';

export const umapPlots = new Map<string, Scatter>();
debugHandle.plots = umapPlots;
Object.defineProperty(debugHandle, 'renderer', { get: sharedRenderer, enumerable: true });

/** PNG data URLs of every ready panel, by variant id. */
export function umapPanelImages(): Record<string, string> {
  return Object.fromEntries([...umapPlots].map(([variant, plot]) => [variant, plot.toDataURL()]));
}
