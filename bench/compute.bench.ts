/**
 * Compute-core benchmark: whitening fit and exact KNN in TypeScript (WebAssembly SIMD kernels),
 * side by side with numpy + OpenBLAS (bench/numpy_knn.py) on the same data in the same run.
 *
 *   npx tsx bench/compute.bench.ts [--quick]
 *
 * Prints a markdown table (medians of several runs) and writes bench/out/compute.json.
 * Never asserts on timings. Data: Gaussian float32 from mulberry32 (Box–Muller), written to a
 * temporary .npy for numpy. numpy runs once per BLAS setting: the environment as given
 * (OPENBLAS_CORETYPE may be set), OPENBLAS_CORETYPE unset, and one thread.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { concatKnn, knn, type KnnStats } from '../src/compute/knn/index.ts';
import { mulberry32, sampleSeeds } from '../src/compute/sampling.ts';
import type { Embeddings, KnnResult } from '../src/compute/types.ts';
import { fitWhitening } from '../src/compute/whitening.ts';
import { median } from './stats.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const PYTHON = process.env.PYTHON ?? '/usr/bin/python3';
const K = 20;

interface WorkerJob {
  data: SharedArrayBuffer;
  n: number;
  dim: number;
  seeds: Int32Array;
}

// ---------------------------------------------------------------------------------------------
// Worker side: one seed range of the search per worker, as the app's compute workers do.

if (!isMainThread) {
  const job = workerData as WorkerJob;
  const x: Embeddings = { n: job.n, dim: job.dim, data: new Float32Array(job.data) };
  parentPort!.on('message', (msg: string) => {
    if (msg === 'exit') process.exit(0);
    const r = knn(x, { k: K, metric: 'euclidean', seeds: job.seeds });
    parentPort!.postMessage(r);
  });
}

// ---------------------------------------------------------------------------------------------

function gaussian(n: number, dim: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < out.length; i += 2) {
    const u = 1 - rand();
    const v = rand();
    const m = Math.sqrt(-2 * Math.log(u));
    out[i] = m * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = m * Math.sin(2 * Math.PI * v);
  }
  return out;
}

function writeNpy(path: string, data: Float32Array | Int32Array, shape: number[]): void {
  const descr = data instanceof Float32Array ? '<f4' : '<i4';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pre = 10;
  const pad = 64 - ((pre + header.length + 1) % 64);
  header += ' '.repeat(pad % 64) + '\n';
  const head = Buffer.alloc(pre);
  head.write('\x93NUMPY', 0, 'latin1');
  head.writeUInt8(1, 6);
  head.writeUInt8(0, 7);
  head.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

function readNpyInt32(path: string): Int32Array {
  const buf = readFileSync(path);
  const hlen = buf.readUInt16LE(8);
  const start = 10 + hlen;
  return new Int32Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.byteLength));
}

interface Timing {
  runs: number[]; // wall seconds
  cpu: number[]; // process CPU seconds (all threads of this process)
  median: number;
  cpuMedian: number;
}

function time(repeats: number, fn: () => void): Timing {
  const runs: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    runs.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { runs, cpu, median: median(runs), cpuMedian: median(cpu) };
}

interface NumpyRun {
  times: number[];
  median: number;
  cpu: number[];
  cpuMedian: number;
  numpy: string;
  blas: { library: string | null; corename: string | null; threads: number | null; config: string | null };
  env: Record<string, string>;
}

function numpy(args: string[], env: NodeJS.ProcessEnv): NumpyRun | { error: string } {
  const r = spawnSync(PYTHON, [join(HERE, 'numpy_knn.py'), ...args], { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').slice(-3).join(' ') };
  return JSON.parse(r.stdout) as NumpyRun;
}

const BLAS_SETTINGS: { name: string; env: () => NodeJS.ProcessEnv }[] = [
  { name: 'numpy (env as given)', env: () => ({ ...process.env }) },
  {
    name: 'numpy (OPENBLAS_CORETYPE unset)',
    env: () => {
      const e = { ...process.env };
      delete e.OPENBLAS_CORETYPE;
      return e;
    },
  },
  { name: 'numpy (1 thread)', env: () => ({ ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' }) },
];

async function knnInWorkers(
  x: Embeddings,
  seeds: Int32Array,
  workers: number,
  repeats: number,
): Promise<{ timing: Timing; result: KnnResult }> {
  const shared = new SharedArrayBuffer(x.data.byteLength);
  new Float32Array(shared).set(x.data);
  const per = Math.ceil(seeds.length / workers);
  const pool = Array.from({ length: workers }, (_, w) => {
    const job: WorkerJob = { data: shared, n: x.n, dim: x.dim, seeds: seeds.slice(w * per, (w + 1) * per) };
    // Workers need the TypeScript loader the main thread runs under: register tsx, then load this file.
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    return new Worker(boot, { eval: true, workerData: job });
  });
  const runOnce = () =>
    Promise.all(
      pool.map(
        (w) =>
          new Promise<KnnResult>((resolve, reject) => {
            w.once('message', resolve);
            w.once('error', reject);
            w.postMessage('run');
          }),
      ),
    );
  const runs: number[] = [];
  let result: KnnResult | null = null;
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    const parts = await runOnce();
    runs.push((performance.now() - t0) / 1000);
    result = concatKnn(parts);
  }
  for (const w of pool) w.postMessage('exit');
  return { timing: { runs, cpu: [], median: median(runs), cpuMedian: NaN }, result: result! };
}

/**
 * Rows where numpy's float32 search differs from ours: check with float64 distances that ours is
 * the exact answer (numpy's list is no better by (distance, index)). Returns [explained, differing].
 */
