/**
 * Lasso gesture: shift-drag (or drag in lasso mode) draws a free-hand polygon in plot pixels; on
 * release it is mapped to data units and the points inside are returned (src/compute/umap/lasso.ts).
 */
import { pointsInPolygon } from '../../compute/umap/lasso.ts';
import type { PlotFrame } from './axes.ts';

export class LassoGesture {
  /** The polygon being drawn, plot pixels [x0, y0, x1, y1, …] (empty when idle). */
  path: number[] = [];
  private active = false;

  constructor(
    private readonly frame: PlotFrame,
    private readonly onChange: () => void,
  ) {}

  get drawing(): boolean {
    return this.active;
  }

  start(px: number, py: number): void {
    this.active = true;
    this.path = [px, py];
    this.onChange();
  }

  move(px: number, py: number): void {
    if (!this.active) return;
    const m = this.path.length;
    const dx = px - this.path[m - 2];
    const dy = py - this.path[m - 1];
    if (dx * dx + dy * dy < 4) return;
    this.path.push(px, py);
    this.onChange();
  }

  /** Ends the gesture; returns the rows inside, or null when the path was too small to be a lasso. */
  end(coords: Float32Array | null): Int32Array | null {
    if (!this.active) return null;
    this.active = false;
    const path = this.path;
    this.path = [];
    this.onChange();
    if (!coords || path.length < 6) return null;
    const poly = new Float64Array(path.length);
    const p = new Float64Array(2);
    for (let i = 0; i < path.length; i += 2) {
      this.frame.toData(path[i], path[i + 1], p);
      poly[i] = p[0];
      poly[i + 1] = p[1];
    }
    return pointsInPolygon(coords, poly);
  }

  cancel(): void {
    this.active = false;
    this.path = [];
    this.onChange();
  }
}
