/**
 * Variant × variant heatmap: below the diagonal the mean neighbour overlap@K, above it linear CKA.
 * A click on a cell chooses that pair for the histogram and the changed-most list.
 */
import { interpolateBlues } from 'd3';
import type { PairScore } from '../../compute/evaluate.ts';
import { pairScore } from '../../state/compare.ts';

export function CompareMatrix({
  variants,
  pairs,
  k,
  chosen,
  onChoose,
}: {
  variants: string[];
  pairs: PairScore[];
  k: number;
  chosen: [string, string] | null;
  onChoose: (a: string, b: string) => void;
}) {
  const cell = (row: string, col: string, i: number, j: number) => {
    if (i === j) return <td key={col} className="diag" />;
    const p = pairScore(pairs, row, col);
    const measure = i > j ? 'overlap' : 'cka';
    const v = p ? p[measure] : NaN;
    const isChosen = chosen !== null && ((chosen[0] === row && chosen[1] === col) || (chosen[0] === col && chosen[1] === row));
    return (
      <td
        key={col}
        data-testid="compare-cell"
        data-a={row}
        data-b={col}
        data-measure={measure}
        data-value={Number.isFinite(v) ? v : ''}
        className={isChosen ? 'chosen' : undefined}
        style={Number.isFinite(v) ? { background: interpolateBlues(0.1 + 0.8 * v), color: v > 0.6 ? '#fff' : undefined } : undefined}
        title={`${row} vs ${col}: ${measure === 'overlap' ? `mean overlap@${k}` : 'linear CKA'} ${Number.isFinite(v) ? v.toFixed(4) : '–'} (click to inspect this pair)`}
        onClick={() => onChoose(row, col)}
      >
        {Number.isFinite(v) ? v.toFixed(2) : '–'}
      </td>
    );
  };
  return (
    <table className="compare-matrix" data-testid="compare-matrix">
      <thead>
        <tr>
          <th />
          {variants.map((v) => (
            <th key={v} className="variant">
              {v}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {variants.map((row, i) => (
          <tr key={row}>
            <th className="variant">{row}</th>
            {variants.map((col, j) => cell(row, col, i, j))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
