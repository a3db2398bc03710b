/**
 * One UMAP scatter plot, framework-agnostic: a WebGL2 point layer, a 2-D overlay (hovered item,
 * seed, query marker, lasso path, thumbnails when zoomed in), d3 axes and d3 zoom. Linked state
 * comes in through setters and goes out through the event callbacks; all drawing happens in one
 * requestAnimationFrame per change, so pan/zoom never touches React.
 */
import { quadtree, select, zoom, zoomIdentity, type Quadtree, type Selection, type ZoomBehavior } from 'd3';
import { MARGIN, PlotFrame } from './axes.ts';
import { LassoGesture } from './lasso.ts';
import type { Colouring } from './palette.ts';
import { PointLayer } from './point-layer.ts';
import type { ThumbnailCache } from './thumbnails.ts';

export interface ScatterEvents {
  hover(row: number | null): void;
  click(row: number): void;
  lasso(rows: Int32Array | null): void;
}

export interface ProbeMark {
  x: number;
  y: number;
  label: string;
}

/** Whether row i has coordinates (rows still being placed by transform are NaN). */
function placed(coords: Float32Array, i: number): boolean {
  return coords[i * 2] === coords[i * 2] && coords[i * 2 + 1] === coords[i * 2 + 1];
}

/** Zoomed in far enough that at most this many points are visible: draw their thumbnails. */
const MAX_THUMBS = 160;
const HOVER_RADIUS_PX = 8;

export class Scatter {
  private readonly frame = new PlotFrame();
  private readonly layer: PointLayer;
  private readonly glCanvas: HTMLCanvasElement;
  private readonly overlay: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly svg: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly gx: Selection<SVGGElement, unknown, null, undefined>;
  private readonly gy: Selection<SVGGElement, unknown, null, undefined>;
  private readonly zoomer: ZoomBehavior<HTMLCanvasElement, unknown>;
  private readonly lasso: LassoGesture;
  private readonly resizer: ResizeObserver;
  private coords: Float32Array | null = null;
  private tree: Quadtree<number> | null = null;
  private colouring: Colouring | null = null;
  private hovered: number | null = null;
  private seed: number | null = null;
  private probe: ProbeMark | null = null;
  private selected: Int32Array | null = null;
  private lassoMode = false;
  private pending = false;
  private axesDirty = true;
  private suppressClick = false;
  private readonly visible = new Int32Array(MAX_THUMBS + 1);
  private readonly tmp = new Float64Array(4);
  private readonly drawFrame = () => this.draw();

  constructor(
    private readonly root: HTMLElement,
    private readonly events: ScatterEvents,
    private readonly thumbnails: ThumbnailCache | null,
  ) {
    root.classList.add('umap-plot');
    this.glCanvas = document.createElement('canvas');
    this.glCanvas.className = 'umap-gl';
    this.overlay = document.createElement('canvas');
    this.overlay.className = 'umap-overlay';
    this.overlay.dataset.testid = 'umap-canvas';
    for (const c of [this.glCanvas, this.overlay]) {
      c.style.left = `${MARGIN.left}px`;
      c.style.top = `${MARGIN.top}px`;
    }
    this.svg = select(root).append('svg').attr('class', 'umap-axes');
    this.gx = this.svg.append('g');
    this.gy = this.svg.append('g');
    root.append(this.glCanvas, this.overlay);
    this.layer = new PointLayer(this.glCanvas);
    this.ctx = this.overlay.getContext('2d')!;
    this.lasso = new LassoGesture(this.frame, () => this.requestDraw());

    this.zoomer = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([0.5, 400])
      .filter((e: MouseEvent & WheelEvent) => !this.lassoMode && !e.shiftKey && (!e.ctrlKey || e.type === 'wheel') && !e.button)
      .on('zoom', (e: { transform: typeof zoomIdentity }) => {
        this.frame.transform = e.transform;
        this.axesDirty = true;
        this.requestDraw();
      });
    select(this.overlay).call(this.zoomer).on('dblclick.zoom', null);

    this.overlay.addEventListener('pointerdown', this.onPointerDown);
    this.overlay.addEventListener('pointermove', this.onPointerMove);
    this.overlay.addEventListener('pointerup', this.onPointerUp);
    this.overlay.addEventListener('pointerleave', this.onPointerLeave);
    this.overlay.addEventListener('click', this.onClick);
    this.overlay.addEventListener('dblclick', this.onDoubleClick);
    this.resizer = new ResizeObserver(() => this.resize());
    this.resizer.observe(root);
    this.resize();
  }

