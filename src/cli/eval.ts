/** `recall-lens eval`: KNN facet consistency and identity Recall@N for embedding variants. */
import type { Metric } from '../compute/types.ts';
import type { VariantMetrics } from '../compute/evaluate.ts';
import { InputError } from '../data/errors.ts';
import { variantName, type WhitenSpec } from '../compute/whiten-spec.ts';
import { nonNegInt, parse, positiveInt, UsageError } from './args.ts';
import { evalSources } from './eval-inputs.ts';
import { formatCompare, formatEvalTable } from './format.ts';
import type { CkaSampling } from '../compute/compare/cka.ts';
import type { CompareInput } from '../compute/evaluate.ts';
import type { Io } from './main.ts';

export const EVAL_HELP = `Usage: recall-lens eval <embeddings> --metadata <file> [options]
       recall-lens eval <folder | paths...> [options]

Scores embedding variants like Table 1 of the seed document: for each seed item, its K nearest
neighbours; per facet, the consistency = mean fraction of neighbours sharing the seed's label
(with a 95% bootstrap interval and the chance level sum p^2); with an identity column, Recall@N.

<embeddings>
  file.npy               2-D float32/float64 NumPy array (rows = items)
  file.tsv               TF Projector vectors: tab-separated numbers, one row per item, no header
  file.bytes             raw little-endian float32 (needs --dim)
  projector_config.json  TF Projector config: every embeddings[] entry is a variant; its
                         metadataPath (relative to the config) is used unless --metadata is given
  <folder> | <paths...>  imported as \`recall-lens import\` reads them (manifest, .npy, .npz,
                         .safetensors, Parquet or a folder of Parquet parts, Arrow, CSV/TSV/JSONL
                         embeddings, projector bundles; joined by id; docs/FORMATS.md), also a single
                         .parquet/.arrow/.csv; every variant is scored against the manifest's
                         columns (--metadata optional: one more file of the import)

Options
  --metadata <file>      TSV/CSV, one row per item, with a header row; a single-column file has no
                         header and its column is named "label". Every column with repeated values
                         is a facet (id/title-like columns excepted); a column "identity" drives
                         Recall@{1,5,10,20}
  --dim <D>              dimension of a .bytes file (checked against other formats)
  --k <K>                neighbours per seed (default 10)
  --metric <m>           euclidean (default) or cosine
  --whiten <w>           none (default), full, or <k> (whiten, keep the top k directions);
                         a comma-separated list (e.g. none,full,32) evaluates each as a variant
  --seeds <s>            all, or a number of seeds sampled at random (seeded by --seed); default:
                         all up to 20,000 items, else a sample of 2,000 (exact KNN of every item
                         is out of reach at a million); the output says which, e.g.
                         "seeds: 2000 sampled (seed 0)"
  --seed <n>             random seed for sampling seeds and the bootstrap (default 0)
  --compare              also compare every pair of variants: mean neighbour overlap@K (share of
                         the K neighbours two variants have in common, over the seeds) and linear
                         CKA (above 20,000 items on a seeded sample of 10,000 rows, said in the
                         output); and each variant's hubness: skewness of the K-occurrence and
                         the share of items in no one's top K (needs every item as a seed)
  --probe                also train a logistic-regression probe per variant and facet (standardised
                         features, L2 as scikit-learn's C=1; train index % 5 != 4, test == 4) and
                         report its top-1 / top-5 accuracy
  --json                 print one JSON object:
                         {"variants":[{"name","n","dim","k","metric","whiten",
                           "facets":{"<column>":{"consistency","ci95":[lo,hi],"chance"}},
                           "recall":{"1","5","10","20"},
                           "probe":{"<column>":{"top1","top5"}},     (--probe)
                           "hubness":{"skew","antihubs"}}],          (--compare)
                          "pairs":[{"a","b","overlap","cka"}],         (--compare)
                          "ckaSample":{"items","of","seed"}|null}      (--compare)
                         or, when a projector config holds several datasets (entries grouped by
                         their tensor rows and metadata file), one object per dataset:
                         {"datasets":[{"name","variants":[…as above…]}]}
  --timings              print each phase's wall time and the process's peak memory (max RSS)
                         to stderr
  -h, --help             show this help

Large files: .npy and .bytes are streamed into one float32 array, refused up front when 2× their
float32 size exceeds the memory available; whitened variants are written over the raw vectors.

Exit status: 0 ok, 1 bad input file, 2 bad command line, 3 internal error.
`;

