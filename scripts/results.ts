/**
 * Regenerates docs/RESULTS.md: every model in public/models/index.json is run through the CLI,
 *
 *   node bin/recall-lens.mjs embed --model public/models/<id>.card.json --demo --out out/<id>
 *   node bin/recall-lens.mjs eval out/<id>.npy --metadata out/<id>.tsv --k 10 --whiten none,full,32 --json
 *
 * plus, for an image-title pair (<p>-image + <p>-text cards) and when `embed --help` offers --fuse,
 * the fused item embedding (`embed --model <p>-image --model <p>-text --fuse --out out/<p>-fused`).
 * A model that cannot be embedded (e.g. a text card on a CLI that does not support text yet) is
 * listed with the error instead of failing the whole run.
 *
 *   npx tsx scripts/results.ts [--reuse] [--only id,id] [--doc docs/RESULTS.md]
 *
 * --reuse skips `embed` when out/<id>.npy and .tsv already exist. The hand-written discussion between
 * the markers <!-- notes:start --> and <!-- notes:end --> of the existing file is kept.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'bin', 'recall-lens.mjs');
const K = 10;
const WHITEN = 'none,full,32';
const FACETS = ['style', 'category', 'subcategory'];
const BASELINES = ['pixels', 'random-cnn'];
const SSL = ['moco-v2', 'swav'];

interface FacetJson {
  consistency: number;
  ci95: [number, number];
  chance: number;
}
interface VariantJson {
  name: string;
  n: number;
  dim: number;
  k: number;
  whiten: string;
  facets: Record<string, FacetJson>;
  recall?: Record<string, number>;
}
interface Card {
  id: string;
  name: string;
  modality: string;
  input?: { size?: number };
  training?: Record<string, unknown>;
}
interface Row {
  id: string;
  label: string;
  variants?: VariantJson[];
  error?: string;
  card?: Card;
}

const args = process.argv.slice(2);
const reuse = args.includes('--reuse');
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? new Set(args[onlyIdx + 1].split(',')) : null;
const docIdx = args.indexOf('--doc');
const DOC = path.resolve(ROOT, docIdx >= 0 ? args[docIdx + 1] : 'docs/RESULTS.md');

function cli(argv: string[]): string {
  return execFileSync(process.execPath, [CLI, ...argv], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function errorText(e: unknown): string {
  const err = e as { stderr?: string; message?: string };
  const text = (err.stderr && err.stderr.trim()) || err.message || String(e);
  return (
    text
      .split('\n')
      .filter((l) => l.trim() !== '')[0]
      ?.slice(0, 300) ?? 'unknown error'
  );
}

function evaluate(id: string, label: string, embedArgs: string[], card?: Card): Row {
  const prefix = path.join('out', id);
  try {
    if (!(reuse && existsSync(path.join(ROOT, `${prefix}.npy`)) && existsSync(path.join(ROOT, `${prefix}.tsv`)))) {
      process.stderr.write(`embed ${id} …\n`);
      process.stderr.write(cli(['embed', ...embedArgs, '--demo', '--out', prefix]));
    }
    process.stderr.write(`eval ${id} …\n`);
    const out = cli(['eval', `${prefix}.npy`, '--metadata', `${prefix}.tsv`, '--k', String(K), '--whiten', WHITEN, '--json']);
    const json = JSON.parse(out) as { variants: VariantJson[] };
    return { id, label, variants: json.variants, card };
  } catch (e) {
    process.stderr.write(`  ${id}: ${errorText(e)}\n`);
    return { id, label, error: errorText(e), card };
  }
}

const f3 = (x: number): string => x.toFixed(3);
const ci = (f: FacetJson): string => `${f3(f.consistency)} [${f3(f.ci95[0])}, ${f3(f.ci95[1])}]`;
const pct = (x: number | undefined): string => (x === undefined ? '–' : `${(100 * x).toFixed(1)}%`);
function variantLabel(v: VariantJson): string {
  if (v.whiten === 'none') return 'raw';
  if (v.whiten === 'full') return '+w';
  return `+w (${v.whiten} dim)`;
}

// ---------------------------------------------------------------------------------------------
const index = JSON.parse(readFileSync(path.join(ROOT, 'public', 'models', 'index.json'), 'utf8')) as { models: string[] };
const cards: Card[] = index.models.map((f) => JSON.parse(readFileSync(path.join(ROOT, 'public', 'models', f), 'utf8')) as Card);
const rows: Row[] = [];
for (const card of cards) {
  if (only && !only.has(card.id)) continue;
  rows.push(evaluate(card.id, card.name, ['--model', `public/models/${card.id}.card.json`], card));
}
const help = cli(['embed', '--help']);
const fuseNotes: string[] = [];
for (const text of cards.filter((c) => c.modality === 'text' && c.id.endsWith('-text'))) {
  const stem = text.id.slice(0, -'-text'.length);
  const image = cards.find((c) => c.id === `${stem}-image` && c.modality === 'image');
  if (!image) continue;
  const id = `${stem}-fused`;
  if (only && !only.has(id)) continue;
  if (!help.includes('--fuse')) {
    fuseNotes.push(`${id}: not evaluated, this CLI's embed has no --fuse option yet.`);
    continue;
  }
  const label = `Image–title fused: ${image.id} ⊕ ${text.id}, concat of L2-normalised rows`;
  rows.push(
    evaluate(id, label, ['--model', `public/models/${image.id}.card.json`, '--model', `public/models/${text.id}.card.json`, '--fuse']),
  );
}

// ---------------------------------------------------------------------------------------------
const ok = rows.filter((r) => r.variants);
const first = ok[0]?.variants?.[0];
const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'public', 'data', 'emoji-styles', 'manifest.json'), 'utf8')) as {
  hash: string;
  n: number;
};

const lines: string[] = [];
lines.push('# Results: which embedding recalls more consistent neighbours?');
lines.push('');
lines.push(
  `Generated by \`npx tsx scripts/results.ts\` (git ${commit.slice(0, 12)}, demo corpus emoji-styles, ` +
    `n = ${manifest.n}, hash ${manifest.hash.slice(0, 12)}). Every number below comes from the CLI: ` +
    '`recall-lens embed --model public/models/<id>.card.json --demo --out out/<id>` then ' +
    `\`recall-lens eval out/<id>.npy --metadata out/<id>.tsv --k ${K} --whiten ${WHITEN} --json\`.`,
);
lines.push('');
lines.push(
  `Like Table 1 of the seed: every item is a seed; its K = ${K} nearest neighbours (Euclidean); ` +
    "**consistency** = mean fraction of the neighbours that share the seed's label, with a 95% bootstrap interval " +
    'over seeds. **Recall@N** (identity): the same emoji drawn by another vendor is among the N nearest neighbours. ' +
    '"+w" = whitened (Su et al. 2021), "+w (32 dim)" = whitened keeping the top 32 directions. Labels are never used in training.',
);
lines.push('');
if (first) {
  const chance = FACETS.map((f) => `${f} ${f3(first.facets[f]?.chance ?? NaN)}`).join(', ');
  lines.push(`Chance level (Σ p², a neighbour drawn at random): ${chance}.`);
  lines.push('');
}
lines.push(`| encoder | variant | dim | style | category | subcategory | R@1 | R@10 |`);
lines.push(`|---|---|---|---|---|---|---|---|`);
for (const r of rows) {
  if (!r.variants) {
    lines.push(`| ${r.label} (\`${r.id}\`) | – | – | not evaluated: ${r.error?.replace(/\|/g, '\\|')} | | | | |`);
    continue;
  }
  for (const v of r.variants) {
    const fs = FACETS.map((f) => (v.facets[f] ? ci(v.facets[f]) : '–'));
    lines.push(
      `| ${r.label} (\`${r.id}\`) | ${variantLabel(v)} | ${v.dim} | ${fs.join(' | ')} | ${pct(v.recall?.['1'])} | ${pct(v.recall?.['10'])} |`,
    );
  }
}
for (const n of fuseNotes) lines.push('', n);
lines.push('');

// Goal check: best self-supervised image encoder vs both untrained baselines, style and category @K.
type Best = { id: string; v: VariantJson; f: FacetJson };
const bestOf = (ids: string[], facet = 'category'): Best | undefined => {
  let best: Best | undefined;
  for (const r of ok.filter((x) => ids.includes(x.id))) {
    for (const v of r.variants ?? []) {
      const f = v.facets[facet];
      if (f && (!best || f.consistency > best.f.consistency)) best = { id: r.id, v, f };
    }
  }
  return best;
};
lines.push('## Goal check (computed)');
lines.push('');
const GOAL_FACETS = ['style', 'category'];
const ssl = bestOf(SSL);
const perBaseline = BASELINES.map((b) => bestOf([b])).filter((b): b is Best => b !== undefined);
if (ssl && perBaseline.length) {
  let goal = true;
  for (const facet of GOAL_FACETS) {
    const s = bestOf(SSL, facet);
    if (!s) continue;
    lines.push(`Best self-supervised image encoder on ${facet} consistency@${K}: \`${s.id}\` ${variantLabel(s.v)}, ${ci(s.f)}.`);
    for (const b of BASELINES.map((id) => bestOf([id], facet)).filter((x): x is Best => x !== undefined)) {
      const sep = s.f.ci95[0] > b.f.ci95[1];
      goal = goal && sep;
      const verdict = sep
        ? 'beats it with non-overlapping 95% intervals'
        : s.f.consistency > b.f.consistency
          ? 'is higher, but the 95% intervals overlap'
          : 'does NOT beat it';
      lines.push(`- vs best \`${b.id}\` variant (${variantLabel(b.v)}, ${ci(b.f)}): ${verdict}.`);
    }
    lines.push('');
  }
  lines.push(
    `**Goal (best SSL encoder beats both untrained baselines on style and on category, non-overlapping intervals): ${goal ? 'met' : 'NOT met'}.**`,
  );
  const fused = ok.find((r) => r.id.endsWith('-fused'));
  if (fused) {
    const bf = bestOf([fused.id]);
    const bestImage = bestOf(ok.filter((r) => r.card?.modality === 'image').map((r) => r.id));
    if (bf && bestImage) {
      const sepF = bf.f.ci95[0] > bestImage.f.ci95[1];
      lines.push(
        `Fused image–title embedding, best variant: ${ci(bf.f)} vs best image-only (\`${bestImage.id}\` ${variantLabel(bestImage.v)}, ${ci(bestImage.f)}): ` +
          `${sepF ? 'beats every image-only embedding with non-overlapping intervals' : bf.f.consistency > bestImage.f.consistency ? 'higher, intervals overlap' : 'does NOT beat the best image-only embedding'}.`,
      );
    }
  }
} else {
  lines.push('Not computed: the self-supervised models or the baselines are missing from public/models/index.json.');
}
lines.push('');

// Training summary from the cards.
const trained = rows.filter((r) => r.card?.training);
if (trained.length) {
  lines.push('## How the trained encoders were trained (from their model cards)');
  lines.push('');
  lines.push('| model | input | epochs | steps | wall time | final loss | seed | hardware |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const r of trained) {
    const t = r.card?.training ?? {};
    const get = (k: string): string => (t[k] === undefined ? '–' : String(t[k]));
    const wall = typeof t.wall_time_seconds === 'number' ? `${(t.wall_time_seconds / 60).toFixed(1)} min` : get('wallTimeSeconds');
    lines.push(
      `| \`${r.id}\` | ${r.card?.modality === 'image' ? `${r.card?.input?.size ?? '–'} px` : (r.card?.modality ?? '–')} | ${get('epochs')} | ${get('steps')} | ${wall} | ${t.final_loss ?? t.finalLoss ?? '–'} | ${get('seed')} | ${String(t.hardware ?? '–').slice(0, 80)} |`,
    );
  }
  lines.push('');
}

// Keep the hand-written discussion.
const START = '<!-- notes:start -->';
const END = '<!-- notes:end -->';
let notes = `${START}\n## What the numbers show\n\n(Write the discussion here; scripts/results.ts keeps this block.)\n${END}`;
if (existsSync(DOC)) {
  const old = readFileSync(DOC, 'utf8');
  const a = old.indexOf(START);
  const b = old.indexOf(END);
  if (a >= 0 && b > a) notes = old.slice(a, b + END.length);
}
lines.push(notes);
lines.push('');
writeFileSync(DOC, lines.join('\n'));
process.stderr.write(`wrote ${path.relative(ROOT, DOC)} (${rows.length} encoders)\n`);
