/**
 * Seeded fuzz cases for every importer. PURE (no Node or DOM APIs): the vitest suite and the
 * Playwright spec both import it and get the same cases for the same (importer, index, master seed).
 *
 * Each importer has a valid seed bundle (built here, or with the injected {@link Writers} for
 * Parquet/Arrow/JPEG) and a list of variants: structure-aware edits (header fields, shapes, dtypes,
 * NaN/Inf, ragged rows, duplicate/empty ids, JSON type confusion, bad images, foreign protobufs…)
 * and blind byte mutations (truncation in every region, flips, inserts, deletes). Case `index` runs
 * variant `index % variants.length` with a PRNG seeded from (master, importer, index), so any case
 * can be replayed alone. `expect` says what a correct importer must do: 'reject' (the input is
 * broken), 'import' (it is valid), or 'any' (either, as long as it is consistent or clearly refused).
 */
import { concat, png, pngChunk, PNG_SIGNATURE, sha256Hex, u32be, utf8, zlibStored } from './bytes.ts';
import {
  DIM,
  IDS,
  N,
  floatData,
  itemPng,
  itemRgba,
  manifestJson,
  manifestText,
  npyBytes,
  npyOf,
  spriteRgba,
  table,
  vectors,
} from './dataset.ts';
import { badUtf8, blind, CELL_VALUES, jsonEdit, textEdit, truncateIn, utf16, type Region } from './mutate.ts';
import { FLOAT, FLOAT16, INT64, ld, nestedGraphs, onnxModel, str, varint, vi, type ValueSpec } from './protobuf.ts';
import { hashSeed, rng, type Rng } from './rng.ts';
import { FORMAT_IMPORTERS, formatSpecs } from './generate-formats.ts';

export const IMPORTERS = ['npy', 'parquet', 'arrow', 'csv', 'projector', 'manifest', 'onnx', ...FORMAT_IMPORTERS] as const;
export type Importer = (typeof IMPORTERS)[number];
export const CASES_PER_IMPORTER = 1000;
export const DEFAULT_MASTER_SEED = 20261130;

export interface FuzzFile {
  path: string;
  bytes: Uint8Array;
}
export type Expect = 'reject' | 'import' | 'any';
export interface FuzzCase {
  importer: Importer;
  index: number;
  master: number;
  /** The variant's name and what was done. */
  label: string;
  files: FuzzFile[];
  expect: Expect;
  /** ImportOptions.maxBytes for this case, when it tests the size limit. */
  maxBytes?: number;
}

export type ParquetCol = {
  name: string;
  kind: 'string' | 'int32' | 'float' | 'double' | 'bool' | 'list-float' | 'list-double' | 'list-int32' | 'list-string';
  data: unknown[];
  nullable?: boolean;
};
export type ArrowCol = {
  name: string;
  kind: 'utf8' | 'int32' | 'float32' | 'bool' | 'fsl-float32' | 'fsl-float64' | 'list-float32' | 'list-float64';
  data: unknown[];
  listSize?: number;
};
/** Writers that need libraries (Node side; see writers-node.ts). */
export interface Writers {
  parquet(cols: ParquetCol[], opts?: { rowGroupSize?: number; codec?: 'SNAPPY' | 'UNCOMPRESSED' }): Uint8Array;
  arrow(cols: ArrowCol[], format: 'file' | 'stream'): Uint8Array;
  jpeg(width: number, height: number, rgba: Uint8Array, quality?: number): Uint8Array;
}

interface Draft {
  label: string;
  files: FuzzFile[];
  expect: Expect;
  maxBytes?: number;
}
type Variant = (r: Rng, k: number) => Draft;

interface ImporterSpec {
  /** The valid bundle and the file the blind mutations hit. */
  seed(r: Rng): { files: FuzzFile[]; main: string };
  variants: Variant[];
  /** Whether the main file renamed to another format must be refused. */
  binaryMain: boolean;
}

// ---------------------------------------------------------------------------------------------

const f = (path: string, bytes: Uint8Array | string): FuzzFile => ({ path, bytes: typeof bytes === 'string' ? utf8(bytes) : bytes });
const manifest = () => f('manifest.csv', manifestText(','));
const replace = (files: FuzzFile[], path: string, bytes: Uint8Array): FuzzFile[] =>
  files.map((x) => (x.path === path ? { path, bytes } : x));
const num = (v: number) => String(v);

/** Rows as strings, with one cell possibly replaced. */
function rowsText(rows: number[][]): string[][] {
  return rows.map((r) => r.map(num));
}

function withNonFinite(rows: number[][], r: Rng): { rows: number[][]; what: string } {
  const i = r.int(0, rows.length - 1);
  const j = r.int(0, rows[0].length - 1);
  const v = r.pick([NaN, Infinity, -Infinity]);
  const out = rows.map((x) => x.slice());
  out[i][j] = v;
  return { rows: out, what: `${v} at row ${i + 1} column ${j + 1}` };
}

function ragged(rows: number[][], r: Rng): { rows: number[][]; what: string } {
  const i = r.int(0, rows.length - 1);
  const out = rows.map((x) => x.slice());
  const longer = r.chance(0.5);
  if (longer) out[i].push(0.5);
  else out[i].pop();
  return { rows: out, what: `row ${i + 1} has ${out[i].length} values` };
}

function idEdit(r: Rng): { ids: (string | null)[]; what: string } {
  const ids: (string | null)[] = IDS.slice();
  const i = r.int(0, N - 1);
  const op = r.int(0, 2);
  if (op === 0) {
    const j = (i + r.int(1, N - 1)) % N;
    ids[i] = ids[j];
    return { ids, what: `duplicate id ${ids[j]} (rows ${j + 1} and ${i + 1})` };
  }
  if (op === 1) {
    ids[i] = '';
    return { ids, what: `empty id at row ${i + 1}` };
  }
  ids[i] = null;
  return { ids, what: `missing (null) id at row ${i + 1}` };
}

// ---- .npy ----------------------------------------------------------------------------------

const DESCRS: { d: string; ok: boolean | null; size?: 4 | 8; le?: boolean }[] = [
  { d: '<f4', ok: true, size: 4 },
  { d: '<f8', ok: true, size: 8 },
  { d: '>f4', ok: true, size: 4, le: false },
  { d: '>f8', ok: true, size: 8, le: false },
  { d: '=f4', ok: true, size: 4 },
  { d: '<f2', ok: false },
  { d: '<i4', ok: null },
  { d: '|u1', ok: null },
  { d: '|b1', ok: false },
  { d: '|O', ok: false },
  { d: '<c8', ok: false },
  { d: '<U4', ok: false },
  { d: '|V16', ok: false },
  { d: '', ok: false },
];
const SHAPES: { s: string; ok: boolean | null; rows?: number }[] = [
  { s: `(${N}, ${DIM})`, ok: true },
  { s: `(${N},${DIM})`, ok: true },
  { s: `(${N}, ${DIM},)`, ok: null },
  { s: `(${N - 1}, ${DIM})`, ok: false, rows: N - 1 },
  { s: `(${N + 1}, ${DIM})`, ok: false },
  { s: `(${N}, ${DIM + 1})`, ok: false },
  { s: `(${N / 2}, ${DIM * 2})`, ok: false, rows: N / 2 },
  { s: `(${N * DIM},)`, ok: false },
  { s: `(${N}, ${DIM}, 1)`, ok: null },
  { s: '()', ok: false },
  { s: `(0, ${DIM})`, ok: false },
  { s: `(${N}, 0)`, ok: false },
  { s: `(2147483648, ${DIM})`, ok: false },
  { s: `(4294967296, 4294967296)`, ok: false },
  { s: `(9007199254740993, 9007199254740993)`, ok: false },
  { s: `(99999999999999999999999, ${DIM})`, ok: false },
  { s: `(-1, ${DIM})`, ok: false },
  { s: `(${N}, '${DIM}')`, ok: false },
  { s: `(1e3, ${DIM})`, ok: false },
  { s: `(${N}.0, ${DIM})`, ok: false },
  { s: `[${N}, ${DIM}]`, ok: null },
  { s: `(${N}L, ${DIM}L)`, ok: null },
  { s: 'None', ok: false },
  { s: `(${N}, ${DIM}`, ok: false },
];

function npyData(descr: (typeof DESCRS)[number], rows = vectors()): Uint8Array {
  return floatData(rows.flat(), descr.size ?? 4, descr.le ?? true);
}

