/**
 * Fuzz specs for the importers issue 12 added (float16 .npy, .npz, .safetensors, JSON Lines, pandas
 * CSV, Hugging Face datasets Parquet, folders of Parquet parts), in the shape of ./generate.ts (which
 * adds the common variants: size limit, empty file, blind byte mutations, renames). PURE: the zip is
 * fflate's (pure JS), the HF Parquet seed is the parquet-wasm fixture handed in by the caller.
 */
import { zipSync } from 'fflate';
import { concat, utf8 } from './bytes.ts';
import { DIM, IDENTITY, IDS, N, STYLES, manifestText, npyBytes, npyOf, vectors } from './dataset.ts';
import { blind, jsonEdit, textEdit } from './mutate.ts';
import type { Rng } from './rng.ts';

export interface FmtFile {
  path: string;
  bytes: Uint8Array;
}
export type FmtExpect = 'reject' | 'import' | 'any';
export interface FmtDraft {
  label: string;
  files: FmtFile[];
  expect: FmtExpect;
}
export type FmtVariant = (r: Rng, k: number) => FmtDraft;
export interface FmtSpec {
  seed(r: Rng): { files: FmtFile[]; main: string };
  variants: FmtVariant[];
  binaryMain: boolean;
}
type ParquetCol = { name: string; kind: 'string' | 'list-float' | 'list-double' | 'int32'; data: unknown[] };
export interface FmtWriters {
  parquet(cols: ParquetCol[], opts?: { rowGroupSize?: number }): Uint8Array;
  /** tests/fixtures/formats/hf.parquet (written by parquet-wasm). */
  hfParquet: Uint8Array;
}

const f = (path: string, bytes: Uint8Array | string): FmtFile => ({ path, bytes: typeof bytes === 'string' ? utf8(bytes) : bytes });
const manifest = () => f('manifest.csv', manifestText(','));
const replace = (files: FmtFile[], path: string, bytes: Uint8Array): FmtFile[] => files.map((x) => (x.path === path ? { path, bytes } : x));

function toHalf(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  if (!Number.isFinite(v)) return v > 0 ? 0x7c00 : 0xfc00;
  if (v === 0) return Object.is(v, -0) ? 0x8000 : 0;
  const s = v < 0 ? 0x8000 : 0;
  const a = Math.abs(v);
  const e = Math.floor(Math.log2(a));
  return s | ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
}
function half(values: number[], little = true): Uint8Array {
  const b = new Uint8Array(values.length * 2);
  const dv = new DataView(b.buffer);
  values.forEach((v, i) => dv.setUint16(i * 2, toHalf(v), little));
  return b;
}
function bf16(values: number[]): Uint8Array {
  const f32 = Float32Array.from(values);
  const u = new Uint32Array(f32.buffer);
  const b = new Uint8Array(values.length * 2);
  const dv = new DataView(b.buffer);
  u.forEach((bits, i) => dv.setUint16(i * 2, bits >>> 16, true));
  return b;
}
function f32(values: number[]): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer);
}

// ---- float16 .npy ----
function f16Npy(descr = '<f2', values = vectors().flat(), shape?: string): Uint8Array {
  return npyBytes({ descr, shape, data: half(values, !descr.startsWith('>')) }).bytes;
}
const f16: FmtSpec = {
  seed: () => ({ files: [manifest(), f('emb.npy', f16Npy())], main: 'emb.npy' }),
  binaryMain: true,
  variants: [
    (r) => {
      const v = vectors().flat();
      const at = r.int(0, v.length - 1);
      const bad = r.pick([NaN, Infinity, -Infinity]);
      v[at] = bad;
      return { label: `float16 ${bad} at value ${at}`, files: [manifest(), f('emb.npy', f16Npy('<f2', v))], expect: 'reject' };
    },
    () => ({ label: 'big-endian >f2', files: [manifest(), f('emb.npy', f16Npy('>f2'))], expect: 'import' }),
    (r) => {
      const shape = r.pick([`(${N - 1}, ${DIM})`, `(${N}, ${DIM + 1})`, `(${N * DIM},)`, `(${N}, ${DIM}, 1)`]);
      return {
        label: `float16 with shape ${shape}`,
        files: [manifest(), f('emb.npy', f16Npy('<f2', vectors().flat(), shape))],
        expect: 'reject',
      };
    },
    (r) => {
      const b = f16Npy();
      return { label: 'float16 data cut', files: [manifest(), f('emb.npy', b.slice(0, b.length - r.int(1, 40)))], expect: 'reject' };
    },
    (r) => {
      const v = vectors().flat();
      return {
        label: 'float16 subnormals and ±0',
        files: [
          manifest(),
          f(
            'emb.npy',
            f16Npy(
              '<f2',
              v.map((x, i) => (i % 3 === 0 ? r.pick([0, -0, 2 ** -20, -(2 ** -24)]) : x)),
            ),
          ),
        ],
        expect: 'import',
      };
    },
  ],
};

