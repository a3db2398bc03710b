/** Seeded randomness: the mulberry32 PRNG and reproducible seed sampling. */

/**
 * mulberry32 (Tommy Ettinger, public domain): a 32-bit state PRNG returning floats in [0, 1) with
 * 2^-32 resolution. Same sequence on every engine; `training/reference/make_fixtures.py` ports it.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` distinct row indices out of 0…n−1 (all rows when count is 'all' or ≥ n), sorted
 * ascending. A partial Fisher–Yates shuffle driven by mulberry32(seed): the same (n, count, seed)
 * always gives the same sample.
 */
export function sampleSeeds(n: number, count: number | 'all', seed: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) throw new Error(`sampleSeeds: n must be a non-negative integer, got ${n}`);
  if (count !== 'all' && (!Number.isInteger(count) || count < 0)) {
    throw new Error(`sampleSeeds: count must be 'all' or a non-negative integer, got ${count}`);
  }
  if (count === 'all' || count >= n) {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  const rand = mulberry32(seed);
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rand() * (n - i));
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, count).sort();
}

/** Corpora up to this many items score every item as a seed by default. */
export const ALL_SEEDS_UP_TO = 20_000;
/** Larger corpora score a seeded sample of this many seeds by default (app and CLI alike). */
export const DEFAULT_SEED_SAMPLE = 2_000;

/** The default seed setting for a corpus of n items: every item, or a seeded 2,000-item sample. */
export function defaultSeeds(n: number): 'all' | number {
  return n <= ALL_SEEDS_UP_TO ? 'all' : DEFAULT_SEED_SAMPLE;
}
