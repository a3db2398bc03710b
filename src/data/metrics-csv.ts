/**
 * Metrics rows as CSV: one line per variant, consistency + 95% interval + chance per facet, Recall@N;
 * when any row carries them, the probe's top-1/top-5 per facet and hubness (skew, anti-hub share).
 */
import type { VariantMetrics } from '../compute/evaluate.ts';

export interface MetricsCsvRow {
  variant: string;
  metrics: VariantMetrics;
}

export function metricsToCsv(rows: MetricsCsvRow[], facets: string[], recallAt: string[]): string {
  const header = ['variant', 'n', 'dim', 'k', 'metric'];
  for (const f of facets) header.push(`${f}_consistency`, `${f}_ci95_lo`, `${f}_ci95_hi`, `${f}_chance`);
  for (const n of recallAt) header.push(`recall@${n}`);
  const probeFacets = facets.filter((f) => rows.some((r) => r.metrics.probe?.[f]));
  for (const f of probeFacets) header.push(`${f}_probe_top1`, `${f}_probe_top5`);
  const hub = rows.some((r) => r.metrics.hubness);
  if (hub) header.push('hubness_skew', 'antihubs');
  const lines = [header.join(',')];
  for (const { variant, metrics: m } of rows) {
    const cells: Array<string | number> = [quote(variant), m.n, m.dim, m.k, m.metric];
    for (const f of facets) {
      const s = m.facets[f];
      cells.push(s ? s.consistency : '', s ? s.ci95[0] : '', s ? s.ci95[1] : '', s ? s.chance : '');
    }
    for (const n of recallAt) cells.push(m.recall?.[n] ?? '');
    for (const f of probeFacets) cells.push(num(m.probe?.[f]?.top1), num(m.probe?.[f]?.top5));
    if (hub) cells.push(num(m.hubness?.skew), num(m.hubness?.antihubs));
    lines.push(cells.join(','));
  }
  return lines.join('\n') + '\n';
}

function quote(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A figure, or an empty cell when absent or not a number. */
function num(v: number | undefined): string | number {
  return v === undefined || !Number.isFinite(v) ? '' : v;
}
