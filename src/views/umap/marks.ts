/**
 * What a panel draws on 2-D canvases above its points: the hovered item, the seed, a query's star,
 * the lasso path, and thumbnails once zoomed in. Pure drawing helpers, no state of their own.
 */
import type { PlotFrame } from './axes.ts';
import type { ThumbnailCache } from './thumbnails.ts';

export interface ProbeMark {
  x: number;
  y: number;
  label: string;
}

/** Whether row i has coordinates (rows still being placed by transform are NaN). */
export function placed(coords: Float32Array, i: number): boolean {
  return !Number.isNaN(coords[i * 2]) && !Number.isNaN(coords[i * 2 + 1]);
}

/** A ring (and fill) around row's point. */
export function ring(
  ctx: CanvasRenderingContext2D,
  frame: PlotFrame,
  coords: Float32Array,
  row: number,
  radius: number,
  style: { fill: string | null; stroke: string; width: number },
  tmp: Float64Array,
): void {
  if (row < 0 || row * 2 >= coords.length || !placed(coords, row)) return;
  frame.toScreen(coords[row * 2], coords[row * 2 + 1], tmp);
  ctx.beginPath();
  ctx.arc(tmp[0], tmp[1], radius, 0, Math.PI * 2);
  if (style.fill) {
    ctx.fillStyle = style.fill;
    ctx.fill();
  }
  ctx.strokeStyle = style.stroke;
  ctx.lineWidth = style.width;
  ctx.stroke();
}

/** A yellow star with the query's label. */
export function star(ctx: CanvasRenderingContext2D, frame: PlotFrame, p: ProbeMark, tmp: Float64Array): void {
  frame.toScreen(p.x, p.y, tmp);
  const x = tmp[0],
    y = tmp[1],
    r = 9;
  ctx.beginPath();
  for (let i = 0; i < 10; i++) {
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 ? r * 0.45 : r;
    ctx.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
  }
  ctx.closePath();
  ctx.fillStyle = '#ffd400';
  ctx.fill();
  ctx.strokeStyle = '#111';
  ctx.lineWidth = 1.5;
  ctx.stroke();
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#111';
  ctx.fillText(p.label, x + r + 3, y + 4);
}

/** The lasso polygon being drawn (plot pixels). */
export function lassoPath(ctx: CanvasRenderingContext2D, path: number[]): void {
  if (path.length < 4) return;
  ctx.beginPath();
  ctx.moveTo(path[0], path[1]);
  for (let i = 2; i < path.length; i += 2) ctx.lineTo(path[i], path[i + 1]);
  ctx.closePath();
  ctx.fillStyle = 'rgba(31, 119, 180, 0.08)';
  ctx.fill();
  ctx.setLineDash([4, 3]);
  ctx.strokeStyle = '#1f77b4';
  ctx.lineWidth = 1.5;
  ctx.stroke();
  ctx.setLineDash([]);
}

/** Zoomed in far enough that at most this many points are visible: draw their thumbnails. */
export const MAX_THUMBS = 160;

/**
 * Thumbnails of the visible points once few enough are on screen. `visible` is scratch space of
 * MAX_THUMBS + 1 rows (no allocation per frame); `keep(row)` filters (e.g. the lasso selection).
 */
export function thumbnails(
  ctx: CanvasRenderingContext2D,
  frame: PlotFrame,
  coords: Float32Array,
  cache: ThumbnailCache,
  size: number,
  outline: (row: number) => string,
  keep: (row: number) => boolean,
  visible: Int32Array,
  t: Float64Array,
): void {
  if (frame.transform.k < 2) return;
  const n = coords.length >> 1;
  // The visible rectangle in data units, so the scan over all points is plain comparisons.
  frame.toData(-20, frame.height + 20, t);
  const x0 = t[0],
    y0 = t[1];
  frame.toData(frame.width + 20, -20, t);
  const x1 = t[0],
    y1 = t[1];
  let count = 0;
  for (let i = 0; i < n; i++) {
    const x = coords[i * 2],
      y = coords[i * 2 + 1];
    if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1)) continue; // also skips rows not placed yet (NaN)
    if (count === MAX_THUMBS) return; // too many on screen: dots only
    visible[count++] = i;
  }
  const s = Math.min(56, Math.max(18, size * 4));
  for (let v = 0; v < count; v++) {
    const i = visible[v];
    if (!keep(i)) continue;
    const img = cache.get(i);
    if (!img) continue;
    frame.toScreen(coords[i * 2], coords[i * 2 + 1], t);
    ctx.drawImage(img, t[0] - s / 2, t[1] - s / 2, s, s);
    ctx.strokeStyle = outline(i);
    ctx.lineWidth = 2;
    ctx.strokeRect(t[0] - s / 2, t[1] - s / 2, s, s);
  }
}

/** Whether `row` is in the ascending array `sorted`. */
export function inSorted(sorted: Int32Array, row: number): boolean {
  let lo = 0,
    hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] === row) return true;
    if (sorted[mid] < row) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
