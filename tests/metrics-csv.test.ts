import { describe, expect, it } from 'vitest';
import { metricsToCsv } from '../src/data/metrics-csv.ts';

describe('metricsToCsv', () => {
  it('writes one header and one line per variant, with empty cells for missing facets', () => {
    const csv = metricsToCsv(
      [
        {
          variant: 'pixels+w',
          metrics: {
            n: 4,
            dim: 2,
            k: 1,
            metric: 'euclidean',
            facets: { style: { consistency: 0.5, ci95: [0.25, 0.75], chance: 0.5, seeds: 4 } },
            recall: { '1': 0.25 },
          },
        },
        { variant: 'a,"b"', metrics: { n: 4, dim: 2, k: 1, metric: 'cosine', facets: {} } },
      ],
      ['style'],
      ['1'],
    );
    expect(csv).toBe(
      'variant,n,dim,k,metric,style_consistency,style_ci95_lo,style_ci95_hi,style_chance,recall@1\n' +
        'pixels+w,4,2,1,euclidean,0.5,0.25,0.75,0.5,0.25\n' +
        '"a,""b""",4,2,1,cosine,,,,,\n',
    );
  });
});