// ---- .npz ----
function npz(members: Record<string, Uint8Array>, level: 0 | 6 = 0): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(members).map(([k, v]) => [k, [v, { level }]])) as never);
}
const npzSeed = () => npz({ 'x.npy': npyOf(vectors()), 'y.npy': f16Npy() });
const npzSpec: FmtSpec = {
  seed: () => ({ files: [manifest(), f('emb.npz', npzSeed())], main: 'emb.npz' }),
  binaryMain: true,
  variants: [
    () => ({
      label: 'savez_compressed (deflated members)',
      files: [manifest(), f('emb.npz', npz({ 'x.npy': npyOf(vectors()) }, 6))],
      expect: 'import',
    }),
    () => ({
      label: 'one member has other rows',
      files: [manifest(), f('emb.npz', npz({ 'x.npy': npyOf(vectors()), 'y.npy': npyOf(vectors(N - 1)) }))],
      expect: 'reject',
    }),
    () => ({
      label: '1-D and 3-D members beside a 2-D one',
      files: [
        manifest(),
        f(
          'emb.npz',
          npz({
            'x.npy': npyOf(vectors()),
            'ids.npy': npyBytes({ descr: '<U3', shape: `(${N},)`, data: new Uint8Array(N * 12) }).bytes,
            'c.npy': npyBytes({ shape: `(${N}, 2, 2)`, data: f32(vectors().flat()) }).bytes,
          }),
        ),
      ],
      expect: 'import',
    }),
    () => ({
      label: 'only a 1-D member',
      files: [manifest(), f('emb.npz', npz({ 'ids.npy': npyBytes({ shape: `(${N},)`, data: f32(IDS.map((_, i) => i)) }).bytes }))],
      expect: 'reject',
    }),
    () => ({ label: 'an empty zip', files: [manifest(), f('emb.npz', npz({}))], expect: 'reject' }),
    () => ({
      label: 'a zip without .npy members',
      files: [manifest(), f('emb.npz', npz({ 'readme.txt': utf8('hello') }))],
      expect: 'reject',
    }),
    (r) => {
      const m = blind(npyOf(vectors()), r);
      return { label: `member x.npy ${m.label}`, files: [manifest(), f('emb.npz', npz({ 'x.npy': m.bytes }))], expect: 'any' };
    },
    (r) => {
      const z = npz({ 'x.npy': npyOf(vectors()) }, 6);
      const at = r.int(30, z.length - 30);
      const b = z.slice();
      b[at] ^= 0xff;
      return { label: `deflated member byte ${at} flipped`, files: [manifest(), f('emb.npz', b)], expect: 'any' };
    },
  ],
};

