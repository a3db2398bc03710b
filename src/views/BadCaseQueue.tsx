/**
 * Bad-case queue: seeds a variant recalls worst for a facet, or seeds variant A gets right and B
 * gets wrong; and which labels get mixed up (seed label × recalled label). Any entry opens the seed.
 */
import { useMemo, useState } from 'react';
import type { AnalysisSession } from '../state/session.ts';
import { useStore } from '../state/store.ts';
import { useSelection } from '../state/selection.ts';
import { openSeed } from '../state/navigation.ts';
import { aRightBWrong, lowestFirst, seedScores } from '../compute/badcases.ts';
import { itemRgb, Thumb } from './Thumb.tsx';
import { ConfusionView } from './ConfusionView.tsx';

const SHOWN = 40;

export function BadCaseQueue({ session }: { session: AnalysisSession }) {
  const order = useStore((s) => s.order);
  const rows = useStore((s) => s.rows);
  const k = useStore((s) => s.settings.k);
  const facetName = useSelection((s) => s.facet) ?? session.facetNames[0];
  const setFacet = useSelection((s) => s.setFacet);
  const [a, setA] = useState<string>('');
  const [b, setB] = useState<string>('');
  const [mode, setMode] = useState<'lowest' | 'a-vs-b'>('lowest');
  // Seeds brushed on the compare panel's overlap histogram filter the queue (issue 11).
  const brush = useSelection((s) => s.brush);
  const setBrush = useSelection((s) => s.setBrush);
  const variantA = order.includes(a) ? a : (order[0] ?? '');
  const variantB = order.includes(b) ? b : (order.find((v) => v !== variantA) ?? '');
  const facet = session.facets.find((f) => f.name === facetName) ?? session.facets[0];
  const knnA = rows[variantA]?.knn;
  const knnB = rows[variantB]?.knn;
  const kk = knnA ? Math.min(k, knnA.k) : k;

  const unfiltered = useMemo(() => {
    if (!knnA || !facet) return null;
    const sa = seedScores(knnA, facet, kk);
    if (mode === 'lowest') return lowestFirst(sa).map((e) => ({ row: e.row, score: e.score, other: undefined as number | undefined }));
    if (!knnB) return null;
    return aRightBWrong(sa, seedScores(knnB, facet, Math.min(kk, knnB.k))).map((d) => ({
      row: d.row,
      score: d.a,
      other: d.b as number | undefined,
    }));
  }, [knnA, knnB, facet, kk, mode]);
  const entries = useMemo(() => {
    if (!unfiltered || !brush) return unfiltered;
    const keep = new Set(brush.rows);
    return unfiltered.filter((e) => keep.has(e.row));
  }, [unfiltered, brush]);

  const list = useMemo(() => (entries ? Int32Array.from(entries.map((e) => e.row)) : null), [entries]);
  const { corpus } = session;
  const title = corpus.columns.title ?? corpus.columns.id;
  const pick = (v: string, set: (v: string) => void) => (
    <select value={v} onChange={(e) => set(e.target.value)}>
      {order.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </select>
  );

  return (
    <section className="panel" data-testid="badcase-queue" data-variant={variantA} data-facet={facet?.name ?? ''} data-mode={mode}>
      <div className="panel-head">
        <h2>Bad cases</h2>
        <div className="controls">
          <label>
            facet
            <select data-testid="badcase-facet" value={facet?.name} onChange={(e) => setFacet(e.target.value)}>
              {session.facetNames.map((f) => (
                <option key={f}>{f}</option>
              ))}
            </select>
          </label>
          <label>
            <select data-testid="badcase-mode" value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
              <option value="lowest">lowest consistency in</option>
              <option value="a-vs-b">right in A, wrong in B: A =</option>
            </select>
            <span data-testid="badcase-variant-a">{pick(variantA, setA)}</span>
          </label>
          {mode === 'a-vs-b' && (
            <label>
              B = <span data-testid="badcase-variant-b">{pick(variantB, setB)}</span>
            </label>
          )}
        </div>
      </div>
      {!entries && <p className="muted">waiting for the variant's neighbours…</p>}
      {entries && (
        <>
          {brush && (
            <p className="warning" data-testid="badcase-brush-filter" data-rows={brush.rows.length}>
              Filtered to the {brush.rows.length.toLocaleString()} brushed seeds ({brush.label}).{' '}
              <button className="chip" onClick={() => setBrush(null)}>
                show all
              </button>
            </p>
          )}
          <p className="muted">
            {entries.length.toLocaleString()} seeds
            {mode === 'lowest'
              ? `, lowest ${facet.name} consistency@${kk} first`
              : ` where ≥ half of A's ${kk} neighbours share the ${facet.name} and < half of B's do`}
          </p>
          <ol className="queue">
            {entries.slice(0, SHOWN).map((e) => (
              <li key={e.row}>
                <button
                  className="plain queue-entry"
                  data-testid="badcase-entry"
                  data-row={e.row}
                  data-score={e.score}
                  onClick={() => openSeed(e.row, list)}
                >
                  <Thumb rgb={itemRgb(corpus.images, corpus.imageSize, e.row)} size={corpus.imageSize} px={32} />
                  <span className="title">{title[e.row].slice(0, 50)}</span>
                  <span className="num">
                    {e.score.toFixed(2)}
                    {e.other !== undefined && ` vs ${e.other.toFixed(2)}`}
                  </span>
                </button>
              </li>
            ))}
          </ol>
          {knnA && <ConfusionView session={session} knn={knnA} facet={facet} k={kk} />}
        </>
      )}
    </section>
  );
}