/** With a manifest of 6 rows, a well-formed .npy of other row count must be refused. */
function npyVariants(): Variant[] {
  const withManifest = (npy: Uint8Array, r: Rng, alone = r.chance(0.2)) => (alone ? [f('emb.npy', npy)] : [manifest(), f('emb.npy', npy)]);
  const seedNpy = () => npyBytes({ data: npyData(DESCRS[0]) });
  return [
    (r, k) => {
      const b = seedNpy();
      const m = truncateIn(b.bytes, b.regions, r, k);
      return { label: `npy ${m.label}`, files: withManifest(m.bytes, r), expect: 'reject' };
    },
    (r) => {
      const d = r.pick(DESCRS);
      const b = npyBytes({ descr: d.d, data: npyData(d) });
      return {
        label: `npy descr '${d.d}'`,
        files: withManifest(b.bytes, r),
        expect: d.ok === true ? 'import' : d.ok === false ? 'reject' : 'any',
      };
    },
    (r) => {
      const s = r.pick(SHAPES);
      const alone = r.chance(0.2);
      const rows = s.rows !== undefined ? vectors(s.rows, (N * DIM) / s.rows) : vectors();
      const b = npyBytes({ shape: s.s, data: floatData(rows.flat(), 4) });
      const expect: Expect = s.ok === true ? 'import' : s.ok === null || (alone && s.rows !== undefined) ? 'any' : 'reject';
      return { label: `npy shape ${s.s}${alone ? ' (no manifest)' : ''}`, files: withManifest(b.bytes, r, alone), expect };
    },
    (r) => {
      const v = r.pick(['True', "'False'", '0', 'None', '1']);
      const b = npyBytes({ fortran: v, data: npyData(DESCRS[0]) });
      return { label: `npy fortran_order ${v}`, files: withManifest(b.bytes, r), expect: 'reject' };
    },
    (r) => {
      const [major, minor, ok] = r.pick([
        [1, 0, true],
        [2, 0, true],
        [3, 0, true],
        [0, 0, false],
        [4, 0, false],
        [255, 255, false],
        [1, 7, null],
      ] as const);
      const b = npyBytes({ major, minor, data: npyData(DESCRS[0]) });
      return {
        label: `npy version ${major}.${minor}`,
        files: withManifest(b.bytes, r),
        expect: ok === true ? 'import' : ok === false ? 'reject' : 'any',
      };
    },
    (r) => {
      // Version byte says 2.0 but the layout is 1.0 (2-byte header length), or the reverse.
      const v2 = r.chance(0.5);
      const b = npyBytes({ major: v2 ? 1 : 2, data: npyData(DESCRS[0]) });
      b.bytes[6] = v2 ? 2 : 1;
      return { label: `npy version byte ${v2 ? '2 on a 1.0' : '1 on a 2.0'} layout`, files: withManifest(b.bytes, r), expect: 'reject' };
    },
    (r) => {
      const delta = r.pick([1, -1, 2, -2, 16, -16, 64, -64, 1000]);
      const b = npyBytes({ lenDelta: delta, data: npyData(DESCRS[0]) });
      return { label: `npy header length field off by ${delta}`, files: withManifest(b.bytes, r), expect: 'reject' };
    },
    (r) => {
      const major = r.pick([1, 2, 3]);
      const lenField = r.pick([0, 0xffff, 0xfffe, 0x7fffffff, 0xffffffff, 65536]);
      const b = npyBytes({ major, lenField, data: npyData(DESCRS[0]) });
      return { label: `npy v${major} header length field ${lenField}`, files: withManifest(b.bytes, r), expect: 'reject' };
    },
    (r) => {
      const dicts: [string, boolean | null][] = [
        ['hello', false],
        ['{}', false],
        [`{'descr': '<f4', 'shape': (${N}, ${DIM})}`, false],
        [`{'fortran_order': False, 'shape': (${N}, ${DIM})}`, false],
        [`{'descr': '<f4', 'fortran_order': False}`, false],
        [`{'descr': '<f4', 'fortran_order': False, 'shape': (${N}, ${DIM}), 'extra': {'a': [1, 2]}}`, null],
        [`{'descr': '<f4', 'fortran_order': False, 'shape': (${N}, ${DIM})`, false],
        [`{'descr': '<f4', 'fortran_order': False, 'shape': (${N}, ${DIM})}}`, false],
        [`{'descr': '<f4, 'fortran_order': False, 'shape': (${N}, ${DIM})}`, false],
        [`{"descr": "<f4", "fortran_order": False, "shape": (${N}, ${DIM})}`, true],
        [`{'descr': '<f4', 'fortran_order': False, 'shape': (${N}, ${DIM}), 'descr': '<f8'}`, null],
        [`{'descr': ['<f4'], 'fortran_order': False, 'shape': (${N}, ${DIM})}`, false],
        [`{'descr': '<f4', 'fortran_order': False, 'shape': ((${N}, ${DIM}),)}`, false],
        [`{'descr': '<f4', 'fortran_order': False, 'shape': (${N}, ${DIM}), }${'\u00e9\u00ff'}`, false],
        [`{'descr': '<f4', 'fortran_order': False, 'shape': (${'('.repeat(3000)}${')'.repeat(3000)})}`, false],
        [`{'descr': '<f4', 'fortran_order': False, 'shape': (${N}, ${DIM}), }${' '.repeat(60000)}`, true],
        [`{'descr': '<f4', 'fortran_order': False, 'shape': (${N}, ${DIM}), 'x': '${'y'.repeat(70000)}'}`, null],
      ];
      const [dict, ok] = r.pick(dicts);
      const major = dict.length > 65000 ? 2 : 1;
      const b = npyBytes({ dict, major, data: npyData(DESCRS[0]) });
      return {
        label: `npy header dict ${JSON.stringify(dict.slice(0, 60))}${dict.length > 60 ? '…' : ''}`,
        files: withManifest(b.bytes, r),
        expect: ok === true ? 'import' : ok === false ? 'reject' : 'any',
      };
    },
    (r) => {
      const bad = withNonFinite(vectors(), r);
      const d = r.pick([DESCRS[0], DESCRS[1], DESCRS[2]]);
      const b = npyBytes({ descr: d.d, data: npyData(d, bad.rows) });
      return { label: `npy ${d.d} with ${bad.what}`, files: withManifest(b.bytes, r), expect: 'reject' };
    },
    (r) => {
      const v = r.pick([1e300, -1e300, 3.5e38, 1e39]);
      const rows = vectors();
      rows[r.int(0, N - 1)][r.int(0, DIM - 1)] = v;
      const b = npyBytes({ descr: '<f8', data: floatData(rows.flat(), 8) });
      return { label: `npy <f8 value ${v} (beyond float32)`, files: withManifest(b.bytes, r), expect: 'reject' };
    },
    (r) => {
      const extra = r.int(1, 40);
      const b = npyBytes({ data: concat(npyData(DESCRS[0]), new Uint8Array(extra)) });
      return { label: `npy ${extra} extra bytes after the data`, files: withManifest(b.bytes, r), expect: 'reject' };
    },
    (r) => {
      const b = npyBytes({
        major: 3,
        dict: `{'descr': '<f4', 'fortran_order': False, 'shape': (${N}, ${DIM}), 'x': '\u00ff'}`,
        data: npyData(DESCRS[0]),
      });
      return { label: 'npy v3 header that is not UTF-8 (a Latin-1 ÿ)', files: withManifest(b.bytes, r), expect: 'reject' };
    },
    (r) => {
      const b = npyBytes({ pad: false, data: npyData(DESCRS[0]) });
      return { label: 'npy header without padding (unaligned data)', files: withManifest(b.bytes, r), expect: 'import' };
    },
    (r) => {
      const b = npyBytes({ data: npyData(DESCRS[0]) });
      const at = b.regions[4].start + r.int(0, b.regions[4].end - b.regions[4].start - 2);
      b.bytes[at] = r.pick([0x78, 0x00, 0x7b, 0x27]);
      return { label: `npy junk in the header padding at byte ${at}`, files: withManifest(b.bytes, r), expect: 'reject' };
    },
    (r) => {
      const b = npyBytes({ data: npyData(DESCRS[0]) });
      const at = r.int(0, 5);
      b.bytes[at] ^= 1 << r.int(0, 7);
      return { label: `npy magic damaged at byte ${at}`, files: withManifest(b.bytes, r), expect: 'reject' };
    },
    (r) => {
      // Two variants of different row counts.
      const other = npyOf(vectors(N - r.int(1, 3)));
      return {
        label: 'npy second variant with fewer rows',
        files: [manifest(), f('emb.npy', seedNpy().bytes), f('emb2.npy', other)],
        expect: 'reject',
      };
    },
    (r) => {
      const d = r.int(1, 3);
      return {
        label: `npy second variant of ${DIM + d} dims`,
        files: [manifest(), f('emb.npy', seedNpy().bytes), f('emb2.npy', npyOf(vectors(N, DIM + d)))],
        expect: 'import',
      };
    },
  ];
}

// ---- Parquet ---------------------------------------------------------------------------------

function parquetRegions(b: Uint8Array): Region[] {
  const n = b.length;
  const footerLen = n >= 8 ? new DataView(b.buffer, b.byteOffset).getUint32(n - 8, true) : 0;
  const footer = Math.max(4, n - 8 - footerLen);
  return [
    { name: 'leading magic', start: 0, end: 4 },
    { name: 'column data', start: 4, end: footer },
    { name: 'footer metadata', start: footer, end: n - 8 },
    { name: 'footer length', start: n - 8, end: n - 4 },
    { name: 'trailing magic', start: n - 4, end: n },
  ];
}

