/** Queries by example (dropped images, typed text): their pixels and their neighbours per variant. */
import { create } from 'zustand';

export interface QueryNeighbours {
  indices: Int32Array;
  distances: Float64Array;
}

export interface QueryItem {
  id: number;
  /** File name, or the typed text. */
  name: string;
  kind: 'image' | 'text';
  /** size×size RGB of an image query (as the encoders saw it). */
  rgb?: Uint8Array;
  size?: number;
  /** Neighbours per variant, filled as each variant finishes. */
  results: Record<string, QueryNeighbours>;
  /** Variants this kind of query cannot reach (e.g. raw pixels for typed text). */
  unsupported?: string[];
  status: 'encoding' | 'searching' | 'done' | 'error';
  error?: string;
}

export interface QueryState {
  items: QueryItem[];
  /** The query shown in the gallery (null: the gallery shows the corpus seed). */
  active: number | null;
  add(item: QueryItem): void;
  update(id: number, patch: Partial<QueryItem>): void;
  setResult(id: number, variant: string, r: QueryNeighbours): void;
  activate(id: number | null): void;
}

export const useQueries = create<QueryState>()((set) => ({
  items: [],
  active: null,
  add: (item) => set((s) => ({ items: [...s.items, item], active: item.id })),
  update: (id, patch) => set((s) => ({ items: s.items.map((q) => (q.id === id ? { ...q, ...patch } : q)) })),
  setResult: (id, variant, r) =>
    set((s) => ({ items: s.items.map((q) => (q.id === id ? { ...q, results: { ...q.results, [variant]: r } } : q)) })),
  activate: (active) => set({ active }),
}));
