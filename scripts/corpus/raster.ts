/** Square icon → size × size RGB on white, with @resvg/resvg-js. */
import { Resvg, type ResvgRenderOptions } from '@resvg/resvg-js';
import { svgDocument, type SquareIcon } from './iconify.ts';

const OPTIONS: ResvgRenderOptions = {
  background: 'white',
  font: { loadSystemFonts: false },
  logLevel: 'off',
};

/** Largest canvas (pixels per side) we accept when content spills far outside the icon's box. */
const MAX_CANVAS = 4096;

/**
 * Render the icon's square box to exactly size × size pixels, RGB, on white, into out[offset…].
 *
 * resvg-js 2.6.2 aborts the whole process (a Rust panic across the FFI boundary) when a layer
 * (an element with opacity, a mask, a filter…) lies entirely outside the canvas; Noto's
 * rainbow flag and package have such stray off-canvas paths. So we measure the content
 * first (getBBox does not render) and, when it spills outside the box, render a larger canvas that
 * holds all of it, at the same scale and aligned to the same pixel grid, and cut the box out of it.
 * (About 130 icons, mostly Twemoji, touch or cross their box; for them a few anti-aliased edge
 * pixels differ by up to ~15% from a direct render, as resvg clips paths to the canvas differently.)
 */
export function rasteriseIcon(icon: SquareIcon, size: number, out: Uint8Array, offset: number): void {
  const { x, y, side, content } = icon;
  const resvg = new Resvg(svgDocument(content, [x, y, side, side], size, size), {
    ...OPTIONS,
    fitTo: { mode: 'width', value: size },
  });
  const bb = resvg.getBBox();
  const scale = size / side;
  let pad = { l: 0, t: 0, r: 0, b: 0 };
  if (bb) {
    const spill = (units: number) => Math.max(0, Math.ceil(units * scale - 1e-6));
    pad = {
      l: spill(x - bb.x),
      t: spill(y - bb.y),
      r: spill(bb.x + bb.width - (x + side)),
      b: spill(bb.y + bb.height - (y + side)),
    };
  }
  const w = size + pad.l + pad.r;
  const h = size + pad.t + pad.b;
  let rgba: Uint8Array;
  if (w === size && h === size) {
    rgba = checked(resvg.render(), size, size);
  } else {
    if (w > MAX_CANVAS || h > MAX_CANVAS) throw new Error(`content spills too far outside the icon (${w}×${h} px canvas)`);
    const doc = svgDocument(content, [x - pad.l / scale, y - pad.t / scale, w / scale, h / scale], w, h);
    const big = checked(new Resvg(doc, { ...OPTIONS, fitTo: { mode: 'original' } }).render(), w, h);
    rgba = new Uint8Array(size * size * 4);
    for (let row = 0; row < size; row++) {
      const src = ((row + pad.t) * w + pad.l) * 4;
      rgba.set(big.subarray(src, src + size * 4), row * size * 4);
    }
  }
  toRgbOnWhite(rgba, out, offset);
}

function checked(img: { width: number; height: number; pixels: Buffer }, w: number, h: number): Uint8Array {
  if (img.width !== w || img.height !== h) throw new Error(`rendered ${img.width}×${img.height}, expected ${w}×${h}`);
  if (img.pixels.length !== w * h * 4) throw new Error(`rendered ${img.pixels.length} bytes, expected ${w * h * 4} (RGBA)`);
  return img.pixels;
}

/** RGBA → RGB; resvg already painted white under everything, but composite any alpha < 255 anyway. */
function toRgbOnWhite(px: Uint8Array, out: Uint8Array, offset: number): void {
  for (let i = 0, o = offset; i < px.length; i += 4, o += 3) {
    const a = px[i + 3];
    if (a === 255) {
      out[o] = px[i];
      out[o + 1] = px[i + 1];
      out[o + 2] = px[i + 2];
    } else {
      const w = 255 * (255 - a);
      out[o] = Math.round((px[i] * a + w) / 255);
      out[o + 1] = Math.round((px[i + 1] * a + w) / 255);
      out[o + 2] = Math.round((px[i + 2] * a + w) / 255);
    }
  }
}
