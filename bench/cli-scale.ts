/**
 * `recall-lens eval` at scale: 100k and 1M items × 128 dims, streamed from a .npy, raw and
 * whitened (--whiten none,full), with wall time per phase (--timings) and the peak resident memory
 * of the whole Node process (/usr/bin/time -v "Maximum resident set size", and the CLI's own
 * process.resourceUsage().maxRSS) against the budget: 2 × the float32 embedding bytes.
 *
 *   npx tsx bench/cli-scale.ts [--quick] [--runs 3,2] [--sizes 100000,1000000] [--generate-only]
 *
 * Data (bench/out/cli-scale/, git-ignored, written streaming and reused between runs): clustered
 * float32 vectors — 50 classes × 4 styles, items in groups of 4 sharing an identity — plus a
 * metadata TSV with `identity`, `class` and `style` columns. Prints a markdown table (medians over
 * the runs) and writes bench/out/cli-scale.json. Never asserts on timings.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../src/compute/sampling.ts';
import { median } from './stats.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');
const OUT = join(HERE, 'out', 'cli-scale');
const BIN = join(ROOT, 'bin', 'recall-lens.mjs');
const DIM = 128;
const CLASSES = 50;
const STYLES = 4;
const GROUP = 4; // items per identity
/** Files written before this generator version are regenerated. */
const GENERATOR_MTIME = Date.parse('2026-11-30T10:06:00Z');

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const sizes = (opt('--sizes') ?? (quick ? '100000' : '100000,1000000')).split(',').map(Number);
/** Runs per size: one number, or one per size (e.g. 3,2). */
const runsList = (opt('--runs') ?? (quick ? '1' : '3,2')).split(',').map(Number);
const runsFor = (i: number): number => runsList[Math.min(i, runsList.length - 1)];

// ---------------------------------------------------------------------------------------------
// Data, written in blocks of rows (never the whole array in memory).

