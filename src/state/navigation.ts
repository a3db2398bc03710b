/** Moving the gallery: open a seed (from a table, a queue, a point), step through the current list. */
import { useQueries } from './query.ts';
import { useSelection } from './selection.ts';

/** The rows that next/previous step through (a bad-case queue, a lasso); null: every row in order. */
let stepList: Int32Array | null = null;

export function openSeed(row: number, list?: Int32Array | null): void {
  if (list !== undefined) stepList = list;
  useQueries.getState().activate(null);
  useSelection.getState().setSeed(row);
}

/** Next (+1) or previous (−1) seed in the current list, wrapping around. */
export function stepSeed(direction: 1 | -1, n: number): void {
  const seed = useSelection.getState().seed;
  if (stepList && stepList.length > 0) {
    const at = seed === null ? -1 : stepList.indexOf(seed);
    const next = at < 0 ? 0 : (at + direction + stepList.length) % stepList.length;
    openSeed(stepList[next]);
  } else {
    openSeed(seed === null ? 0 : (seed + direction + n) % n);
  }
}