function explainMismatches(x: Embeddings, seeds: Int32Array, ours: Int32Array, theirs: Int32Array, k: number): [number, number] {
  const dim = x.dim;
  const d64 = (a: number, b: number): number => {
    let s = 0;
    for (let t = 0; t < dim; t++) {
      const v = x.data[a * dim + t] - x.data[b * dim + t];
      s += v * v;
    }
    return s;
  };
  let differing = 0;
  let explained = 0;
  for (let r = 0; r < seeds.length; r++) {
    let same = true;
    for (let t = 0; t < k; t++) if (ours[r * k + t] !== theirs[r * k + t]) same = false;
    if (same) continue;
    differing++;
    const key = (j: number): [number, number] => [d64(seeds[r], j), j];
    const a = Array.from(ours.subarray(r * k, (r + 1) * k), key);
    const b = Array.from(theirs.subarray(r * k, (r + 1) * k), key).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
    // ours must be sorted and, position by position, no worse than numpy's list
    let ok = true;
    for (let t = 0; t < k; t++) {
      if (t > 0 && (a[t][0] < a[t - 1][0] || (a[t][0] === a[t - 1][0] && a[t][1] < a[t - 1][1]))) ok = false;
      if (a[t][0] > b[t][0] || (a[t][0] === b[t][0] && a[t][1] > b[t][1])) ok = false;
    }
    if (ok) explained++;
  }
  return [explained, differing];
}

