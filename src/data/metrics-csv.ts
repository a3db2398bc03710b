/** Metrics rows as CSV: one line per variant, consistency + 95% interval + chance per facet, Recall@N. */
import type { VariantMetrics } from '../compute/evaluate.ts';

export interface MetricsCsvRow {
  variant: string;
  metrics: VariantMetrics;
}

export function metricsToCsv(rows: MetricsCsvRow[], facets: string[], recallAt: string[]): string {
  const header = ['variant', 'n', 'dim', 'k', 'metric'];
  for (const f of facets) header.push(`${f}_consistency`, `${f}_ci95_lo`, `${f}_ci95_hi`, `${f}_chance`);
  for (const n of recallAt) header.push(`recall@${n}`);
  const lines = [header.join(',')];
  for (const { variant, metrics: m } of rows) {
    const cells: Array<string | number> = [quote(variant), m.n, m.dim, m.k, m.metric];
    for (const f of facets) {
      const s = m.facets[f];
      cells.push(s ? s.consistency : '', s ? s.ci95[0] : '', s ? s.ci95[1] : '', s ? s.chance : '');
    }
    for (const n of recallAt) cells.push(m.recall?.[n] ?? '');
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

function quote(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
