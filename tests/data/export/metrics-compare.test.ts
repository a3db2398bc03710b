import { describe, expect, it } from 'vitest';
import { metricsToJson } from '../../../src/data/export/metrics-json.ts';
import { metricsToCsv } from '../../../src/data/metrics-csv.ts';
import type { VariantMetrics } from '../../../src/compute/evaluate.ts';

const base: VariantMetrics = {
  n: 10,
  dim: 2,
  k: 3,
  metric: 'euclidean',
  facets: { style: { consistency: 0.5, ci95: [0.25, 0.75], chance: 0.5, seeds: 10 } },
};
const withCompare: VariantMetrics = { ...base, probe: { style: { top1: 0.5, top5: 1 } }, hubness: { skew: 1.25, antihubs: 0.1 } };

describe('metrics exports carry the probe, hubness and pairs', () => {
  it('CSV: probe and hubness columns only when a row has them; NaN hubness is an empty cell', () => {
    expect(metricsToCsv([{ variant: 'a', metrics: base }], ['style'], [])).not.toMatch(/probe|hubness/);
    const csv = metricsToCsv(
      [
        { variant: 'a', metrics: withCompare },
        { variant: 'b', metrics: { ...base, hubness: { skew: NaN, antihubs: NaN } } },
      ],
      ['style'],
      [],
    );
    expect(csv).toBe(
      'variant,n,dim,k,metric,style_consistency,style_ci95_lo,style_ci95_hi,style_chance,style_probe_top1,style_probe_top5,hubness_skew,antihubs\n' +
        'a,10,2,3,euclidean,0.5,0.25,0.75,0.5,0.5,1,1.25,0.1\n' +
        'b,10,2,3,euclidean,0.5,0.25,0.75,0.5,,,,\n',
    );
  });

  it('JSON: per-row probe and hubness, then the pairs and the CKA sample', () => {
    const doc = JSON.parse(
      metricsToJson(
        [
          { variant: 'a', whiten: 'none', seeds: 10, metrics: withCompare },
          { variant: 'b', whiten: 'full', seeds: 10, metrics: base },
        ],
        {
          pairs: [{ a: 'a', b: 'b', overlap: 0.4, cka: 0.9 }],
        },
      ),
    );
    expect(doc.rows[0].probe).toEqual({ style: { top1: 0.5, top5: 1 } });
    expect(doc.rows[0].hubness).toEqual({ skew: 1.25, antihubs: 0.1 });
    expect(doc.rows[1].probe).toBeUndefined();
    expect(doc.pairs).toEqual([{ a: 'a', b: 'b', overlap: 0.4, cka: 0.9 }]);
    expect(doc.ckaSample).toBeNull();
    expect(Object.keys(doc)).toEqual(['format', 'version', 'rows', 'pairs', 'ckaSample']);
    expect(JSON.parse(metricsToJson([{ variant: 'a', whiten: 'none', seeds: 10, metrics: base }])).pairs).toBeUndefined();
  });
});
