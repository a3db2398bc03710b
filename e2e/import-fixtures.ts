/**
 * A small "bring your own data" folder for the import tests, written by Node: a manifest CSV with
 * images (PNG), two .npy variants aligned with the manifest, and a CSV variant that lacks some ids.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { writeNpy } from '../src/data/npy.ts';
import { mulberry32 } from '../src/compute/sampling.ts';

export const STYLES = ['red', 'green', 'blue'];
export const N = 300;
export const DIM = 16;
/** Ids the CSV variant leaves out (so they do not join). */
export const MISSING = 10;

export interface Fixture {
  dir: string;
  ids: string[];
  style: string[];
  good: Float32Array;
  noise: Float32Array;
}

function png(rgb: [number, number, number]): Buffer {
  const img = new PNG({ width: 16, height: 16 });
  for (let p = 0; p < 256; p++) img.data.set([...rgb, 255], p * 4);
  return PNG.sync.write(img);
}

export function writeFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'recall-lens-import-'));
  const root = join(dir, 'shop');
  mkdirSync(join(root, 'images'), { recursive: true });
  const rand = mulberry32(7);
  const ids: string[] = [];
  const style: string[] = [];
  const good = new Float32Array(N * DIM);
  const noise = new Float32Array(N * DIM);
  const lines = ['id,image,title,style,identity'];
  const centres = STYLES.map(() => Array.from({ length: DIM }, () => rand() * 4));
  for (let i = 0; i < N; i++) {
    const s = i % STYLES.length;
    const id = `item-${String(i).padStart(4, '0')}`;
    ids.push(id);
    style.push(STYLES[s]);
    for (let d = 0; d < DIM; d++) {
      good[i * DIM + d] = centres[s][d] + (rand() - 0.5) * 3;
      noise[i * DIM + d] = rand();
    }
    const colour: [number, number, number] = [s === 0 ? 220 : 20, s === 1 ? 200 : 30, s === 2 ? 210 : 40];
    writeFileSync(join(root, 'images', `${id}.png`), png(colour));
    lines.push(`${id},images/${id}.png,Item ${i},${STYLES[s]},g${Math.floor(i / 2)}`);
  }
  writeFileSync(join(root, 'manifest.csv'), lines.join('\n') + '\n');
  writeFileSync(join(root, 'good.npy'), writeNpy({ n: N, dim: DIM, data: good }));
  writeFileSync(join(root, 'noise.npy'), writeNpy({ n: N, dim: DIM, data: noise }));
  const csv = [['id', ...Array.from({ length: DIM }, (_, d) => `v${d}`)].join(',')];
  for (let i = MISSING; i < N; i++) csv.push([ids[i], ...Array.from(good.subarray(i * DIM, (i + 1) * DIM), (v) => v.toString())].join(','));
  writeFileSync(join(root, 'extra.csv'), csv.join('\n') + '\n');
  return { dir: root, ids, style, good, noise };
}

/**
 * Reference facet consistency: brute-force Euclidean KNN in float64 (self excluded, ties to the lower
 * index), mean fraction of the k neighbours sharing the seed's label. Independent of src/compute.
 */
export function referenceConsistency(x: Float32Array, dim: number, rows: number[], labels: string[], k: number): number {
  let total = 0;
  for (const i of rows) {
    const d = rows
      .filter((j) => j !== i)
      .map((j) => {
        let s = 0;
        for (let t = 0; t < dim; t++) s += (x[i * dim + t] - x[j * dim + t]) ** 2;
        return { j, s };
      })
      .sort((a, b) => a.s - b.s || a.j - b.j)
      .slice(0, k);
    total += d.filter(({ j }) => labels[j] === labels[i]).length / k;
  }
  return total / rows.length;
}
