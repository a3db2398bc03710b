/**
 * Archives of named arrays, pure TypeScript for the app and the CLI:
 * - NumPy `.npz` (`numpy.savez` / `savez_compressed`): a zip of `<key>.npy` members (stored or
 *   deflated; unpacked with fflate);
 * - Hugging Face `.safetensors`: an 8-byte little-endian header length N, N bytes of JSON
 *   (`{"<name>": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {…}}`), then the
 *   tensors' little-endian bytes (offsets relative to the end of the header). Spec:
 *   https://github.com/huggingface/safetensors (README, "Format").
 * Every 2-D float array (npz: float16/32/64; safetensors: F16, BF16, F32, F64) is a variant named by
 * its key (numpy's positional `arr_0`… by the file stem); other arrays are skipped and listed. All
 * variants of one archive must have the same number of rows (the items, in order; no ids).
 */
import type { Embeddings } from '../compute/types.ts';
import { unzipSync } from 'fflate';
import { InputError } from './errors.ts';
import { convert16 } from './half.ts';
import { checkFinite, parseNpy, parseNpyHeader } from './npy.ts';

/** Largest total a .npz may unpack to (what its members declare), and the largest safetensors header. */
export const MAX_UNPACKED = 2 ** 31 - 1;
export const MAX_SAFETENSORS_HEADER = 100 * 2 ** 20;

export interface NamedArrays {
  file: string;
  arrays: { key: string; x: Embeddings }[];
  /** Arrays that are not 2-D float, with why. */
  skipped: string[];
}

function rowsAgree(file: string, arrays: NamedArrays['arrays']): void {
  const first = arrays[0];
  for (const a of arrays) {
    if (a.x.n !== first.x.n)
      throw new InputError(
        file,
        `"${a.key}" has ${a.x.n} rows but "${first.key}" has ${first.x.n}; every array of one archive must have one row per item`,
      );
  }
}

export function parseNpz(bytes: Uint8Array, file: string): NamedArrays {
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new InputError(file, 'not a .npz archive (a .npz is a zip file: it must start with "PK")', 'byte 0');
  }
  let declared = 0;
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes, {
      filter: (f) => {
        if (!/\.npy$/i.test(f.name)) return false;
        declared += f.originalSize;
        if (declared > MAX_UNPACKED)
          throw new InputError(file, `its members declare ${declared} bytes unpacked, more than the ${MAX_UNPACKED}-byte limit`);
        if (f.compression !== 0 && f.compression !== 8)
          throw new InputError(
            file,
            `member ${JSON.stringify(f.name)} uses zip compression method ${f.compression}; numpy writes stored (0) or deflated (8)`,
          );
        return true;
      },
    });
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file, `not a readable .npz (zip) archive: ${(e as Error).message || String(e)}`);
  }
  const arrays: NamedArrays['arrays'] = [];
  const skipped: string[] = [];
  const names = Object.keys(members).sort();
  if (names.length === 0) throw new InputError(file, 'the .npz archive holds no .npy arrays');
  for (const name of names) {
    const key = name.replace(/\.npy$/i, '');
    const member = `${file}/${name}`;
    const b = members[name];
    try {
      parseNpyHeader(b, member);
    } catch (e) {
      // A dtype or shape we do not read is skipped; a broken member is an error.
      if (e instanceof InputError && /unsupported dtype|structured arrays|dimension/.test(e.problem)) {
        skipped.push(`${key} (${e.problem})`);
        continue;
      }
      throw e;
    }
    arrays.push({ key, x: parseNpy(b, member) });
  }
  if (arrays.length === 0) throw new InputError(file, `no 2-D float array in the archive (${skipped.join('; ')})`);
  rowsAgree(file, arrays);
  return { file, arrays, skipped };
}

const ST_TYPES: Record<string, { size: number; kind: 'f16' | 'bf16' | 'f32' | 'f64' }> = {
  F16: { size: 2, kind: 'f16' },
  BF16: { size: 2, kind: 'bf16' },
  F32: { size: 4, kind: 'f32' },
  F64: { size: 8, kind: 'f64' },
};

