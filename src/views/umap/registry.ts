/** The mounted UMAP plots by variant id, for export (PNG), and on the debug handle for browser tests. */
import { create } from 'zustand';
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

/** Each panel's own finished layout (n × 2, before any alignment), for aligning the others to it. */
export const useLayouts = create<{ coords: Record<string, Float32Array>; set(variant: string, coords: Float32Array | null): void }>()(
  (set) => ({
    coords: {},
    set: (variant, coords) =>
      set((s) => {
        const next = { ...s.coords };
        if (coords) next[variant] = coords;
        else delete next[variant];
        return { coords: next };
      }),
  }),
);
