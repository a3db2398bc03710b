import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG, type PackerOptions } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImage, listImages, loadImageFolder, MAX_IMAGE_MEGAPIXELS, toSquareRgb } from '../../src/cli/images.ts';
import { InputError } from '../../src/data/errors.ts';

/** Runs f and returns what it throws (fails the test if it does not throw). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

async function rejected(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e as Error,
  );
}

// ---- a minimal PNG writer, for what pngjs cannot write (palette, 1/2/4-bit, tRNS, Adam7) ----

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const v of b) {
    c ^= v;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array | number[]): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), Buffer.from(data)]);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length - 4);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Packs one row of samples (MSB first, 16-bit big-endian) behind a filter byte 0. */
function row(samples: number[], depth: number): Buffer {
  if (depth === 16) return Buffer.from([0, ...samples.flatMap((v) => [v >> 8, v & 255])]);
  const bytes = Buffer.alloc(Math.ceil((samples.length * depth) / 8));
  samples.forEach((v, i) => {
    const bit = i * depth;
    bytes[bit >> 3] |= v << (8 - depth - (bit & 7));
  });
  return Buffer.concat([Buffer.from([0]), bytes]);
}

/** A PNG from rows of samples (channels interleaved); `pre` chunks go before IDAT. */
function handPng(
  w: number,
  h: number,
  colorType: number,
  depth: number,
  rows: number[][],
  opts: { pre?: Buffer[]; interlace?: boolean } = {},
): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = depth;
  ihdr[9] = colorType;
  ihdr[12] = opts.interlace ? 1 : 0;
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[colorType]!;
  let raw: Buffer;
  if (!opts.interlace) {
    raw = Buffer.concat(rows.map((r) => row(r, depth)));
  } else {
    const passes = [
      [0, 0, 8, 8],
      [4, 0, 8, 8],
      [0, 4, 4, 8],
      [2, 0, 4, 4],
      [0, 2, 2, 4],
      [1, 0, 2, 2],
      [0, 1, 1, 2],
    ];
    const parts: Buffer[] = [];
    for (const [x0, y0, dx, dy] of passes) {
      if (x0 >= w || y0 >= h) continue;
      for (let y = y0; y < h; y += dy) {
        const samples: number[] = [];
        for (let x = x0; x < w; x += dx) samples.push(...rows[y].slice(x * channels, (x + 1) * channels));
        parts.push(row(samples, depth));
      }
    }
    raw = Buffer.concat(parts);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(opts.pre ?? []),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', []),
  ]);
}

/** pngjs's own encoder, from RGBA (or the input colour type's) samples. */
function pngjsPng(w: number, h: number, data: Uint8Array | Uint16Array, opts: PackerOptions): Buffer {
  const png = new PNG({ width: w, height: h });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return PNG.sync.write(png, opts);
}

function pixels(img: { data: Uint8Array }): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < img.data.length; i += 4) out.push(Array.from(img.data.subarray(i, i + 4)));
  return out;
}

function rgba(w: number, h: number, f: (x: number, y: number) => [number, number, number, number]) {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(f(x, y), (y * w + x) * 4);
  return { width: w, height: h, data };
}

describe('toSquareRgb', () => {
  it('composites on white', () => {
    const out = toSquareRgb(
      rgba(2, 2, () => [0, 0, 0, 0]),
      2,
    );
    expect(Array.from(out)).toEqual(new Array(12).fill(255));
    const half = toSquareRgb(
      rgba(1, 1, () => [0, 0, 0, 128]),
      1,
    );
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
    const e = thrown(() => decodeImage(new TextEncoder().encode('GIF89a'), 'x.png'));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe('x.png (byte 0): not a PNG or JPEG image (looks like a GIF image)');
  });
});