function parquetVariants(w: Writers): Variant[] {
  const base = (): ParquetCol[] => [
    { name: 'id', kind: 'string', data: IDS.slice() },
    { name: 'vec', kind: 'list-float', data: vectors() },
  ];
  const bundle = (pq: Uint8Array, r: Rng, withManifest = r.chance(0.3)) => [...(withManifest ? [manifest()] : []), f('emb.parquet', pq)];
  const write = (cols: ParquetCol[], opts?: Parameters<Writers['parquet']>[1]) => w.parquet(cols, opts);
  return [
    (r, k) => {
      const b = write(base());
      const m = truncateIn(b, parquetRegions(b), r, k);
      return { label: `parquet ${m.label}`, files: bundle(m.bytes, r), expect: 'reject' };
    },
    (r) => {
      const [what, opts, kind] = r.pick([
        ['list<double>', {}, 'list-double'],
        ['row groups of 2', { rowGroupSize: 2 }, 'list-float'],
        ['uncompressed', { codec: 'UNCOMPRESSED' }, 'list-float'],
      ] as const);
      const cols = base();
      cols[1].kind = kind;
      return { label: `parquet valid: ${what}`, files: bundle(write(cols, opts), r), expect: 'import' };
    },
    (r) => {
      const bad = withNonFinite(vectors(), r);
      const cols = base();
      cols[1] = { ...cols[1], kind: r.pick(['list-float', 'list-double'] as const), data: bad.rows };
      return { label: `parquet ${bad.what}`, files: bundle(write(cols), r), expect: 'reject' };
    },
    (r) => {
      const bad = ragged(vectors(), r);
      const cols = base();
      cols[1].data = bad.rows;
      return { label: `parquet ragged: ${bad.what}`, files: bundle(write(cols), r), expect: 'reject' };
    },
    (r) => {
      const rows: (number[] | null)[] = vectors();
      const i = r.int(0, N - 1);
      const empty = r.chance(0.5);
      rows[i] = empty ? [] : null;
      const cols = base();
      cols[1].data = rows;
      return { label: `parquet ${empty ? 'empty' : 'null'} vector at row ${i + 1}`, files: bundle(write(cols), r), expect: 'reject' };
    },
    (r) => {
      const e = idEdit(r);
      const cols = base();
      cols[0] = { ...cols[0], data: e.ids, nullable: true };
      return { label: `parquet ${e.what}`, files: bundle(write(cols), r), expect: 'reject' };
    },
    (r) => {
      const cols = base();
      cols[0].data = [];
      cols[1].data = [];
      return { label: 'parquet with zero rows', files: bundle(write(cols), r), expect: 'reject' };
    },
    (r) => {
      const cols = base();
      const [what, col, expect] = r.pick([
        ['vector column of booleans', { name: 'vec', kind: 'bool', data: IDS.map((_, i) => i % 2 === 0) }, 'reject'],
        ['vector column of strings', { name: 'vec', kind: 'string', data: vectors().map((v) => JSON.stringify(v)) }, 'any'],
        ['list<string> vectors', { name: 'vec', kind: 'list-string', data: vectors().map((v) => v.map(String)) }, 'reject'],
        ['list<int32> vectors', { name: 'vec', kind: 'list-int32', data: vectors().map((v) => v.map((x) => Math.round(x * 8))) }, 'any'],
        ['one scalar float column', { name: 'vec', kind: 'float', data: IDS.map((_, i) => i / 8) }, 'any'],
      ] as const);
      cols[1] = col as ParquetCol;
      return { label: `parquet ${what}`, files: bundle(write(cols), r), expect };
    },
    (r) => {
      const cols = base();
      const op = r.int(0, 3);
      if (op === 0) cols[0] = { name: 'id', kind: 'int32', data: IDS.map((_, i) => i + 1) };
      if (op === 1) cols.shift();
      if (op === 2) cols.push({ name: 'vec2', kind: 'list-double', data: vectors(N, DIM + 2) });
      if (op === 3) cols.push({ name: 'title', kind: 'string', data: IDS.map((x) => `title ${x}`) });
      const what = ['int32 ids', 'no id column', 'a second vector column', 'an extra title column'][op];
      return {
        label: `parquet ${what}`,
        files: bundle(write(cols), r, op === 1 ? r.chance(0.5) : undefined),
        expect: op >= 2 ? 'import' : 'any',
      };
    },
    (r) => {
      // Joined with a manifest: ids that match none / only some of the items.
      const cols = base();
      const none = r.chance(0.5);
      cols[0].data = none ? IDS.map((x) => `zz-${x}`) : IDS.map((x, i) => (i < 2 ? `zz-${x}` : x));
      return {
        label: `parquet with manifest, ${none ? 'no' : 'two'} ids unmatched`,
        files: bundle(write(cols), r, true),
        expect: none ? 'reject' : 'import',
      };
    },
    (r) => {
      const b = write(base());
      const dv = new DataView(b.buffer, b.byteOffset);
      const v = r.pick([0, 1, 0x7fffffff, 0xffffffff, b.length, b.length - 8, b.length + 1]);
      dv.setUint32(b.length - 8, v, true);
      return { label: `parquet footer length set to ${v}`, files: bundle(b, r), expect: v === b.length - 8 ? 'any' : 'reject' };
    },
    (r) => {
      const b = write(base());
      const tail = r.chance(0.5);
      const at = tail ? b.length - r.int(1, 4) : r.int(0, 3);
      b[at] ^= 0x20;
      return {
        label: `parquet ${tail ? 'trailing' : 'leading'} magic damaged at byte ${at}`,
        files: bundle(b, r),
        expect: tail ? 'reject' : 'any',
      };
    },
    (r) => {
      const b = write(base());
      const reg = parquetRegions(b)[2];
      const out = b.slice();
      const k = r.int(1, 4);
      for (let j = 0; j < k; j++) out[r.int(reg.start, reg.end - 1)] = r.pick([0x00, 0xff, 0x7f, 0x19, 0x15, 0x1c]);
      return { label: `parquet footer metadata: ${k} bytes changed`, files: bundle(out, r), expect: 'any' };
    },
  ];
}

// ---- Arrow IPC -------------------------------------------------------------------------------