function npyHeader(n: number, dim: number): Uint8Array {
  let dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, ${dim}), }`;
  dict += ' '.repeat((64 - ((10 + dict.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + dict.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, dict.length, true);
  for (let i = 0; i < dict.length; i++) out[10 + i] = dict.charCodeAt(i);
  return out;
}

/**
 * Row i: class centre (scale 0.15) + style offset along 8 high-variance nuisance directions
 * (scale 3: what whitening is meant to tame) + identity offset (scale 0.25) + noise (scale 0.5).
 */
async function generate(n: number): Promise<{ npy: string; meta: string }> {
  const npy = join(OUT, `${n}x${DIM}.npy`);
  const meta = join(OUT, `${n}x${DIM}.tsv`);
  if (existsSync(npy) && existsSync(meta) && statSync(npy).size === 128 + n * DIM * 4 && statSync(npy).mtimeMs > GENERATOR_MTIME)
    return { npy, meta };
  mkdirSync(OUT, { recursive: true });
  const rand = mulberry32(7);
  const gauss = () => {
    const u = 1 - rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
  const classC = Float32Array.from({ length: CLASSES * DIM }, () => 0.15 * gauss());
  const styleC = new Float32Array(STYLES * DIM);
  for (let s = 0; s < STYLES; s++) for (let d = 0; d < 8; d++) styleC[s * DIM + d] = 3 * gauss();
  const block = 8192;
  const buf = new Float32Array(block * DIM);
  const idOff = new Float32Array(DIM);
  const fv = await open(`${npy}.part`, 'w');
  const fm = await open(`${meta}.part`, 'w');
  await fv.write(npyHeader(n, DIM));
  await fm.write('identity\tclass\tstyle\n');
  for (let r0 = 0; r0 < n; r0 += block) {
    const rc = Math.min(block, n - r0);
    let lines = '';
    for (let r = 0; r < rc; r++) {
      const i = r0 + r;
      const id = Math.floor(i / GROUP);
      const cls = (Math.imul(id, 2654435761) >>> 0) % CLASSES;
      const style = i % STYLES;
      if (i % GROUP === 0) {
        const ir = mulberry32(id + 1);
        for (let d = 0; d < DIM; d++) idOff[d] = 0.25 * (2 * ir() - 1) * Math.SQRT2;
      }
      const o = r * DIM;
      for (let d = 0; d < DIM; d++) {
        buf[o + d] = classC[cls * DIM + d] + styleC[style * DIM + d] + idOff[d] + 0.5 * (2 * rand() - 1) * Math.SQRT2;
      }
      lines += `id${id}\tc${cls}\ts${style}\n`;
    }
    await fv.write(new Uint8Array(buf.buffer, 0, rc * DIM * 4));
    await fm.write(lines);
  }
  await fv.close();
  await fm.close();
  await rename(`${npy}.part`, npy);
  await rename(`${meta}.part`, meta);
  return { npy, meta };
}

// ---------------------------------------------------------------------------------------------

interface Run {
  wall: number;
  phases: Record<string, number>;
  /** /usr/bin/time -v, KiB. */
  maxRssTime?: number;
  /** process.resourceUsage().maxRSS reported by the CLI, MiB. */
  maxRssSelf: number;
  variants: unknown;
}

const TIME = '/usr/bin/time';

function runEval(args: string[]): Run {
  const useTime = existsSync(TIME);
  const cmd = useTime ? TIME : process.execPath;
  const full = useTime ? ['-v', process.execPath, BIN, ...args] : [BIN, ...args];
  const t = performance.now();
  const r = spawnSync(cmd, full, { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const wall = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`recall-lens eval failed (${r.status}): ${r.stderr}`);
  const phases: Record<string, number> = {};
  let maxRssSelf = NaN;
  for (const line of r.stderr.split('\n')) {
    const m = /^timing: (?:[^:]+: )?(.+) ([\d.]+) s$/.exec(line);
    if (m) phases[m[1]] = Number(m[2]);
    const p = /peak RSS ([\d.]+) MiB/.exec(line);
    if (p) maxRssSelf = Number(p[1]);
  }
  const t2 = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { wall, phases, maxRssTime: t2 ? Number(t2[1]) : undefined, maxRssSelf, variants: JSON.parse(r.stdout).variants };
}

const MiB = 2 ** 20;
const fmt = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');

async function main(): Promise<void> {
  // Baseline: the same command on six items (the runtime, tsx and the loaders; no data to speak of).
  const six = join(ROOT, 'tests', 'fixtures', 'cli');
  const base = runEval([
    'eval',
    join(six, 'six.tsv'),
    '--metadata',
    join(six, 'six-meta.tsv'),
    '--k',
    '2',
    '--whiten',
    'none,full',
    '--timings',
    '--json',
  ]);
  const baseMiB = (base.maxRssTime ?? base.maxRssSelf * 1024) / 1024;
  const rows: Record<string, unknown>[] = [];
  const lines: string[] = [];
  for (const [si, n] of sizes.entries()) {
    const runs = runsFor(si);
    const tg = performance.now();
    const { npy, meta } = await generate(n);
    const genS = (performance.now() - tg) / 1000;
    const embBytes = n * DIM * 4;
    const budgetMiB = (2 * embBytes) / MiB;
    const rs: Run[] = [];
    for (let i = 0; i < runs; i++) {
      rs.push(runEval(['eval', npy, '--metadata', meta, '--whiten', 'none,full', '--timings', '--json']));
      process.stderr.write(
        `n=${n} run ${i + 1}/${runs}: ${fmt(rs[i].wall)} s, max RSS ${fmt((rs[i].maxRssTime ?? NaN) / 1024)} MiB (self ${fmt(rs[i].maxRssSelf)}), phases ${JSON.stringify(rs[i].phases)}\n`,
      );
    }
    const med = (f: (r: Run) => number) => median(rs.map(f));
    const phaseNames = Object.keys(rs[0].phases);
    const phases = Object.fromEntries(phaseNames.map((p) => [p, med((r) => r.phases[p])]));
    const rssTime = med((r) => (r.maxRssTime ?? NaN) / 1024);
    const rssSelf = med((r) => r.maxRssSelf);
    const peak = Math.max(...rs.map((r) => (r.maxRssTime ?? r.maxRssSelf * 1024) / 1024));
    rows.push({
      n,
      dim: DIM,
      embBytes,
      budgetMiB,
      runs,
      generateSeconds: genS,
      wall: med((r) => r.wall),
      phases,
      maxRssMiB: rssTime,
      maxRssSelfMiB: rssSelf,
      worstMaxRssMiB: peak,
      budgetMet: peak <= budgetMiB,
      variants: rs[0].variants,
    });
    lines.push(
      `| ${n.toLocaleString('en-US')} × ${DIM} (${runs} runs) | ${fmt(embBytes / MiB)} | ${fmt(budgetMiB)} | ${fmt(med((r) => r.wall))} | ` +
        `${fmt(phases['read metadata'] ?? NaN, 2)} | ${fmt(phases['read embeddings'] ?? NaN, 2)} | ${fmt(phases['evaluate none'] ?? NaN, 2)} | ` +
        `${fmt(phases['fit whitening'] ?? NaN, 2)} | ${fmt(phases['whiten full'] ?? NaN, 2)} | ${fmt(phases['evaluate full'] ?? NaN, 2)} | ` +
        `${fmt(rssTime)} (${fmt(rssSelf)}) | ${peak <= budgetMiB ? 'met' : 'NOT met'} (${fmt((100 * peak) / budgetMiB, 0)}%) |`,
    );
  }
  const header =
    '| items × dim | float32 MiB | budget 2× MiB | wall s | read meta s | read .npy s | eval raw s | fit W s | whiten s | eval +w s | peak RSS MiB (self) | 2× budget |\n' +
    '|---|---|---|---|---|---|---|---|---|---|---|---|';
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const out = [
    `recall-lens eval --whiten none,full (K=10 Euclidean, default seeds: 2000 sampled), medians of ${sizes.map((n, i) => `${runsFor(i)} run(s) at ${n}`).join(', ')}; ${machine}`,
    `baseline (same command on 6 items): peak RSS ${fmt(baseMiB)} MiB`,
    '',
    header,
    ...lines,
  ].join('\n');
  console.log(out);
  mkdirSync(join(HERE, 'out'), { recursive: true });
  writeFileSync(join(HERE, 'out', 'cli-scale.json'), JSON.stringify({ machine, baselineMiB: baseMiB, rows }, null, 2));
}

if (argv.includes('--generate-only')) {
  for (const n of sizes) console.log(await generate(n));
} else {
  await main();
}
