/**
 * The seeds whose neighbours changed most between the chosen pair (lowest overlap@K first). A click
 * opens the seed in the gallery and shows A's and B's neighbours side by side, shared ones marked.
 */
import { useMemo, useState } from 'react';
import { changedMost, neighbourDiff } from '../../compute/compare/overlap.ts';
import type { PairOverlap } from '../../state/compare.ts';
import type { AnalysisSession } from '../../state/session.ts';
import { useStore } from '../../state/store.ts';
import { openSeed } from '../../state/navigation.ts';
import { itemRgb, Thumb } from '../Thumb.tsx';

const SHOWN = 20;

export function ChangedMost({ session, overlap }: { session: AnalysisSession; overlap: PairOverlap }) {
  const rows = useStore((s) => s.rows);
  const [open, setOpen] = useState<number | null>(null);
  const worst = useMemo(() => changedMost(overlap.values, overlap.seeds, SHOWN), [overlap]);
  const list = useMemo(() => Int32Array.from(worst, (i) => overlap.seeds[i]), [worst, overlap]);
  const { corpus } = session;
  const title = corpus.columns.title ?? corpus.columns.id;
  const ka = rows[overlap.a]?.knn;
  const kb = rows[overlap.b]?.knn;
  const diff = open !== null && ka && kb ? neighbourDiff(ka, kb, open, overlap.k) : null;
  const thumb = (row: number, px: number) => (
    <Thumb rgb={itemRgb(corpus.images, corpus.imageSize, row)} size={corpus.imageSize} px={px} title={title?.[row]} />
  );

  return (
    <div className="changed-most" data-testid="changed-most">
      <h3>
        Changed most: {overlap.a} vs {overlap.b}
      </h3>
      <ol className="queue">
        {worst.map((i) => {
          const row = overlap.seeds[i];
          return (
            <li key={row}>
              <button
                className={`plain queue-entry${open === i ? ' active' : ''}`}
                data-testid="changed-entry"
                data-row={row}
                data-overlap={overlap.values[i]}
                onClick={() => {
                  setOpen(i);
                  openSeed(row, list);
                }}
              >
                {thumb(row, 28)}
                <span className="title">{title?.[row]?.slice(0, 40) ?? row}</span>
                <span className="num">{overlap.values[i].toFixed(2)}</span>
              </button>
            </li>
          );
        })}
      </ol>
      {diff && open !== null && (
        <div className="pair-neighbours" data-testid="pair-neighbours" data-row={overlap.seeds[open]}>
          {(
            [
              ['a', overlap.a, diff.a],
              ['b', overlap.b, diff.b],
            ] as const
          ).map(([side, name, items]) => (
            <div key={side} className="pair-column" data-side={side}>
              <h4 className="variant">
                {name}{' '}
                <span className="muted">
                  ({items.filter((d) => d.shared).length} shared of {items.length})
                </span>
              </h4>
              <ol className="neighbours">
                {items.map((d) => (
                  <li key={d.row} data-testid="pair-neighbour" data-shared={d.shared} className={d.shared ? 'shared' : 'unique'}>
                    <button className="plain" onClick={() => openSeed(d.row)}>
                      {thumb(d.row, 32)}
                    </button>
                    <span className="meta">
                      <span className="title">{title?.[d.row]?.slice(0, 30) ?? d.row}</span>
                      <span className={`mark ${d.shared ? 'same' : 'diff'}`}>{d.shared ? 'shared' : `only in ${side.toUpperCase()}`}</span>
                    </span>
                  </li>
                ))}
              </ol>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
