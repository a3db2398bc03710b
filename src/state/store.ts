/** The app's state: what the user chose, and where each encoder and each variant row stands. */
import { create } from 'zustand';
import type { KnnResult, Metric } from '../compute/types.ts';
import type { VariantMetrics } from '../compute/evaluate.ts';
import type { BackendChoice } from '../encoders/backend.ts';
import { defaultSeeds } from '../compute/sampling.ts';

export interface Settings {
  k: number;
  metric: Metric;
  /**
   * 'auto' (the default): `defaultSeeds(corpus.n)`, i.e. every item up to 20k, else a seeded 2,000
   * sample; 'all' seeds; or a seeded random sample of this many. Resolve with `resolveSeeds`.
   */
  seeds: SeedsSetting;
  sampleSeed: number;
  /** Directions kept by the truncated whitening variant. */
  whitenK: number;
  backend: BackendChoice;
}

export type SeedsSetting = 'auto' | 'all' | number;

/** The seed count a setting means for a corpus of n items ('auto' → `defaultSeeds(n)`). */
export function resolveSeeds(seeds: SeedsSetting, n: number): 'all' | number {
  return seeds === 'auto' ? defaultSeeds(n) : seeds;
}

export type EncodeState = 'queued' | 'loading' | 'encoding' | 'cached' | 'done' | 'cancelled' | 'error';

export interface EncoderStatus {
  id: string;
  name: string;
  state: EncodeState;
  backend?: 'webgpu' | 'wasm';
  /** Why that backend ("WebGPU adapter is software (…): WASM is faster", "calibrated: …"). */
  backendReason?: string;
  done: number;
  total: number;
  itemsPerSecond?: number;
  error?: string;
  /** Something the run met on the way, e.g. "WebGPU device lost; finished on WASM". */
  notice?: string;
}

export type Whiten = 'none' | 'full' | number;

export interface VariantRow {
  variant: string;
  encoderId: string;
  whiten: Whiten;
  status: 'pending' | 'running' | 'done' | 'error';
  progress: number;
  metrics?: VariantMetrics;
  /** Neighbour lists of the scored seeds (k = max(K, 20)), nearest first. */
  knn?: KnnResult;
  seconds?: number;
  /** The row came from the IndexedDB cache (same embeddings and settings). */
  cached?: boolean;
  error?: string;
}

export interface AppState {
  settings: Settings;
  encoders: Record<string, EncoderStatus>;
  rows: Record<string, VariantRow>;
  /** Variant ids in display order. */
  order: string[];
  errors: string[];
  /** Variants the analyst hid from the gallery and the panels (the table keeps every row). */
  hidden: string[];
  toggleHidden(variant: string): void;
  setHidden(variants: string[]): void;
  setSettings(patch: Partial<Settings>): void;
  setEncoder(id: string, patch: Partial<EncoderStatus>): void;
  setRow(variant: string, patch: Partial<VariantRow>): void;
  resetRows(rows: VariantRow[]): void;
  addError(message: string): void;
  dismissError(index: number): void;
}

export const defaultSettings: Settings = {
  k: 10,
  metric: 'euclidean',
  seeds: 'auto',
  sampleSeed: 0,
  whitenK: 32,
  backend: 'auto',
};

export const useStore = create<AppState>()((set) => ({
  settings: defaultSettings,
  encoders: {},
  rows: {},
  order: [],
  errors: [],
  hidden: [],
  toggleHidden: (v) => set((s) => ({ hidden: s.hidden.includes(v) ? s.hidden.filter((h) => h !== v) : [...s.hidden, v] })),
  setHidden: (hidden) => set({ hidden }),
  setSettings: (patch) => set((s) => ({ settings: { ...s.settings, ...patch } })),
  setEncoder: (id, patch) =>
    set((s) => ({
      encoders: { ...s.encoders, [id]: { ...(s.encoders[id] ?? { id, name: id, state: 'queued', done: 0, total: 0 }), ...patch } },
    })),
  setRow: (variant, patch) =>
    set((s) => (s.rows[variant] ? { rows: { ...s.rows, [variant]: { ...s.rows[variant], ...patch } } } : s)),
  resetRows: (rows) =>
    set({ rows: Object.fromEntries(rows.map((r) => [r.variant, r])), order: rows.map((r) => r.variant) }),
  addError: (message) => set((s) => (s.errors.includes(message) ? s : { errors: [...s.errors, message] })),
  dismissError: (index) => set((s) => ({ errors: s.errors.filter((_, i) => i !== index) })),
}));

/** Variant id shown in the table and used as `data-variant`: `pixels`, `pixels+w`, `pixels+w32`. */
export function variantId(encoderId: string, whiten: Whiten): string {
  if (whiten === 'none') return encoderId;
  return whiten === 'full' ? `${encoderId}+w` : `${encoderId}+w${whiten}`;
}

/** Variant ids shown in the gallery and the panels, in table order. */
export function visibleVariants(s: Pick<AppState, 'order' | 'hidden'>): string[] {
  return s.hidden.length === 0 ? s.order : s.order.filter((v) => !s.hidden.includes(v));
}
