/** Applies the URL's view to the stores at start, then keeps the URL in step (replaceState, no reloads). */
import { readUrlOptions, writeUrlView, type UrlOptions } from './url-options.ts';
import { useSelection } from './selection.ts';
import { useStore } from './store.ts';

export function applyUrlOptions(o: UrlOptions): void {
  useStore.getState().setSettings({ ...o.settings, backend: o.backend });
  useStore.getState().setHidden(o.hidden);
  if (o.seed !== null) useSelection.getState().setSeed(o.seed);
  if (o.facet) useSelection.getState().setFacet(o.facet);
  if (o.color !== undefined) useSelection.getState().setColorBy(o.color);
}

export function syncUrl(o: UrlOptions): () => void {
  const write = () => {
    const { settings, hidden } = useStore.getState();
    const { seed, facet, colorBy } = useSelection.getState();
    const search = writeUrlView({ corpus: o.corpus, backend: o.backend, subset: o.subset, settings, seed, facet, color: colorBy, hidden });
    if (search !== location.search) history.replaceState(null, '', `${location.pathname}${search}${location.hash}`);
  };
  const a = useStore.subscribe((s, prev) => (s.settings !== prev.settings || s.hidden !== prev.hidden) && write());
  const b = useSelection.subscribe((s, prev) => (s.seed !== prev.seed || s.facet !== prev.facet || s.colorBy !== prev.colorBy) && write());
  write();
  return () => {
    a();
    b();
  };
}

export { readUrlOptions };