// ---- .safetensors ----
function safetensors(
  tensors: Record<string, { dtype: string; shape: number[]; data: Uint8Array; offsets?: [number, number] }>,
  opts: { lenDelta?: number; header?: string } = {},
): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let off = 0;
  const blobs: Uint8Array[] = [];
  for (const [k, t] of Object.entries(tensors)) {
    header[k] = { dtype: t.dtype, shape: t.shape, data_offsets: t.offsets ?? [off, off + t.data.length] };
    off += t.data.length;
    blobs.push(t.data);
  }
  let text = opts.header ?? JSON.stringify(header);
  text += ' '.repeat((8 - (text.length % 8)) % 8);
  const h = utf8(text);
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(Math.max(0, h.length + (opts.lenDelta ?? 0))), true);
  return concat(len, h, ...blobs);
}
const stTensors = () => ({
  emb: { dtype: 'F32', shape: [N, DIM], data: f32(vectors().flat()) },
  emb16: { dtype: 'F16', shape: [N, DIM], data: half(vectors().flat()) },
  embbf: { dtype: 'BF16', shape: [N, DIM], data: bf16(vectors().flat()) },
});
const stSpec: FmtSpec = {
  seed: () => ({ files: [manifest(), f('emb.safetensors', safetensors(stTensors()))], main: 'emb.safetensors' }),
  binaryMain: true,
  variants: [
    (r) => {
      const d = r.pick([-9, -1, 1, 8, 1e6]);
      return {
        label: `header length ${d > 0 ? '+' : ''}${d}`,
        files: [manifest(), f('emb.safetensors', safetensors(stTensors(), { lenDelta: d }))],
        expect: 'reject',
      };
    },
    (r) => {
      const t = stTensors();
      const header: Record<string, unknown> = {};
      let off = 0;
      for (const [k, v] of Object.entries(t)) {
        header[k] = { dtype: v.dtype, shape: v.shape, data_offsets: [off, off + v.data.length] };
        off += v.data.length;
      }
      const e = jsonEdit(header, r);
      return { label: `header ${e.label}`, files: [manifest(), f('emb.safetensors', safetensors(t, { header: e.text }))], expect: 'any' };
    },
    () => {
      const t = stTensors();
      return {
        label: 'tensors overlap',
        files: [manifest(), f('emb.safetensors', safetensors({ ...t, emb16: { ...t.emb16, offsets: [0, t.emb16.data.length] } }))],
        expect: 'reject',
      };
    },
    (r) => {
      const dtype = r.pick(['I64', 'U8', 'BOOL', 'F8_E4M3', 'C64']);
      return {
        label: `every tensor ${dtype}`,
        files: [manifest(), f('emb.safetensors', safetensors({ emb: { dtype, shape: [N, DIM], data: f32(vectors().flat()) } }))],
        expect: 'reject',
      };
    },
    (r) => {
      const shape = r.pick([[N - 1, DIM], [N, DIM + 1], [N * DIM], [N, DIM, 1], [0, DIM]]);
      return {
        label: `F32 tensor with shape [${shape.join(', ')}]`,
        files: [manifest(), f('emb.safetensors', safetensors({ emb: { dtype: 'F32', shape, data: f32(vectors().flat()) } }))],
        expect: 'reject',
      };
    },
    (r) => {
      const v = vectors().flat();
      v[r.int(0, v.length - 1)] = r.pick([NaN, Infinity]);
      const dtype = r.pick(['F32', 'F16', 'BF16']);
      const data = dtype === 'F32' ? f32(v) : dtype === 'F16' ? half(v) : bf16(v);
      return {
        label: `${dtype} with a non-finite value`,
        files: [manifest(), f('emb.safetensors', safetensors({ emb: { dtype, shape: [N, DIM], data } }))],
        expect: 'reject',
      };
    },
    (r) => {
      const b = safetensors(stTensors());
      return { label: 'data cut', files: [manifest(), f('emb.safetensors', b.slice(0, b.length - r.int(1, 60)))], expect: 'reject' };
    },
    () => ({
      label: 'a 1-D tensor beside the 2-D ones',
      files: [
        manifest(),
        f('emb.safetensors', safetensors({ ...stTensors(), bias: { dtype: 'F32', shape: [DIM], data: f32([0, 0, 0, 0]) } })),
      ],
      expect: 'import',
    }),
  ],
};

// ---- JSON Lines ----
function jsonlRows(): Record<string, unknown>[] {
  return IDS.map((id, i) => ({ id, style: STYLES[i], identity: IDENTITY[i], emb: vectors()[i] }));
}
const jsonl = (rows: unknown[]) => rows.map((x) => JSON.stringify(x)).join('\n') + '\n';
const jsonlSpec: FmtSpec = {
  seed: () => ({ files: [f('emb.jsonl', jsonl(jsonlRows()))], main: 'emb.jsonl' }),
  binaryMain: false,
  variants: [
    (r) => {
      const e = textEdit(jsonl(jsonlRows()), '\u0001', r);
      return {
        label: `jsonl ${e.label}`,
        files: [f('emb.jsonl', e.text)],
        expect: /CRLF|BOM|no final newline|blank line/.test(e.label) ? 'import' : 'any',
      };
    },
    (r) => {
      const rows = jsonlRows();
      const i = r.int(0, N - 1);
      const e = jsonEdit(rows[i], r);
      const lines = jsonl(rows).split('\n');
      lines[i] = e.text;
      return { label: `jsonl row ${i + 1} ${e.label}`, files: [f('emb.jsonl', lines.join('\n'))], expect: 'any' };
    },
    (r) => {
      const rows = jsonlRows();
      const i = r.int(0, N - 1);
      const v = r.pick<unknown>([null, 'x', [1, 2], [], '[0.1, 0.2]', [0.1, 'a', 0.3, 0.4], [1e39, 0, 0, 0]]);
      rows[i].emb = v;
      return { label: `jsonl row ${i + 1} emb = ${JSON.stringify(v)}`, files: [f('emb.jsonl', jsonl(rows))], expect: 'reject' };
    },
    (r) => {
      const rows = jsonlRows();
      rows[r.int(1, N - 1)].id = rows[0].id;
      return { label: 'jsonl duplicate id', files: [f('emb.jsonl', jsonl(rows))], expect: 'reject' };
    },
    () => ({ label: 'jsonl a line holding an array', files: [f('emb.jsonl', jsonl([...jsonlRows(), [1, 2, 3]]))], expect: 'reject' }),
    () => ({
      label: 'jsonl nested objects (skipped)',
      files: [f('emb.jsonl', jsonl(jsonlRows().map((x) => ({ ...x, meta: { a: 1 } }))))],
      expect: 'import',
    }),
  ],
};

