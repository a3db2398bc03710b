/** Table 1 of the seed, live: one row per variant, consistency per facet with 95% interval, Recall@N. */
import { useMemo, useState } from 'react';
import { useStore, type VariantRow } from '../state/store.ts';
import { metricsToCsv } from '../data/metrics-csv.ts';
import type { AnalysisSession } from '../state/session.ts';
import { useSelection } from '../state/selection.ts';
import { openSeed } from '../state/navigation.ts';
import { lowestFirst, seedScores } from '../compute/badcases.ts';
import { download } from './download.ts';
import { useCompare, withCompare } from '../state/compare.ts';

const RECALL_AT = ['1', '5', '10', '20'];

type SortKey = { column: string; descending: boolean } | null;

function value(row: VariantRow, column: string): number {
  const m = row.metrics;
  if (!m) return Number.NEGATIVE_INFINITY;
  if (column.startsWith('recall@')) return m.recall?.[column.slice(7)] ?? Number.NEGATIVE_INFINITY;
  return m.facets[column]?.consistency ?? Number.NEGATIVE_INFINITY;
}

export function MetricsTable({ session }: { session: AnalysisSession }) {
  const facets = session.facetNames;
  const hasIdentity = Boolean(session.identity);
  const hidden = useStore((s) => s.hidden);
  const toggleHidden = useStore((s) => s.toggleHidden);
  const k = useStore((s) => s.settings.k);
  const facetName = useSelection((s) => s.facet) ?? facets[0];
  /** A click on a row opens that variant's worst seed (current facet) in the gallery, the queue after it. */
  const openWorst = (row: VariantRow) => {
    const facet = session.facets.find((f) => f.name === facetName);
    if (!row.knn || !facet) return;
    const ranked = lowestFirst(seedScores(row.knn, facet, Math.min(k, row.knn.k)));
    if (ranked.length) openSeed(ranked[0].row, Int32Array.from(ranked.map((r) => r.row)));
  };
  const rows = useStore((s) => s.rows);
  const order = useStore((s) => s.order);
  const [sort, setSort] = useState<SortKey>(null);
  const recall = hasIdentity ? RECALL_AT : [];
  // Issue 11: probe top-1/top-5 per facet and hubness, once the compare panel has them.
  const probes = useCompare((s) => s.probes);
  const hubness = useCompare((s) => s.hubness);
  const probeFacets = facets.filter((f) => Object.values(probes).some((p) => p.scores?.[f]));
  const hasHub = Object.keys(hubness).length > 0;
  const extra = probeFacets.length + (hasHub ? 1 : 0);

  const sorted = useMemo(() => {
    const list = order.map((v) => rows[v]).filter(Boolean);
    if (!sort) return list;
    const sign = sort.descending ? -1 : 1;
    return [...list].sort((a, b) => sign * (value(a, sort.column) - value(b, sort.column)));
  }, [rows, order, sort]);

  const chance = sorted.find((r) => r.metrics)?.metrics?.facets ?? {};

  const header = (column: string, label: string) => (
    <th
      key={column}
      className="sortable"
      aria-sort={sort?.column === column ? (sort.descending ? 'descending' : 'ascending') : 'none'}
      onClick={() => setSort((s) => ({ column, descending: s?.column === column ? !s.descending : true }))}
      title="Sort"
    >
      {label}
      {sort?.column === column ? (sort.descending ? ' ▼' : ' ▲') : ''}
    </th>
  );

  const exportCsv = () => {
    const done = sorted
      .filter((r) => r.metrics)
      .map((r) => ({ variant: r.variant, metrics: withCompare(r.variant, r.metrics!, { probes, hubness }) }));
    download(new Blob([metricsToCsv(done, facets, recall)], { type: 'text/csv' }), 'recall-lens-metrics.csv');
  };

  return (
    <section className="panel">
      <div className="panel-head">
        <h2>KNN consistency per variant</h2>
        <button data-testid="export-csv" onClick={exportCsv} disabled={!sorted.some((r) => r.metrics)}>
          Export CSV
        </button>
      </div>
      <table data-testid="metrics-table" className="metrics">
        <thead>
          <tr>
            <th>variant</th>
            {facets.map((f) => header(f, `${f} consistency`))}
            {recall.map((n) => header(`recall@${n}`, `R@${n}`))}
            {probeFacets.map((f) => (
              <th key={`probe-${f}`} title="Logistic-regression probe (C=1): top-1 / top-5 accuracy on the held-out fifth (index % 5 = 4)">
                {f} probe top-1/5
              </th>
            ))}
            {hasHub && (
              <th title="Skewness of the K-occurrence distribution / share of items in no one's top K">hubness skew / anti-hubs</th>
            )}
            <th>time</th>
          </tr>
          <tr className="chance">
            <td>chance (Σp²)</td>
            {facets.map((f) => (
              <td key={f}>{chance[f] ? chance[f].chance.toFixed(4) : ''}</td>
            ))}
            {recall.map((n) => (
              <td key={n} />
            ))}
            {Array.from({ length: extra }, (_, i) => (
              <td key={`x${i}`} />
            ))}
            <td />
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr
              key={row.variant}
              data-testid="metrics-row"
              data-variant={row.variant}
              data-status={row.status}
              data-cached={row.cached ? 'true' : 'false'}
              className={hidden.includes(row.variant) ? 'hidden-variant' : undefined}
              onClick={() => openWorst(row)}
              title="Open this variant's worst seed in the gallery"
            >
              <td className="variant">
                <input
                  type="checkbox"
                  data-testid="variant-visible"
                  checked={!hidden.includes(row.variant)}
                  onClick={(e) => e.stopPropagation()}
                  onChange={() => toggleHidden(row.variant)}
                  title="Show in the gallery and panels"
                />{' '}
                {row.variant}
              </td>
              {row.status === 'done' && row.metrics ? (
                <>
                  {facets.map((f) => {
                    const s = row.metrics!.facets[f];
                    return (
                      <td
                        key={f}
                        data-facet={f}
                        title={s ? `95% CI ${s.ci95[0].toFixed(4)}–${s.ci95[1].toFixed(4)}, ${s.seeds} seeds` : ''}
                      >
                        {s ? (
                          <>
                            <span className="num">{s.consistency.toFixed(5)}</span>
                            <span className="ci">
                              [{s.ci95[0].toFixed(3)}, {s.ci95[1].toFixed(3)}]
                            </span>
                          </>
                        ) : (
                          '–'
                        )}
                      </td>
                    );
                  })}
                  {recall.map((n) => (
                    <td key={n} className="num">
                      {row.metrics!.recall?.[n]?.toFixed(4) ?? '–'}
                    </td>
                  ))}
                  {probeFacets.map((f) => {
                    const p = probes[row.variant];
                    const sc = p?.scores?.[f];
                    return (
                      <td
                        key={`probe-${f}`}
                        className="num"
                        data-testid="probe-cell"
                        data-facet={f}
                        data-top1={sc?.top1 ?? ''}
                        data-top5={sc?.top5 ?? ''}
                      >
                        {sc
                          ? `${sc.top1.toFixed(3)} / ${sc.top5.toFixed(3)}`
                          : p?.status === 'running'
                            ? `${(100 * p.progress).toFixed(0)}%`
                            : '–'}
                      </td>
                    );
                  })}
                  {hasHub && (
                    <td className="num" data-testid="hubness-cell" data-skew={hubness[row.variant]?.skew ?? ''}>
                      {hubness[row.variant] && Number.isFinite(hubness[row.variant].skew)
                        ? `${hubness[row.variant].skew.toFixed(2)} / ${hubness[row.variant].antihubs.toFixed(3)}`
                        : '–'}
                    </td>
                  )}
                  <td className="muted" title={row.cached ? 'from the IndexedDB cache' : 'computed now'}>
                    {row.cached ? 'cached' : `${row.seconds?.toFixed(1)} s`}
                  </td>
                </>
              ) : (
                <td colSpan={facets.length + recall.length + extra + 1} className={row.status === 'error' ? 'error' : 'muted'}>
                  {row.status === 'error' ? row.error : row.status === 'running' ? <progress value={row.progress} max={1} /> : 'waiting…'}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
