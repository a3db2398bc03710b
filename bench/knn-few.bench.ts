/**
 * A few seeds' neighbours in a large corpus (a seed picked in the gallery, a dropped query image):
 * the full float64 scan that `knn` now runs for up to SCAN_QUERIES queries, against the screened
 * search it ran before (backend 'wasm' forces it), alternating in one run, same data, same seeds.
 * Both must give identical results (checked here too). Writes bench/out/knn-few.json.
 * Env: BENCH_N (100000), BENCH_DIMS (512,32), BENCH_RUNS (5).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { knn, SCAN_QUERIES } from '../src/compute/knn/index.ts';
import { mulberry32 } from '../src/compute/sampling.ts';
import type { Metric } from '../src/compute/types.ts';
import { median } from './stats.ts';

const N = Number(process.env.BENCH_N ?? 100_000);
const DIMS = (process.env.BENCH_DIMS ?? '512,32').split(',').map(Number);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const K = 10;

const rows: Record<string, number | string | boolean>[] = [];
console.log(`| n × dim, metric | seeds | screened (median) | scanned (median) | ratio | identical |`);
console.log(`|---|---:|---:|---:|---:|---|`);
for (const dim of DIMS) {
  const rand = mulberry32(dim);
  const data = new Float32Array(N * dim);
  for (let i = 0; i < data.length; i++) data[i] = rand() - 0.5;
  const x = { n: N, dim, data };
  for (const metric of ['cosine', 'euclidean'] as Metric[]) {
    for (const q of [1, SCAN_QUERIES]) {
      const screened: number[] = [];
      const scanned: number[] = [];
      let identical = true;
      for (let r = 0; r < RUNS; r++) {
        const seeds = Int32Array.from({ length: q }, (_, i) => (r * 7919 + i * 104_729) % N);
        let t = performance.now();
        const a = knn(x, { k: K, metric, seeds, backend: 'wasm' });
        screened.push(performance.now() - t);
        t = performance.now();
        const b = knn(x, { k: K, metric, seeds });
        scanned.push(performance.now() - t);
        identical &&= a.indices.every((v, i) => v === b.indices[i]) && a.distances.every((v, i) => v === b.distances[i]);
      }
      const row = { n: N, dim, metric, seeds: q, screenedMs: median(screened), scannedMs: median(scanned), identical };
      rows.push(row);
      console.log(
        `| ${N.toLocaleString('en-US')} × ${dim}, ${metric} | ${q} | ${row.screenedMs.toFixed(0)} ms | ${row.scannedMs.toFixed(0)} ms | ` +
          `${(row.scannedMs / row.screenedMs).toFixed(2)} | ${identical} |`,
      );
    }
  }
}
mkdirSync('bench/out', { recursive: true });
writeFileSync('bench/out/knn-few.json', JSON.stringify(rows, null, 2));
