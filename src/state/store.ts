/** The app's state: what the user chose, and where each encoder and each variant row stands. */
import { create } from 'zustand';
import { defaultSettings, type EncoderStatus, type Settings, type VariantRow } from '../pipeline/types.ts';
import { variantName } from '../compute/whiten-spec.ts';

export * from '../pipeline/types.ts';

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
  setRow: (variant, patch) => set((s) => (s.rows[variant] ? { rows: { ...s.rows, [variant]: { ...s.rows[variant], ...patch } } } : s)),
  resetRows: (rows) => set({ rows: Object.fromEntries(rows.map((r) => [r.variant, r])), order: rows.map((r) => r.variant) }),
  addError: (message) => set((s) => (s.errors.includes(message) ? s : { errors: [...s.errors, message] })),
  dismissError: (index) => set((s) => ({ errors: s.errors.filter((_, i) => i !== index) })),
}));

/** Variant id shown in the table and used as `data-variant`: `pixels`, `pixels+w`, `pixels+w32`. */
export const variantId = variantName;

/** Variant ids shown in the gallery and the panels, in table order. */
export function visibleVariants(s: Pick<AppState, 'order' | 'hidden'>): string[] {
  return s.hidden.length === 0 ? s.order : s.order.filter((v) => !s.hidden.includes(v));
}
