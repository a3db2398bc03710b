/** Human-readable output of `recall-lens eval`: one aligned row per variant, like Table 1. */
import type { VariantReport } from './eval.ts';

const RECALL_NS = ['1', '5', '10', '20'];

export function formatEvalTable(reports: VariantReport[], info: { seeds: string; seed: number; seconds: number }): string {
  const facetNames: string[] = [];
  for (const r of reports) for (const f of Object.keys(r.facets)) if (!facetNames.includes(f)) facetNames.push(f);
  const recallNs = RECALL_NS.filter((n) => reports.some((r) => r.recall && r.recall[n] !== undefined));
  for (const r of reports) {
    for (const n of Object.keys(r.recall ?? {})) if (!recallNs.includes(n)) recallNs.push(n);
  }

  const header = ['variant', 'n', 'dim', 'whiten', ...facetNames, ...recallNs.map((n) => `R@${n}`)];
  const right = header.map((_, j) => j === 1 || j === 2 || j >= 4);
  const rows: string[][] = reports.map((r) => [
    r.name,
    String(r.n),
    String(r.dim),
    typeof r.whiten === 'number' ? `top ${r.whiten}` : r.whiten,
    ...facetNames.map((f) => {
      const s = r.facets[f];
      return s ? `${fix(s.consistency)} [${fix(s.ci95[0])}, ${fix(s.ci95[1])}]` : '-';
    }),
    ...recallNs.map((n) => (r.recall?.[n] !== undefined ? fix(r.recall[n]) : '-')),
  ]);
  if (facetNames.length > 0) {
    rows.push([
      'chance (sum p^2)',
      '',
      '',
      '',
      ...facetNames.map((f) => {
        const vals = new Set(reports.filter((r) => r.facets[f]).map((r) => fix(r.facets[f].chance)));
        return vals.size === 1 ? [...vals][0] : 'varies';
      }),
      ...recallNs.map(() => ''),
    ]);
  }
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, j) => (right[j] ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  ')];
  rows.forEach((r, i) => {
    if (i === reports.length && facetNames.length > 0) out.push(widths.map((w) => '-'.repeat(w)).join('  '));
    out.push(line(r));
  });
  const first = reports[0];
  const seedsText =
    info.seeds === 'all' ? 'all items as seeds' : info.seeds === 'varies' ? `seeds: sampled per variant (seed ${info.seed})` : `seeds: ${info.seeds} sampled (seed ${info.seed})`;
  out.push('');
  out.push(
    `K=${first?.k ?? '?'} ${first?.metric ?? ''} neighbours, ${seedsText}; facet cells: consistency [95% bootstrap CI]; ${info.seconds.toFixed(2)} s`,
  );
  return out.join('\n') + '\n';
}

function fix(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : String(v);
}
