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
  /** Probe top-1/top-5 per facet, when it was run. */
  probe?: Record<string, { top1: number; top5: number }>;
  /** Hubness of the K-NN graph, when measured (null figures: not every item was a seed). */
  hubness?: { skew: number | null; antihubs: number | null };
}

/** A pair of variants compared: mean neighbour overlap@K and linear CKA. */
export interface MetricsJsonPair {
  a: string;
  b: string;
  overlap: number;
  cka: number;
}

export interface MetricsJson {
  format: 'recall-lens-metrics';
  version: 1;
  corpus?: { name: string; n: number };
  settings?: Record<string, unknown>;
  rows: MetricsJsonRow[];
  /** Every pair of variants compared (when the comparison ran), and the CKA sample if one was used. */
  pairs?: MetricsJsonPair[];
  ckaSample?: { items: number; of: number; seed: number } | null;
}

export function metricsJsonRows(rows: readonly MetricsExportRow[]): MetricsJsonRow[] {
  return rows.map(({ variant, source, whiten, seeds, metrics: m }) => {
    const facets: MetricsJsonRow['facets'] = {};
    for (const [name, f] of Object.entries(m.facets))
      facets[name] = { consistency: f.consistency, ci95: [f.ci95[0], f.ci95[1]], chance: f.chance };
    const row: MetricsJsonRow = {
      variant,
      n: m.n,
      dim: m.dim,
      k: m.k,
      metric: m.metric,
      whiten,
      seeds,
      facets,
      recall: m.recall ? { ...m.recall } : null,
    };
    if (source !== undefined) row.source = source;
    if (m.probe) row.probe = Object.fromEntries(Object.entries(m.probe).map(([f, p]) => [f, { top1: p.top1, top5: p.top5 }]));
    if (m.hubness) row.hubness = { skew: finite(m.hubness.skew), antihubs: finite(m.hubness.antihubs) };
    return row;
  });
}

function finite(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

export function metricsToJson(
  rows: readonly MetricsExportRow[],
  context: {
    corpus?: { name: string; n: number };
    settings?: Record<string, unknown>;
    pairs?: MetricsJsonPair[];
    ckaSample?: MetricsJson['ckaSample'];
  } = {},
): string {
  const { pairs, ckaSample, ...rest } = context;
  const compared = pairs ? { pairs, ckaSample: ckaSample ?? null } : {};
  const doc: MetricsJson = { format: 'recall-lens-metrics', version: 1, ...rest, rows: metricsJsonRows(rows), ...compared };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
