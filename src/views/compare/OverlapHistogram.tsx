/**
 * Histogram of overlap@K over the seeds for the chosen pair (one bar per value 0, 1/K, …, 1), with a
 * d3 brush: the brushed range selects those seeds (written to the shared selection: the panels
 * highlight them and the bad-case queue is filtered to them).
 */
import { useEffect, useMemo, useRef } from 'react';
import { brushX, scaleLinear, select, type BrushBehavior } from 'd3';
import { overlapHistogram } from '../../compute/compare/overlap.ts';
import type { PairOverlap } from '../../state/compare.ts';
import { useSelection } from '../../state/selection.ts';

const W = 420,
  H = 150,
  M = { left: 36, right: 10, top: 8, bottom: 28 };

/** Seeds whose overlap lies in [lo, hi]. */
export function rowsInRange(o: PairOverlap, lo: number, hi: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < o.values.length; i++) if (o.values[i] >= lo - 1e-12 && o.values[i] <= hi + 1e-12) out.push(o.seeds[i]);
  return Int32Array.from(out);
}

export function OverlapHistogram({ overlap }: { overlap: PairOverlap }) {
  const ref = useRef<SVGGElement>(null);
  const brushRef = useRef<BrushBehavior<unknown> | null>(null);
  const setBrush = useSelection((s) => s.setBrush);
  const brush = useSelection((s) => s.brush);
  const { k } = overlap;
  const bins = useMemo(() => overlapHistogram(overlap.values, k), [overlap, k]);
  const x = useMemo(
    () =>
      scaleLinear()
        .domain([-0.5 / k, 1 + 0.5 / k])
        .range([M.left, W - M.right]),
    [k],
  );
  const maxCount = Math.max(1, ...bins);
  const y = scaleLinear()
    .domain([0, maxCount])
    .range([H - M.bottom, M.top]);
  const barW = Math.max(1, x(1 / k) - x(0) - 2);

  useEffect(() => {
    const g = ref.current;
    if (!g) return;
    const b = brushX()
      .extent([
        [M.left, M.top],
        [W - M.right, H - M.bottom],
      ])
      .on('end', (ev: { selection: [number, number] | null; sourceEvent?: unknown }) => {
        if (!ev.sourceEvent) return; // programmatic clear
        if (!ev.selection) {
          setBrush(null);
          return;
        }
        // Snap to whole bins: values j/K whose bar centre lies inside the brushed span.
        const lo = Math.ceil(x.invert(ev.selection[0]) * k - 1e-9) / k;
        const hi = Math.floor(x.invert(ev.selection[1]) * k + 1e-9) / k;
        if (hi < lo) {
          setBrush(null);
          return;
        }
        const rows = rowsInRange(overlap, lo, hi);
        setBrush({ rows, label: `overlap@${k} of ${overlap.a} vs ${overlap.b} in [${lo.toFixed(2)}, ${hi.toFixed(2)}]` });
      });
    brushRef.current = b as unknown as BrushBehavior<unknown>;
    select(g).call(b);
    return () => {
      select(g).on('.brush', null);
    };
  }, [overlap, k, x, setBrush]);

  // A new pair or a cleared brush elsewhere: clear the drawn brush too.
  useEffect(() => {
    if (!brush && ref.current && brushRef.current) select(ref.current).call(brushRef.current.move as never, null);
  }, [brush]);
  useEffect(() => () => useSelection.getState().setBrush(null), [overlap]);

  return (
    <div
      className="overlap-histogram"
      data-testid="overlap-histogram"
      data-pair={`${overlap.a}|${overlap.b}`}
      data-brushed={brush ? brush.rows.length : 0}
    >
      <svg width={W} height={H} role="img" aria-label={`overlap@${k} histogram of ${overlap.a} vs ${overlap.b}`}>
        {Array.from(bins, (count, j) => (
          <rect
            key={j}
            data-bin={j}
            data-count={count}
            x={x(j / k) - barW / 2}
            width={barW}
            y={y(count)}
            height={H - M.bottom - y(count)}
            className="bar"
          >
            <title>{`overlap ${j}/${k}: ${count} seeds`}</title>
          </rect>
        ))}
        <line x1={M.left} x2={W - M.right} y1={H - M.bottom} y2={H - M.bottom} stroke="#98a2b3" />
        {Array.from({ length: k + 1 }, (_, j) => j)
          .filter((j) => k <= 10 || j % Math.ceil(k / 10) === 0)
          .map((j) => (
            <text key={j} x={x(j / k)} y={H - M.bottom + 14} textAnchor="middle" className="tick">
              {(j / k).toFixed(1)}
            </text>
          ))}
        <text x={M.left - 4} y={M.top + 8} textAnchor="end" className="tick">
          {maxCount}
        </text>
        <g ref={ref} />
      </svg>
      <p className="muted">
        {brush
          ? `${brush.rows.length.toLocaleString()} seeds brushed: ${brush.label}`
          : 'Drag across the bars to select those seeds (panels highlight them, the bad-case queue is filtered).'}
        {brush && (
          <button className="chip" data-testid="overlap-brush-clear" onClick={() => setBrush(null)}>
            clear
          </button>
        )}
      </p>
    </div>
  );
}