  // ---- state in ----

  /**
   * Positions (n × 2, data units). Rows with NaN coordinates are not placed yet: they are not drawn
   * or picked until `updatePoints` reports them.
   */
  setPoints(coords: Float32Array): void {
    this.coords = coords;
    this.layer.setPositions(coords);
    if (this.colouring) this.layer.setCodes(this.colouring.texels);
    this.layer.setSelection(this.selected);
    this.frame.setBounds(coords);
    const n = coords.length >> 1;
    const rows: number[] = [];
    for (let i = 0; i < n; i++) if (placed(coords, i)) rows.push(i);
    this.layer.setDrawn(rows.length === n ? null : Uint32Array.from(rows));
    this.tree = quadtree<number>()
      .x((i) => coords[i * 2])
      .y((i) => coords[i * 2 + 1])
      .addAll(rows);
    this.axesDirty = true;
    this.requestDraw();
  }

  /**
   * `rows` of the array given to `setPoints` have been placed since (written in place): they are
   * drawn and picked from now on. The bounds stay those of the first layout (the view does not jump).
   */
  updatePoints(rows: Int32Array): void {
    const coords = this.coords;
    if (!coords || !this.tree) return;
    this.layer.updatePositions(coords);
    const n = coords.length >> 1;
    let count = 0;
    for (let i = 0; i < n; i++) if (placed(coords, i)) count++;
    if (count === n) this.layer.setDrawn(null);
    else {
      const drawn = new Uint32Array(count);
      for (let i = 0, c = 0; i < n; i++) if (placed(coords, i)) drawn[c++] = i;
      this.layer.setDrawn(drawn);
    }
    const add: number[] = [];
    for (const r of rows) if (r >= 0 && r < n && placed(coords, r)) add.push(r);
    this.tree.addAll(add);
    this.requestDraw();
  }

  setColouring(c: Colouring): void {
    this.colouring = c;
    this.layer.setPalette(c.palette);
    if (this.coords) this.layer.setCodes(c.texels);
    this.requestDraw();
  }

  setHovered(row: number | null): void {
    if (row === this.hovered) return;
    this.hovered = row;
    this.requestDraw();
  }

  setSeed(row: number | null): void {
    this.seed = row;
    this.requestDraw();
  }

  setSelection(rows: Int32Array | null): void {
    let sorted = true;
    if (rows) for (let i = 1; i < rows.length && sorted; i++) sorted = rows[i - 1] <= rows[i];
    this.selected = rows && !sorted ? rows.slice().sort() : rows;
    if (this.coords) this.layer.setSelection(rows);
    this.requestDraw();
  }

  /** Client position of the probe marker (null when none), for tests. */
  probeClientPosition(): { x: number; y: number } | null {
    if (!this.probe) return null;
    this.frame.toScreen(this.probe.x, this.probe.y, this.tmp);
    const r = this.overlay.getBoundingClientRect();
    return { x: r.left + this.tmp[0], y: r.top + this.tmp[1] };
  }

  setProbe(probe: ProbeMark | null): void {
    this.probe = probe;
    this.requestDraw();
  }

  setLassoMode(on: boolean): void {
    this.lassoMode = on;
    this.overlay.style.cursor = on ? 'crosshair' : '';
  }

  resetZoom(): void {
    select(this.overlay).call(this.zoomer.transform, zoomIdentity);
  }

