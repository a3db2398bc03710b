/** Neighbour lists as CSV (one line per variant × rank) for a slide or a ticket. */
export interface NeighbourList {
  variant: string;
  indices: ArrayLike<number>;
  distances: ArrayLike<number>;
}

export function neighboursToCsv(
  lists: NeighbourList[],
  columns: Record<string, string[]>,
  query: { row: number | null; name: string },
  facets: string[],
): string {
  const id = columns.id;
  const title = columns.title;
  const header = ['query', 'variant', 'rank', 'row', 'id', 'title', 'distance', ...facets, ...facets.map((f) => `same_${f}`)];
  const lines = [header.map(cell).join(',')];
  for (const l of lists) {
    for (let r = 0; r < l.indices.length; r++) {
      const row = l.indices[r];
      const labels = facets.map((f) => columns[f]?.[row] ?? '');
      const same = facets.map((f) =>
        query.row === null ? '' : columns[f]?.[row] !== '' && columns[f]?.[row] === columns[f]?.[query.row] ? '1' : '0',
      );
      lines.push(
        [query.name, l.variant, r + 1, row, id?.[row] ?? '', title?.[row] ?? '', l.distances[r], ...labels, ...same].map(cell).join(','),
      );
    }
  }
  return lines.join('\n') + '\n';
}

function cell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