function agreement(a: Int32Array, b: Int32Array, k: number): number {
  let same = 0;
  const rows = a.length / k;
  for (let r = 0; r < rows; r++) {
    let ok = true;
    for (let t = 0; t < k; t++) if (a[r * k + t] !== b[r * k + t]) ok = false;
    if (ok) same++;
  }
  return same / rows;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const rep = (full: number) => (quick ? Math.min(full, 2) : full);
  const tmp = mkdtempSync(join(tmpdir(), 'recall-lens-bench-'));
  const out: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: {
      cpu: cpus()[0]?.model,
      logicalCores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      v8: process.versions.v8,
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('OPENBLAS') || k.startsWith('OMP_'))),
    },
  };
  const rows: string[][] = [];
  const log = (s: string) => process.stderr.write(s + '\n');

  try {
    // --- whitening fit ---------------------------------------------------------------------
    const whitening: unknown[] = [];
    for (const [n, dim] of [
      [10_000, 128],
      [10_000, 512],
      [100_000, 128],
      [100_000, 512],
    ]) {
      const repeats = rep(n * dim > 10_000_000 ? 3 : 5);
      log(`whitening fit ${n} × ${dim} …`);
      const x: Embeddings = { n, dim, data: gaussian(n, dim, n + dim) };
      const ts = time(repeats, () => fitWhitening(x));
      const file = join(tmp, `w_${n}_${dim}.npy`);
      writeNpy(file, x.data, [n, dim]);
      const np = numpy(['whiten', '--data', file, '--repeats', String(rep(3))], BLAS_SETTINGS[0].env());
      rmSync(file);
      whitening.push({ n, dim, ts, numpy: np });
      const npMed = 'median' in np ? np.median : NaN;
      rows.push([
        `whitening fit ${n / 1000}k × ${dim}`,
        fmt(ts.median),
        fmt(npMed),
        ratio(npMed, ts.median),
        `mean + cov + eigh (numpy: np.cov(bias=True) + eigh)`,
      ]);
    }
    out.whitening = whitening;

    // --- KNN ---------------------------------------------------------------------------------
    const knnOut: unknown[] = [];
    const cases = [
      { name: `KNN 1k seeds × 100k × 128, k=${K}`, n: 100_000, dim: 128, seeds: 1000, repeats: 5 },
      { name: `KNN all-pairs 10k × 784, k=${K}`, n: 10_000, dim: 784, seeds: 'all' as const, repeats: 3 },
    ];
    for (const c of cases) {
      log(`${c.name} …`);
      const x: Embeddings = { n: c.n, dim: c.dim, data: gaussian(c.n, c.dim, 7 * c.n + c.dim) };
      const seeds = sampleSeeds(c.n, c.seeds, 7);
      const stats = {} as KnnStats;
      const dataFile = join(tmp, 'x.npy');
      const seedFile = join(tmp, 'seeds.npy');
      const idxFile = join(tmp, 'idx.npy');
      writeNpy(dataFile, x.data, [c.n, c.dim]);
      writeNpy(seedFile, seeds, [seeds.length]);
      const npArgs = (reps: number) => ['knn', '--data', dataFile, '--seeds', seedFile, '--k', String(K), '--repeats', String(reps)];
      // TS (1 thread) and numpy (env as given) alternate run by run, so load from other processes
      // on a shared machine hits both alike.
      let res: KnnResult | null = null;
      const tsRuns: Timing[] = [];
      const npRuns: NumpyRun[] = [];
      let npError: string | null = null;
      for (let i = 0; i < rep(c.repeats); i++) {
        tsRuns.push(time(1, () => (res = knn(x, { k: K, metric: 'euclidean', seeds, stats }))));
        const r = numpy(i === 0 ? [...npArgs(1), '--indices-out', idxFile] : npArgs(1), BLAS_SETTINGS[0].env());
        if ('median' in r) npRuns.push(r);
        else npError = r.error;
      }
      const ts: Timing = {
        runs: tsRuns.map((t) => t.runs[0]),
        cpu: tsRuns.map((t) => t.cpu[0]),
        median: median(tsRuns.map((t) => t.runs[0])),
        cpuMedian: median(tsRuns.map((t) => t.cpu[0])),
      };
      const tsResult = res as unknown as KnnResult;
      log(`  TS 1 thread: ${fmt(ts.median)} s (${JSON.stringify(stats)})`);
      const np: Record<string, NumpyRun | { error: string }> = {};
      np[BLAS_SETTINGS[0].name] =
        npRuns.length > 0
          ? {
              ...npRuns[0],
              times: npRuns.map((r) => r.times[0]),
              median: median(npRuns.map((r) => r.times[0])),
              cpu: npRuns.map((r) => r.cpu[0]),
              cpuMedian: median(npRuns.map((r) => r.cpu[0])),
            }
          : { error: npError ?? 'no runs' };
      const workers = await knnInWorkers(x, seeds, 2, rep(c.repeats));
      const sameAsWorkers = agreement(tsResult.indices, workers.result.indices, K);
      log(`  TS 2 workers: ${fmt(workers.timing.median)} s`);
      for (const [i, s] of BLAS_SETTINGS.entries()) {
        if (i === 0) continue;
        np[s.name] = numpy(npArgs(i === 2 ? Math.max(1, rep(c.repeats) - 2) : rep(c.repeats)), s.env());
      }
      for (const s of BLAS_SETTINGS) {
        const r = np[s.name];
        log(`  ${s.name}: ${'median' in r ? fmt(r.median) + ' s, ' + r.blas.corename + ', ' + r.blas.threads + ' threads' : r.error}`);
      }
      let sameAsNumpy = NaN;
      let mismatch: [number, number] = [0, 0];
      try {
        const theirs = readNpyInt32(idxFile);
        sameAsNumpy = agreement(tsResult.indices, theirs, K);
        mismatch = explainMismatches(x, seeds, tsResult.indices, theirs, K);
      } catch {
        // numpy failed: no cross-check
      }
      const npDefault = np[BLAS_SETTINGS[0].name];
      const npUnset = np[BLAS_SETTINGS[1].name];
      const np1 = np[BLAS_SETTINGS[2].name];
      const med = (r: NumpyRun | { error: string }) => ('median' in r ? r.median : NaN);
      knnOut.push({
        name: c.name,
        n: c.n,
        dim: c.dim,
        seeds: seeds.length,
        k: K,
        ts: { singleThread: ts, twoWorkers: workers.timing, stats },
        numpy: np,
        speedRatio: {
          singleThreadVsNumpy: med(npDefault) / ts.median,
          twoWorkersVsNumpy: med(npDefault) / workers.timing.median,
          singleThreadVsNumpyCoretypeUnset: med(npUnset) / ts.median,
          singleThreadVsNumpy1Thread: med(np1) / ts.median,
        },
        rowsIdenticalToNumpy: sameAsNumpy,
        differingRowsWhereOursIsExact: { explained: mismatch[0], differing: mismatch[1] },
        rowsIdenticalAcrossWorkers: sameAsWorkers,
      });
      const cpuMed = (r: NumpyRun | { error: string }) => ('cpuMedian' in r ? r.cpuMedian : NaN);
      rows.push([
        `${c.name}: TS 1 thread vs numpy (env)`,
        fmt(ts.median),
        fmt(med(npDefault)),
        ratio(med(npDefault), ts.median),
        `CPU s: TS ${fmt(ts.cpuMedian)}, numpy ${fmt(cpuMed(npDefault))}; rows identical to numpy: ${pct(sameAsNumpy)}; differing rows where ours is the float64-exact list: ${mismatch[0]}/${mismatch[1]}`,
      ]);
      rows.push([
        `${c.name}: TS 2 workers vs numpy (env)`,
        fmt(workers.timing.median),
        fmt(med(npDefault)),
        ratio(med(npDefault), workers.timing.median),
        `same result as 1 thread: ${pct(sameAsWorkers)}`,
      ]);
      rows.push([
        `${c.name}: TS 1 thread vs numpy (CORETYPE unset)`,
        fmt(ts.median),
        fmt(med(npUnset)),
        ratio(med(npUnset), ts.median),
        blasNote(npUnset),
      ]);
      rows.push([`${c.name}: TS 1 thread vs numpy (1 thread)`, fmt(ts.median), fmt(med(np1)), ratio(med(np1), ts.median), blasNote(np1)]);
      for (const f of [dataFile, seedFile, idxFile]) rmSync(f, { force: true });
    }
    out.knn = knnOut;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const table = [
    '| benchmark | TypeScript (s, median) | numpy (s, median) | speed vs numpy (numpy time / TS time) | note |',
    '|---|---:|---:|---:|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
  out.table = table;
  const outDir = join(HERE, 'out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'compute.json'), JSON.stringify(out, null, 1) + '\n');
  const m = out.machine as { cpu?: string; logicalCores: number; node: string; env: Record<string, string> };
  console.log(`Machine: ${m.cpu} × ${m.logicalCores} logical cores, Node ${m.node}, env ${JSON.stringify(m.env)}\n`);
  console.log(table);
  console.log(`\nJSON: ${join(outDir, 'compute.json')}`);
}

function fmt(s: number): string {
  return Number.isFinite(s) ? s.toFixed(3) : 'n/a';
}
function ratio(numpyS: number, tsS: number): string {
  return Number.isFinite(numpyS) && Number.isFinite(tsS) ? `${(numpyS / tsS).toFixed(2)}×` : 'n/a';
}
function pct(v: number): string {
  return Number.isFinite(v) ? `${(100 * v).toFixed(2)}%` : 'n/a';
}
function blasNote(r: NumpyRun | { error: string }): string {
  return 'median' in r ? `OpenBLAS core ${r.blas.corename ?? '?'}, ${r.blas.threads ?? '?'} thread(s)` : `numpy failed: ${r.error}`;
}

if (isMainThread) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
