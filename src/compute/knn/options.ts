/** Options and statistics of the KNN search (public types, re-exported by `index.ts`). */
import type { Metric, Progress } from '../types.ts';

export type KnnBackend = 'auto' | 'wasm' | 'js';

/** Filled in by `knn`/`knnQuery` when passed in the options (for tests and benchmarks). */
export interface KnnStats {
  /** 'scan': a full float64 scan per query (a few queries, no screen). */
  backend: 'wasm' | 'js' | 'scan' | 'none';
  symmetric: boolean;
  /** Seeds whose screening bound did not hold and that were recomputed by a full float64 scan. */
  fallbacks: number;
  /** Candidates re-ranked in float64 (excluding full scans). */
  reranked: number;
}

export interface KnnOptions {
  /** Neighbours per seed; clamped to the number of other rows (n − 1). */
  k: number;
  metric: Metric;
  /** Row indices of the seeds (default: every row, in order). */
  seeds?: Int32Array;
  onProgress?: Progress;
  /** Kernel choice (default 'auto': WebAssembly SIMD when available, else JS). */
  backend?: KnnBackend;
  /** Extra candidates per seed kept for the exact re-rank (default max(8, ⌈k/4⌉)). */
  margin?: number;
  /** Use the symmetric all-pairs path when seeds cover every row (default true). */
  symmetric?: boolean;
  stats?: KnnStats;
  /** Block sizes (tests use small ones to exercise the chunked paths). */
  tuning?: KnnTuning;
}

export interface KnnTuning {
  /** Seeds packed per pass over the corpus (default 4096). */
  chunkRows?: number;
  /**
   * Corpus bytes (float32) up to which the whole corpus is packed once: the all-pairs path
   * (default 256 MiB) and the seeds path (default 64 MiB, so the WebAssembly copy stays bounded).
   */
  residentBytes?: number;
  /** Items per block when it is not (default: 64 MiB worth). */
  blockItems?: number;
}

export interface KnnQueryOptions {
  k: number;
  metric: Metric;
  onProgress?: Progress;
  backend?: KnnBackend;
  margin?: number;
  stats?: KnnStats;
  tuning?: KnnTuning;
}

/** The caller's stats object reset for a new search (filled in as it runs), or a fresh one. */
export function startStats(stats: KnnStats | undefined): KnnStats {
  if (stats === undefined) return { backend: 'none', symmetric: false, fallbacks: 0, reranked: 0 };
  stats.backend = 'none';
  stats.symmetric = false;
  stats.fallbacks = 0;
  stats.reranked = 0;
  return stats;
}