export interface VariantReport {
  name: string;
  /** Set when the input holds several datasets (see --json). */
  dataset?: string;
  n: number;
  dim: number;
  k: number;
  metric: Metric;
  whiten: WhitenSpec;
  facets: Record<string, { consistency: number; ci95: [number, number]; chance: number }>;
  recall?: Record<string, number>;
  probe?: Record<string, { top1: number; top5: number }>;
  hubness?: { skew: number; antihubs: number };
}

const CMD = 'eval';

export async function runEval(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(CMD, argv, {
    metadata: { type: 'string' },
    dim: { type: 'string' },
    k: { type: 'string' },
    metric: { type: 'string' },
    whiten: { type: 'string' },
    seeds: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    compare: { type: 'boolean' },
    probe: { type: 'boolean' },
    timings: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(EVAL_HELP);
    return 0;
  }
  const dim = values.dim === undefined ? undefined : positiveInt(CMD, 'dim', values.dim as string, 0);
  const k = positiveInt(CMD, 'k', values.k as string | undefined, 10);
  const metric = (values.metric ?? 'euclidean') as string;
  if (metric !== 'euclidean' && metric !== 'cosine') {
    throw new UsageError(`${CMD}: --metric must be euclidean or cosine, got ${JSON.stringify(metric)}`);
  }
  const whitens = parseWhiten((values.whiten as string | undefined) ?? 'none');
  const seedsArg = (values.seeds as string | undefined)?.trim();
  const seedCount: number | 'all' | undefined =
    seedsArg === undefined || seedsArg === 'all' ? seedsArg : positiveInt(CMD, 'seeds', seedsArg, 0);
  const seed = nonNegInt(CMD, 'seed', values.seed as string | undefined, 0);

  // The compute core and loaders are loaded only now: --help and flag errors stay instant.
  const sources = await evalSources({ positionals, metadata: values.metadata as string | undefined, dim });
  const [{ evaluateWhitenings }, { evaluationOptions }, { defaultSeeds, sampleSeeds }, { checkRowCount }] = await Promise.all([
    import('../compute/evaluate-whitenings.ts'),
    import('../compute/evaluate.ts'),
    import('../compute/sampling.ts'),
    import('../data/metadata.ts'),
  ]);
  const compare = values.compare === true;
  // The pair comparison's helpers, only when asked for.
  const cmp = compare ? await import('../compute/evaluate.ts') : undefined;
  const compared: CompareInput[] = [];
  let ckaSampling: CkaSampling | undefined;
  const t0 = performance.now();
  const reports: VariantReport[] = [];
  const progress = io.stderrIsTTY && !values.json;
  const phase = (name: string, ms: number) => {
    if (values.timings) io.stderr(`timing: ${name} ${(ms / 1000).toFixed(2)} s\n`);
  };
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const r = await f();
    phase(name, performance.now() - t);
    return r;
  };
  const seedsUsed = new Set<string>();
  const blankNoted = new Set<string>();
  for (const src of sources) {
    const metaFile = src.metadataFile;
    const meta = await timed(`${src.name}: read metadata`, () => src.metadata());
    if (meta.blankLines && !blankNoted.has(metaFile)) {
      blankNoted.add(metaFile);
      io.stderr(`note: ${metaFile}: ${meta.blankLines} blank line${meta.blankLines === 1 ? '' : 's'} skipped (as TensorBoard does)\n`);
    }
    if (meta.facets.length === 0 && !meta.identity) {
      const why = meta.ignored.map((c) => `${c.name}: ${c.reason}`).join('; ');
      throw new InputError(
        metaFile,
        `nothing to evaluate: no column has repeated values and there is no "identity" column${why ? ` (${why})` : ''}`,
      );
    }
    const x = await timed(`${src.name}: read embeddings`, () => src.load());
    checkRowCount(meta.n, metaFile, x.n, src.file);
    if (k >= x.n) {
      throw new InputError(src.file, `has ${x.n} items; --k ${k} needs at least ${k + 1} (the seed itself is excluded)`);
    }
    const count = seedCount ?? defaultSeeds(x.n);
    const seeds = sampleSeeds(x.n, count === 'all' || count >= x.n ? 'all' : count, seed);
    seedsUsed.add(seeds.length === x.n ? 'all' : String(seeds.length));
    for (const w of whitens) {
      if (typeof w === 'number' && w > x.dim) {
        throw new InputError(src.file, `has ${x.dim} dimensions; --whiten ${w} cannot keep more directions than that`);
      }
    }
    const nameOf = (w: WhitenSpec) => variantName(src.name, w);
    // x is consumed: whitened variants are written over it (one n × dim array at a time).
    if (compare) {
      if (ckaSampling && ckaSampling.n !== x.n) {
        throw new InputError(
          src.file,
          `has ${x.n} items, the variants before it ${ckaSampling.n}; --compare needs the same items in every variant`,
        );
      }
      ckaSampling ??= cmp!.ckaRows(x.n, { seed });
    }
    const results = evaluateWhitenings(x, whitens, {
      ...evaluationOptions({ k, metric, seeds, sampleSeed: seed, facets: meta.facets, identity: meta.identity }),
      probe: values.probe === true,
      hubness: compare,
      onScored: compare ? (w, xv, lists) => void compared.push(cmp!.compareInput(nameOf(w), xv, lists, ckaSampling!)) : undefined,
      onVariant: (w, d) => {
        if (progress) io.stderr(`evaluating ${nameOf(w)} (${x.n} × ${d})…\n`);
      },
      onPhase: (p, ms) => phase(`${src.name}: ${p}`, ms),
    });
    for (const r of results)
      reports.push({ ...toReport(nameOf(r.whiten), r.metrics, r.whiten), ...(src.dataset ? { dataset: src.dataset } : {}) });
  }
  // Same-named variants are scored in source order; pairs follow the report order.
  const pairs = compare
    ? await timed('compare pairs', async () => cmp!.comparePairs(compared, Math.min(k, ...compared.map((c) => c.knn.k))))
    : undefined;
  const ckaSample = ckaSampling?.rows ? { items: ckaSampling.rows.length, of: ckaSampling.n, seed: ckaSampling.seed } : null;
  const seconds = (performance.now() - t0) / 1000;

  const datasets = [...new Set(reports.map((r) => r.dataset).filter((d): d is string => d !== undefined))];
  const info = { seeds: seedsUsed.size === 1 ? [...seedsUsed][0] : 'varies', seed, seconds };
  if (values.json) {
    const strip = (r: VariantReport): VariantReport => {
      const { dataset: _, ...rest } = r;
      void _;
      return rest;
    };
    const out =
      datasets.length > 0
        ? { datasets: datasets.map((name) => ({ name, variants: reports.filter((r) => r.dataset === name).map(strip) })) }
        : { variants: reports };
    io.stdout(`${JSON.stringify({ ...out, ...(pairs ? { pairs, ckaSample } : {}) })}\n`);
  } else {
    if (datasets.length > 0) {
      io.stdout(
        datasets
          .map(
            (name) =>
              `dataset: ${name}\n${formatEvalTable(
                reports.filter((r) => r.dataset === name),
                info,
              )}`,
          )
          .join('\n'),
      );
    } else {
      io.stdout(formatEvalTable(reports, info));
    }
    if (pairs || values.probe) io.stdout(formatCompare(reports, pairs, ckaSampling ? cmp!.ckaNote(ckaSampling) : ''));
  }
  if (values.timings) {
    // maxRSS: the peak resident memory of the whole process (runtime, loader, data), in KiB.
    io.stderr(`timing: total ${seconds.toFixed(2)} s; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB\n`);
  }
  return 0;
}

function toReport(name: string, m: VariantMetrics, whiten: WhitenSpec): VariantReport {
  const facets: VariantReport['facets'] = {};
  for (const [col, f] of Object.entries(m.facets)) {
    facets[col] = { consistency: f.consistency, ci95: [f.ci95[0], f.ci95[1]], chance: f.chance };
  }
  const r: VariantReport = { name, n: m.n, dim: m.dim, k: m.k, metric: m.metric, whiten, facets };
  if (m.recall) r.recall = { ...m.recall };
  if (m.probe) r.probe = structuredClone(m.probe);
  if (m.hubness) r.hubness = { ...m.hubness };
  return r;
}

function parseWhiten(arg: string): WhitenSpec[] {
  const out: WhitenSpec[] = [];
  for (const part of arg.split(',').map((s) => s.trim())) {
    let w: WhitenSpec;
    if (part === 'none' || part === 'full') w = part;
    else if (/^\d+$/.test(part) && Number(part) > 0) w = Number(part);
    else
      throw new UsageError(
        `${CMD}: --whiten must be none, full or a positive number of directions (or a comma-separated list), got ${JSON.stringify(arg)}`,
      );
    if (!out.includes(w)) out.push(w);
  }
  return out;
}
