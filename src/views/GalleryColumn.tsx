/** One variant's top-K neighbours of the seed (or of a query): thumbnail, title, distance, facet marks. */
import { useEffect, useState } from 'react';
import type { AnalysisSession } from '../state/session.ts';
import type { QueryNeighbours } from '../state/query.ts';
import { itemRgb, Thumb } from './Thumb.tsx';
import { openSeed } from '../state/navigation.ts';

export interface ColumnProps {
  session: AnalysisSession;
  variant: string;
  k: number;
  /** Corpus row of the seed, or null when showing a query. */
  seed: number | null;
  /** Neighbours of the active query in this variant. */
  query?: QueryNeighbours;
  ready: boolean;
  /** The active query cannot reach this variant (e.g. typed text and a pixel encoder). */
  unsupported?: boolean;
  marks: boolean;
  focused: boolean;
}

export function GalleryColumn({ session, variant, k, seed, query, ready, unsupported, marks, focused }: ColumnProps) {
  const [found, setFound] = useState<QueryNeighbours | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setFound(null);
    setError(null);
    if (seed === null || !ready) return;
    let live = true;
    session.neighboursOf(variant, seed, k).then(
      (r) => live && setFound(r),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [session, variant, seed, k, ready]);

  const list = seed === null ? query : found;
  const { corpus, facets } = session;
  const title = corpus.columns.title ?? corpus.columns.id;
  const same = (facet: number, row: number) =>
    seed !== null && facets[facet].codes[row] >= 0 && facets[facet].codes[row] === facets[facet].codes[seed];
  const hits =
    list && seed !== null ? facets.map((_, f) => Array.from(list.indices.subarray(0, k)).filter((r) => same(f, r)).length) : null;

  return (
    <div className={`gallery-column${focused ? ' focused' : ''}`} data-testid="gallery-column" data-variant={variant}>
      <h3>
        {variant}
        {hits && (
          <span className="muted"> {facets.map((f, i) => `${f.name} ${hits[i]}/${Math.min(k, list!.indices.length)}`).join(' · ')}</span>
        )}
      </h3>
      {error && <p className="error">{error}</p>}
      {unsupported && (
        <p className="muted" data-testid="unsupported">
          not reachable by this kind of query
        </p>
      )}
      {!list && !error && !unsupported && <p className="muted">{ready ? 'searching…' : 'waiting for this variant…'}</p>}
      <ol className="neighbours">
        {list &&
          Array.from(list.indices.subarray(0, k)).map((row, rank) => (
            <li key={row} data-testid="neighbour" data-row={row}>
              <button className="plain" onClick={() => openSeed(row)} title="Make this the seed">
                <Thumb rgb={itemRgb(corpus.images, corpus.imageSize, row)} size={corpus.imageSize} px={44} />
              </button>
              <div className="meta">
                <div className="title">
                  {rank + 1}. {title[row].slice(0, 60)}
                </div>
                <div className="muted">d = {list.distances[rank].toFixed(4)}</div>
                {marks && seed !== null && (
                  <div className="marks">
                    {facets.map((f, i) => (
                      <span key={f.name} className={same(i, row) ? 'mark same' : 'mark diff'} data-facet={f.name} data-same={same(i, row)}>
                        {same(i, row) ? '✓' : '✗'} {f.name}
                      </span>
                    ))}
                  </div>
                )}
              </div>
            </li>
          ))}
      </ol>
    </div>
  );
}
