/** Lasso selection: which 2-D points fall inside a polygon (even–odd rule, bounding box first). */

/** Whether (x, y) is inside the closed polygon `poly` = [x0, y0, x1, y1, …] (even–odd rule). */
export function pointInPolygon(x: number, y: number, poly: ArrayLike<number>): boolean {
  const m = poly.length >> 1;
  let inside = false;
  for (let i = 0, j = m - 1; i < m; j = i++) {
    const xi = poly[i * 2],
      yi = poly[i * 2 + 1];
    const xj = poly[j * 2],
      yj = poly[j * 2 + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Rows whose coordinates (`coords` = n × 2) lie inside `poly`, ascending. */
export function pointsInPolygon(coords: Float32Array, poly: ArrayLike<number>): Int32Array {
  const m = poly.length >> 1;
  if (m < 3) return new Int32Array(0);
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (let i = 0; i < m; i++) {
    x0 = Math.min(x0, poly[i * 2]);
    x1 = Math.max(x1, poly[i * 2]);
    y0 = Math.min(y0, poly[i * 2 + 1]);
    y1 = Math.max(y1, poly[i * 2 + 1]);
  }
  const n = coords.length >> 1;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = coords[i * 2],
      y = coords[i * 2 + 1];
    if (!(x >= x0 && x <= x1 && y >= y0 && y <= y1)) continue; // NaN: not placed yet, never inside
    if (pointInPolygon(x, y, poly)) out.push(i);
  }
  return Int32Array.from(out);
}
