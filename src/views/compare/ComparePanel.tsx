/**
 * Compare variants (issue 11): the variant × variant matrix (mean overlap@K, linear CKA), the chosen
 * pair's overlap histogram with a brush, the seeds that changed most, the biggest hubs, the probe
 * run, and the reference panel the UMAP layouts align to. Numbers come from the compute workers.
 */
import { useEffect, useMemo } from 'react';
import { kOccurrence, topHubs } from '../../compute/compare/hubness.ts';
import { ckaSampleNote } from '../../compute/compare/cka.ts';
import { allSettled, cancelProbes, choosePair, finishedRows, runCompare, runProbes, useCompare } from '../../state/compare.ts';
import type { AnalysisSession } from '../../state/session.ts';
import { useSelection } from '../../state/selection.ts';
import { useStore } from '../../state/store.ts';
import { openSeed } from '../../state/navigation.ts';
import { itemRgb, Thumb } from '../Thumb.tsx';
import { ChangedMost } from './ChangedMost.tsx';
import { CompareMatrix } from './CompareMatrix.tsx';
import { OverlapHistogram } from './OverlapHistogram.tsx';
import './compare.css';

export function ComparePanel({ session }: { session: AnalysisSession }) {
  const rows = useStore((s) => s.rows);
  const order = useStore((s) => s.order);
  const k = useStore((s) => s.settings.k);
  const settings = useStore((s) => s.settings);
  const c = useCompare();
  const alignTo = useSelection((s) => s.alignTo);
  const setAlignTo = useSelection((s) => s.setAlignTo);
  const done = useMemo(() => finishedRows(rows, order), [rows, order]);
  const names = done.map((r) => r.variant);
  const settled = allSettled(rows, order);
  const signature = `${settled}|${names.join(',')}|${settings.k}|${settings.metric}|${settings.seeds}|${settings.sampleSeed}|${settings.whitenK}`;

  // Recompute the matrix when the set of finished variants (or the settings behind them) changes.
  useEffect(() => {
    const t = setTimeout(() => void runCompare(session), 300);
    return () => clearTimeout(t);
  }, [session, signature]);

  const pairK = c.overlap?.k ?? k;
  const hubs = useMemo(() => {
    const v = c.pair?.[0];
    const knn = v ? rows[v]?.knn : undefined;
    if (!knn || knn.seeds.length !== session.corpus.n) return null;
    return { variant: v!, top: topHubs(kOccurrence(knn, session.corpus.n, Math.min(k, knn.k)), 8) };
  }, [c.pair, rows, k, session.corpus.n]);
  const probing = Object.values(c.probes).some((p) => p.status === 'running' || p.status === 'queued');
  const { corpus } = session;
  const title = corpus.columns.title ?? corpus.columns.id;

  return (
    <section className="panel compare-panel" data-testid="compare-panel" data-status={c.status}>
      <div className="panel-head">
        <h2>Compare variants</h2>
        <div className="controls">
          <label title="Align every UMAP panel's layout to this variant's (rotation or reflection + uniform scale, fitted on all items)">
            align panels to
            <select data-testid="align-to" value={alignTo ?? ''} onChange={(e) => setAlignTo(e.target.value || null)}>
              <option value="">(not aligned)</option>
              {order.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          </label>
          {probing ? (
            <button data-testid="probe-cancel" onClick={cancelProbes}>
              Cancel probe
            </button>
          ) : (
            <button
              data-testid="probe-run"
              disabled={names.length === 0 || session.facets.length === 0}
              onClick={() => void runProbes(session, names)}
              title="Train a logistic-regression probe (C=1) per variant and facet: train on index % 5 ≠ 4, test on index % 5 = 4"
            >
              Run probe
            </button>
          )}
        </div>
      </div>
      {probing && (
        <p className="muted" data-testid="probe-progress">
          probe:{' '}
          {Object.entries(c.probes)
            .filter(([, p]) => p.status === 'running')
            .map(([v, p]) => `${v} ${(100 * p.progress).toFixed(0)}%`)
            .join(', ') || 'queued'}
        </p>
      )}
      {(names.length < 2 || !settled) && c.pairs.length === 0 && (
        <p className="muted">the matrix follows once every variant's metrics are in…</p>
      )}
      {c.status === 'error' && <p className="error">{c.error}</p>}
      {names.length >= 2 && (
        <div className="compare-grid">
          <div className="compare-matrix-wrap">
            <CompareMatrix variants={names} pairs={c.pairs} k={k} chosen={c.pair} onChoose={(a, b) => void choosePair(session, a, b)} />
            <p className="muted" data-testid="compare-note">
              below the diagonal: mean overlap@{k} (share of the {k} neighbours both variants recall, over{' '}
              {done[0]?.knn?.seeds.length.toLocaleString()} seeds); above: linear CKA
              {c.ckaSample ? ` — ${ckaSampleNote(c.ckaSample.items, c.ckaSample.of, c.ckaSample.seed)}` : ''}
              {c.status === 'running' && ` · computing ${(100 * c.progress).toFixed(0)}%`}
            </p>
            {hubs && (
              <div className="hubs" data-testid="hubs">
                <h3>Biggest hubs in {hubs.variant}</h3>
                <div className="thumbs">
                  {hubs.top.map((h) => (
                    <button
                      key={h.row}
                      className="plain"
                      onClick={() => openSeed(h.row)}
                      title={`${title?.[h.row] ?? h.row}: in ${h.count} top-${k} lists`}
                    >
                      <Thumb rgb={itemRgb(corpus.images, corpus.imageSize, h.row)} size={corpus.imageSize} px={32} />
                      <span className="num">{h.count}</span>
                    </button>
                  ))}
                </div>
              </div>
            )}
          </div>
          {c.overlap && c.pair && c.overlap.a === c.pair[0] && c.overlap.b === c.pair[1] ? (
            <div className="compare-pair">
              <OverlapHistogram overlap={c.overlap} />
              <ChangedMost session={session} overlap={c.overlap} />
            </div>
          ) : (
            <p className="muted">{c.pair ? `overlap@${pairK} of ${c.pair[0]} vs ${c.pair[1]}…` : 'click a cell to choose a pair'}</p>
          )}
        </div>
      )}
    </section>
  );
}
