/**
 * d3 scales, axes and zoom for one panel: base scales fit the layout with equal units on both
 * axes; the d3 zoom transform rescales them. Conversions write into caller arrays (no allocation
 * per pointer move), and `clip()` gives the point layer its data → clip-space map.
 */
import { axisBottom, axisLeft, scaleLinear, zoomIdentity, type ScaleLinear, type Selection, type ZoomTransform } from 'd3';

export const MARGIN = { left: 34, bottom: 20, top: 4, right: 4 };

export class PlotFrame {
  /** Plot area in CSS pixels. */
  width = 1;
  height = 1;
  x: ScaleLinear<number, number> = scaleLinear();
  y: ScaleLinear<number, number> = scaleLinear();
  transform: ZoomTransform = zoomIdentity;
  private bounds: [number, number, number, number] = [-1, -1, 1, 1];

  /** Sets the data bounds from n × 2 coordinates (with 4% padding). */
  setBounds(coords: Float32Array): void {
    let x0 = Infinity,
      y0 = Infinity,
      x1 = -Infinity,
      y1 = -Infinity;
    for (let i = 0; i < coords.length; i += 2) {
      const x = coords[i],
        y = coords[i + 1];
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    if (!(x1 >= x0)) [x0, x1] = [-1, 1];
    if (!(y1 >= y0)) [y0, y1] = [-1, 1];
    const pad = 0.04 * Math.max(x1 - x0, y1 - y0, 1e-6);
    this.bounds = [x0 - pad, y0 - pad, x1 + pad, y1 + pad];
    this.fit();
  }

  /** Plot size changed (CSS pixels). */
  resize(width: number, height: number): void {
    this.width = Math.max(1, width);
    this.height = Math.max(1, height);
    this.fit();
  }

  /** Equal units per pixel on both axes, the layout centred. */
  private fit(): void {
    const [x0, y0, x1, y1] = this.bounds;
    const s = Math.min(this.width / (x1 - x0), this.height / (y1 - y0));
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    const hw = this.width / s / 2;
    const hh = this.height / s / 2;
    this.x = scaleLinear()
      .domain([cx - hw, cx + hw])
      .range([0, this.width]);
    this.y = scaleLinear()
      .domain([cy - hh, cy + hh])
      .range([this.height, 0]);
  }

  /** Screen pixels per data unit at the current zoom. */
  get pixelsPerUnit(): number {
    const [d0, d1] = this.x.domain();
    return (this.transform.k * this.width) / (d1 - d0);
  }

  /** Data → plot pixels, written into `out`. */
  toScreen(dx: number, dy: number, out: Float64Array): void {
    const t = this.transform;
    out[0] = t.k * this.x(dx) + t.x;
    out[1] = t.k * this.y(dy) + t.y;
  }

  /** Plot pixels → data, written into `out`. */
  toData(px: number, py: number, out: Float64Array): void {
    const t = this.transform;
    out[0] = this.x.invert((px - t.x) / t.k);
    out[1] = this.y.invert((py - t.y) / t.k);
  }

  /** clip = data · (ax, ay) + (bx, by), for the point layer. */
  clip(out: Float64Array): void {
    const t = this.transform;
    const [xd0, xd1] = this.x.domain();
    const [yd0, yd1] = this.y.domain();
    const sx = this.width / (xd1 - xd0); // pixels per unit before zoom
    const sy = this.height / (yd1 - yd0);
    // screen x = k·(sx·(d − xd0)) + t.x; clip x = 2·screen/width − 1
    out[0] = (2 * t.k * sx) / this.width;
    out[2] = (2 * (t.x - t.k * sx * xd0)) / this.width - 1;
    // screen y = k·(sy·(yd1 − d)) + t.y; clip y = 1 − 2·screen/height
    out[1] = (2 * t.k * sy) / this.height;
    out[3] = 1 - (2 * (t.k * sy * yd1 + t.y)) / this.height;
  }

  renderAxes(gx: Selection<SVGGElement, unknown, null, undefined>, gy: Selection<SVGGElement, unknown, null, undefined>): void {
    const zx = this.transform.rescaleX(this.x);
    const zy = this.transform.rescaleY(this.y);
    gx.attr('transform', `translate(${MARGIN.left},${MARGIN.top + this.height})`).call(
      axisBottom(zx)
        .ticks(Math.max(2, Math.round(this.width / 80)))
        .tickSizeOuter(0),
    );
    gy.attr('transform', `translate(${MARGIN.left},${MARGIN.top})`).call(
      axisLeft(zy)
        .ticks(Math.max(2, Math.round(this.height / 60)))
        .tickSizeOuter(0),
    );
  }
}
