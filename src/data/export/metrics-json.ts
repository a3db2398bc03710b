/** Metrics rows as JSON: one object per variant with its facets' consistency, 95% interval and chance, and Recall@N. */
import type { VariantMetrics } from '../../compute/evaluate.ts';
import type { WhitenSpec } from '../../compute/whiten-spec.ts';

export interface MetricsExportRow {
  variant: string;
  /** The embedding source (model or fused pair) the variant comes from. */
  source?: string;
  whiten: WhitenSpec;
  /** Seed items scored. */
  seeds: number;
  metrics: VariantMetrics;
}

export interface MetricsJsonRow {
  variant: string;
  source?: string;
  n: number;
  dim: number;
  k: number;
  metric: string;
  whiten: WhitenSpec;
  seeds: number;
  facets: Record<string, { consistency: number; ci95: [number, number]; chance: number }>;
  recall: Record<string, number> | null;
}

export interface MetricsJson {
  format: 'recall-lens-metrics';
  version: 1;
  corpus?: { name: string; n: number };
  settings?: Record<string, unknown>;
  rows: MetricsJsonRow[];
}

export function metricsJsonRows(rows: readonly MetricsExportRow[]): MetricsJsonRow[] {
  return rows.map(({ variant, source, whiten, seeds, metrics: m }) => {
    const facets: MetricsJsonRow['facets'] = {};
    for (const [name, f] of Object.entries(m.facets)) facets[name] = { consistency: f.consistency, ci95: [f.ci95[0], f.ci95[1]], chance: f.chance };
    const row: MetricsJsonRow = { variant, n: m.n, dim: m.dim, k: m.k, metric: m.metric, whiten, seeds, facets, recall: m.recall ? { ...m.recall } : null };
    if (source !== undefined) row.source = source;
    return row;
  });
}

export function metricsToJson(rows: readonly MetricsExportRow[], context: { corpus?: { name: string; n: number }; settings?: Record<string, unknown> } = {}): string {
  const doc: MetricsJson = { format: 'recall-lens-metrics', version: 1, ...context, rows: metricsJsonRows(rows) };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