describe('decodeImage: PNG (exact pixels)', () => {
  const W = 5;
  const H = 3;
  const rgbaIn = new Uint8Array(W * H * 4).map((_, i) => (i * 37 + (i >> 2) * 11) & 255);

  it('RGBA 8-bit (pngjs), alpha kept straight', () => {
    const img = decodeImage(pngjsPng(W, H, rgbaIn, { colorType: 6 }), 'a.png');
    expect([img.width, img.height]).toEqual([W, H]);
    expect(Array.from(img.data)).toEqual(Array.from(rgbaIn));
  });

  it('RGB 8-bit (pngjs) → alpha 255', () => {
    const opaque = rgbaIn.map((v, i) => (i % 4 === 3 ? 255 : v));
    const img = decodeImage(pngjsPng(W, H, opaque, { colorType: 2 }), 'rgb.png');
    expect(Array.from(img.data)).toEqual(Array.from(opaque));
  });

  it('grey and grey+alpha 8-bit (pngjs)', () => {
    const grey = new Uint8Array(W * H).map((_, i) => i * 17);
    const g = decodeImage(pngjsPng(W, H, grey, { colorType: 0, inputColorType: 0 }), 'g.png');
    expect(pixels(g)).toEqual(Array.from(grey, (v) => [v, v, v, 255]));
    const ga = new Uint8Array(W * H * 2).map((_, i) => (i * 29) & 255);
    const gaImg = decodeImage(pngjsPng(W, H, ga, { colorType: 4, inputColorType: 4 }), 'ga.png');
    expect(pixels(gaImg)).toEqual(Array.from({ length: W * H }, (_, i) => [ga[2 * i], ga[2 * i], ga[2 * i], ga[2 * i + 1]]));
  });

  it('RGBA 16-bit (pngjs) → rounded to 8 bits', () => {
    const in16 = new Uint16Array(W * H * 4).map((_, i) => (i * 4099) & 0xffff);
    const img = decodeImage(pngjsPng(W, H, in16, { colorType: 6, inputColorType: 6, bitDepth: 16 }), 'a16.png');
    expect(Array.from(img.data)).toEqual(Array.from(in16, (v) => Math.round((v * 255) / 65535)));
  });

  it('palette 8-bit and 2-bit, with tRNS alpha', () => {
    const plte = chunk('PLTE', [255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    const trns = chunk('tRNS', [255, 0, 128]); // entry 3 has no entry → opaque
    const idx = [
      [0, 1, 2, 3, 0],
      [3, 2, 1, 0, 3],
      [1, 1, 2, 2, 0],
    ];
    const pal = [
      [255, 0, 0, 255],
      [0, 255, 0, 0],
      [0, 0, 255, 128],
      [10, 20, 30, 255],
    ];
    for (const depth of [8, 2]) {
      const img = decodeImage(handPng(W, H, 3, depth, idx, { pre: [plte, trns] }), `p${depth}.png`);
      expect(pixels(img)).toEqual(idx.flat().map((i) => pal[i]));
    }
  });

  it('grey 1-bit, 4-bit with tRNS, 16-bit with tRNS', () => {
    const one = [
      [0, 1, 1, 0, 1],
      [1, 0, 0, 1, 0],
      [0, 0, 0, 1, 1],
    ];
    expect(pixels(decodeImage(handPng(W, H, 0, 1, one), 'g1.png'))).toEqual(
      one.flat().map((v) => (v ? [255, 255, 255, 255] : [0, 0, 0, 255])),
    );
    const four = [
      [0, 5, 15, 7, 5],
      [1, 2, 3, 4, 5],
      [15, 14, 13, 12, 11],
    ];
    const g4 = decodeImage(handPng(W, H, 0, 4, four, { pre: [chunk('tRNS', [0, 5])] }), 'g4.png');
    expect(pixels(g4)).toEqual(four.flat().map((v) => (v === 5 ? [0, 0, 0, 0] : [v * 17, v * 17, v * 17, 255])));
    const sixteen = [
      [0, 65535, 257, 1000, 1000],
      [128, 32768, 65280, 1, 2],
      [3, 4, 5, 6, 7],
    ];
    const g16 = decodeImage(handPng(W, H, 0, 16, sixteen, { pre: [chunk('tRNS', [1000 >> 8, 1000 & 255])] }), 'g16.png');
    expect(pixels(g16)).toEqual(
      sixteen.flat().map((v) => (v === 1000 ? [0, 0, 0, 0] : [0, 1, 2].map(() => Math.round((v * 255) / 65535)).concat(255))),
    );
  });

  it('Adam7 interlaced RGBA, and bytes after IEND are ignored', () => {
    const w = 9;
    const h = 7;
    const rows = Array.from({ length: h }, (_, y) => Array.from({ length: w * 4 }, (_, i) => (y * 31 + i * 7) & 255));
    const file = handPng(w, h, 6, 8, rows, { interlace: true });
    const img = decodeImage(Buffer.concat([file, Buffer.from('trailing junk')]), 'i.png');
    expect([img.width, img.height]).toEqual([w, h]);
    expect(Array.from(img.data)).toEqual(rows.flat());
  });

  it('decoded alpha is composited onto white by toSquareRgb', () => {
    const px = new Uint8Array([10, 20, 30, 0, 0, 0, 0, 128, 200, 100, 50, 255, 0, 0, 0, 255]);
    const img = decodeImage(pngjsPng(2, 2, px, { colorType: 6 }), 'c.png');
    expect(Array.from(toSquareRgb(img, 2))).toEqual([255, 255, 255, 127, 127, 127, 200, 100, 50, 0, 0, 0]);
  });
});

describe('decodeImage: JPEG', () => {
  const w = 32;
  const h = 24;
  const src = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) src.set([x * 8, y * 10, 128, 255], (y * w + x) * 4);
  const jpg = encodeJpeg({ width: w, height: h, data: src }, 95).data;

  it('decodes within a tolerance, by signature even when named .png', () => {
    for (const name of ['a.jpg', 'actually-a-jpeg.png']) {
      const img = decodeImage(jpg, name);
      expect([img.width, img.height]).toEqual([w, h]);
      let worst = 0;
      for (let i = 0; i < src.length; i++) worst = Math.max(worst, Math.abs(img.data[i] - src[i]));
      expect(worst).toBeLessThanOrEqual(12);
      expect(img.data.filter((_, i) => i % 4 === 3).every((a) => a === 255)).toBe(true);
    }
  });

  it('truncated or corrupt JPEG → InputError naming the file', () => {
    for (const cut of [4, 200, jpg.length - 2]) {
      const e = thrown(() => decodeImage(jpg.subarray(0, cut), 'cut.jpg'));
      expect(e).toBeInstanceOf(InputError);
      expect(e.message).toMatch(/^cut\.jpg: cannot decode the JPEG image \(truncated or corrupt\): /);
    }
  });

  it('a JPEG header over the size limit is refused before decoding', () => {
    const big = Buffer.from(jpg);
    const sof = big.indexOf(Buffer.from([0xff, 0xc0]));
    big.writeUInt16BE(20000, sof + 5); // height
    big.writeUInt16BE(20000, sof + 7); // width: 400 MP
    const e = thrown(() => decodeImage(big, 'big.jpg'));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(
      /^big\.jpg: (JPEG image is larger than the \d+-megapixel limit|decoding the JPEG image would need more than)/,
    );
  });
});

describe('decodeImage: damaged PNG and other files', () => {
  const good = handPng(
    4,
    4,
    2,
    8,
    Array.from({ length: 4 }, () => new Array(12).fill(90)),
  );

  it('truncated anywhere → "truncated PNG" with the byte offset', () => {
    for (const cut of [8, 12, 30, 40, good.length - 13, good.length - 1]) {
      const e = thrown(() => decodeImage(good.subarray(0, cut), 't.png'));
      expect(e).toBeInstanceOf(InputError);
      expect(e.message).toMatch(/^t\.png \(byte \d+\): truncated PNG: /);
    }
  });

  it('CRC, header and data damage', () => {
    const flipped = Buffer.from(good);
    flipped[good.length - 20] ^= 0x40; // inside IDAT
    expect(thrown(() => decodeImage(flipped, 'crc.png')).message).toMatch(
      /^crc\.png \(byte 33\): corrupt PNG: chunk IDAT fails its CRC check$/,
    );

    const badDepth = handPng(2, 2, 2, 4, [[0], [0]]);
    expect(thrown(() => decodeImage(badDepth, 'd.png')).message).toBe(
      'd.png (byte 8): corrupt PNG: invalid colour type 2 with bit depth 4',
    );

    const noPalette = handPng(2, 1, 3, 8, [[0, 1]]);
    expect(thrown(() => decodeImage(noPalette, 'np.png')).message).toMatch(/^np\.png: cannot decode the PNG image: .*palette/i);

    const outOfPalette = handPng(2, 1, 3, 8, [[0, 5]], { pre: [chunk('PLTE', [1, 2, 3])] });
    expect(thrown(() => decodeImage(outOfPalette, 'op.png')).message).toMatch(
      /^op\.png: cannot decode the PNG image: index 5 not in palette/,
    );

    const shortData = Buffer.concat([good.subarray(0, 33), chunk('IDAT', deflateSync(Buffer.alloc(10))), chunk('IEND', [])]);
    expect(thrown(() => decodeImage(shortData, 's.png'))).toBeInstanceOf(InputError);
  });

  it('size limit from the header, before allocating; Adam7 decompression bombs', () => {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(100_000, 0);
    ihdr.writeUInt32BE(100_000, 4);
    ihdr[8] = 8;
    ihdr[9] = 6;
    const huge = Buffer.concat([good.subarray(0, 8), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(10))), chunk('IEND', [])]);
    expect(thrown(() => decodeImage(huge, 'huge.png')).message).toBe(
      `huge.png: PNG image is 100000×100000 = 10000.0 megapixels, more than the ${MAX_IMAGE_MEGAPIXELS}-megapixel limit`,
    );

    const ihdr1 = Buffer.from(ihdr);
    ihdr1.writeUInt32BE(1, 0);
    ihdr1.writeUInt32BE(1, 4);
    ihdr1[12] = 1; // interlaced
    const bomb = Buffer.concat([
      good.subarray(0, 8),
      chunk('IHDR', ihdr1),
      chunk('IDAT', deflateSync(Buffer.alloc(8 << 20))),
      chunk('IEND', []),
    ]);
    expect(thrown(() => decodeImage(bomb, 'bomb.png')).message).toBe(
      'bomb.png: corrupt PNG: the compressed image data expands beyond the 5 bytes a 1×1 image needs',
    );
  });

  it('not an image at all', () => {
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(0), 'e.png: empty file (0 bytes), not a PNG or JPEG image'],
      [new TextEncoder().encode('hello, world\n'), 'e.png (byte 0): not a PNG or JPEG image (unrecognised file signature)'],
      [
        new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'),
        'e.png (byte 0): not a PNG or JPEG image (looks like SVG/XML/HTML text)',
      ],
      [
        new Uint8Array([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50]),
        'e.png (byte 0): not a PNG or JPEG image (looks like a WebP image)',
      ],
    ];
    for (const [bytes, msg] of cases) expect(thrown(() => decodeImage(bytes, 'e.png')).message).toBe(msg);
  });
});

