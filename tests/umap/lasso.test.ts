import { describe, expect, it } from 'vitest';
import { pointInPolygon, pointsInPolygon } from '../../src/compute/umap/lasso.ts';

describe('lasso point-in-polygon', () => {
  const square = [0, 0, 10, 0, 10, 10, 0, 10];
  // A "U": the notch 4 < x < 6, y > 3 is outside.
  const u = [0, 0, 10, 0, 10, 10, 6, 10, 6, 3, 4, 3, 4, 10, 0, 10];

  it('square: inside, outside', () => {
    expect(pointInPolygon(5, 5, square)).toBe(true);
    expect(pointInPolygon(0.01, 9.99, square)).toBe(true);
    expect(pointInPolygon(-1, 5, square)).toBe(false);
    expect(pointInPolygon(5, 10.5, square)).toBe(false);
  });

  it('concave polygon: the notch is outside', () => {
    expect(pointInPolygon(5, 8, u)).toBe(false);
    expect(pointInPolygon(5, 2, u)).toBe(true);
    expect(pointInPolygon(2, 8, u)).toBe(true);
    expect(pointInPolygon(8, 8, u)).toBe(true);
  });

  it('self-intersecting (bow tie) uses the even–odd rule', () => {
    const bow = [0, 0, 10, 10, 10, 0, 0, 10];
    expect(pointInPolygon(1, 5, bow)).toBe(true);
    expect(pointInPolygon(5, 1, bow)).toBe(false);
  });

  it('pointsInPolygon returns the rows inside, ascending; degenerate polygons select nothing', () => {
    const coords = Float32Array.from([5, 8, 5, 2, 2, 8, 20, 20, 8, 8, -1, -1]);
    expect(Array.from(pointsInPolygon(coords, u))).toEqual([1, 2, 4]);
    expect(Array.from(pointsInPolygon(coords, [0, 0, 1, 1]))).toEqual([]);
  });
});
