/**
 * UMAP at a real embedding width: 10,000 MNIST digits (784 dimensions, the `mnist` package's 1,000
 * per class), umap-js 1.4 with its defaults against src/compute/umap with the app's defaults, runs
 * alternating, medians. Quality by an independent reference, scikit-learn
 * (bench/sklearn_trustworthiness.py): trustworthiness@10 of each layout and its 2-D 10-NN label
 * accuracy. Target (issue 9): ours ≤ 1/3 of umap-js's time, trustworthiness within 0.005 of it.
 *
 *   npx tsx bench/umap-mnist.ts            (BENCH_RUNS=3)
 * Writes bench/out/umap-mnist.json (+ the .npy files scikit-learn reads).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UMAP } from 'umap-js';
import { mulberry32 } from '../src/compute/sampling.ts';
import { project } from '../src/compute/umap/project.ts';
import { writeNpy } from '../src/data/npy.ts';
import { median } from './stats.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PER_CLASS = 1000;
const DIM = 784;
const OUT = 'bench/out';

function loadMnist(): { x: Float32Array; labels: Int32Array } {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist')), 'digits');
  const x = new Float32Array(10 * PER_CLASS * DIM);
  const labels = new Int32Array(10 * PER_CLASS);
  for (let digit = 0; digit < 10; digit++) {
    const data = (JSON.parse(readFileSync(join(dir, `${digit}.json`), 'utf8')) as { data: number[] }).data;
    x.set(data.slice(0, PER_CLASS * DIM), digit * PER_CLASS * DIM);
    labels.fill(digit, digit * PER_CLASS, (digit + 1) * PER_CLASS);
  }
  return { x, labels };
}

function main() {
  const { x: data, labels } = loadMnist();
  const n = labels.length;
  const x = { n, dim: DIM, data };
  const rows = Array.from({ length: n }, (_, i) => Array.from(data.subarray(i * DIM, (i + 1) * DIM)));
  const times = { umapjs: [] as number[], ours: [] as number[] };
  mkdirSync(OUT, { recursive: true });
  writeFileSync(`${OUT}/mnist-x.npy`, writeNpy(x));
  writeFileSync(`${OUT}/mnist-labels.npy`, writeNpy({ n, dim: 1, data: Float32Array.from(labels) }));
  let phases: Record<string, number> = {};
  for (let r = 0; r < RUNS; r++) {
    let t = performance.now();
    const layout = new UMAP({ random: mulberry32(42 + r) }).fit(rows);
    times.umapjs.push((performance.now() - t) / 1000);
    t = performance.now();
    const { projection } = project(x, { metric: 'euclidean', seed: 42 + r });
    times.ours.push((performance.now() - t) / 1000);
    phases = projection.timings;
    if (r === 0) {
      const flat = new Float32Array(n * 2);
      layout.forEach((p, i) => flat.set(p, i * 2));
      writeFileSync(`${OUT}/mnist-umapjs.npy`, writeNpy({ n, dim: 2, data: flat }));
      writeFileSync(`${OUT}/mnist-ours.npy`, writeNpy({ n, dim: 2, data: projection.coords }));
    }
    console.log(`run ${r + 1}/${RUNS}: umap-js ${times.umapjs[r].toFixed(2)} s · ours ${times.ours[r].toFixed(2)} s`);
  }
  const quality = JSON.parse(
    execFileSync(
      '/usr/bin/python3',
      ['bench/sklearn_trustworthiness.py', ...['x', 'labels', 'umapjs', 'ours'].map((f) => `${OUT}/mnist-${f}.npy`)],
      { encoding: 'utf8' },
    ),
  ) as Record<string, { trustworthiness: number; knn10_accuracy: number }>;
  const q = (name: string) => quality[`${OUT}/mnist-${name}.npy`];
  const med = { umapjs: median(times.umapjs), ours: median(times.ours) };
  const result = {
    n,
    dim: DIM,
    runs: RUNS,
    seconds: times,
    median: med,
    ratio: med.ours / med.umapjs,
    oursPhasesLastRun: phases,
    quality: { umapjs: q('umapjs'), ours: q('ours') },
  };
  writeFileSync(`${OUT}/umap-mnist.json`, JSON.stringify(result, null, 2));
  console.log(
    `MNIST ${n} × ${DIM}, median of ${RUNS}: umap-js ${med.umapjs.toFixed(2)} s, ours ${med.ours.toFixed(2)} s (ratio ${result.ratio.toFixed(3)})`,
  );
  for (const name of ['umapjs', 'ours']) {
    console.log(
      `  ${name}: trustworthiness@10 ${q(name).trustworthiness.toFixed(4)}, 2-D 10-NN label accuracy ${q(name).knn10_accuracy.toFixed(4)} (scikit-learn)`,
    );
  }
}

main();
