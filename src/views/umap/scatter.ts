/**
 * One UMAP scatter plot, framework-agnostic: its points drawn by the page's one WebGL2 context
 * (gl-renderer.ts) into a 2-D canvas, a second 2-D canvas above it for the hovered item, seed,
 * query star and lasso path, d3 axes and d3 zoom. Linked state comes in through setters and goes out
 * through the event callbacks. Hover, seed and the lasso path redraw only the overlay; pan, zoom,
 * colours and a new selection redraw the points (from buffers uploaded once per layout). Nothing
 * here touches React.
 */
import { quadtree, select, zoom, zoomIdentity, type Quadtree, type Selection, type ZoomBehavior } from 'd3';
import { MARGIN, PlotFrame } from './axes.ts';
import { sharedRenderer, type PointLayer } from './gl-renderer.ts';
import { LassoGesture } from './lasso.ts';
import { inSorted, lassoPath, MAX_THUMBS, placed, ring, star, thumbnails, type ProbeMark } from './marks.ts';
import type { Colouring } from './palette.ts';
import type { ThumbnailCache } from './thumbnails.ts';

export type { ProbeMark };

export interface ScatterEvents {
  hover(row: number | null): void;
  click(row: number): void;
  lasso(rows: Int32Array | null): void;
}

const HOVER_RADIUS_PX = 8;

export class Scatter {
  private readonly frame = new PlotFrame();
  private readonly layer: PointLayer;
  private readonly pointsCanvas: HTMLCanvasElement;
  private readonly overlay: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly xform = new Float64Array(4);
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
  private pointsDirty = true;
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
    this.pointsCanvas = document.createElement('canvas');
    this.pointsCanvas.className = 'umap-points';
    this.overlay = document.createElement('canvas');
    this.overlay.className = 'umap-overlay';
    this.overlay.dataset.testid = 'umap-canvas';
    for (const c of [this.pointsCanvas, this.overlay]) {
      c.style.left = `${MARGIN.left}px`;
      c.style.top = `${MARGIN.top}px`;
    }
    this.svg = select(root).append('svg').attr('class', 'umap-axes');
    this.gx = this.svg.append('g');
    this.gy = this.svg.append('g');
    root.append(this.pointsCanvas, this.overlay);
    this.layer = sharedRenderer().createLayer(root);
    this.ctx = this.overlay.getContext('2d')!;
    this.lasso = new LassoGesture(this.frame, () => this.requestDraw());