function arrowVariants(w: Writers): Variant[] {
  const base = (): ArrowCol[] => [
    { name: 'id', kind: 'utf8', data: IDS.slice() },
    { name: 'vec', kind: 'fsl-float32', data: vectors(), listSize: DIM },
  ];
  const fmt = (r: Rng) =>
    r.pick([
      ['emb.arrow', 'file'],
      ['emb.feather', 'file'],
      ['emb.arrows', 'stream'],
    ] as const);
  const one = (cols: ArrowCol[], r: Rng) => {
    const [path, format] = fmt(r);
    return { path, format, bytes: w.arrow(cols, format) };
  };
  const bundle = (file: FuzzFile, r: Rng) => [...(r.chance(0.3) ? [manifest()] : []), file];
  return [
    (r, k) => {
      const a = one(base(), r);
      const n = a.bytes.length;
      const regions: Region[] =
        a.format === 'file'
          ? [
              { name: 'magic', start: 0, end: 8 },
              { name: 'messages', start: 8, end: n - 10 },
              { name: 'footer', start: n - 10, end: n },
            ]
          : [
              { name: 'schema message', start: 0, end: Math.min(n, 200) },
              { name: 'record batch', start: Math.min(n, 200), end: n },
            ];
      const m = truncateIn(a.bytes, regions, r, k);
      return { label: `arrow ${a.path} ${m.label}`, files: bundle(f(a.path, m.bytes), r), expect: 'any' };
    },
    (r) => {
      const cols = base();
      const [what, kind] = r.pick([
        ['FixedSizeList<Float64>', 'fsl-float64'],
        ['List<Float32>', 'list-float32'],
        ['List<Float64>', 'list-float64'],
      ] as const);
      cols[1].kind = kind;
      const a = one(cols, r);
      return { label: `arrow ${a.path} valid: ${what}`, files: bundle(f(a.path, a.bytes), r), expect: 'import' };
    },
    (r) => {
      const bad = withNonFinite(vectors(), r);
      const cols = base();
      cols[1] = { ...cols[1], kind: r.pick(['fsl-float32', 'list-float64'] as const), data: bad.rows };
      const a = one(cols, r);
      return { label: `arrow ${a.path} ${bad.what}`, files: bundle(f(a.path, a.bytes), r), expect: 'reject' };
    },
    (r) => {
      const bad = ragged(vectors(), r);
      const cols = base();
      cols[1] = { ...cols[1], kind: r.pick(['list-float32', 'list-float64'] as const), data: bad.rows };
      const a = one(cols, r);
      return { label: `arrow ${a.path} ragged: ${bad.what}`, files: bundle(f(a.path, a.bytes), r), expect: 'reject' };
    },
    (r) => {
      const rows: (number[] | null)[] = vectors();
      const i = r.int(0, N - 1);
      rows[i] = null;
      const cols = base();
      cols[1] = { ...cols[1], kind: r.pick(['fsl-float32', 'list-float32'] as const), data: rows };
      const a = one(cols, r);
      return { label: `arrow ${a.path} null vector at row ${i + 1}`, files: bundle(f(a.path, a.bytes), r), expect: 'reject' };
    },
    (r) => {
      const e = idEdit(r);
      const cols = base();
      cols[0].data = e.ids;
      const a = one(cols, r);
      return { label: `arrow ${a.path} ${e.what}`, files: bundle(f(a.path, a.bytes), r), expect: 'reject' };
    },
    (r) => {
      const cols = base();
      const op = r.int(0, 5);
      if (op === 0) {
        cols[0].data = [];
        cols[1].data = [];
      }
      if (op === 1) cols[1] = { name: 'vec', kind: 'bool', data: IDS.map(() => true) };
      if (op === 2) cols[0] = { name: 'id', kind: 'int32', data: IDS.map((_, i) => i) };
      if (op === 3) cols.shift();
      if (op === 4) cols.push({ name: 'vec2', kind: 'fsl-float64', data: vectors(N, DIM + 1), listSize: DIM + 1 });
      if (op === 5) cols[1] = { name: 'vec', kind: 'float32', data: IDS.map((_, i) => i / 4) };
      const what = ['zero rows', 'a boolean vector column', 'int32 ids', 'no id column', 'a second vector column', 'a scalar float column'][
        op
      ];
      const expect: Expect = op <= 1 ? 'reject' : op === 4 ? 'import' : 'any';
      const a = one(cols, r);
      return { label: `arrow ${a.path} ${what}`, files: bundle(f(a.path, a.bytes), r), expect };
    },
    (r) => {
      const a = one(base(), r);
      const out = a.bytes.slice();
      // Metadata length after a continuation marker (0xFFFFFFFF): a huge or negative message size.
      let at = -1;
      for (let i = 0; i + 8 <= out.length; i++)
        if (out[i] === 0xff && out[i + 1] === 0xff && out[i + 2] === 0xff && out[i + 3] === 0xff) {
          at = i + 4;
          if (r.chance(0.5)) break;
        }
      const v = r.pick([0x7fffffff, 0xffffffff, 0x80000000, 0xfffffff0, 0]);
      if (at >= 0) new DataView(out.buffer).setUint32(at, v, true);
      return {
        label: `arrow ${a.path} message length at byte ${at} set to 0x${v.toString(16)}`,
        files: bundle(f(a.path, out), r),
        expect: 'any',
      };
    },
    (r) => {
      const a = one(base(), r);
      const out = a.bytes.slice();
      const at = r.int(0, 5);
      out[at] ^= 0x01;
      return { label: `arrow ${a.path} magic/first bytes damaged at byte ${at}`, files: bundle(f(a.path, out), r), expect: 'any' };
    },
  ];
}

// ---- CSV/TSV embeddings ------------------------------------------------------------------------

type CsvLayout = 'wide-csv' | 'wide-tsv' | 'bracket-csv' | 'space-tsv';

function csvEmbeddings(layout: CsvLayout, rows: string[][], ids: (string | null)[] = IDS): FuzzFile {
  const idOf = (i: number) => ids[i] ?? '';
  if (layout === 'wide-csv' || layout === 'wide-tsv') {
    const delim = layout === 'wide-csv' ? ',' : '\t';
    const width = Math.max(...rows.map((r) => r.length));
    const names = ['id', ...Array.from({ length: width }, (_, j) => `d${j}`)];
    return f(
      layout === 'wide-csv' ? 'emb.csv' : 'emb.tsv',
      table(
        names,
        rows.map((r, i) => [idOf(i), ...r]),
        delim,
      ),
    );
  }
  if (layout === 'bracket-csv')
    return f(
      'emb.csv',
      table(
        ['id', 'vector'],
        rows.map((r, i) => [idOf(i), `[${r.join(', ')}]`]),
        ',',
      ),
    );
  return f(
    'emb.tsv',
    table(
      ['id', 'vector'],
      rows.map((r, i) => [idOf(i), r.join(' ')]),
      '\t',
    ),
  );
}

const LAYOUTS: CsvLayout[] = ['wide-csv', 'wide-tsv', 'bracket-csv', 'space-tsv'];

function csvVariants(): Variant[] {
  const bundle = (file: FuzzFile, r: Rng) => [...(r.chance(0.3) ? [manifest()] : []), file];
  return [
    (r) => {
      const layout = r.pick(LAYOUTS);
      const rows = rowsText(vectors());
      const i = r.int(0, N - 1);
      const j = r.int(0, DIM - 1);
      const c = r.pick(CELL_VALUES);
      rows[i][j] = c.v;
      // A wide file whose cell is not a number may be read as a manifest (labels); a vector column may not.
      const vectorColumn = layout === 'bracket-csv' || layout === 'space-tsv';
      const splits = /[\s,[\]"]/.test(c.v) || c.v === '';
      const expect: Expect = c.badNumber && vectorColumn && !splits ? 'reject' : c.badNumber ? 'any' : 'any';
      return {
        label: `csv ${layout} cell row ${i + 1} column ${j + 1} = ${JSON.stringify(c.v.slice(0, 12))}`,
        files: bundle(csvEmbeddings(layout, rows), r),
        expect,
      };
    },
    (r) => {
      const layout = r.pick(LAYOUTS);
      const bad = withNonFinite(vectors(), r);
      const rows = bad.rows.map((x) =>
        x.map((v) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : String(v))),
      );
      return {
        label: `csv ${layout} ${bad.what}`,
        files: bundle(csvEmbeddings(layout, rows), r),
        expect: layout.startsWith('wide') ? 'any' : 'reject',
      };
    },
    (r) => {
      const layout = r.pick(LAYOUTS);
      const bad = ragged(vectors(), r);
      return { label: `csv ${layout} ragged: ${bad.what}`, files: bundle(csvEmbeddings(layout, rowsText(bad.rows)), r), expect: 'reject' };
    },
    (r) => {
      const layout = r.pick(LAYOUTS);
      const e = idEdit(r);
      return { label: `csv ${layout} ${e.what}`, files: bundle(csvEmbeddings(layout, rowsText(vectors()), e.ids), r), expect: 'reject' };
    },
    (r) => {
      const layout = r.pick(LAYOUTS);
      const file = csvEmbeddings(layout, rowsText(vectors()));
      const e = textEdit(new TextDecoder().decode(file.bytes), layout.endsWith('csv') ? ',' : '\t', r);
      return {
        label: `csv ${layout} ${e.label}`,
        files: bundle(f(file.path, e.text), r),
        expect: e.label === 'header line only' ? 'reject' : 'any',
      };
    },
    (r) => {
      const layout = r.pick(LAYOUTS);
      const file = csvEmbeddings(layout, rowsText(vectors()));
      const m = r.chance(0.8) ? badUtf8(file.bytes, r) : { bytes: utf16(new TextDecoder().decode(file.bytes)), label: 'saved as UTF-16' };
      return { label: `csv ${layout} ${m.label}`, files: bundle(f(file.path, m.bytes), r), expect: 'reject' };
    },
    (r) => {
      const layout = r.pick(LAYOUTS);
      const [what, rows, expect] = r.pick([
        ['bracket mismatch', null, 'reject'],
        ['empty vectors', vectors().map(() => []), 'reject'],
        ['long vectors (300 dims)', vectors(N, 300), 'import'],
      ] as const);
      if (rows === null) {
        const text = table(
          ['id', 'vector'],
          vectors().map((v, i) => [IDS[i], `[${v.join(', ')}${i === 2 ? '' : ']'}`]),
          ',',
        );
        return { label: `csv bracket-csv ${what}`, files: bundle(f('emb.csv', text), r), expect };
      }
      return { label: `csv ${layout} ${what}`, files: bundle(csvEmbeddings(layout, rowsText(rows as number[][])), r), expect };
    },
    (r) => {
      const layout = r.pick(LAYOUTS);
      const rows = rowsText(vectors());
      const i = r.int(0, N - 1);
      const v = vectors()[i][r.int(0, DIM - 1)];
      const spellings = [v.toExponential(), `+${Math.abs(v)}`, v.toFixed(6), ` ${v}`, `${v} `];
      rows[i][r.int(0, DIM - 1)] = r.pick(spellings);
      return {
        label: `csv ${layout} other number spellings at row ${i + 1}`,
        files: bundle(csvEmbeddings(layout, rows), r),
        expect: 'any',
      };
    },
    (r) => {
      const layout = r.pick(LAYOUTS);
      const text = new TextDecoder().decode(csvEmbeddings(layout, rowsText(vectors())).bytes);
      const bad = r.pick(['', '\n', '\n\n\n', 'id\n', ',,,\n', '\t\t\n', '\u0000\u0000']);
      return {
        label: `csv ${layout} near-empty file ${JSON.stringify(bad)}`,
        files: bundle(f(layout.endsWith('csv') ? 'emb.csv' : 'emb.tsv', text.length < 0 ? text : bad), r),
        expect: 'reject',
      };
    },
  ];
}

