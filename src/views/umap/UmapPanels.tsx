/**
 * The UMAP section: one panel per shown variant as small multiples (every variant readable at a
 * glance, 20+ of them included), or a compare mode with two chosen variants large side by side.
 * Hidden variants (the metrics table's checkboxes) get no panel; showing one again reuses its
 * layout. Every panel draws through the page's one WebGL context (gl-renderer.ts).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { PanelsExport } from './PanelsExport.tsx';
import type { AnalysisSession } from '../../state/session.ts';
import { useSelection } from '../../state/selection.ts';
import { useStore, visibleVariants } from '../../state/store.ts';
import { UmapClient } from '../../workers/umap/client.ts';
import { Legend } from './Legend.tsx';
import { colouring } from './palette.ts';
import { ThumbnailCache } from './thumbnails.ts';
import { UmapPanel } from './UmapPanel.tsx';
import { Trails } from './Trails.tsx';
import './umap.css';

interface Props {
  session: AnalysisSession;
  /** Facet to colour by (controlled); by default the panels keep their own choice. */
  colorBy?: string | null;
  onColorByChange?: (facet: string | null) => void;
}

type Layout = 'grid' | 'large' | 'compare';

export function UmapPanels({ session, colorBy, onColorByChange }: Props) {
  const order = useStore((s) => s.order);
  const hidden = useStore((s) => s.hidden);
  const shown = useMemo(() => visibleVariants({ order, hidden }), [order, hidden]);
  const lasso = useSelection((s) => s.lasso);
  const facets = session.facetNames;
  const [ownColour, setOwnColour] = useState<string | null>(
    () => useSelection.getState().facet ?? (facets.includes('style') ? 'style' : (facets[0] ?? null)),
  );
  const facet = colorBy !== undefined ? colorBy : ownColour;
  const setFacet = (f: string | null) => (onColorByChange ? onColorByChange(f) : setOwnColour(f));
  const [lassoMode, setLassoMode] = useState(false);
  const [layout, setLayout] = useState<Layout>('grid');
  const [pair, setPair] = useState<[string | null, string | null]>([null, null]);
  // The client's workers start lazily, so StrictMode's unmount/remount only restarts them. Layouts
  // not in the cache are fitted once the encoders are done (they need every core on a cold load).
  const client = useMemo(() => new UmapClient(() => session.whenEncoded()), [session]);
  useEffect(() => () => client.dispose(), [client]);
  const thumbs = useMemo(() => new ThumbnailCache(session.corpus), [session]);
  const colours = useMemo(() => colouring(session.corpus.columns, facet, session.corpus.n), [session, facet]);
  const a = pair[0] && shown.includes(pair[0]) ? pair[0] : (shown[0] ?? null);
  const b = pair[1] && shown.includes(pair[1]) ? pair[1] : (shown.find((v) => v !== a) ?? null);
  const panels = layout === 'compare' ? ([a, b].filter((v) => v !== null) as string[]) : shown;
  const pick = (i: 0 | 1, v: string) => setPair(i === 0 ? [v, b] : [a, v]);
  const grid = useRef<HTMLDivElement>(null);

  return (
    <section className="panel umap" data-testid="umap">
      <div className="panel-head">
        <h2>UMAP</h2>
        <span className="muted">drag: pan · wheel: zoom · double-click: reset · shift-drag: lasso · click: seed</span>
        <PanelsExport />
      </div>
      <div className="umap-toolbar">
        <label>
          Colour by
          <select data-testid="umap-color" value={facet ?? ''} onChange={(e) => setFacet(e.target.value || null)}>
            <option value="">none</option>
            {facets.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
        <label>
          View
          <select data-testid="umap-layout" value={layout} onChange={(e) => setLayout(e.target.value as Layout)}>
            <option value="grid">small multiples ({shown.length})</option>
            <option value="large">large panels</option>
            <option value="compare">compare two</option>
          </select>
        </label>
        {layout === 'compare' &&
          ([0, 1] as const).map((i) => (
            <select
              key={i}
              data-testid={`umap-compare-${i === 0 ? 'a' : 'b'}`}
              value={(i === 0 ? a : b) ?? ''}
              onChange={(e) => pick(i, e.target.value)}
            >
              {shown.map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          ))}
        <label>
          <input type="checkbox" data-testid="umap-lasso-mode" checked={lassoMode} onChange={(e) => setLassoMode(e.target.checked)} />
          lasso mode
        </label>
        {lasso && (
          <button type="button" data-testid="umap-clear-lasso" onClick={() => useSelection.getState().setLasso(null)}>
            clear selection ({lasso.length})
          </button>
        )}
      </div>
      <Legend colouring={colours} />
      <div ref={grid} className={`umap-grid umap-grid-${layout}`} data-testid="umap-grid" data-layout={layout}>
        {panels.map((v) => (
          <UmapPanel key={v} variant={v} session={session} client={client} colours={colours} thumbs={thumbs} lassoMode={lassoMode} />
        ))}
        {layout === 'compare' && a && b && <Trails grid={grid} a={a} b={b} />}
      </div>
    </section>
  );
}
