/** Metrics as JSON (one object per variant) and the same rows through the CSV writer. */
import { describe, expect, it } from 'vitest';
import type { VariantMetrics } from '../../../src/compute/evaluate.ts';
import { metricsToJson, type MetricsExportRow } from '../../../src/data/export/metrics-json.ts';
import { metricsToCsv } from '../../../src/data/metrics-csv.ts';
import { parseTable } from '../../../src/data/table.ts';

const m = (dim: number, c: number, recall?: Record<string, number>): VariantMetrics => ({
  n: 200,
  dim,
  k: 10,
  metric: 'euclidean',
  facets: {
    style: { consistency: c, ci95: [c - 0.05, c + 0.05], chance: 0.25, seeds: 200 },
    group: { consistency: c / 2, ci95: [c / 2 - 0.01, c / 2 + 0.01], chance: 0.1, seeds: 180 },
  },
  recall,
});

const rows: MetricsExportRow[] = [
  { variant: 'pixels', source: 'pixels', whiten: 'none', seeds: 200, metrics: m(64, 0.61, { '1': 0.2, '5': 0.4, '10': 0.5, '20': 0.7 }) },
  { variant: 'pixels+w32', source: 'pixels', whiten: 32, seeds: 200, metrics: m(32, 0.73) },
];

describe('metricsToJson', () => {
  it('every row: variant, n, dim, k, metric, whiten, seeds, facets {consistency, ci95, chance}, recall', () => {
    const doc = JSON.parse(metricsToJson(rows, { corpus: { name: 'emoji-styles', n: 200 }, settings: { k: 10, metric: 'euclidean' } }));
    expect(doc.format).toBe('recall-lens-metrics');
    expect(doc.corpus).toEqual({ name: 'emoji-styles', n: 200 });
    expect(doc.rows).toEqual([
      {
        variant: 'pixels',
        source: 'pixels',
        n: 200,
        dim: 64,
        k: 10,
        metric: 'euclidean',
        whiten: 'none',
        seeds: 200,
        facets: {
          style: { consistency: 0.61, ci95: [0.61 - 0.05, 0.61 + 0.05], chance: 0.25 },
          group: { consistency: 0.305, ci95: [0.305 - 0.01, 0.305 + 0.01], chance: 0.1 },
        },
        recall: { '1': 0.2, '5': 0.4, '10': 0.5, '20': 0.7 },
      },
      {
        variant: 'pixels+w32',
        source: 'pixels',
        n: 200,
        dim: 32,
        k: 10,
        metric: 'euclidean',
        whiten: 32,
        seeds: 200,
        facets: {
          style: { consistency: 0.73, ci95: [0.73 - 0.05, 0.73 + 0.05], chance: 0.25 },
          group: { consistency: 0.365, ci95: [0.365 - 0.01, 0.365 + 0.01], chance: 0.1 },
        },
        recall: null,
      },
    ]);
  });

  it('the CSV of the same rows carries the same numbers', () => {
    const csv = metricsToCsv(
      rows.map((r) => ({ variant: r.variant, metrics: r.metrics })),
      ['style', 'group'],
      ['1', '5', '10', '20'],
    );
    const t = parseTable(csv, 'metrics.csv');
    const col = (name: string) => t.columns[t.names.indexOf(name)];
    expect(col('variant')).toEqual(['pixels', 'pixels+w32']);
    expect(col('style_consistency').map(Number)).toEqual([0.61, 0.73]);
    expect(col('group_ci95_hi').map(Number)).toEqual([0.305 + 0.01, 0.365 + 0.01]);
    expect(col('recall@10')).toEqual(['0.5', '']);
  });
});