    this.zoomer = zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([0.5, 400])
      .filter((e: MouseEvent & WheelEvent) => !this.lassoMode && !e.shiftKey && (!e.ctrlKey || e.type === 'wheel') && !e.button)
      .on('zoom', (e: { transform: typeof zoomIdentity }) => {
        this.frame.transform = e.transform;
        this.axesDirty = true;
        this.requestPoints();
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
    // The picking index is built when the page is idle, or by the first pick: a warm load sets every
    // panel's points at once, and building 21 trees then held up the main thread (docs/BENCHMARKS.md).
    this.tree = null;
    const build = () => {
      if (this.coords === coords && !this.tree) this.tree = pickingTree(coords);
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(build, { timeout: 2000 });
    else setTimeout(build, 0);
    this.axesDirty = true;
    this.requestPoints();
  }

  /**
   * `rows` of the array given to `setPoints` have been placed since (written in place): they are
   * drawn and picked from now on. The bounds stay those of the first layout (the view does not jump).
   */
  updatePoints(rows: Int32Array): void {
    const coords = this.coords;
    if (!coords) return;
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
    this.tree?.addAll(add); // a tree not built yet will read every placed row
    this.requestPoints();
  }

  setColouring(c: Colouring): void {
    this.colouring = c;
    this.layer.setPalette(c.palette);
    if (this.coords) this.layer.setCodes(c.texels);
    this.requestPoints();
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
    this.requestPoints();
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

  /**
   * Applies a zoom transform (k, x, y) and draws at once; returns the milliseconds of main-thread
   * work (for benchmarks): the overlay, and the point layer's GL commands issued. The copy of the
   * finished points into the panel, which waits for the GPU, follows outside that time.
   */
  drawAt(k: number, x: number, y: number): number {
    const t0 = performance.now();
    select(this.overlay).call(this.zoomer.transform, zoomIdentity.translate(x, y).scale(k));
    this.draw();
    const renderer = sharedRenderer();
    renderer.issue(this.layer);
    const main = performance.now() - t0;
    renderer.copyOut(this.layer);
    return main;
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
    sharedRenderer().render(this.layer);
    const out = document.createElement('canvas');
    out.width = this.pointsCanvas.width;
    out.height = this.pointsCanvas.height;
    const c = out.getContext('2d')!;
    c.fillStyle = '#fff';
    c.fillRect(0, 0, out.width, out.height);
    c.drawImage(this.pointsCanvas, 0, 0);
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
    if (!this.coords) return null;
    this.tree ??= pickingTree(this.coords);
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
    for (const c of [this.pointsCanvas, this.overlay]) {
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
      c.width = Math.round(w * dpr);
      c.height = Math.round(h * dpr);
    }
    this.svg.attr('width', this.root.clientWidth).attr('height', this.root.clientHeight);
    this.frame.resize(w, h);
    this.axesDirty = true;
    this.requestPoints();
  }

  /** The overlay (hover, seed, probe, lasso path) on the next frame. */
  private requestDraw(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(this.drawFrame);
  }

  /** The points too (view, data, colours or selection changed). */
  private requestPoints(): void {
    this.pointsDirty = true;
    this.requestDraw();
  }

  private pointSize(): number {
    const n = this.coords ? this.coords.length >> 1 : 1;
    const base = Math.min(6, Math.max(2, 400 / Math.sqrt(n)));
    return base * Math.min(2.5, 1 + 0.3 * Math.log2(Math.max(1, this.frame.transform.k)));
  }

  private draw(): void {
    this.pending = false;
    const dpr = globalThis.devicePixelRatio || 1;
    const size = this.pointSize();
    // No points yet: nothing to draw (sizing the canvas cleared it), and no GPU round trip per empty panel.
    if (this.pointsDirty && this.coords) {
      this.pointsDirty = false;
      this.frame.clip(this.xform);
      this.layer.draw({ xform: this.xform, sizePx: size * dpr, target: this.pointsCanvas, after: (ctx) => this.drawThumbnails(ctx, size) });
    }
    if (this.axesDirty) {
      this.axesDirty = false;
      this.frame.renderAxes(this.gx, this.gy);
    }
    const ctx = this.ctx;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.frame.width, this.frame.height);
    const coords = this.coords;
    if (!coords) return;
    const t = this.tmp;
    if (this.seed !== null) ring(ctx, this.frame, coords, this.seed, size / 2 + 4, { fill: null, stroke: '#d62728', width: 2.5 }, t);
    if (this.hovered !== null) {
      const fill = this.colouring?.colourOf(this.hovered) ?? '#555';
      ring(ctx, this.frame, coords, this.hovered, size / 2 + 3, { fill, stroke: '#111', width: 2 }, t);
    }
    if (this.probe) star(ctx, this.frame, this.probe, t);
    lassoPath(ctx, this.lasso.path);
  }

  /** Thumbnails of the visible points once zoomed in (drawn with the points, not on every hover). */
  private drawThumbnails(ctx: CanvasRenderingContext2D, size: number): void {
    if (!this.thumbnails || !this.coords) return;
    const dpr = globalThis.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const selected = this.selected;
    thumbnails(
      ctx,
      this.frame,
      this.coords,
      this.thumbnails,
      size,
      (i) => this.colouring?.colourOf(i) ?? '#888',
      (i) => !selected || inSorted(selected, i),
      this.visible,
      this.tmp,
    );
  }
}

/** A quadtree over the placed rows of `coords` (n × 2), for picking the point under the pointer. */
function pickingTree(coords: Float32Array): Quadtree<number> {
  const rows: number[] = [];
  for (let i = 0; i < coords.length >> 1; i++) if (placed(coords, i)) rows.push(i);
  return quadtree<number>()
    .x((i) => coords[i * 2])
    .y((i) => coords[i * 2 + 1])
    .addAll(rows);
}