// ---- TF Projector bundle ---------------------------------------------------------------------

interface ProjectorOpts {
  config?: unknown;
  vectorsTsv?: string;
  vectorsBytes?: Uint8Array;
  metadata?: Uint8Array | null;
  sprite?: Uint8Array | null;
}

function projectorConfig(bytes: boolean, spriteDim: unknown = [8, 8]): Record<string, unknown> {
  return {
    embeddings: [
      {
        tensorName: 'fuzz',
        tensorShape: [N, DIM],
        tensorPath: bytes ? 'vectors.bytes' : 'vectors.tsv',
        metadataPath: 'metadata.tsv',
        sprite: { imagePath: 'sprite.png', singleImageDim: spriteDim },
      },
    ],
  };
}

function spritePng(n = N, tile = 8, cols = 3, rows = 3): Uint8Array {
  const s = spriteRgba(n, tile, cols, rows);
  return png({ width: s.w, height: s.h, rgba: s.rgba });
}

function projectorFiles(o: ProjectorOpts, useBytes = false): FuzzFile[] {
  const dir = 'proj/';
  const tsv =
    o.vectorsTsv ??
    vectors()
      .map((v) => v.join('\t'))
      .join('\n') + '\n';
  const meta =
    o.metadata === undefined
      ? utf8(
          table(
            ['title', 'style'],
            IDS.map((_, i) => [`item ${IDS[i]}`, ['a', 'b', 'a', 'c', 'b', 'c'][i]]),
            '\t',
          ),
        )
      : o.metadata;
  const out = [f(`${dir}projector_config.json`, JSON.stringify(o.config ?? projectorConfig(useBytes)))];
  if (useBytes) out.push(f(`${dir}vectors.bytes`, o.vectorsBytes ?? floatData(vectors().flat(), 4)));
  else out.push(f(`${dir}vectors.tsv`, tsv));
  if (meta) out.push(f(`${dir}metadata.tsv`, meta));
  const sprite = o.sprite === undefined ? spritePng() : o.sprite;
  if (sprite) out.push(f(`${dir}sprite.png`, sprite));
  return out;
}

function projectorVariants(): Variant[] {
  const cfgEntry = (bytes: boolean) => projectorConfig(bytes).embeddings as Record<string, unknown>[];
  return [
    (r) => {
      const useBytes = r.chance(0.3);
      const e = jsonEdit(projectorConfig(useBytes), r);
      return {
        label: `projector config ${e.label}`,
        files: replace(projectorFiles({}, useBytes), 'proj/projector_config.json', utf8(e.text)),
        expect: 'any',
      };
    },
    (r) => {
      const useBytes = r.chance(0.3);
      const entry = cfgEntry(useBytes)[0];
      const [what, patch, expect] = r.pick([
        ['tensorShape [5, 4]', { tensorShape: [N - 1, DIM] }, 'reject'],
        ['tensorShape [6, 5]', { tensorShape: [N, DIM + 1] }, 'reject'],
        ['tensorShape [6]', { tensorShape: [N] }, 'reject'],
        ['tensorShape [0, 4]', { tensorShape: [0, DIM] }, 'reject'],
        ['tensorShape huge', { tensorShape: [2 ** 40, 2 ** 40] }, 'reject'],
        ['tensorPath missing file', { tensorPath: 'nope.tsv' }, 'reject'],
        ['tensorPath a URL', { tensorPath: 'https://example.com/v.tsv' }, 'reject'],
        ['tensorPath outside the folder', { tensorPath: '../vectors.tsv' }, 'reject'],
        ['tensorPath empty', { tensorPath: '' }, 'reject'],
        ['metadataPath missing file', { metadataPath: 'nope.tsv' }, 'reject'],
        ['no tensorShape', { tensorShape: undefined }, useBytes ? 'any' : 'import'],
        ['no metadataPath', { metadataPath: undefined }, 'any'],
        ['no sprite (and no sprite.png)', { sprite: undefined }, 'import'],
        ['sprite imagePath missing file', { sprite: { imagePath: 'nope.png', singleImageDim: [8, 8] } }, 'reject'],
      ] as const);
      const e = { ...entry, ...patch };
      const noSprite = what.startsWith('no sprite');
      return {
        label: `projector ${what}`,
        files: projectorFiles({ config: { embeddings: [e] }, ...(noSprite ? { sprite: null } : {}) }, useBytes),
        expect,
      };
    },
    (r) => {
      const [dim, expect] = r.pick([
        [[0, 0], 'reject'],
        [[-8, 8], 'reject'],
        [[8.5, 8], 'reject'],
        ['8', 'reject'],
        [[8], 'reject'],
        [[100, 100], 'reject'],
        [[8, 8, 8], 'reject'],
        [[1e9, 1e9], 'reject'],
        [[4, 4], 'any'],
        [[16, 16], 'reject'],
        [null, 'any'],
        [[2 ** 31, 1], 'reject'],
      ] as const);
      return {
        label: `projector sprite singleImageDim ${JSON.stringify(dim)}`,
        files: projectorFiles({ config: projectorConfig(false, dim) }),
        expect,
      };
    },
    (r) => {
      const [what, bytes, expect] = r.pick([
        ['sprite too small for 6 tiles (16×16)', spritePng(N, 8, 2, 2), 'reject'],
        ['sprite 24×16 (3×2 tiles, exactly 6)', spritePng(N, 8, 3, 2), 'any'],
        ['sprite 1×1', png({ width: 1, height: 1 }), 'reject'],
        ['sprite truncated', spritePng().slice(0, r.int(0, spritePng().length - 13)), 'reject'],
        ['sprite is text', utf8('this is not an image\n'), 'reject'],
        ['sprite is empty', new Uint8Array(0), 'reject'],
        ['sprite IHDR 100000×100000', png({ width: 100000, height: 100000, idat: zlibStored(new Uint8Array(10)) }), 'reject'],
        ['sprite IHDR bit depth 3', png({ width: 24, height: 24, depth: 3, colorType: 2 }), 'reject'],
        ['sprite missing', null, 'reject'],
      ] as const);
      return { label: `projector ${what}`, files: projectorFiles({ sprite: bytes as Uint8Array | null }), expect };
    },
    (r) => {
      const m = blind(spritePng(), r);
      return { label: `projector sprite ${m.label}`, files: projectorFiles({ sprite: m.bytes }), expect: 'any' };
    },
    (r) => {
      const rows = rowsText(vectors());
      const i = r.int(0, N - 1);
      const j = r.int(0, DIM - 1);
      const c = r.pick(CELL_VALUES.filter((x) => !/[\t\n]/.test(x.v)));
      rows[i][j] = c.v;
      const tsv = rows.map((x) => x.join('\t')).join('\n') + '\n';
      return {
        label: `projector vectors.tsv row ${i + 1} column ${j + 1} = ${JSON.stringify(c.v.slice(0, 12))}`,
        files: projectorFiles({ vectorsTsv: tsv }),
        expect: c.badNumber ? 'reject' : 'any',
      };
    },
    (r) => {
      const tsv =
        vectors()
          .map((v) => v.join('\t'))
          .join('\n') + '\n';
      const e = textEdit(tsv, '\t', r);
      const expect: Expect =
        /deleted|duplicated|lost a field|extra field|other delimiter|empty fields inserted$|spaces|unbalanced quote|header line only/.test(
          e.label,
        )
          ? 'reject'
          : 'any';
      return { label: `projector vectors.tsv ${e.label}`, files: projectorFiles({ vectorsTsv: e.text }), expect };
    },
    (r) => {
      const good = floatData(vectors().flat(), 4);
      const op = r.int(0, 3);
      let bytes: Uint8Array;
      let what: string;
      if (op === 0) {
        bytes = good.slice(0, r.int(1, good.length - 1));
        what = `truncated to ${bytes.length} bytes`;
      } else if (op === 1) {
        bytes = concat(good, new Uint8Array(r.int(1, 15)));
        what = `${bytes.length - good.length} extra bytes`;
      } else if (op === 2) {
        const bad = withNonFinite(vectors(), r);
        bytes = floatData(bad.rows.flat(), 4);
        what = bad.what;
      } else {
        bytes = new Uint8Array(0);
        what = 'empty';
      }
      return { label: `projector vectors.bytes ${what}`, files: projectorFiles({ vectorsBytes: bytes }, true), expect: 'reject' };
    },
    (r) => {
      const meta = utf8(
        table(
          ['title', 'style'],
          IDS.map((_, i) => [`item ${i}`, 's']),
          '\t',
        ),
      );
      const op = r.int(0, 4);
      const edits: [string, Uint8Array | null, Expect][] = [
        [
          'metadata.tsv with 5 rows',
          utf8(
            table(
              ['title', 'style'],
              IDS.slice(1).map((_, i) => [`item ${i}`, 's']),
              '\t',
            ),
          ),
          'reject',
        ],
        [
          'metadata.tsv with 7 rows',
          utf8(
            table(
              ['title', 'style'],
              [...IDS, 'g07'].map((_, i) => [`item ${i}`, 's']),
              '\t',
            ),
          ),
          'reject',
        ],
        ['metadata.tsv not UTF-8', badUtf8(meta, r).bytes, 'reject'],
        ['metadata.tsv missing', null, 'reject'],
        ['metadata.tsv one column, no header', utf8(IDS.join('\n') + '\n'), 'import'],
      ];
      const [what, bytes, expect] = edits[op];
      return { label: `projector ${what}`, files: projectorFiles({ metadata: bytes }), expect };
    },
    (r) => {
      // Two tensors of different row counts in one config.
      const cfg = projectorConfig(false);
      const e0 = (cfg.embeddings as Record<string, unknown>[])[0];
      const same = r.chance(0.5);
      cfg.embeddings = [e0, { ...e0, tensorName: 'second', tensorPath: 'v2.tsv', tensorShape: same ? [N, DIM + 1] : [N - 2, DIM] }];
      const v2 =
        vectors(same ? N : N - 2, same ? DIM + 1 : DIM)
          .map((v) => v.join('\t'))
          .join('\n') + '\n';
      return {
        label: `projector two tensors, ${same ? 'same rows, other dims' : 'fewer rows in the second'}`,
        files: [...projectorFiles({ config: cfg }), f('proj/v2.tsv', v2)],
        expect: same ? 'import' : 'reject',
      };
    },
  ];
}

