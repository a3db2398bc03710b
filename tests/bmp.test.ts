import { describe, expect, it } from 'vitest';
import { rgbToBmp } from '../src/views/bmp.ts';

describe('rgbToBmp', () => {
  it('writes a 24-bit BMP: header fields, rows bottom-up in BGR order, padded to 4 bytes', () => {
    // 3 × 2 pixels: row 0 = red, green, blue; row 1 = white, black, grey.
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 128, 128, 128]);
    const bmp = rgbToBmp(rgb, 3, 2);
    const v = new DataView(bmp.buffer);
    expect(String.fromCharCode(bmp[0], bmp[1])).toBe('BM');
    const stride = 12; // 9 bytes of pixels, padded
    expect(bmp.length).toBe(54 + stride * 2);
    expect(v.getUint32(2, true)).toBe(bmp.length);
    expect(v.getUint32(10, true)).toBe(54);
    expect([v.getInt32(18, true), v.getInt32(22, true), v.getUint16(28, true), v.getUint32(30, true)]).toEqual([3, 2, 24, 0]);
    // The file's first row is the image's last.
    expect(Array.from(bmp.subarray(54, 54 + stride))).toEqual([255, 255, 255, 0, 0, 0, 128, 128, 128, 0, 0, 0]);
    expect(Array.from(bmp.subarray(54 + stride))).toEqual([0, 0, 255, 0, 255, 0, 255, 0, 0, 0, 0, 0]);
  });

  it('refuses too few bytes', () => {
    expect(() => rgbToBmp(new Uint8Array(10), 2)).toThrow(/needs 12 bytes, got 10/);
  });
});
