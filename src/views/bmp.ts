/**
 * RGB bytes (row-major, size × size × 3) as an uncompressed 24-bit BMP file: the cheapest image file
 * to build, so a thumbnail can be an `<img>` (decoded off the main thread, no canvas context each)
 * instead of a canvas per item.
 */
export function rgbToBmp(rgb: Uint8Array, width: number, height: number = width): Uint8Array {
  if (rgb.length < width * height * 3)
    throw new RangeError(`rgbToBmp: ${width}×${height}×3 needs ${width * height * 3} bytes, got ${rgb.length}`);
  const stride = (width * 3 + 3) & ~3; // rows padded to 4 bytes
  const offset = 54;
  const out = new Uint8Array(offset + stride * height);
  const v = new DataView(out.buffer);
  out[0] = 0x42; // 'B'
  out[1] = 0x4d; // 'M'
  v.setUint32(2, out.length, true);
  v.setUint32(10, offset, true);
  v.setUint32(14, 40, true); // BITMAPINFOHEADER
  v.setInt32(18, width, true);
  v.setInt32(22, height, true); // positive: rows bottom-up
  v.setUint16(26, 1, true); // planes
  v.setUint16(28, 24, true); // bits per pixel
  v.setUint32(34, stride * height, true);
  v.setInt32(38, 2835, true); // 72 dpi
  v.setInt32(42, 2835, true);
  for (let y = 0; y < height; y++) {
    let o = offset + (height - 1 - y) * stride;
    for (let x = 0, i = y * width * 3; x < width; x++, i += 3) {
      out[o++] = rgb[i + 2];
      out[o++] = rgb[i + 1];
      out[o++] = rgb[i];
    }
  }
  return out;
}
