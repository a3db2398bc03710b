/** The small valid dataset every fuzz seed is built from (6 items × 4 dims), and text/binary writers for it. Pure. */
import { writeNpy } from '../../src/data/npy.ts';
import { concat, png, utf8 } from './bytes.ts';

export const N = 6;
export const DIM = 4;
export const IDS = ['a01', 'b02', 'c03', 'd04', 'e05', 'f06'];
export const TITLES = ['Red apple', 'Green apple', 'Pear, ripe', 'Fig "dried"', 'Plum', 'Kiwi'];
export const STYLES = ['flat', 'line', 'flat', '3d', 'line', '3d'];
export const IDENTITY = ['apple', 'apple', 'pear', 'pear', 'fig', 'fig'];

/** Exactly representable in float32 and in short decimal text (multiples of 1/8). */
export function vec(i: number, j: number): number {
  return (((i * 5 + j * 3) % 9) - 4) / 8;
}

export function vectors(n = N, dim = DIM): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: dim }, (_, j) => vec(i, j)));
}

export function float32(rows: number[][]): Float32Array {
  return Float32Array.from(rows.flat());
}

export function npyOf(rows: number[][]): Uint8Array {
  return writeNpy({ n: rows.length, dim: rows[0]?.length ?? 0, data: float32(rows) });
}

// ---- .npy with any header ----

export interface NpyParts {
  major?: number;
  minor?: number;
  /** The header dict text; default the right one for descr/fortran/shape. */
  dict?: string;
  descr?: string;
  fortran?: string;
  shape?: string;
  /** Pad the header to 64 bytes with spaces + '\n' (numpy's layout). */
  pad?: boolean;
  /** Added to the header length field. */
  lenDelta?: number;
  /** Overrides the header length field. */
  lenField?: number;
  data: Uint8Array;
}

export interface NpyBuilt {
  bytes: Uint8Array;
  /** Where each part lies, for region-aware truncation. */
  regions: { name: string; start: number; end: number }[];
}

export function npyBytes(p: NpyParts): NpyBuilt {
  const major = p.major ?? 1;
  const pre = major >= 2 ? 12 : 10;
  const dict =
    p.dict ?? `{'descr': '${p.descr ?? '<f4'}', 'fortran_order': ${p.fortran ?? 'False'}, 'shape': ${p.shape ?? `(${N}, ${DIM})`}, }`;
  let header = dict;
  let padLen: number;
  if (p.pad ?? true) {
    padLen = (64 - ((pre + dict.length + 1) % 64)) % 64;
    header = dict + ' '.repeat(padLen) + '\n';
  }
  const hb = new Uint8Array(header.length);
  for (let i = 0; i < header.length; i++) hb[i] = header.charCodeAt(i) & 255;
  const preamble = new Uint8Array(pre);
  preamble.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major & 255, (p.minor ?? 0) & 255]);
  const lenField = p.lenField ?? hb.length + (p.lenDelta ?? 0);
  const dv = new DataView(preamble.buffer);
  if (major >= 2) dv.setUint32(8, lenField >>> 0, true);
  else dv.setUint16(8, lenField & 0xffff, true);
  const bytes = concat(preamble, hb, p.data);
  const h0 = pre;
  const h1 = pre + dict.length;
  const d0 = pre + hb.length;
  return {
    bytes,
    regions: [
      { name: 'magic', start: 0, end: 6 },
      { name: 'version', start: 6, end: 8 },
      { name: 'header length', start: 8, end: pre },
      { name: 'header dict', start: h0, end: h1 },
      { name: 'header padding', start: h1, end: d0 },
      { name: 'data', start: d0, end: bytes.length },
    ],
  };
}

/** float32/float64 data of the given byte order. */
export function floatData(values: number[], itemSize: 4 | 8, littleEndian = true): Uint8Array {
  const out = new Uint8Array(values.length * itemSize);
  const dv = new DataView(out.buffer);
  values.forEach((v, i) => (itemSize === 4 ? dv.setFloat32(i * 4, v, littleEndian) : dv.setFloat64(i * 8, v, littleEndian)));
  return out;
}

// ---- delimited text ----

export function csvField(s: string, delim: string): string {
  if (delim === ',' && /[",\n\r]/.test(s)) return `"${s.replace(/"/g, '""')}"`;
  return s;
}

export function table(names: string[], rows: string[][], delim: string): string {
  return [names, ...rows].map((r) => r.map((f) => csvField(f, delim)).join(delim)).join('\n') + '\n';
}

/** The item manifest (no image column unless `images` gives each row's path). */
export function manifestText(delim: string, images?: string[]): string {
  const names = ['id', ...(images ? ['image'] : []), 'title', 'style', 'identity'];
  const rows = IDS.map((id, i) => [id, ...(images ? [images[i]] : []), TITLES[i], STYLES[i], IDENTITY[i]]);
  return table(names, rows, delim === '\t' ? '\t' : ',');
}

export function manifestJson(images?: string[], wrap = false): unknown {
  const items = IDS.map((id, i) => ({
    id,
    ...(images ? { image: images[i] } : {}),
    title: TITLES[i],
    style: STYLES[i],
    identity: IDENTITY[i],
  }));
  return wrap ? { items } : items;
}

export function manifestFile(): { path: string; bytes: Uint8Array } {
  return { path: 'manifest.csv', bytes: utf8(manifestText(',')) };
}

// ---- images ----

/** Item i's 8×8 picture: a colour per item and a diagonal, fully opaque. */
export function itemRgba(i: number, size = 8): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 4;
      const diag = x === y;
      out[o] = diag ? 0 : (40 * i + 30) & 255;
      out[o + 1] = diag ? 0 : (90 * i + 60) & 255;
      out[o + 2] = diag ? 0 : (150 - 20 * i) & 255;
      out[o + 3] = 255;
    }
  }
  return out;
}

export function itemPng(i: number): Uint8Array {
  return png({ width: 8, height: 8, rgba: itemRgba(i) });
}

/** TF Projector sprite: tiles of `tile`×`tile` in a `cols`-wide grid, row-major, white where no item. */
export function spriteRgba(n: number, tile: number, cols: number, rows: number): { w: number; h: number; rgba: Uint8Array } {
  const w = cols * tile;
  const h = rows * tile;
  const rgba = new Uint8Array(w * h * 4).fill(255);
  for (let i = 0; i < n && i < cols * rows; i++) {
    const t = itemRgba(i, tile);
    const ox = (i % cols) * tile;
    const oy = Math.floor(i / cols) * tile;
    for (let y = 0; y < tile; y++) rgba.set(t.subarray(y * tile * 4, (y + 1) * tile * 4), ((oy + y) * w + ox) * 4);
  }
  return { w, h, rgba };
}
