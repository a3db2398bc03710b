/**
 * One variant's UMAP panel. Its layout is computed in a UMAP worker with a fixed seed from the
 * variant's vectors and the exact neighbour lists its metrics row already holds (or read from the
 * layout cache). Hover, click (seed) and lasso go through `useSelection`, so every panel (and the
 * gallery) follows; a probe (query vectors) is placed by the layout's transform.
 */
import { useEffect, useRef, useState } from 'react';
import { findAB } from '../../compute/umap/layout.ts';
import { coversAllRows, DEFAULT_SEED } from '../../compute/umap/project.ts';
import { transformPoints } from '../../compute/umap/transform.ts';
import type { KnnResult, Metric } from '../../compute/types.ts';
import type { VariantRow } from '../../pipeline/types.ts';
import { useQueries } from '../../state/query.ts';
import type { AnalysisSession } from '../../state/session.ts';
import { useSelection, type SelectionState } from '../../state/selection.ts';
import { useStore } from '../../state/store.ts';
import { isCancelled } from '../../workers/host.ts';
import type { UmapClient } from '../../workers/umap/client.ts';
import type { Colouring } from './palette.ts';
import { umapPlots, useLayouts } from './registry.ts';
import { alignLayouts } from '../../compute/compare/procrustes.ts';
import { Scatter } from './scatter.ts';
import type { ThumbnailCache } from './thumbnails.ts';

/** Neighbours per item in the UMAP graph. */
const N_NEIGHBORS = 15;
/** UMAP's curve parameters for the default spread and min_dist (the workers fit the same). */
const AB = findAB();

export interface PanelProps {
  variant: string;
  session: AnalysisSession;
  client: UmapClient;
  colours: Colouring;
  thumbs: ThumbnailCache;
  lassoMode: boolean;
}

/** 'placing': the sample's layout is drawn, the other items are being placed by transform. */
type PanelState = 'computing' | 'placing' | 'ready' | 'error';

