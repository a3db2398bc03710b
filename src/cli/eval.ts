/** `recall-lens eval`: KNN facet consistency and identity Recall@N for embedding variants. */
import type { FacetScore, Metric, Whitening } from '../compute/types.ts';
import { InputError } from '../data/errors.ts';
import { nonNegInt, parse, positiveInt, UsageError } from './args.ts';
import { evalSources } from './eval-inputs.ts';
import { formatEvalTable } from './format.ts';
import type { Io } from './main.ts';

export const EVAL_HELP = `Usage: recall-lens eval <embeddings> --metadata <file> [options]

Scores embedding variants like Table 1 of the seed document: for each seed item, its K nearest
neighbours; per facet, the consistency = mean fraction of neighbours sharing the seed's label
(with a 95% bootstrap interval and the chance level sum p^2); with an identity column, Recall@N.

<embeddings>
  file.npy               2-D float32/float64 NumPy array (rows = items)
  file.tsv               TF Projector vectors: tab-separated numbers, one row per item, no header
  file.bytes             raw little-endian float32 (needs --dim)
  projector_config.json  TF Projector config: every embeddings[] entry is a variant; its
                         metadataPath (relative to the config) is used unless --metadata is given

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
  --seeds <s>            all (default) or a number of seeds sampled at random
  --seed <n>             random seed for sampling seeds and the bootstrap (default 0)
  --json                 print one JSON object:
                         {"variants":[{"name","n","dim","k","metric","whiten",
                           "facets":{"<column>":{"consistency","ci95":[lo,hi],"chance"}},
                           "recall":{"1","5","10","20"}}]}
  -h, --help             show this help

Exit status: 0 ok, 1 bad input file, 2 bad command line, 3 internal error.
`;

type WhitenSpec = 'none' | 'full' | number;

export interface VariantReport {
  name: string;
  n: number;
  dim: number;
  k: number;
  metric: Metric;
  whiten: WhitenSpec;
  facets: Record<string, { consistency: number; ci95: [number, number]; chance: number }>;
  recall?: Record<string, number>;
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
  const seedsArg = ((values.seeds as string | undefined) ?? 'all').trim();
  const seedCount: number | 'all' = seedsArg === 'all' ? 'all' : positiveInt(CMD, 'seeds', seedsArg, 0);
  const seed = nonNegInt(CMD, 'seed', values.seed as string | undefined, 0);

  // The compute core and loaders are loaded only now: --help and flag errors stay instant.
  const sources = await evalSources({ positionals, metadata: values.metadata as string | undefined, dim });
  const [{ evaluateVariant }, { sampleSeeds }, { applyWhitening, fitWhitening }, { checkRowCount }] = await Promise.all([
    import('../compute/evaluate.ts'),
    import('../compute/sampling.ts'),
    import('../compute/whitening.ts'),
    import('../data/metadata.ts'),
  ]);
  const t0 = performance.now();
  const reports: VariantReport[] = [];
  const progress = io.stderrIsTTY && !values.json;
  for (const src of sources) {
    const metaFile = src.metadataFile;
    const meta = await src.metadata();
    if (meta.facets.length === 0 && !meta.identity) {
      const why = meta.ignored.map((c) => `${c.name}: ${c.reason}`).join('; ');
      throw new InputError(metaFile, `nothing to evaluate: no column has repeated values and there is no "identity" column${why ? ` (${why})` : ''}`);
    }
    const x = await src.load();
    checkRowCount(meta.n, metaFile, x.n, src.file);
    if (k >= x.n) {
      throw new InputError(src.file, `has ${x.n} items; --k ${k} needs at least ${k + 1} (the seed itself is excluded)`);
    }
    const seeds = sampleSeeds(x.n, seedCount === 'all' || seedCount >= x.n ? 'all' : seedCount, seed);
    let fitted: Whitening | undefined;
    for (const w of whitens) {
      let xv = x;
      if (w !== 'none') {
        if (typeof w === 'number' && w > x.dim) {
          throw new InputError(src.file, `has ${x.dim} dimensions; --whiten ${w} cannot keep more directions than that`);
        }
        fitted ??= fitWhitening(x);
        xv = applyWhitening(x, fitted, w === 'full' ? undefined : w);
      }
      const name = w === 'none' ? src.name : w === 'full' ? `${src.name}+w` : `${src.name}+w${w}`;
      if (progress) io.stderr(`evaluating ${name} (${x.n} × ${xv.dim})…\n`);
      const m = evaluateVariant(xv, { k, metric, seeds, facets: meta.facets, identity: meta.identity, bootstrapSeed: seed });
      reports.push(toReport(name, m, w));
    }
  }
  const seconds = (performance.now() - t0) / 1000;

  if (values.json) {
    io.stdout(`${JSON.stringify({ variants: reports })}\n`);
  } else {
    io.stdout(formatEvalTable(reports, { seeds: seedsArg, seed, seconds }));
  }
  return 0;
}

function toReport(
  name: string,
  m: { n: number; dim: number; k: number; metric: Metric; facets: Record<string, FacetScore>; recall?: Record<string, number> },
  whiten: WhitenSpec,
): VariantReport {
  const facets: VariantReport['facets'] = {};
  for (const [col, f] of Object.entries(m.facets)) {
    facets[col] = { consistency: f.consistency, ci95: [f.ci95[0], f.ci95[1]], chance: f.chance };
  }
  const r: VariantReport = { name, n: m.n, dim: m.dim, k: m.k, metric: m.metric, whiten, facets };
  if (m.recall) r.recall = { ...m.recall };
  return r;
}

function parseWhiten(arg: string): WhitenSpec[] {
  const out: WhitenSpec[] = [];
  for (const part of arg.split(',').map((s) => s.trim())) {
    let w: WhitenSpec;
    if (part === 'none' || part === 'full') w = part;
    else if (/^\d+$/.test(part) && Number(part) > 0) w = Number(part);
    else throw new UsageError(`${CMD}: --whiten must be none, full or a positive number of directions (or a comma-separated list), got ${JSON.stringify(arg)}`);
    if (!out.includes(w)) out.push(w);
  }
  return out;
}
