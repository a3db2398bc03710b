/**
 * What the analysis pipeline works with and reports: the analyst's settings, each encoder's status and
 * each variant's row. Plain data, no framework: the zustand store (src/state/store.ts) only holds them.
 */
import type { KnnResult, Metric } from '../compute/types.ts';
import type { VariantMetrics } from '../compute/evaluate.ts';
import type { BackendChoice } from '../encoders/backend.ts';
import { defaultSeeds } from '../compute/sampling.ts';
import type { WhitenSpec } from '../compute/whiten-spec.ts';

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

/** A variant's whitening: raw, full, or the top k directions (compute/whiten-spec.ts). */
export type Whiten = WhitenSpec;

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

export const defaultSettings: Settings = {
  k: 10,
  metric: 'euclidean',
  seeds: 'auto',
  sampleSeed: 0,
  whitenK: 32,
  backend: 'auto',
};