// ---- pandas CSV ----
function pandasCsv(rows: string[][] = vectors().map((v) => v.map(String))): string {
  const lines = [',id,style,identity,emb'];
  IDS.forEach((id, i) => lines.push(`${i},${id},${STYLES[i]},${IDENTITY[i]},"[${rows[i].join(', ')}]"`));
  return `${lines.join('\n')}\n`;
}
const pandasSpec: FmtSpec = {
  seed: () => ({ files: [f('emb.csv', pandasCsv())], main: 'emb.csv' }),
  binaryMain: false,
  variants: [
    (r) => {
      const e = textEdit(pandasCsv(), ',', r);
      return { label: `pandas ${e.label}`, files: [f('emb.csv', e.text)], expect: e.label === 'header line only' ? 'reject' : 'any' };
    },
    (r) => {
      const rows = vectors().map((v) => v.map(String));
      const i = r.int(0, N - 1);
      const j = r.int(0, DIM - 1);
      const v = r.pick(['...', 'nan', 'inf', '', 'x', '1e40', '0.5.5']);
      rows[i][j] = v;
      return {
        label: `pandas emb row ${i + 1} value ${j + 1} = ${JSON.stringify(v)}`,
        files: [f('emb.csv', pandasCsv(rows))],
        expect: 'reject',
      };
    },
    (r) => {
      const rows = vectors().map((v) => v.map(String));
      const i = r.int(0, N - 1);
      rows[i] = r.chance(0.5) ? rows[i].slice(1) : [...rows[i], '0.5'];
      return { label: `pandas emb row ${i + 1} of another length`, files: [f('emb.csv', pandasCsv(rows))], expect: 'reject' };
    },
    () => ({
      label: 'numpy-style vectors ("[ 0.5 -0.25 …]")',
      files: [
        f(
          'emb.csv',
          pandasCsv().replace(/"\[([^\]]*)\]"/g, (_, s: string) => `[ ${s.split(', ').join('  ')}]`),
        ),
      ],
      expect: 'import',
    }),
    () => ({ label: '"Unnamed: 0" index header', files: [f('emb.csv', pandasCsv().replace(/^,/, 'Unnamed: 0,'))], expect: 'import' }),
  ],
};

// ---- Hugging Face datasets Parquet ----
function patchAscii(b: Uint8Array, from: string, to: string): Uint8Array | undefined {
  const a = utf8(from);
  const out = b.slice();
  for (let i = 0; i + a.length <= b.length; i++) {
    if (a.every((x, k) => b[i + k] === x)) {
      out.set(utf8(to), i);
      return out;
    }
  }
  return undefined;
}
function hfSpec(w: FmtWriters): FmtSpec {
  return {
    seed: () => ({ files: [f('hf.parquet', w.hfParquet)], main: 'hf.parquet' }),
    binaryMain: true,
    variants: [
      (r) => {
        const [from, to] = r.pick([
          ['ClassLabel', 'ClassLabeX'],
          ['"names"', '"namez"'],
          ['"bird"', '"bir\\"'],
          ['huggingface', 'huggingfacX'],
          ['"_type":"Image"', '"_type":"Imagf"'],
        ]);
        const b = patchAscii(w.hfParquet, from, to) ?? w.hfParquet;
        // Without the "huggingface" key the file is plain Parquet: its first integer column (label) is
        // then taken as the id column, and its repeated values are refused (see FINDINGS.md, F-12c).
        return { label: `hf metadata ${from} → ${to}`, files: [f('hf.parquet', b)], expect: from === 'huggingface' ? 'any' : 'import' };
      },
      (r) => {
        // The PNG bytes inside the image structs: a flipped byte is a broken image (or a changed colour).
        const sig = [0x89, 0x50, 0x4e, 0x47];
        const starts: number[] = [];
        for (let i = 0; i + 4 <= w.hfParquet.length; i++) if (sig.every((x, k) => w.hfParquet[i + k] === x)) starts.push(i);
        const b = w.hfParquet.slice();
        const at = (starts.length ? r.pick(starts) : 4) + r.int(0, 40);
        b[at] ^= 0xff;
        return { label: `hf byte ${at} (in or near an image) flipped`, files: [f('hf.parquet', b)], expect: 'any' };
      },
      (r) => {
        const at = r.int(4, w.hfParquet.length - 5);
        return { label: `hf cut at byte ${at}`, files: [f('hf.parquet', w.hfParquet.slice(0, at))], expect: 'reject' };
      },
    ],
  };
}

