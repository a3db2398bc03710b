/**
 * One WebGL2 context for every UMAP panel. Chromium keeps at most 16 live WebGL contexts per page
 * (the oldest is lost beyond that), so no panel owns one: each panel owns a `PointLayer` (its GPU
 * buffers in the shared context, plus the CPU copies needed to restore them) and a plain 2-D canvas.
 * A frame draws each dirty, visible panel into the shared offscreen canvas with its own viewport,
 * then copies those pixels into the panel's 2-D canvas. Panels outside the viewport are not drawn
 * (an IntersectionObserver marks them) until they scroll in. After a context loss every layer is
 * uploaded again from its CPU copies once the context is restored.
 */
import { PointProgram, type LayerBuffers } from './point-program.ts';

/** Palette size in the texture; code c (≥ 0) uses texel 1 + c mod (PALETTE − 1), texel 0 = no label. */
export const PALETTE = 256;

/** What a panel asks to be drawn: the data → clip map and point size, into `target`. */
export interface DrawRequest {
  /** clip = pos · (ax, ay) + (bx, by). */
  xform: Float64Array;
  sizePx: number;
  target: HTMLCanvasElement;
  /** Draws on the target after the points were copied in (e.g. thumbnails). */
  after?: (ctx: CanvasRenderingContext2D) => void;
}

/** One panel's points. Setters keep a CPU copy (for restores) and upload on the next draw. */
export class PointLayer {
  count = 0;
  positions: Float32Array = new Float32Array(0);
  codes: Uint8Array = new Uint8Array(0);
  flags: Uint8Array = new Uint8Array(0);
  palette: Uint8Array = new Uint8Array(PALETTE * 4).fill(128);
  /** Rows drawn when not all are (items still being placed); null: every row. */
  drawn: Uint32Array | null = null;
  dimOthers = false;
  /** Uploads still owed to the GPU, by buffer. */
  dirty = { pos: true, code: true, flag: true, index: true, palette: true };
  gl: LayerBuffers | null = null;
  /** Bumped on every change, so the renderer can tell whether a panel must be drawn again. */
  version = 0;
  request: DrawRequest | null = null;
  visible = true;
  drawnVersion = -1;

  constructor(private readonly owner: SharedRenderer) {}

  /** Positions in data units (n × 2). Resets colours to "no label" and clears the selection. */
  setPositions(coords: Float32Array): void {
    this.count = coords.length >> 1;
    this.positions = coords;
    this.drawn = null;
    this.codes = new Uint8Array(this.count);
    this.flags = new Uint8Array(this.count);
    this.dimOthers = false;
    this.touch('pos', 'code', 'flag', 'index');
  }

  /** The same points moved (more of them placed); colours and selection stay. */
  updatePositions(coords: Float32Array): void {
    if (coords.length >> 1 !== this.count) return this.setPositions(coords);
    this.positions = coords;
    this.touch('pos');
  }

  /** Draws only these rows (ascending), or every row (null). */
  setDrawn(rows: Uint32Array | null): void {
    this.drawn = rows;
    this.touch('index');
  }

  /** Per point palette texel (0 = no label); null: all unlabelled. */
  setCodes(texels: Uint8Array | null): void {
    this.codes = texels && texels.length === this.count ? texels : new Uint8Array(this.count);
    this.touch('code');
  }

  /** RGBA bytes for the PALETTE texels. */
  setPalette(rgba: Uint8Array): void {
    this.palette = rgba;
    this.touch('palette');
  }

  /** Marks the selected rows (null: no selection, nothing dimmed). */
  setSelection(rows: Int32Array | null): void {
    this.flags.fill(0);
    if (rows) for (const r of rows) if (r >= 0 && r < this.count) this.flags[r] = 1;
    this.dimOthers = rows !== null;
    this.touch('flag');
  }

  /** Draws into `target` on the next frame (nothing happens while the panel is off screen). */
  draw(req: DrawRequest): void {
    this.request = req;
    this.version++;
    this.owner.schedule();
  }

  destroy(): void {
    this.owner.release(this);
  }

  private touch(...what: Array<keyof PointLayer['dirty']>): void {
    for (const w of what) this.dirty[w] = true;
    this.version++;
  }
}

export class SharedRenderer {
  readonly canvas: HTMLCanvasElement;
  private gl: WebGL2RenderingContext | null = null;
  private program: PointProgram | null = null;
  private readonly layers = new Set<PointLayer>();
  private readonly observed = new Map<Element, PointLayer>();
  private readonly observer: IntersectionObserver | null;
  private pending = false;
  /** Context losses seen (and restores), for the panel's tests. */
  losses = 0;
  restores = 0;
  /** Panels drawn so far (each copy into a panel's canvas counts one). */
  draws = 0;

