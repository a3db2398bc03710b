/** Find a seed by its title (substring, case-insensitive); picking one shows it in the gallery. */
import { useMemo, useState } from 'react';
import type { Corpus } from '../data/corpus.ts';
import { useSelection } from '../state/selection.ts';
import { useQueries } from '../state/query.ts';

const LIMIT = 12;

export function SeedSearch({ corpus }: { corpus: Corpus }) {
  const [text, setText] = useState('');
  const setSeed = useSelection((s) => s.setSeed);
  const titles = corpus.columns.title ?? corpus.columns.id;
  const lower = useMemo(() => titles.map((t) => t.toLowerCase()), [titles]);
  const matches = useMemo(() => {
    const q = text.trim().toLowerCase();
    if (!q) return [];
    const out: number[] = [];
    for (let i = 0; i < lower.length && out.length < LIMIT; i++) if (lower[i].includes(q)) out.push(i);
    return out;
  }, [text, lower]);
  const pick = (row: number) => {
    useQueries.getState().activate(null);
    setSeed(row);
    setText('');
  };
  return (
    <div className="seed-search">
      <input
        data-testid="seed-search"
        placeholder="Find a seed by title…"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && matches.length > 0 && pick(matches[0])}
      />
      {matches.length > 0 && (
        <ul className="search-results" data-testid="seed-search-results">
          {matches.map((row) => (
            <li key={row}>
              <button onClick={() => pick(row)} data-row={row}>
                {corpus.columns.id?.[row]} · {titles[row].slice(0, 80)}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