// ---- folders of Parquet parts ----
function partCols(from: number, to: number, o: { vecName?: string; dim?: number; ids?: boolean } = {}): ParquetCol[] {
  const cols: ParquetCol[] = [];
  if (o.ids !== false) cols.push({ name: 'id', kind: 'string', data: IDS.slice(from, to) });
  cols.push({ name: 'style', kind: 'string', data: STYLES.slice(from, to) });
  cols.push({ name: o.vecName ?? 'vec', kind: 'list-float', data: vectors(N, o.dim ?? DIM).slice(from, to) });
  return cols;
}
function partsSpec(w: FmtWriters): FmtSpec {
  const part = (i: number, cols: ParquetCol[]) => f(`out/part-0000${i}-0a1b2c3d-c000.snappy.parquet`, w.parquet(cols, { rowGroupSize: 2 }));
  const seedFiles = () => [f('out/_SUCCESS', ''), part(0, partCols(0, 4)), part(1, partCols(4, 6))];
  return {
    seed: () => ({ files: seedFiles(), main: 'out/part-00000-0a1b2c3d-c000.snappy.parquet' }),
    binaryMain: true,
    variants: [
      () => ({
        label: 'part 2 names its vector column differently',
        files: [f('out/_SUCCESS', ''), part(0, partCols(0, 4)), part(1, partCols(4, 6, { vecName: 'emb' }))],
        expect: 'reject',
      }),
      () => ({
        label: 'part 2 has other dims',
        files: [f('out/_SUCCESS', ''), part(0, partCols(0, 4)), part(1, partCols(4, 6, { dim: DIM + 1 }))],
        expect: 'reject',
      }),
      () => ({
        label: 'part 2 has no id column',
        files: [f('out/_SUCCESS', ''), part(0, partCols(0, 4)), part(1, partCols(4, 6, { ids: false }))],
        expect: 'reject',
      }),
      () => ({ label: 'the same part twice (duplicate ids)', files: [...seedFiles(), part(2, partCols(0, 4))], expect: 'reject' }),
      (r) => {
        const files = seedFiles();
        const m = blind(files[2].bytes, r);
        return { label: `part 2 ${m.label}`, files: replace(files, files[2].path, m.bytes), expect: 'any' };
      },
      () => ({
        label: 'markers and a .crc beside the parts',
        files: [...seedFiles(), f('out/_committed_123', ''), f('out/part-00000.crc', 'x'), f('out/_metadata', 'PAR1')],
        expect: 'import',
      }),
      (r) => {
        const key = r.pick(['split', 'date', 'a b', 'k%3Dv']);
        const val = r.pick(['train', '2024-01-01', '%ZZ', '', 'x=y']);
        return {
          label: `partition folders ${key}=${val} / ${key}=other`,
          files: [
            f(`out/${key}=${val}/part-00000.parquet`, w.parquet(partCols(0, 4))),
            f(`out/${key}=other/part-00000.parquet`, w.parquet(partCols(4, 6))),
          ],
          expect: 'any',
        };
      },
      () => ({ label: 'a readme beside the parts', files: [...seedFiles(), f('out/README.md', '# out')], expect: 'import' }),
    ],
  };
}

export const FORMAT_IMPORTERS = ['f16', 'npz', 'safetensors', 'jsonl', 'pandas', 'hf', 'parts'] as const;
export type FormatImporter = (typeof FORMAT_IMPORTERS)[number];

export function formatSpecs(w: FmtWriters): Record<FormatImporter, FmtSpec> {
  return { f16, npz: npzSpec, safetensors: stSpec, jsonl: jsonlSpec, pandas: pandasSpec, hf: hfSpec(w), parts: partsSpec(w) };
}