// ---- Item manifest + images -------------------------------------------------------------------

function imagePaths(jpegAt: (i: number) => boolean): string[] {
  return IDS.map((id, i) => `images/${id}.${jpegAt(i) ? 'jpg' : 'png'}`);
}

function manifestVariants(w: Writers): Variant[] {
  const paths = imagePaths((i) => i % 2 === 1);
  let memo: FuzzFile[] | undefined;
  const images = (): FuzzFile[] =>
    (memo ??= paths.map((p, i) => f(p, p.endsWith('.jpg') ? w.jpeg(8, 8, itemRgba(i)) : itemPng(i)))).slice();
  const withManifest = (r: Rng, imgs = images()): { files: FuzzFile[]; path: string } => {
    const kind = r.int(0, 3);
    const path = ['manifest.csv', 'manifest.tsv', 'manifest.json', 'manifest.json'][kind];
    const text = kind < 2 ? manifestText(kind === 0 ? ',' : '\t', paths) : JSON.stringify(manifestJson(paths, kind === 3));
    return { files: [f(path, text), ...imgs], path };
  };
  const imageCase = (r: Rng, bytes: Uint8Array | null, what: string, expect: Expect): Draft => {
    const i = r.int(0, N - 1);
    const imgs = images()
      .filter((x) => bytes !== null || x.path !== paths[i])
      .map((x) => (x.path === paths[i] && bytes ? f(x.path, bytes) : x));
    return { label: `manifest image ${paths[i]}: ${what}`, files: withManifest(r, imgs).files, expect };
  };
  return [
    (r) => {
      const m = withManifest(r);
      const delim = m.path.endsWith('.csv') ? ',' : '\t';
      const file = m.files[0];
      if (m.path.endsWith('.json')) {
        const e = jsonEdit(JSON.parse(new TextDecoder().decode(file.bytes)), r);
        return { label: `manifest ${m.path} ${e.label}`, files: replace(m.files, m.path, utf8(e.text)), expect: 'any' };
      }
      const e = textEdit(new TextDecoder().decode(file.bytes), delim, r);
      return {
        label: `manifest ${m.path} ${e.label}`,
        files: replace(m.files, m.path, utf8(e.text)),
        expect: e.label === 'header line only' ? 'reject' : 'any',
      };
    },
    (r) => {
      const m = withManifest(r);
      const e = idEdit(r);
      const i = e.ids.findIndex((x, j) => x !== IDS[j]);
      const text = new TextDecoder().decode(m.files[0].bytes).replace(IDS[i], e.ids[i] ?? '');
      return {
        label: `manifest ${m.path} ${e.what.replace('missing (null)', 'empty')}`,
        files: replace(m.files, m.path, utf8(text)),
        expect: 'reject',
      };
    },
    (r) => {
      const m = withManifest(r);
      const target = r.pick([
        'images/nope.png',
        '../outside.png',
        '/etc/passwd',
        'https://example.com/a.png',
        'images/',
        '',
        'images\\a01.png',
        'IMAGES/A01.PNG',
      ]);
      const i = r.int(0, N - 1);
      const text = new TextDecoder().decode(m.files[0].bytes).replace(paths[i], target);
      return {
        label: `manifest ${m.path} row ${i + 1} image path ${JSON.stringify(target)}`,
        files: replace(m.files, m.path, utf8(text)),
        expect: target === '' || target.includes('\\') ? 'any' : 'reject',
      };
    },
    (r) => imageCase(r, null, 'file missing', 'reject'),
    (r) => {
      const i = r.int(0, N - 1);
      const p = itemPng(i);
      const [what, bytes, expect] = r.pick([
        ['PNG truncated', p.slice(0, r.int(0, p.length - 13)), 'reject'],
        ['empty file', new Uint8Array(0), 'reject'],
        ['text file', utf8('not an image'), 'reject'],
        ['GIF signature + junk', concat(utf8('GIF89a'), new Uint8Array(20)), 'reject'],
        ['IHDR 100000×100000', png({ width: 100000, height: 100000, idat: zlibStored(new Uint8Array(16)) }), 'reject'],
        ['IHDR 0×8', png({ width: 0, height: 8 }), 'reject'],
        ['IHDR colour type 5', png({ width: 8, height: 8, colorType: 5 }), 'reject'],
        ['IHDR bit depth 7', png({ width: 8, height: 8, depth: 7 }), 'reject'],
        [
          'no IDAT',
          concat(
            PNG_SIGNATURE,
            pngChunk('IHDR', concat(u32be(8), u32be(8), new Uint8Array([8, 6, 0, 0, 0]))),
            pngChunk('IEND', new Uint8Array(0)),
          ),
          'reject',
        ],
        ['IDAT not zlib', png({ width: 8, height: 8, idat: utf8('garbage garbage') }), 'reject'],
        ['IDAT with 2 of 8 rows', png({ width: 8, height: 8, raw: new Uint8Array(2 * 33) }), 'reject'],
        ['bad filter byte 9', png({ width: 8, height: 8, raw: new Uint8Array(8 * 33).fill(9) }), 'reject'],
        ['JPEG SOI only', new Uint8Array([0xff, 0xd8, 0xff]), 'reject'],
        ['JPEG header + zeros', concat(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), new Uint8Array(100)), 'reject'],
        ['PNG signature only', PNG_SIGNATURE, 'reject'],
        [
          'PNG with a bad CRC',
          (() => {
            const b = p.slice();
            b[29] ^= 0xff;
            return b;
          })(),
          'any',
        ],
        ['PNG without IEND', png({ width: 8, height: 8, rgba: itemRgba(i), omitIend: true }), 'any'],
        ['PNG named .jpg', p, 'any'],
        ['1×1 PNG', png({ width: 1, height: 1 }), 'import'],
        ['interlaced PNG header with plain data', png({ width: 8, height: 8, interlace: 1 }), 'any'],
      ] as const);
      return imageCase(r, bytes as Uint8Array, what, expect);
    },
    (r) => {
      const i = r.int(0, N - 1);
      const src = images()[i].bytes;
      const trunc = r.chance(0.3);
      const m = trunc ? { bytes: src.slice(0, r.int(0, src.length - 1)), label: 'truncated' } : blind(src, r);
      return imageCase(r, m.bytes, m.label, 'any');
    },
    (r) => {
      const m = withManifest(r);
      const b = badUtf8(m.files[0].bytes, r);
      return { label: `manifest ${m.path} ${b.label}`, files: replace(m.files, m.path, b.bytes), expect: 'reject' };
    },
    (r) => {
      const [what, doc] = r.pick([
        ['{"items": "x"}', { items: 'x' }],
        ['[]', []],
        ['5', 5],
        ['{"items": []}', { items: [] }],
        ['[1, 2]', [1, 2]],
        ['[[]]', [[]]],
        ['null', null],
        ['{"items": [null]}', { items: [null] }],
        ['"manifest"', 'manifest'],
      ] as const);
      return { label: `manifest.json ${what}`, files: [f('manifest.json', JSON.stringify(doc)), ...images()], expect: 'reject' };
    },
    (r) => {
      // A folder of images and no manifest: one image broken.
      const i = r.int(0, N - 1);
      const imgs = images().map((x, j) => (j === i ? f(x.path, blind(x.bytes, r).bytes.slice(0, r.int(0, 20))) : x));
      return { label: `image folder without a manifest, ${paths[i]} cut to ≤ 20 bytes`, files: imgs, expect: 'reject' };
    },
    (r) => {
      const m = withManifest(r);
      const extra = r.pick([f('images/extra.png', itemPng(0)), f('notes.txt', 'hello'), f('images/broken.png', utf8('nope'))]);
      return { label: `manifest ${m.path} with an unreferenced ${extra.path}`, files: [...m.files, extra], expect: 'any' };
    },
  ];
}