  /** Applies a zoom transform (k, x, y) and draws at once; returns the milliseconds spent (for benchmarks). */
  drawAt(k: number, x: number, y: number): number {
    const t0 = performance.now();
    select(this.overlay).call(this.zoomer.transform, zoomIdentity.translate(x, y).scale(k));
    this.draw();
    return performance.now() - t0;
  }

  /** Screen position (client pixels) of a row, for tests and tooltips; null when not drawn. */
  clientPosition(row: number): { x: number; y: number } | null {
    if (!this.coords || row < 0 || row * 2 >= this.coords.length || !placed(this.coords, row)) return null;
    this.frame.toScreen(this.coords[row * 2], this.coords[row * 2 + 1], this.tmp);
    const r = this.overlay.getBoundingClientRect();
    return { x: r.left + this.tmp[0], y: r.top + this.tmp[1] };
  }

  /** The panel as a PNG data URL (points + overlay), for export. */
  toDataURL(): string {
    this.draw();
    const out = document.createElement('canvas');
    out.width = this.glCanvas.width;
    out.height = this.glCanvas.height;
    const c = out.getContext('2d')!;
    c.fillStyle = '#fff';
    c.fillRect(0, 0, out.width, out.height);
    c.drawImage(this.glCanvas, 0, 0);
    c.drawImage(this.overlay, 0, 0);
    return out.toDataURL('image/png');
  }

  destroy(): void {
    this.resizer.disconnect();
    select(this.overlay).on('.zoom', null);
    this.layer.destroy();
    this.root.replaceChildren();
  }

  // ---- events ----

  private pick(px: number, py: number): number | null {
    if (!this.tree) return null;
    this.frame.toData(px, py, this.tmp);
    const found = this.tree.find(this.tmp[0], this.tmp[1], HOVER_RADIUS_PX / this.frame.pixelsPerUnit);
    return found === undefined ? null : found;
  }

  private local(e: MouseEvent): [number, number] {
    const r = this.overlay.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }

  private readonly onPointerDown = (e: PointerEvent) => {
    if (e.button !== 0 || !(e.shiftKey || this.lassoMode)) return;
    e.preventDefault();
    this.overlay.setPointerCapture(e.pointerId);
    const [x, y] = this.local(e);
    this.lasso.start(x, y);
  };

  private readonly onPointerMove = (e: PointerEvent) => {
    const [x, y] = this.local(e);
    if (this.lasso.drawing) {
      this.lasso.move(x, y);
      return;
    }
    if (e.buttons) return; // panning
    const row = this.pick(x, y);
    if (row !== this.hovered) this.events.hover(row);
  };

  private readonly onPointerUp = (e: PointerEvent) => {
    if (!this.lasso.drawing) return;
    const [x, y] = this.local(e);
    this.lasso.move(x, y);
    const rows = this.lasso.end(this.coords);
    this.suppressClick = true;
    this.events.lasso(rows && rows.length > 0 ? rows : null);
  };

  private readonly onPointerLeave = () => {
    if (!this.lasso.drawing && this.hovered !== null) this.events.hover(null);
  };

  private readonly onClick = (e: MouseEvent) => {
    if (this.suppressClick) {
      this.suppressClick = false;
      return;
    }
    const [x, y] = this.local(e);
    const row = this.pick(x, y);
    if (row !== null) this.events.click(row);
  };

  private readonly onDoubleClick = () => this.resetZoom();

  // ---- drawing ----

