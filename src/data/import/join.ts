/**
 * Join by id: the items are the base's ids in the base's order; an item is kept when every other
 * id-bearing source has it. Each source gets the row of every kept item; what a source had that was
 * not kept is reported per file (count + up to 5 examples, in file order).
 */
export interface IdSource {
  file: string;
  ids: readonly string[];
}

export interface JoinResult {
  ids: string[];
  /** rows[s][k]: the row of kept item k in source s (sources in the order given, base first). */
  rows: Int32Array[];
  unmatched: { file: string; count: number; examples: string[] }[];
}

export const UNMATCHED_EXAMPLES = 5;

export function joinById(sources: IdSource[]): JoinResult {
  const [base, ...others] = sources;
  const maps = others.map((s) => {
    const m = new Map<string, number>();
    s.ids.forEach((id, i) => m.set(id, i));
    return m;
  });
  const keptIds: string[] = [];
  const baseRows: number[] = [];
  for (let i = 0; i < base.ids.length; i++) {
    const id = base.ids[i];
    if (maps.every((m) => m.has(id))) {
      keptIds.push(id);
      baseRows.push(i);
    }
  }
  const rows = [Int32Array.from(baseRows), ...maps.map((m) => Int32Array.from(keptIds, (id) => m.get(id)!))];
  const kept = new Set(keptIds);
  const unmatched: JoinResult['unmatched'] = [];
  for (const s of sources) {
    let count = 0;
    const examples: string[] = [];
    for (const id of s.ids) {
      if (kept.has(id)) continue;
      count++;
      if (examples.length < UNMATCHED_EXAMPLES) examples.push(id);
    }
    if (count > 0) unmatched.push({ file: s.file, count, examples });
  }
  return { ids: keptIds, rows, unmatched };
}

/** True when rows is 0, 1, …, n-1 (the data can be used as it is). */
export function isIdentity(rows: Int32Array, n: number): boolean {
  if (rows.length !== n) return false;
  for (let i = 0; i < n; i++) if (rows[i] !== i) return false;
  return true;
}