  constructor() {
    this.canvas = document.createElement('canvas');
    this.canvas.addEventListener('webglcontextlost', (e) => {
      e.preventDefault(); // lets the browser restore it
      this.losses++;
      this.gl = null;
      this.program = null;
      for (const l of this.layers) l.gl = null;
    });
    this.canvas.addEventListener('webglcontextrestored', () => {
      this.restores++;
      for (const l of this.layers) {
        l.dirty = { pos: true, code: true, flag: true, index: true, palette: true };
        l.drawnVersion = -1;
      }
      this.schedule();
    });
    this.observer =
      typeof IntersectionObserver === 'undefined'
        ? null
        : new IntersectionObserver((entries) => {
            for (const e of entries) {
              const layer = this.observed.get(e.target);
              if (layer) layer.visible = e.isIntersecting;
            }
            this.schedule();
          });
  }

  /** A layer for one panel; `root` is watched so the panel is only drawn while on screen. */
  createLayer(root: Element): PointLayer {
    this.context(); // fail early (no WebGL2): the panel shows the error
    const layer = new PointLayer(this);
    this.layers.add(layer);
    this.observed.set(root, layer);
    this.observer?.observe(root);
    return layer;
  }

  release(layer: PointLayer): void {
    this.layers.delete(layer);
    for (const [el, l] of this.observed) {
      if (l !== layer) continue;
      this.observer?.unobserve(el);
      this.observed.delete(el);
    }
    const gl = this.gl;
    if (gl && layer.gl && !gl.isContextLost()) {
      const g = layer.gl;
      for (const b of [g.pos, g.code, g.flag, g.index]) gl.deleteBuffer(b);
      gl.deleteTexture(g.palette);
      gl.deleteVertexArray(g.vao);
    }
    layer.gl = null;
  }

  schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.flush();
    });
  }

  /** Draws every visible layer whose content or view changed since its last draw. */
  flush(): void {
    for (const layer of this.layers) {
      if (!layer.visible || !layer.request || layer.drawnVersion === layer.version) continue;
      if (this.render(layer)) layer.drawnVersion = layer.version;
    }
  }

  /** Draws one layer now (visible or not), e.g. for a PNG export. Returns false while the context is lost. */
  render(layer: PointLayer): boolean {
    if (!this.issue(layer)) return false;
    this.copyOut(layer);
    return true;
  }

  /**
   * Issues the layer's GL work into the shared canvas (uploads what changed, then one draw call);
   * the GPU runs it asynchronously. `copyOut` then waits for it and copies the pixels into the panel.
   */
  issue(layer: PointLayer): boolean {
    const req = layer.request;
    const gl = this.context();
    if (!req || !gl || gl.isContextLost()) return false;
    const program = this.program!;
    const { width, height } = req.target;
    if (this.canvas.width < width || this.canvas.height < height) {
      this.canvas.width = Math.max(this.canvas.width, width);
      this.canvas.height = Math.max(this.canvas.height, height);
    }
    const g = (layer.gl ??= program.createLayerGl());
    program.upload(g, layer);
    // Bottom-left corner of the shared canvas; copied out from its top-left view in copyOut.
    gl.viewport(0, 0, width, height);
    gl.enable(gl.SCISSOR_TEST);
    gl.scissor(0, 0, width, height);
    gl.clearColor(0, 0, 0, 0);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.disable(gl.SCISSOR_TEST);
    program.draw(g, layer, req);
    return true;
  }

  /** Copies the layer's pixels (just issued) into its panel's 2-D canvas: this waits for the GPU. */
  copyOut(layer: PointLayer): void {
    const req = layer.request;
    if (!req) return;
    const { width, height } = req.target;
    const ctx = req.target.getContext('2d');
    if (ctx) {
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, width, height);
      ctx.drawImage(this.canvas, 0, this.canvas.height - height, width, height, 0, 0, width, height);
      req.after?.(ctx);
    }
    this.draws++;
  }

  /** The shared context (created on first use; null while lost). */
  private context(): WebGL2RenderingContext | null {
    if (this.gl && this.program) return this.gl;
    const gl = this.canvas.getContext('webgl2', { antialias: false, premultipliedAlpha: true, preserveDrawingBuffer: true });
    if (!gl) throw new Error('WebGL2 is not available in this browser');
    if (gl.isContextLost()) return null;
    this.gl = gl;
    this.program = new PointProgram(gl);
    return gl;
  }

  /** Test and debug handle: loses the context as a driver reset would, and restores it after `ms`. */
  simulateContextLoss(ms = 50): void {
    const ext = this.gl?.getExtension('WEBGL_lose_context');
    if (!ext) return;
    ext.loseContext();
    setTimeout(() => ext.restoreContext(), ms);
  }
}

let shared: SharedRenderer | null = null;

/** The page's one renderer. */
export function sharedRenderer(): SharedRenderer {
  shared ??= new SharedRenderer();
  return shared;
}