  private resize(): void {
    const w = Math.max(1, this.root.clientWidth - MARGIN.left - MARGIN.right);
    const h = Math.max(1, this.root.clientHeight - MARGIN.top - MARGIN.bottom);
    const dpr = globalThis.devicePixelRatio || 1;
    for (const c of [this.glCanvas, this.overlay]) {
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    this.svg.attr('width', this.root.clientWidth).attr('height', this.root.clientHeight);
    this.frame.resize(w, h);
    this.axesDirty = true;
    this.requestDraw();
  }

  private requestDraw(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(this.drawFrame);
  }

  private pointSize(): number {
    const n = this.coords ? this.coords.length >> 1 : 1;
    const base = Math.min(6, Math.max(2, 400 / Math.sqrt(n)));
    return base * Math.min(2.5, 1 + 0.3 * Math.log2(Math.max(1, this.frame.transform.k)));
  }

  private draw(): void {
    this.pending = false;
    const dpr = globalThis.devicePixelRatio || 1;
    const t = this.tmp;
    this.frame.clip(t);
    const size = this.pointSize();
    this.layer.draw(t[0], t[1], t[2], t[3], size * dpr);
    if (this.axesDirty) {
      this.axesDirty = false;
      this.frame.renderAxes(this.gx, this.gy);
    }
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.frame.width, this.frame.height);
    if (!this.coords) return;
    this.drawThumbnails(ctx, size);
    if (this.seed !== null) this.mark(ctx, this.seed, size / 2 + 4, null, '#d62728', 2.5);
    if (this.hovered !== null) this.mark(ctx, this.hovered, size / 2 + 3, this.colouring?.colourOf(this.hovered) ?? '#555', '#111', 2);
    if (this.probe) this.drawProbe(ctx, this.probe);
    const path = this.lasso.path;
    if (path.length >= 4) {
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
  }

  private mark(ctx: CanvasRenderingContext2D, row: number, radius: number, fill: string | null, stroke: string, width: number): void {
    const coords = this.coords!;
    if (row < 0 || row * 2 >= coords.length || !placed(coords, row)) return;
    this.frame.toScreen(coords[row * 2], coords[row * 2 + 1], this.tmp);
    ctx.beginPath();
    ctx.arc(this.tmp[0], this.tmp[1], radius, 0, Math.PI * 2);
    if (fill) {
      ctx.fillStyle = fill;
      ctx.fill();
    }
    ctx.strokeStyle = stroke;
    ctx.lineWidth = width;
    ctx.stroke();
  }

  private drawProbe(ctx: CanvasRenderingContext2D, p: ProbeMark): void {
    this.frame.toScreen(p.x, p.y, this.tmp);
    const x = this.tmp[0], y = this.tmp[1], r = 9;
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

  /** Thumbnails of the visible points once few enough are on screen (no allocation per frame). */
  private drawThumbnails(ctx: CanvasRenderingContext2D, size: number): void {
    if (!this.thumbnails || this.frame.transform.k < 2) return;
    const coords = this.coords!;
    const n = coords.length >> 1;
    const w = this.frame.width, h = this.frame.height;
    const t = this.tmp;
    // The visible rectangle in data units, so the scan over all points is plain comparisons.
    this.frame.toData(-20, h + 20, t);
    const x0 = t[0], y0 = t[1];
    this.frame.toData(w + 20, -20, t);
    const x1 = t[0], y1 = t[1];
    let count = 0;
    for (let i = 0; i < n; i++) {
      const x = coords[i * 2], y = coords[i * 2 + 1];
      if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1)) continue; // also skips rows not placed yet (NaN)
      if (count === MAX_THUMBS) return; // too many on screen: dots only
      this.visible[count++] = i;
    }
    const s = Math.min(56, Math.max(18, size * 4));
    for (let v = 0; v < count; v++) {
      const i = this.visible[v];
      if (this.selected && !this.isSelected(i)) continue;
      const img = this.thumbnails.get(i);
      if (!img) continue;
      this.frame.toScreen(coords[i * 2], coords[i * 2 + 1], t);
      ctx.drawImage(img, t[0] - s / 2, t[1] - s / 2, s, s);
      ctx.strokeStyle = this.colouring?.colourOf(i) ?? '#888';
      ctx.lineWidth = 2;
      ctx.strokeRect(t[0] - s / 2, t[1] - s / 2, s, s);
    }
  }

  private isSelected(row: number): boolean {
    const sel = this.selected!;
    let lo = 0, hi = sel.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sel[mid] === row) return true;
      if (sel[mid] < row) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}
