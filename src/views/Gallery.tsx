/**
 * The neighbour gallery: the seed (or a dropped/typed query) and, per variant, its top-K neighbours.
 * Keys: j/↓ next seed, k/↑ previous, l/→ next variant, h/← previous variant, m facet marks.
 */
import { useEffect, useRef, useState } from 'react';
import type { AnalysisSession } from '../state/session.ts';
import { useStore, visibleVariants } from '../state/store.ts';
import { useShallow } from 'zustand/react/shallow';
import { useSelection } from '../state/selection.ts';
import { useQueries } from '../state/query.ts';
import { openSeed, stepSeed } from '../state/navigation.ts';
import { GalleryColumn } from './GalleryColumn.tsx';
import { GalleryExport } from './GalleryExport.tsx';
import { SeedSearch } from './SeedSearch.tsx';
import { itemRgb, Thumb } from './Thumb.tsx';
import { useHoverLink } from './hover-link.ts';

function typing(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  return !!t && (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
}

export function Gallery({ session }: { session: AnalysisSession }) {
  const seed = useSelection((s) => s.seed);
  const lasso = useSelection((s) => s.lasso);
  const order = useStore(useShallow(visibleVariants));
  const rows = useStore((s) => s.rows);
  const k = useStore((s) => s.settings.k);
  const query = useQueries((s) => (s.active === null ? null : (s.items.find((q) => q.id === s.active) ?? null)));
  const [marks, setMarks] = useState(true);
  const [focus, setFocus] = useState(0);
  const { corpus } = session;
  const root = useRef<HTMLElement>(null);
  useHoverLink(root);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
      const key = e.key;
      if (key === 'j' || key === 'ArrowDown') stepSeed(1, corpus.n);
      else if (key === 'k' || key === 'ArrowUp') stepSeed(-1, corpus.n);
      else if (key === 'l' || key === 'ArrowRight') setFocus((f) => Math.min(f + 1, order.length - 1));
      else if (key === 'h' || key === 'ArrowLeft') setFocus((f) => Math.max(f - 1, 0));
      else if (key === 'm') setMarks((m) => !m);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [corpus.n, order.length]);

  useEffect(() => {
    document
      .querySelector(`[data-testid="gallery-column"][data-variant="${CSS.escape(order[focus] ?? '')}"]`)
      ?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [focus, order]);

  const title = corpus.columns.title ?? corpus.columns.id;
  const showing = query ? 'query' : seed !== null ? 'seed' : 'none';
  return (
    <section ref={root} className="panel" data-testid="gallery" data-seed={seed ?? ''} data-query={query?.name ?? ''} data-hovered="">
      <div className="panel-head">
        <h2>Neighbours</h2>
        <SeedSearch corpus={corpus} />
        <label className="muted">
          <input type="checkbox" checked={marks} onChange={() => setMarks(!marks)} data-testid="toggle-marks" /> facet marks (m)
        </label>
        <GalleryExport session={session} seed={query ? null : seed} query={query} k={k} />
      </div>
      {showing === 'none' && (
        <p className="muted">Pick a seed: click a point, a queue entry, or search by title. Keys: j/k seeds, h/l variants, m marks.</p>
      )}
      {showing === 'seed' && seed !== null && (
        <div className="seed-head" data-testid="gallery-seed">
          <Thumb rgb={itemRgb(corpus.images, corpus.imageSize, seed)} size={corpus.imageSize} px={72} />
          <div>
            <div className="title">{title[seed]}</div>
            <div className="muted">
              {corpus.columns.id?.[seed]} · {session.facets.map((f) => `${f.name}: ${f.values[f.codes[seed]] ?? '–'}`).join(' · ')}
            </div>
          </div>
        </div>
      )}
      {query && (
        <div className="seed-head" data-testid="gallery-query">
          {query.rgb && query.size && <Thumb rgb={query.rgb} size={query.size} px={72} />}
          <div>
            <div className="title">Query: {query.name}</div>
            <div className="muted">{query.status === 'error' ? <span className="error">{query.error}</span> : query.status}</div>
          </div>
        </div>
      )}
      {showing !== 'none' && (
        <div className="gallery-columns">
          {order.map((variant, i) => (
            <GalleryColumn
              key={variant}
              session={session}
              variant={variant}
              k={k}
              seed={query ? null : seed}
              query={query?.results[variant]}
              unsupported={query?.unsupported?.includes(variant) ?? false}
              ready={rows[variant]?.status === 'done'}
              marks={marks}
              focused={i === focus}
            />
          ))}
        </div>
      )}
      {lasso && lasso.length > 0 && (
        <div className="lasso-list" data-testid="lasso-list">
          <h3>Selection: {lasso.length} items</h3>
          <div className="thumbs">
            {Array.from(lasso.subarray(0, 200)).map((row) => (
              <button key={row} className="plain" onClick={() => openSeed(row, lasso)} title={title[row]}>
                <Thumb rgb={itemRgb(corpus.images, corpus.imageSize, row)} size={corpus.imageSize} px={36} />
              </button>
            ))}
            {lasso.length > 200 && <span className="muted">and {lasso.length - 200} more</span>}
          </div>
        </div>
      )}
    </section>
  );
}