describe('loadImageFolder: all or nothing', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rl-imgf-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const solid = (v: number) =>
    handPng(
      3,
      3,
      2,
      8,
      Array.from({ length: 3 }, () => new Array(9).fill(v)),
    );

  it('decodes every image (PNG and JPEG) to size×size RGB; other files are not listed', async () => {
    const ok = path.join(dir, 'ok');
    mkdirSync(path.join(ok, 'sub'), { recursive: true });
    writeFileSync(path.join(ok, 'a.png'), solid(40));
    const jpg = encodeJpeg({ width: 8, height: 8, data: new Uint8Array(256).map((_, i) => (i % 4 === 3 ? 255 : 200)) }, 95).data;
    writeFileSync(path.join(ok, 'sub', 'b.JPG'), jpg);
    writeFileSync(path.join(ok, 'notes.txt'), 'not an image');
    const { files, rgb } = await loadImageFolder(ok, 2);
    expect(files).toEqual(['a.png', 'sub/b.JPG']);
    expect(rgb.length).toBe(2 * 2 * 2 * 3);
    expect(Array.from(rgb.subarray(0, 12))).toEqual(new Array(12).fill(40));
    for (const v of rgb.subarray(12)) expect(Math.abs(v - 200)).toBeLessThanOrEqual(3);
  });

  it('one bad file: its own error, saying nothing was written', async () => {
    const one = path.join(dir, 'one');
    mkdirSync(one);
    writeFileSync(path.join(one, 'a.png'), solid(1));
    writeFileSync(path.join(one, 'b.png'), solid(2).subarray(0, 50));
    const e = await rejected(loadImageFolder(one, 2));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toMatch(
      /^(.*)\/b\.png \(byte 33\): truncated PNG: chunk IDAT needs \d+ bytes, the file has 17 left; nothing was written \(fix or remove the file\)$/,
    );
    expect(e.message.startsWith(path.join(one, 'b.png'))).toBe(true);
  });

  it('several bad files: one error naming the folder, the count and the first five', async () => {
    const many = path.join(dir, 'many');
    mkdirSync(many);
    writeFileSync(path.join(many, 'good.png'), solid(3));
    for (let i = 0; i < 7; i++) writeFileSync(path.join(many, `bad${i}.png`), `junk ${i}`);
    const e = await rejected(loadImageFolder(many, 2));
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe(
      `${many}: 7 of 8 images cannot be decoded, nothing was written (fix or remove them): ` +
        [0, 1, 2, 3, 4].map((i) => `bad${i}.png (byte 0): not a PNG or JPEG image (unrecognised file signature)`).join('; ') +
        '; and 2 more',
    );
  });
});
