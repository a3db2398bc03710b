/**
 * What the analyst is looking at, shared by every view: the seed in the gallery, the hovered item,
 * the lasso selection, the facet used for colouring and marks. Linked views read and write this.
 */
import { create } from 'zustand';
import { debugHandle } from '../debug.ts';

export interface SelectionState {
  /** Corpus row whose neighbours the gallery shows (null: none picked yet). */
  seed: number | null;
  /** Corpus row under the pointer in any panel. */
  hovered: number | null;
  /** Rows picked with the lasso in any panel (null: no lasso). */
  lasso: Int32Array | null;
  /** Facet used for colours, marks and the bad-case queue. */
  facet: string | null;
  /** A query placed on every UMAP panel: its vector in each variant's space (by variant id). */
  probe: Probe | null;
  /** Facet colouring the UMAP panels: undefined = the first facet, null = no colour. */
  colorBy: string | null | undefined;
  /**
   * Items brushed on the compare panel's overlap histogram (also written to `lasso`, so every panel
   * highlights them); it filters the bad-case queue. A new lasso replaces it.
   */
  brush: Brush | null;
  /** Variant whose 2-D layout the other panels are aligned to (orthogonal Procrustes); null: unaligned. */
  alignTo: string | null;
  setSeed(seed: number | null): void;
  setHovered(row: number | null): void;
  setLasso(rows: Int32Array | null): void;
  setFacet(facet: string): void;
  setProbe(probe: Probe | null): void;
  setColorBy(facet: string | null): void;
  setBrush(brush: Brush | null): void;
  setAlignTo(variant: string | null): void;
}

/** Rows picked by a range of a per-item measure (e.g. overlap@K between two variants). */
export interface Brush {
  rows: Int32Array;
  /** What was brushed, for the queue's note, e.g. "overlap@10 of a vs b in [0.0, 0.3]". */
  label: string;
}

/** A query item (e.g. a dropped image): a label and one vector per variant. */
export interface Probe {
  label: string;
  vectors: Record<string, Float32Array>;
}

export const useSelection = create<SelectionState>()((set) => ({
  seed: null,
  hovered: null,
  lasso: null,
  facet: null,
  probe: null,
  colorBy: undefined,
  brush: null,
  alignTo: null,
  setSeed: (seed) => set({ seed }),
  setHovered: (hovered) => set((s) => (s.hovered === hovered ? s : { hovered })),
  setLasso: (lasso) => set((s) => ({ lasso, brush: s.brush && s.brush.rows === lasso ? s.brush : null })),
  setFacet: (facet) => set({ facet }),
  setProbe: (probe) => set({ probe }),
  setColorBy: (colorBy) => set({ colorBy }),
  setBrush: (brush) => set((s) => ({ brush, lasso: brush ? brush.rows : s.brush && s.lasso === s.brush.rows ? null : s.lasso })),
  setAlignTo: (alignTo) => set({ alignTo }),
}));

debugHandle.selection = useSelection;
