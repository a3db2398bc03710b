/**
 * A structured synthetic corpus for the browser-at-scale benchmark: N items × D dims × 4 variants
 * (.npy float32, one per file) and a manifest CSV (id, title, genre, decade, identity).
 *
 * Item i has a genre (16), a decade (8) and an identity (groups of 4 items). Every variant is
 *   x_i = 1.0·G[genre] + 0.7·E[decade] + 0.8·I[identity] + σ_v·noise + 4·u_i·P
 * with unit-norm random centres G, E, I, isotropic noise of norm ≈ σ_v, and a strong shared
 * "popularity" direction P scaled by a per-item u_i ~ N(0, 1) (it dominates raw Euclidean distances;
 * whitening takes it out). σ_v grows from variant to variant, so their metrics differ.
 * Deterministic (mulberry32); files are rewritten only when the parameters change.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../src/compute/sampling.ts';
import { writeNpy } from '../src/data/npy.ts';

export const SCALE_VARIANTS = [
  { stem: 'tight', sigma: 0.6 },
  { stem: 'medium', sigma: 1.0 },
  { stem: 'loose', sigma: 1.5 },
  { stem: 'blurred', sigma: 2.2 },
];

export interface ScaleData {
  dir: string;
  files: string[];
  n: number;
  dim: number;
  variants: string[];
}

function normals(seed: number): () => number {
  const rnd = mulberry32(seed);
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    const u = Math.max(rnd(), 1e-12);
    const v = rnd();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** `count` random unit-norm vectors of `dim` (row-major). */
function unitRows(count: number, dim: number, seed: number): Float32Array {
  const g = normals(seed);
  const out = new Float32Array(count * dim);
  for (let i = 0; i < count; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) {
      const v = g();
      out[i * dim + d] = v;
      s += v * v;
    }
    const inv = 1 / Math.sqrt(s);
    for (let d = 0; d < dim; d++) out[i * dim + d] *= inv;
  }
  return out;
}

export function generateScaleData(dir: string, n = 100_000, dim = 512): ScaleData {
  const files = [join(dir, 'manifest.csv'), ...SCALE_VARIANTS.map((v) => join(dir, `${v.stem}.npy`))];
  const stamp = JSON.stringify({ version: 1, n, dim, variants: SCALE_VARIANTS });
  const stampFile = join(dir, 'params.json');
  const result = { dir, files, n, dim, variants: SCALE_VARIANTS.map((v) => v.stem) };
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp && files.every((f) => existsSync(f))) return result;
  mkdirSync(dir, { recursive: true });
  const GENRES = 16,
    DECADES = 8,
    PER_IDENTITY = 4;
  const identities = Math.ceil(n / PER_IDENTITY);
  const rnd = mulberry32(2026);
  const genre = new Int32Array(n),
    decade = new Int32Array(n),
    identity = new Int32Array(n);
  // Identity groups are contiguous in id order but shuffled in row order.
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const idGenre = new Int32Array(identities),
    idDecade = new Int32Array(identities);
  for (let k = 0; k < identities; k++) {
    idGenre[k] = Math.floor(rnd() * GENRES);
    idDecade[k] = Math.floor(rnd() * DECADES);
  }
  for (let i = 0; i < n; i++) {
    const k = Math.floor(order[i] / PER_IDENTITY);
    identity[i] = k;
    // Most items share their identity's labels; 15% get another genre (labels are not perfect).
    genre[i] = rnd() < 0.85 ? idGenre[k] : Math.floor(rnd() * GENRES);
    decade[i] = idDecade[k];
  }
  const lines = ['id,title,genre,decade,identity'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `item-${String(i).padStart(6, '0')},Item ${i} (genre ${genre[i]}),genre-${genre[i]},${1950 + 10 * decade[i]}s,person-${identity[i]}`,
    );
  }
  writeFileSync(files[0], lines.join('\n') + '\n');

  const G = unitRows(GENRES, dim, 11),
    E = unitRows(DECADES, dim, 12),
    I = unitRows(identities, dim, 13),
    P = unitRows(1, dim, 14);
  const pop = normals(15);
  const u = new Float32Array(n);
  for (let i = 0; i < n; i++) u[i] = pop();
  SCALE_VARIANTS.forEach((variant, v) => {
    const g = normals(100 + v);
    const scale = variant.sigma / Math.sqrt(dim);
    const data = new Float32Array(n * dim);
    for (let i = 0; i < n; i++) {
      const o = i * dim,
        gi = genre[i] * dim,
        ei = decade[i] * dim,
        ii = identity[i] * dim;
      const ui = 4 * u[i];
      for (let d = 0; d < dim; d++) {
        data[o + d] = G[gi + d] + 0.7 * E[ei + d] + 0.8 * I[ii + d] + scale * g() + ui * P[d];
      }
    }
    writeFileSync(files[1 + v], writeNpy({ n, dim, data }));
  });
  writeFileSync(stampFile, stamp);
  return result;
}
