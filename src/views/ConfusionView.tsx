/** Which labels a variant mixes up: seed label × recalled label counts (a heatmap when small) and the top pairs. */
import { useMemo } from 'react';
import type { AnalysisSession } from '../state/session.ts';
import type { KnnResult, LabelColumn } from '../compute/types.ts';
import { confusion, seedsWithConfusion, topConfusions } from '../compute/badcases.ts';
import { openSeed } from '../state/navigation.ts';

const HEATMAP_MAX = 12;

export function ConfusionView({ knn, facet, k }: { session: AnalysisSession; knn: KnnResult; facet: LabelColumn; k: number }) {
  const m = useMemo(() => confusion(knn, facet, k), [knn, facet, k]);
  const top = useMemo(() => topConfusions(m, 12), [m]);
  const open = (i: number, j: number) => {
    const seeds = seedsWithConfusion(knn, facet, k, i, j);
    if (seeds.length > 0) openSeed(seeds[0], Int32Array.from(seeds));
  };
  let max = 0;
  for (const c of m.counts) max = Math.max(max, c);
  return (
    <div className="confusion" data-testid="confusion" data-facet={facet.name}>
      <h3>{facet.name}: seed label × recalled label</h3>
      {m.size <= HEATMAP_MAX && (
        <table className="heatmap">
          <thead>
            <tr>
              <th />
              {facet.values.map((v) => (
                <th key={v} title={v}>
                  {v.slice(0, 10)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {facet.values.map((v, i) => (
              <tr key={v}>
                <th title={v}>{v.slice(0, 18)}</th>
                {facet.values.map((w, j) => {
                  const c = m.counts[i * m.size + j];
                  const t = max ? c / max : 0;
                  return (
                    <td
                      key={w}
                      data-testid="confusion-cell"
                      data-seed-label={v}
                      data-recalled-label={w}
                      style={{ background: `rgba(${i === j ? '18,183,106' : '240,68,56'},${t.toFixed(3)})` }}
                      onClick={() => i !== j && open(i, j)}
                    >
                      {c}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ol className="pairs">
        {top.map((p) => (
          <li key={`${p.seedLabel}-${p.recalledLabel}`}>
            <button className="plain" data-testid="confusion-pair" onClick={() => open(p.seedLabel, p.recalledLabel)}>
              {facet.values[p.seedLabel]} → {facet.values[p.recalledLabel]}: {p.count} ({(100 * p.share).toFixed(1)}%)
            </button>
          </li>
        ))}
      </ol>
    </div>
  );
}