// ---- ONNX + card / short form -------------------------------------------------------------------

const SIZE = 64;
const OUT_DIM = 192;
const goodIn = (): ValueSpec => ({ name: 'images', elemType: FLOAT, dims: ['batch', 3, SIZE, SIZE] });
const goodOut = (): ValueSpec => ({ name: 'embedding', elemType: FLOAT, dims: ['batch', OUT_DIM] });

function card(model: Uint8Array, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'model',
    name: 'Fuzz model',
    modality: 'image',
    file: 'model.onnx',
    sha256: sha256Hex(model),
    input: { name: 'images', size: SIZE, channels: 3, layout: 'NCHW', mean: [0, 0, 0], std: [1, 1, 1] },
    output: { name: 'embedding', dim: OUT_DIM },
    architecture: 'fuzz',
    objective: 'fuzz',
    provenance: 'tests/fuzz',
    licence: 'MIT',
    ...patch,
  };
}

const SHORT = () => ({ input: { size: SIZE, mean: [0, 0, 0], std: [1, 1, 1] }, output: { dim: OUT_DIM } });

function onnxVariants(pixelsOnnx: Uint8Array): Variant[] {
  const withCard = (model: Uint8Array, r: Rng, short = r.chance(0.3)): FuzzFile[] =>
    short
      ? [f('model.onnx', model), f('model.json', JSON.stringify(SHORT()))]
      : [f('model.onnx', model), f('model.card.json', JSON.stringify(card(model)))];
  const graphEnd = 0x14 + 201; // pixels.onnx: the graph field's bytes end here (see the file's protobuf layout)
  return [
    (r, k) => {
      const regions: Region[] = [
        { name: 'model header', start: 0, end: 0x11 },
        { name: 'graph', start: 0x11, end: Math.min(graphEnd, pixelsOnnx.length) },
        { name: 'opset', start: Math.min(graphEnd, pixelsOnnx.length), end: pixelsOnnx.length },
      ];
      const m = truncateIn(pixelsOnnx, regions, r, k);
      return { label: `onnx ${m.label}`, files: withCard(m.bytes, r), expect: m.bytes.length < graphEnd ? 'reject' : 'any' };
    },
    (r) => {
      const [what, ins, outs, expect] = r.pick([
        ['re-encoded valid model', [goodIn()], [goodOut()], 'any'],
        ['input 32×32 (card says 64)', [{ ...goodIn(), dims: ['batch', 3, 32, 32] }], [goodOut()], 'reject'],
        ['input with 1 channel', [{ ...goodIn(), dims: ['batch', 1, SIZE, SIZE] }], [goodOut()], 'reject'],
        ['int64 input', [{ ...goodIn(), elemType: INT64 }], [goodOut()], 'reject'],
        ['float16 input', [{ ...goodIn(), elemType: FLOAT16 }], [goodOut()], 'any'],
        ['rank-3 input', [{ ...goodIn(), dims: ['batch', 3, SIZE] }], [goodOut()], 'reject'],
        ['two inputs', [goodIn(), { ...goodIn(), name: 'mask' }], [goodOut()], 'reject'],
        ['no inputs', [], [goodOut()], 'reject'],
        ['input named "pixels" (card says "images")', [{ ...goodIn(), name: 'pixels' }], [goodOut()], 'reject'],
        ['output named "features" (card says "embedding")', [goodIn()], [{ ...goodOut(), name: 'features' }], 'reject'],
        ['output dim 128 (card says 192)', [goodIn()], [{ ...goodOut(), dims: ['batch', 128] }], 'reject'],
        ['no outputs', [goodIn()], [], 'reject'],
        ['symbolic output dims', [goodIn()], [{ ...goodOut(), dims: ['batch', 'd'] }], 'any'],
        ['huge input dims', [{ ...goodIn(), dims: [2 ** 40, 3, 2 ** 40, 2 ** 40] }], [goodOut()], 'reject'],
        ['negative input dim', [{ ...goodIn(), dims: [-1, 3, -64, SIZE] }], [goodOut()], 'reject'],
        ['input without a shape', [{ ...goodIn(), dims: [] }], [goodOut()], 'any'],
      ] as const);
      const model = onnxModel({
        inputs: ins.map((x) => ({ ...x, dims: [...x.dims] })),
        outputs: outs.map((x) => ({ ...x, dims: [...x.dims] })),
      });
      // The short form names nothing: the model's own input and output names are used.
      const short = r.chance(0.3);
      const namesOnly = /named/.test(what);
      return {
        label: `onnx ${what}${short ? ' (short form)' : ''}`,
        files: withCard(model, r, short),
        expect: short && namesOnly ? 'any' : expect,
      };
    },
    (r) => {
      const [what, bytes, expect] = r.pick([
        ['model without a graph', onnxModel({ inputs: [goodIn()], outputs: [goodOut()], noGraph: true }), 'reject'],
        ['a TensorProto, not a model', concat(vi(1, 3), vi(2, FLOAT), str(8, 'w'), ld(9, new Uint8Array(12))), 'reject'],
        ['empty file', new Uint8Array(0), 'reject'],
        ['a JSON file named .onnx', utf8('{"model": true}'), 'reject'],
        ['a PNG named .onnx', itemPng(0), 'reject'],
        ['graph field with a huge length', concat(vi(1, 8), key7(), varint(2 ** 53), new Uint8Array(8)), 'reject'],
        ['a varint that never ends', concat(vi(1, 8), new Uint8Array(20).fill(0xff)), 'reject'],
        ['wire type 7', concat(vi(1, 8), new Uint8Array([0x3f, 0x01, 0x02])), 'reject'],
        ['group wire type 3 never closed', concat(vi(1, 8), new Uint8Array([0x3b, 0x08, 0x01])), 'reject'],
        ['field number 0', concat(new Uint8Array([0x02, 0x01, 0x00]), pixelsOnnx), 'any'],
        ['4000 nested subgraphs', onnxModel({ inputs: [goodIn()], outputs: [goodOut()], graphExtra: nestedGraphs(4000) }), 'any'],
        [
          'graph of 10000 empty fields',
          onnxModel({
            inputs: [goodIn()],
            outputs: [goodOut()],
            graphExtra: concat(...Array.from({ length: 10000 }, () => ld(15, new Uint8Array(0)))),
          }),
          'any',
        ],
        ['random bytes', r.bytes(r.int(1, 400)), 'reject'],
      ] as const);
      return { label: `onnx ${what}`, files: withCard(bytes as Uint8Array, r), expect };
    },
    (r) => {
      const m = blind(pixelsOnnx, r);
      return { label: `onnx ${m.label}`, files: withCard(m.bytes, r), expect: 'any' };
    },
    (r) => {
      const e = jsonEdit(card(pixelsOnnx), r);
      return { label: `onnx card ${e.label}`, files: [f('model.onnx', pixelsOnnx), f('model.card.json', e.text)], expect: 'any' };
    },
    (r) => {
      const [what, patch, expect] = r.pick([
        ['input.size 32 (model takes 64)', { input: { ...(card(pixelsOnnx).input as object), size: 32 } }, 'reject'],
        ['output.dim 128 (model gives 192)', { output: { name: 'embedding', dim: 128 } }, 'reject'],
        ['output.name "features"', { output: { name: 'features', dim: OUT_DIM } }, 'reject'],
        ['input.name "pixels"', { input: { ...(card(pixelsOnnx).input as object), name: 'pixels' } }, 'reject'],
        ['sha256 of other bytes', { sha256: sha256Hex(utf8('other')) }, 'reject'],
        ['modality "text"', { modality: 'text' }, 'reject'],
        ['file "other.onnx"', { file: 'other.onnx' }, 'any'],
      ] as const);
      return {
        label: `onnx card ${what}`,
        files: [f('model.onnx', pixelsOnnx), f('model.card.json', JSON.stringify(card(pixelsOnnx, patch as Record<string, unknown>)))],
        expect,
      };
    },
    (r) => {
      const e = jsonEdit(SHORT(), r);
      return { label: `onnx short form ${e.label}`, files: [f('model.onnx', pixelsOnnx), f('model.json', e.text)], expect: 'any' };
    },
    (r) => {
      const [what, doc, expect] = r.pick([
        ['input.size 32', { ...SHORT(), input: { ...SHORT().input, size: 32 } }, 'reject'],
        ['output.dim 100', { ...SHORT(), output: { dim: 100 } }, 'reject'],
        ['std [0, 1, 1]', { ...SHORT(), input: { ...SHORT().input, std: [0, 1, 1] } }, 'reject'],
        ['mean of 2 values', { ...SHORT(), input: { ...SHORT().input, mean: [0, 0] } }, 'reject'],
        ['size "64"', { ...SHORT(), input: { ...SHORT().input, size: '64' } }, 'reject'],
        ['size 1e400', null, 'reject'],
        ['no input', { output: { dim: OUT_DIM } }, 'reject'],
      ] as const);
      const text =
        doc === null ? '{"input": {"size": 1e400, "mean": [0,0,0], "std": [1,1,1]}, "output": {"dim": 192}}' : JSON.stringify(doc);
      return { label: `onnx short form ${what}`, files: [f('model.onnx', pixelsOnnx), f('model.json', text)], expect };
    },
    (r) => {
      const op = r.int(0, 2);
      const files =
        op === 0
          ? [f('model.card.json', JSON.stringify(card(pixelsOnnx)))]
          : op === 1
            ? [f('model.onnx', pixelsOnnx)]
            : [f('model.onnx', pixelsOnnx), f('other.card.json', JSON.stringify(card(pixelsOnnx, { id: 'other' })))];
      return {
        label: `onnx ${['card without its model', 'model without a card', 'card named for another model'][op]}`,
        files,
        expect: op === 0 ? 'reject' : 'any',
      };
    },
  ];
}