export function UmapPanel({ variant, session, client, colours, thumbs, lassoMode }: PanelProps) {
  const row = useStore((s) => s.rows[variant]);
  const probe = useSelection((s) => s.probe);
  const query = useQueries((s) => (s.active === null ? null : (s.items.find((q) => q.id === s.active) ?? null)));
  const coordsRef = useRef<Float32Array | null>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<HTMLDivElement>(null);
  const scatterRef = useRef<Scatter | null>(null);
  const requested = useRef<string | null>(null);
  const [layoutKey, setLayoutKey] = useState<string | null>(null);
  const [state, setState] = useState<PanelState>('computing');
  const [progress, setProgress] = useState(0);
  const [info, setInfo] = useState('waiting for the neighbour lists…');
  const [error, setError] = useState<string | null>(null);

  // The plot and its links to the shared selection (outside React's render cycle).
  useEffect(() => {
    const panel = panelRef.current!;
    let plot: Scatter;
    try {
      plot = new Scatter(
        plotRef.current!,
        {
          hover: (r) => useSelection.getState().setHovered(r),
          click: (r) => useSelection.getState().setSeed(r),
          lasso: (rows) => useSelection.getState().setLasso(rows),
        },
        thumbs,
      );
    } catch (e) {
      setState('error');
      setError((e as Error).message);
      return;
    }
    scatterRef.current = plot;
    umapPlots.set(variant, plot);
    const sync = (s: SelectionState, prev?: SelectionState) => {
      if (!prev || s.hovered !== prev.hovered) {
        plot.setHovered(s.hovered);
        panel.dataset.hovered = s.hovered === null ? '' : String(s.hovered);
      }
      if (!prev || s.seed !== prev.seed) {
        plot.setSeed(s.seed);
        panel.dataset.seed = s.seed === null ? '' : String(s.seed);
      }
      if (!prev || s.lasso !== prev.lasso) {
        plot.setSelection(s.lasso);
        panel.dataset.selectedCount = String(s.lasso?.length ?? 0);
      }
    };
    sync(useSelection.getState());
    const unsubscribe = useSelection.subscribe(sync);
    return () => {
      unsubscribe();
      if (umapPlots.get(variant) === plot) umapPlots.delete(variant);
      useLayouts.getState().set(variant, null);
      plot.destroy();
      scatterRef.current = null;
    };
  }, [variant, thumbs]);

  useEffect(() => scatterRef.current?.setColouring(colours), [colours]);
  useEffect(() => scatterRef.current?.setLassoMode(lassoMode), [lassoMode]);

  // Ask for the layout once the row is done (again only when the metric changes). Asking at once
  // (a cached layout needs no row) made every cold load's panels 6–17 s later in the benchmark
  // (docs/BENCHMARKS.md). A job's result is applied while the panel is mounted and still wants that
  // key; rows going back to pending (new K) do not cancel it.
  const mounted = useRef(false);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      requested.current = null;
    };
  }, []);
  const metric = row?.status === 'done' && row.knn ? row.metrics?.metric : undefined;
  const corpus = session.corpus;
  const key = metric ? `${variant}|${metric}|${corpus.hash}|${corpus.n}` : null;
  useEffect(() => {
    if (!key || !metric || key === requested.current) return;
    requested.current = key;
    const current = () => mounted.current && requested.current === key;
    setState('computing');
    setProgress(0);
    setInfo('projecting…');
    (async () => {
      const n = corpus.n;
      const panel = panelRef.current;
      let drawn = false; // the sample's layout is on the plot, placed items written into it
      const result = await client.project(
        {
          key,
          id: session.vectorsKey(variant),
          n,
          metric,
          seed: DEFAULT_SEED,
          // Only for a layout that is not cached: whitened vectors and the neighbour lists.
          vectors: () => session.variantEmbeddings(variant),
          knn: () => rowKnn(variant, metric, n),
        },
        {
          // The fit is 80% of the bar when the rest is placed by transform afterwards (see fitLayout).
          onProgress: (done, total) => {
            if (current()) setProgress(done / total);
          },
          // Above 20k items: the sample's layout at once, then the other items as they are placed.
          onLayout: (r) => {
            if (!current() || !scatterRef.current) return;
            scatterRef.current.setPoints(r.coords);
            coordsRef.current = r.coords;
            drawn = true;
            setLayoutKey(key);
            setState('placing');
            if (panel) {
              panel.dataset.fitted = String(r.fitted);
              panel.dataset.placed = '0';
              panel.dataset.rest = String(r.rest);
              panel.dataset.fitSeconds = r.seconds.toFixed(2);
            }
            setInfo(`UMAP on a ${r.fitted.toLocaleString('en-US')}-point sample; placing ${r.rest.toLocaleString('en-US')} by transform…`);
          },
          onPlaced: (chunk, placed, total) => {
            const coords = coordsRef.current;
            if (!current() || !scatterRef.current || !coords) return;
            for (let i = 0; i < chunk.rows.length; i++) {
              coords[chunk.rows[i] * 2] = chunk.coords[i * 2];
              coords[chunk.rows[i] * 2 + 1] = chunk.coords[i * 2 + 1];
            }
            scatterRef.current.updatePoints(chunk.rows);
            if (panel) panel.dataset.placed = String(placed);
            setProgress(0.8 + (0.2 * placed) / total);
          },
        },
      );
      if (!current() || !scatterRef.current) return; // no plot: WebGL2 is missing, the error stays
      if (drawn && coordsRef.current && coordsRef.current.length === result.coords.length) {
        coordsRef.current.set(result.coords);
        scatterRef.current.updatePoints(new Int32Array(0));
      } else {
        scatterRef.current.setPoints(result.coords);
        coordsRef.current = result.coords;
      }
      setLayoutKey(key);
      useLayouts.getState().set(variant, coordsRef.current);
      setProgress(1);
      setState('ready');
      setError(null);
      if (panel) {
        panel.dataset.fitted = String(result.fitted);
        panel.dataset.placed = String(result.rest);
        panel.dataset.rest = String(result.rest);
        panel.dataset.seconds = result.totalSeconds.toFixed(2);
        panel.dataset.cached = String(result.cached);
      }
      setInfo(
        result.rest > 0
          ? `UMAP on a ${result.fitted.toLocaleString('en-US')}-point sample; ${result.rest.toLocaleString('en-US')} placed by transform · ${result.totalSeconds.toFixed(1)} s`
          : result.cached
            ? `${n.toLocaleString()} items · layout from the cache`
            : `${n.toLocaleString()} items · ${result.seconds.toFixed(1)} s · ${result.epochs} epochs` +
              (result.reusedKnn ? ' · exact KNN reused' : ''),
      );
    })().catch((e: Error) => {
      if (!current()) return;
      requested.current = null; // retried when the row is done again
      if (isCancelled(e)) return;
      setState('error');
      setError(useStore.getState().rows[variant]?.error ?? e.message); // the row's own reason, where it failed first
    });
  }, [key, variant, metric, session, client, corpus.n]);

  useEffect(() => {
    if (row?.status === 'error' && !layoutKey) {
      setState('error');
      setError(row.error ?? 'failed');
    }
  }, [row?.status, row?.error, layoutKey]);

  // Aligned panels: this layout rotated/reflected/scaled onto the reference panel's (orthogonal
  // Procrustes on all items), so the same items sit in similar places; the layout itself is kept.
  const alignTo = useSelection((s) => s.alignTo);
  const reference = useLayouts((s) => (alignTo && alignTo !== variant ? (s.coords[alignTo] ?? null) : null));
  const [aligned, setAligned] = useState(false);
  useEffect(() => {
    const plot = scatterRef.current;
    const own = coordsRef.current;
    if (!plot || !own || state !== 'ready') return;
    const use = reference && reference.length === own.length ? alignLayouts(reference, own) : null;
    if (!use && !aligned) return;
    plot.setPoints(use ?? own);
    setAligned(use !== null);
    if (panelRef.current) panelRef.current.dataset.alignedTo = use ? alignTo! : '';
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `aligned` is this effect's own output
  }, [reference, state, layoutKey, alignTo]);

  // The probe: vectors given in `useSelection.probe` are placed by the worker's transform; else the
  // active query's neighbour lists (from the gallery's query by example) place it directly — the
  // transform needs only a point's nearest corpus items and their distances.
  useEffect(() => {
    const plot = scatterRef.current;
    const panel = panelRef.current!;
    if (!plot) return;
    const show = (x: number, y: number, label: string) => {
      plot.setProbe({ x, y, label });
      panel.dataset.probe = label;
    };
    const vector = probe?.vectors[variant];
    if (probe && vector && layoutKey) {
      let live = true;
      client
        .transform(layoutKey, { n: 1, dim: vector.length, data: vector })
        .then((xy) => live && show(xy[0], xy[1], probe.label))
        .catch((e: Error) => console.warn(`UMAP probe on ${variant}: ${e.message}`));
      return () => {
        live = false;
      };
    }
    const found = query?.results[variant];
    const coords = coordsRef.current;
    if (query && found && coords && layoutKey && found.indices.length > 0) {
      const k = Math.min(N_NEIGHBORS, found.indices.length);
      const xy = transformPoints({ n: 1, k, indices: found.indices.subarray(0, k), distances: found.distances.subarray(0, k) }, coords, {
        ...AB,
        seed: DEFAULT_SEED,
      });
      show(xy[0], xy[1], query.name);
      return;
    }
    plot.setProbe(null);
    panel.dataset.probe = '';
  }, [probe, query, layoutKey, variant, client]);

  return (
    <div
      ref={panelRef}
      className="umap-panel"
      data-testid="umap-panel"
      data-variant={variant}
      data-state={state}
      data-cached=""
      data-aligned-to=""
      data-hovered=""
      data-seed=""
      data-selected-count="0"
      data-probe=""
    >
      <header>
        <strong className="variant">{variant}</strong>
        <span className="umap-info" title={info}>
          {state === 'error' ? <span className="error">{error}</span> : info}
        </span>
      </header>
      <progress data-testid="umap-progress" max={1} value={progress} />
      <div ref={plotRef} className="umap-plot" />
    </div>
  );
}

/** The row's neighbour lists once it is done with `metric`, for a fit to reuse (null: the row failed, or its lists do not cover every item). */
function rowKnn(variant: string, metric: Metric, n: number): Promise<KnnResult | null> {
  return new Promise((resolve) => {
    const settled = (rows: Record<string, VariantRow>): boolean => {
      const r = rows[variant];
      if (!r || r.status === 'error') resolve(null);
      else if (r.status === 'done' && r.metrics?.metric === metric) resolve(coversAllRows(r.knn, n, N_NEIGHBORS) ? r.knn : null);
      else return false;
      return true;
    };
    if (settled(useStore.getState().rows)) return;
    const stop = useStore.subscribe((s) => {
      if (settled(s.rows)) stop();
    });
  });
}
