import { describe, expect, it } from 'vitest';
import { finishedRows, pairScore, useCompare, withCompare } from '../src/state/compare.ts';
import { useSelection } from '../src/state/selection.ts';
import type { VariantMetrics } from '../src/compute/evaluate.ts';
import type { VariantRow } from '../src/state/store.ts';

const metrics: VariantMetrics = { n: 3, dim: 2, k: 1, metric: 'euclidean', facets: {} };

describe('compare state', () => {
  it('withCompare adds the probe and hubness a variant has, and nothing otherwise', () => {
    const s = {
      probes: { a: { status: 'done' as const, progress: 1, scores: { style: { top1: 0.5, top5: 1 } } } },
      hubness: { a: { skew: 1, antihubs: 0.1 } },
    };
    expect(withCompare('a', metrics, s)).toEqual({
      ...metrics,
      probe: { style: { top1: 0.5, top5: 1 } },
      hubness: { skew: 1, antihubs: 0.1 },
    });
    expect(withCompare('b', metrics, s)).toBe(metrics);
    expect(withCompare('a', metrics)).toBe(metrics); // the store starts empty
    expect(useCompare.getState().status).toBe('idle');
  });

  it('finished rows keep table order; pairs are found in either order', () => {
    const knn = { k: 1, seeds: new Int32Array(1), indices: new Int32Array(1), distances: new Float64Array(1) };
    const row = (variant: string, status: VariantRow['status']): VariantRow => ({
      variant,
      encoderId: 'e',
      whiten: 'none',
      status,
      progress: 1,
      knn,
    });
    const rows = { a: row('a', 'done'), b: row('b', 'running'), c: row('c', 'done') };
    expect(finishedRows(rows, ['c', 'b', 'a']).map((r) => r.variant)).toEqual(['c', 'a']);
    expect(pairScore([{ a: 'a', b: 'c', overlap: 0.5, cka: 0.9 }], 'c', 'a')?.cka).toBe(0.9);
  });

  it('a brush selects its rows as the lasso; a new lasso drops the brush; clearing the brush clears its lasso', () => {
    const rows = Int32Array.of(1, 2);
    useSelection.getState().setBrush({ rows, label: 'x' });
    expect(useSelection.getState().lasso).toBe(rows);
    useSelection.getState().setBrush(null);
    expect(useSelection.getState().lasso).toBeNull();
    useSelection.getState().setBrush({ rows, label: 'x' });
    useSelection.getState().setLasso(Int32Array.of(5));
    expect(useSelection.getState().brush).toBeNull();
    expect(Array.from(useSelection.getState().lasso!)).toEqual([5]);
  });
});
