import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage, listImages, toSquareRgb } from '../../src/cli/images.ts';
import { InputError } from '../../src/data/errors.ts';

function rgba(w: number, h: number, f: (x: number, y: number) => [number, number, number, number]) {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(f(x, y), (y * w + x) * 4);
  return { width: w, height: h, data };
}

describe('toSquareRgb', () => {
  it('composites on white', () => {
    const out = toSquareRgb(rgba(2, 2, () => [0, 0, 0, 0]), 2);
    expect(Array.from(out)).toEqual(new Array(12).fill(255));
    const half = toSquareRgb(rgba(1, 1, () => [0, 0, 0, 128]), 1);
    expect(Array.from(half)).toEqual([127, 127, 127]);
  });

  it('centre-crops to a square and box-averages', () => {
    // 4×2: columns 0 and 3 red, 1 and 2 blue → the centre square is blue.
    const img = rgba(4, 2, (x) => (x === 0 || x === 3 ? [255, 0, 0, 255] : [0, 0, 255, 255]));
    expect(Array.from(toSquareRgb(img, 1))).toEqual([0, 0, 255]);
    // 2×2 checker averaged to 1 pixel.
    const chk = rgba(2, 2, (x, y) => ((x + y) % 2 ? [200, 100, 0, 255] : [0, 100, 200, 255]));
    expect(Array.from(toSquareRgb(chk, 1))).toEqual([100, 100, 100]);
  });

  it('upsamples by replication', () => {
    const img = rgba(1, 1, () => [10, 20, 30, 255]);
    expect(Array.from(toSquareRgb(img, 2))).toEqual([10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 30]);
  });
});

describe('image folders', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rl-img-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists PNG/JPEG files recursively, sorted, skipping dot files', async () => {
    mkdirSync(path.join(dir, 'b'));
    for (const f of ['z.png', 'a.JPG', 'b/c.jpeg', '.hidden.png', 'notes.txt']) writeFileSync(path.join(dir, f), 'x');
    expect(await listImages(dir)).toEqual(['a.JPG', 'b/c.jpeg', 'z.png']);
  });

  it('errors: missing folder, no images, unrecognised bytes', async () => {
    await expect(listImages(path.join(dir, 'nope'))).rejects.toThrow(`${path.join(dir, 'nope')}: folder not found`);
    mkdirSync(path.join(dir, 'empty'));
    await expect(listImages(path.join(dir, 'empty'))).rejects.toThrow(/no images found/);
    const e = await decodeImage(new TextEncoder().encode('GIF89a'), 'x.png').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toBe('x.png (byte 0): not a PNG or JPEG image (unrecognised file signature)');
  });
});

describe('optional decoders', () => {
  it('a missing pngjs is a clear InputError naming the file and the package', async () => {
    let installed = true;
    try {
      const name: string = 'pngjs';
      await import(name);
    } catch {
      installed = false;
    }
    if (installed) return; // with pngjs present the bytes below fail as a corrupt PNG instead
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    await expect(decodeImage(png, 'a.png')).rejects.toThrow(
      'a.png: decoding needs the npm package "pngjs", which is not installed (npm install pngjs); --demo works without it',
    );
  });
});
