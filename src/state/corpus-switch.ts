/**
 * Moving to another corpus (an import, a restore, back to the demo): everything that points at rows
 * of the previous corpus is cleared before the next session starts, so no view reads a row that does
 * not exist any more. The next session then restores its own saved view (persist.ts).
 */
import { useQueries } from './query.ts';
import { useSelection } from './selection.ts';
import { useStore } from './store.ts';

export function clearCorpusState(): void {
  useStore.setState({ rows: {}, order: [], encoders: {}, hidden: [] });
  useSelection.setState({
    seed: null,
    hovered: null,
    lasso: null,
    facet: null,
    probe: null,
    colorBy: undefined,
    brush: null,
    alignTo: null,
  });
  useQueries.setState({ items: [], active: null });
}