function key7(): Uint8Array {
  return varint(7 * 8 + 2);
}

// ---------------------------------------------------------------------------------------------

export interface SeedInputs {
  writers: Writers;
  /** public/models/pixels.onnx (227 bytes, input images [batch,3,64,64] → embedding [batch,192]). */
  pixelsOnnx: Uint8Array;
  /** tests/fixtures/formats/hf.parquet (Hugging Face datasets layout, written by parquet-wasm). */
  hfParquet: Uint8Array;
}

function specs(s: SeedInputs): Record<Importer, ImporterSpec> {
  const w = s.writers;
  const manifestPaths = imagePaths((i) => i % 2 === 1);
  let images: FuzzFile[] | undefined; // jpeg-js sets up its tables on every encode: write the seed images once
  const seedImages = () => (images ??= manifestPaths.map((p, i) => f(p, p.endsWith('.jpg') ? w.jpeg(8, 8, itemRgba(i)) : itemPng(i))));
  return {
    npy: {
      seed: () => ({ files: [manifest(), f('emb.npy', npyOf(vectors()))], main: 'emb.npy' }),
      variants: npyVariants(),
      binaryMain: true,
    },
    parquet: {
      seed: () => ({
        files: [
          f(
            'emb.parquet',
            w.parquet([
              { name: 'id', kind: 'string', data: IDS },
              { name: 'vec', kind: 'list-float', data: vectors() },
            ]),
          ),
        ],
        main: 'emb.parquet',
      }),
      variants: parquetVariants(w),
      binaryMain: true,
    },
    arrow: {
      seed: () => ({
        files: [
          f(
            'emb.arrow',
            w.arrow(
              [
                { name: 'id', kind: 'utf8', data: IDS },
                { name: 'vec', kind: 'fsl-float32', data: vectors(), listSize: DIM },
              ],
              'file',
            ),
          ),
        ],
        main: 'emb.arrow',
      }),
      variants: arrowVariants(w),
      binaryMain: true,
    },
    csv: {
      seed: () => ({ files: [csvEmbeddings('wide-csv', rowsText(vectors()))], main: 'emb.csv' }),
      variants: csvVariants(),
      binaryMain: false,
    },
    projector: { seed: () => ({ files: projectorFiles({}), main: 'proj/vectors.tsv' }), variants: projectorVariants(), binaryMain: false },
    manifest: {
      seed: () => ({
        files: [f('manifest.csv', manifestText(',', manifestPaths)), ...seedImages()],
        main: 'manifest.csv',
      }),
      variants: manifestVariants(w),
      binaryMain: false,
    },
    onnx: {
      seed: () => ({
        files: [f('model.onnx', s.pixelsOnnx), f('model.card.json', JSON.stringify(card(s.pixelsOnnx)))],
        main: 'model.onnx',
      }),
      variants: onnxVariants(s.pixelsOnnx),
      binaryMain: true,
    },
    ...formatSpecs({ parquet: w.parquet, hfParquet: s.hfParquet }),
  };
}

const OTHER_EXT = ['.parquet', '.arrow', '.npy', '.csv', '.tsv', '.json'];

/** Variants every importer gets: the size limit, an empty main file, blind mutations, a wrong extension. */
function commonVariants(spec: ImporterSpec): Variant[] {
  return [
    (r) => {
      const { files } = spec.seed(r);
      const total = files.reduce((s, x) => s + x.bytes.length, 0);
      return { label: `seed with maxBytes ${total - 1} (one byte short)`, files, expect: 'reject', maxBytes: total - 1 };
    },
    (r) => {
      const { files, main } = spec.seed(r);
      return { label: `${main} empty (0 bytes)`, files: replace(files, main, new Uint8Array(0)), expect: 'reject' };
    },
    (r) => {
      const { files, main } = spec.seed(r);
      const seedBytes = files.find((x) => x.path === main)!.bytes;
      const m = blind(seedBytes, r);
      return { label: `${main} ${m.label}`, files: replace(files, main, m.bytes), expect: 'any' };
    },
    (r) => {
      const { files, main } = spec.seed(r);
      let b = files.find((x) => x.path === main)!.bytes;
      const labels: string[] = [];
      for (let j = 0; j < 3; j++) {
        const m = blind(b, r);
        b = m.bytes;
        labels.push(m.label);
      }
      return { label: `${main} ${labels.join('; ')}`, files: replace(files, main, b), expect: 'any' };
    },
    (r) => {
      const { files, main } = spec.seed(r);
      const op = r.int(0, 4);
      if (op === 0) return { label: `${main} given twice`, files: [...files, files.find((x) => x.path === main)!], expect: 'reject' };
      if (op === 1)
        return {
          label: 'every file one folder deeper (a/b/c/…)',
          files: files.map((x) => ({ path: `a/b/c/${x.path}`, bytes: x.bytes })),
          expect: 'import',
        };
      if (op === 2) {
        const upper = main.replace(/\.[a-z]+$/, (e) => e.toUpperCase());
        return {
          label: `${main} as ${upper}`,
          files: files.map((x) => (x.path === main ? { path: upper, bytes: x.bytes } : x)),
          expect: 'any',
        };
      }
      const odd = op === 3 ? main.replace(/[^/]+$/, (n) => `é ${n}`) : `../${main}`;
      return {
        label: `${main} as ${JSON.stringify(odd)}`,
        files: files.map((x) => (x.path === main ? { path: odd, bytes: x.bytes } : x)),
        expect: 'any',
      };
    },
    (r) => {
      const { files, main } = spec.seed(r);
      const ext = r.pick(OTHER_EXT.filter((e) => !main.endsWith(e)));
      const renamed = main.replace(/\.[a-z]+$/, ext);
      const clash = files.some((x) => x.path === renamed);
      const out = files.filter((x) => x.path !== renamed).map((x) => (x.path === main ? { path: renamed, bytes: x.bytes } : x));
      return { label: `${main} renamed ${renamed}`, files: out, expect: spec.binaryMain && !clash ? 'reject' : 'any' };
    },
  ];
}

const cache = new WeakMap<SeedInputs, Record<Importer, { spec: ImporterSpec; variants: Variant[] }>>();

/** Case `index` of `importer`: index 0 is the valid seed bundle; the rest cycle through the variants. */
export function generateCase(importer: Importer, index: number, s: SeedInputs, master = DEFAULT_MASTER_SEED): FuzzCase {
  let all = cache.get(s);
  if (!all) {
    const sp = specs(s);
    all = Object.fromEntries(IMPORTERS.map((k) => [k, { spec: sp[k], variants: [...sp[k].variants, ...commonVariants(sp[k])] }])) as Record<
      Importer,
      { spec: ImporterSpec; variants: Variant[] }
    >;
    cache.set(s, all);
  }
  const { spec, variants } = all[importer];
  const r = rng(hashSeed(master, importer, index));
  if (index === 0) {
    const { files } = spec.seed(r);
    return { importer, index, master, label: 'valid seed bundle', files, expect: 'import' };
  }
  const v = variants[(index - 1) % variants.length];
  const d = v(r, Math.floor((index - 1) / variants.length));
  return { importer, index, master, ...d };
}

export function generateCases(
  importer: Importer,
  s: SeedInputs,
  opts: { from?: number; count?: number; master?: number } = {},
): FuzzCase[] {
  const from = opts.from ?? 0;
  const count = opts.count ?? CASES_PER_IMPORTER;
  return Array.from({ length: count }, (_, j) => generateCase(importer, from + j, s, opts.master));
}
