/** Any decoded image → the square RGB tile the encoders take; shared by the CLI and the browser's query by example. */

/** Decoded pixels: width × height RGBA, 8 bits per channel, not premultiplied. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * RGBA (any size) → size×size RGB: composite on white, centre-crop to a square, box-filter resize
 * (each output pixel averages the source area it covers, with fractional edge weights).
 */
export function toSquareRgb(img: Rgba, size: number): Uint8Array {
  const { width: w, height: h, data } = img;
  const side = Math.min(w, h);
  const x0 = (w - side) / 2;
  const y0 = (h - side) / 2;
  const scale = side / size;
  const out = new Uint8Array(size * size * 3);
  // Source pixel → RGB on white, as floats.
  const px = (x: number, y: number, c: number) => {
    const o = (y * w + x) * 4;
    const a = data[o + 3] / 255;
    return data[o + c] * a + 255 * (1 - a);
  };
  for (let oy = 0; oy < size; oy++) {
    const sy0 = y0 + oy * scale;
    const sy1 = sy0 + scale;
    for (let ox = 0; ox < size; ox++) {
      const sx0 = x0 + ox * scale;
      const sx1 = sx0 + scale;
      let r = 0;
      let g = 0;
      let b = 0;
      let wsum = 0;
      for (let y = Math.floor(sy0); y < Math.ceil(sy1) && y < h; y++) {
        const wy = Math.min(y + 1, sy1) - Math.max(y, sy0);
        if (wy <= 0) continue;
        for (let x = Math.floor(sx0); x < Math.ceil(sx1) && x < w; x++) {
          const wx = Math.min(x + 1, sx1) - Math.max(x, sx0);
          if (wx <= 0) continue;
          const wgt = wx * wy;
          r += px(x, y, 0) * wgt;
          g += px(x, y, 1) * wgt;
          b += px(x, y, 2) * wgt;
          wsum += wgt;
        }
      }
      const o = (oy * size + ox) * 3;
      out[o] = Math.round(r / wsum);
      out[o + 1] = Math.round(g / wsum);
      out[o + 2] = Math.round(b / wsum);
    }
  }
  return out;
}
