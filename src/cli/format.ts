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
    info.seeds === 'all'
      ? 'all items as seeds'
      : info.seeds === 'varies'
        ? `seeds: sampled per variant (seed ${info.seed})`
        : `seeds: ${info.seeds} sampled (seed ${info.seed})`;
  out.push('');
  out.push(
    `K=${first?.k ?? '?'} ${first?.metric ?? ''} neighbours, ${seedsText}; facet cells: consistency [95% bootstrap CI]; ${info.seconds.toFixed(2)} s`,
  );
  return out.join('\n') + '\n';
}

function fix(v: number): string {
  return Number.isFinite(v) ? v.toFixed(4) : String(v);
}

/** `--compare` / `--probe` sections: the variant pairs (overlap@K, CKA), then probe and hubness per variant. */
export function formatCompare(
  reports: VariantReport[],
  pairs: { a: string; b: string; overlap: number; cka: number }[] | undefined,
  ckaNote: string,
): string {
  const out: string[] = [''];
  const table = (header: string[], rows: string[][], left: number) => {
    const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
    const line = (cells: string[]) =>
      cells
        .map((c, j) => (j < left ? c.padEnd(widths[j]) : c.padStart(widths[j])))
        .join('  ')
        .trimEnd();
    out.push(line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line));
  };
  if (pairs && pairs.length > 0) {
    table(
      ['variant A', 'variant B', 'overlap@K', 'linear CKA'],
      pairs.map((p) => [p.a, p.b, fix(p.overlap), fix(p.cka)]),
      2,
    );
    out.push(`overlap@K: mean share of the K neighbours both variants recall; ${ckaNote || 'CKA on every item'}`, '');
  }
  const probeFacets: string[] = [];
  for (const r of reports) for (const f of Object.keys(r.probe ?? {})) if (!probeFacets.includes(f)) probeFacets.push(f);
  const hub = reports.some((r) => r.hubness);
  if (probeFacets.length > 0 || hub) {
    const header = ['variant', ...probeFacets.map((f) => `probe ${f} top1/top5`), ...(hub ? ['hub skew', 'anti-hubs'] : [])];
    table(
      header,
      reports.map((r) => [
        r.name,
        ...probeFacets.map((f) => (r.probe?.[f] ? `${fix(r.probe[f].top1)} / ${fix(r.probe[f].top5)}` : '-')),
        ...(hub ? [fix(r.hubness?.skew ?? NaN), fix(r.hubness?.antihubs ?? NaN)] : []),
      ]),
      1,
    );
    if (probeFacets.length > 0) {
      out.push('probe: multinomial logistic regression (C=1) on standardised vectors, trained on index % 5 != 4, tested on index % 5 == 4');
    }
    if (hub && reports.some((r) => !Number.isFinite(r.hubness?.skew ?? NaN))) out.push('hubness needs every item as a seed (--seeds all)');
  }
  return out.join('\n') + '\n';
}