export function parseSafetensors(bytes: Uint8Array, file: string): NamedArrays {
  if (bytes.length < 10) throw new InputError(file, `not a .safetensors file: only ${bytes.length} bytes`, 'byte 0');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBig = view.getBigUint64(0, true);
  if (lenBig > BigInt(MAX_SAFETENSORS_HEADER) || Number(lenBig) > bytes.length - 8) {
    throw new InputError(
      file,
      `header length field says ${lenBig} bytes but the file has ${bytes.length - 8} after it${lenBig > BigInt(MAX_SAFETENSORS_HEADER) ? ` (the format's limit is ${MAX_SAFETENSORS_HEADER})` : ''}: not a .safetensors file, or truncated`,
      'byte 0',
    );
  }
  const headerLen = Number(lenBig);
  const dataStart = 8 + headerLen;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (e) {
    throw new InputError(file, `the header is not valid UTF-8 JSON: ${(e as Error).message}`, 'byte 8');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    throw new InputError(file, 'the header is not a JSON object of tensors', 'byte 8');
  const dataLen = bytes.length - dataStart;
  const arrays: NamedArrays['arrays'] = [];
  const skipped: string[] = [];
  const spans: [number, number, string][] = [];
  for (const key of Object.keys(header).sort()) {
    if (key === '__metadata__') continue;
    const t = (header as Record<string, unknown>)[key] as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    const where = `tensor ${JSON.stringify(key)}`;
    if (typeof t !== 'object' || t === null || typeof t.dtype !== 'string' || !Array.isArray(t.shape) || !Array.isArray(t.data_offsets)) {
      throw new InputError(file, 'header entry needs "dtype" (text), "shape" and "data_offsets" (arrays)', where);
    }
    const shape = t.shape as unknown[];
    const offs = t.data_offsets as unknown[];
    if (!shape.every((v) => Number.isSafeInteger(v) && (v as number) >= 0))
      throw new InputError(file, `"shape" is ${JSON.stringify(shape)}, expected non-negative integers`, where);
    if (
      offs.length !== 2 ||
      !offs.every((v) => Number.isSafeInteger(v) && (v as number) >= 0) ||
      (offs[0] as number) > (offs[1] as number)
    ) {
      throw new InputError(file, `"data_offsets" is ${JSON.stringify(offs)}, expected [begin, end] with 0 ≤ begin ≤ end`, where);
    }
    const [begin, end] = offs as [number, number];
    if (end > dataLen)
      throw new InputError(file, `data_offsets [${begin}, ${end}] run past the end of the data (${dataLen} bytes): truncated?`, where);
    spans.push([begin, end, key]);
    const type = ST_TYPES[t.dtype];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const size = type?.size ?? 0;
    if (type && end - begin !== count * size) {
      throw new InputError(
        file,
        `shape [${shape.join(', ')}] of ${t.dtype} needs ${count * size} bytes but data_offsets span ${end - begin}`,
        where,
      );
    }
    if (!type || shape.length !== 2) {
      skipped.push(
        `${key} (${t.dtype} [${shape.join(', ')}]${!type ? ': not a float type read here (F16, BF16, F32, F64)' : ': not 2-D'})`,
      );
      continue;
    }
    const [n, dim] = shape as [number, number];
    if (n === 0 || dim === 0) throw new InputError(file, `tensor is empty (shape [${n}, ${dim}])`, where);
    const data = new Float32Array(count);
    const v = new DataView(bytes.buffer, bytes.byteOffset + dataStart + begin, end - begin);
    if (type.kind === 'f16' || type.kind === 'bf16') convert16(v, 0, count, true, type.kind, data, 0);
    else if (type.kind === 'f32') for (let i = 0; i < count; i++) data[i] = v.getFloat32(i * 4, true);
    else {
      for (let i = 0; i < count; i++) {
        const d = v.getFloat64(i * 8, true);
        const f = Math.fround(d);
        if (!Number.isFinite(f) && Number.isFinite(d))
          throw new InputError(
            file,
            `value ${d} at column ${(i % dim) + 1} of ${where} does not fit in float32`,
            `row ${Math.floor(i / dim) + 1} of ${n}`,
          );
        data[i] = f;
      }
    }
    const x = { n, dim, data };
    checkFinite(x, file);
    arrays.push({ key, x });
  }
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i][0] < spans[i - 1][1])
      throw new InputError(
        file,
        `tensors ${JSON.stringify(spans[i - 1][2])} and ${JSON.stringify(spans[i][2])} overlap in the data`,
        'byte 8',
      );
  }
  if (arrays.length === 0) throw new InputError(file, `no 2-D float tensor in the file${skipped.length ? ` (${skipped.join('; ')})` : ''}`);
  rowsAgree(file, arrays);
  return { file, arrays, skipped };
}
