/** Blind and text-level mutations of file bytes, each returning the new bytes and a label that says what was done. Pure. */
import { concat, utf8 } from './bytes.ts';
import type { Rng } from './rng.ts';

export interface Mutated {
  bytes: Uint8Array;
  label: string;
}

/** A named byte range of a seed file (header, padding, data, footer…), for truncation "at every region". */
export interface Region {
  name: string;
  start: number;
  end: number;
}

const INTERESTING_32 = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffffe, 0x10000];
const INTERESTING_8 = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x0a, 0x22, 0x2c, 0x09];

/** Cuts the file inside a region (every region gets its turn as `k` runs through the cases). */
export function truncateIn(b: Uint8Array, regions: Region[], r: Rng, k: number): Mutated {
  const reg = regions[k % regions.length];
  const at = Math.min(b.length - 1, r.int(reg.start, Math.max(reg.start, reg.end - 1)));
  return { bytes: b.slice(0, Math.max(0, at)), label: `truncated at byte ${Math.max(0, at)} of ${b.length} (in the ${reg.name})` };
}

export function blind(b: Uint8Array, r: Rng): Mutated {
  const n = b.length;
  const at = () => r.int(0, Math.max(0, n - 1));
  const op = r.int(0, 11);
  const out = b.slice();
  switch (op) {
    case 0: {
      const i = at();
      const bit = r.int(0, 7);
      if (n) out[i] ^= 1 << bit;
      return { bytes: out, label: `bit ${bit} of byte ${i} flipped` };
    }
    case 1: {
      const k = r.int(2, 16);
      const where: number[] = [];
      for (let j = 0; j < k && n; j++) {
        const i = at();
        out[i] = r.int(0, 255);
        where.push(i);
      }
      return { bytes: out, label: `${k} random bytes overwritten (at ${where.slice(0, 4).join(', ')}…)` };
    }
    case 2: {
      const i = at();
      const v = r.pick(INTERESTING_8);
      if (n) out[i] = v;
      return { bytes: out, label: `byte ${i} set to 0x${v.toString(16)}` };
    }
    case 3: {
      const i = Math.max(0, Math.min(at(), n - 4));
      const v = r.pick(INTERESTING_32);
      const le = r.chance(0.5);
      if (n >= 4) new DataView(out.buffer).setUint32(i, v >>> 0, le);
      return { bytes: out, label: `uint32 at byte ${i} set to 0x${(v >>> 0).toString(16)} (${le ? 'LE' : 'BE'})` };
    }
    case 4: {
      const i = r.int(0, n);
      const ins = r.bytes(r.int(1, 32));
      return { bytes: concat(b.subarray(0, i), ins, b.subarray(i)), label: `${ins.length} random bytes inserted at byte ${i}` };
    }
    case 5: {
      const i = at();
      const len = r.int(1, Math.max(1, Math.min(64, n - i)));
      return { bytes: concat(b.subarray(0, i), b.subarray(i + len)), label: `${len} bytes deleted at byte ${i}` };
    }
    case 6: {
      const i = at();
      const len = r.int(1, Math.max(1, Math.min(64, n - i)));
      return {
        bytes: concat(b.subarray(0, i + len), b.subarray(i, i + len), b.subarray(i + len)),
        label: `${len} bytes at byte ${i} duplicated`,
      };
    }
    case 7: {
      const i = at();
      const len = r.int(1, Math.max(1, Math.min(64, n - i)));
      out.fill(r.chance(0.5) ? 0 : 0xff, i, i + len);
      return { bytes: out, label: `${len} bytes at byte ${i} filled with ${out[i] === 0 ? '0x00' : '0xff'}` };
    }
    case 8: {
      const junk = r.bytes(r.int(1, 64));
      return { bytes: concat(b, junk), label: `${junk.length} junk bytes appended` };
    }
    case 9:
      return { bytes: r.bytes(r.int(0, Math.max(1, n))), label: 'replaced by random bytes' };
    case 10: {
      const cut = at();
      return { bytes: concat(b.subarray(cut), b.subarray(0, cut)), label: `rotated by ${cut} bytes` };
    }
    default: {
      const i = at();
      const len = r.int(1, Math.max(1, Math.min(8, n - i)));
      for (let j = i; j < i + len && j < n; j++) out[j] = 0x80 | r.int(0, 0x3f);
      return { bytes: out, label: `${len} bytes at byte ${i} set to stray UTF-8 continuation bytes` };
    }
  }
}

/** Byte sequences that are not valid UTF-8. */
export const BAD_UTF8: { bytes: number[]; what: string }[] = [
  { bytes: [0xff], what: '0xff' },
  { bytes: [0xc3, 0x28], what: 'bad continuation' },
  { bytes: [0x80], what: 'lone continuation byte' },
  { bytes: [0xe2, 0x82], what: 'truncated 3-byte sequence' },
  { bytes: [0xc0, 0xaf], what: 'overlong /' },
  { bytes: [0xed, 0xa0, 0x80], what: 'UTF-16 surrogate' },
  { bytes: [0xf5, 0x80, 0x80, 0x80], what: 'code point past U+10FFFF' },
  { bytes: [0xe9], what: 'Latin-1 é' },
];

/** Inserts an invalid UTF-8 sequence at a random position (never inside a multi-byte character of the seed: seeds are ASCII). */
export function badUtf8(b: Uint8Array, r: Rng): Mutated {
  const s = r.pick(BAD_UTF8);
  const i = r.int(0, b.length);
  return {
    bytes: concat(b.subarray(0, i), new Uint8Array(s.bytes), b.subarray(i)),
    label: `invalid UTF-8 (${s.what}) inserted at byte ${i}`,
  };
}

/** Whole text re-encoded as UTF-16 LE with a BOM (a common "Unicode" export). */
export function utf16(text: string): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < text.length; i++) {
    out[2 + i * 2] = text.charCodeAt(i) & 255;
    out[3 + i * 2] = text.charCodeAt(i) >>> 8;
  }
  return out;
}

/** Values a table cell may be replaced with; `bad` says whether a numeric cell holding it must be refused. */
export const CELL_VALUES: { v: string; badNumber: boolean }[] = [
  { v: '', badNumber: true },
  { v: 'NaN', badNumber: true },
  { v: 'nan', badNumber: true },
  { v: 'Infinity', badNumber: true },
  { v: '-inf', badNumber: true },
  { v: '1e999', badNumber: true },
  { v: '-1e39', badNumber: true },
  { v: 'abc', badNumber: true },
  { v: '0x1f', badNumber: false },
  { v: '1,5', badNumber: true },
  { v: '1.5.2', badNumber: true },
  { v: '--1', badNumber: true },
  { v: ' 0.25 ', badNumber: false },
  { v: '1e-50', badNumber: false },
  { v: '"', badNumber: true },
  { v: 'x'.repeat(5000), badNumber: true },
  { v: '\u0000', badNumber: true },
  { v: 'null', badNumber: true },
  { v: '[0.5]', badNumber: true },
  { v: '1_000', badNumber: true },
];

/** Text-level edits of delimited text: lines and fields removed, duplicated, widened, emptied. */
export function textEdit(text: string, delim: string, r: Rng): { text: string; label: string } {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const li = r.int(0, Math.max(0, lines.length - 1));
  const op = r.int(0, 12);
  const out = lines.slice();
  const join = (ls: string[]) => ls.join('\n') + '\n';
  switch (op) {
    case 0:
      out.splice(li, 1);
      return { text: join(out), label: `line ${li + 1} deleted` };
    case 1:
      out.splice(li, 0, lines[li]);
      return { text: join(out), label: `line ${li + 1} duplicated` };
    case 2: {
      const f = out[li].split(delim);
      f.splice(r.int(0, f.length - 1), 1);
      out[li] = f.join(delim);
      return { text: join(out), label: `line ${li + 1} lost a field` };
    }
    case 3:
      out[li] += delim + '0.5';
      return { text: join(out), label: `line ${li + 1} got an extra field` };
    case 4:
      out.splice(li, 0, '');
      return { text: join(out), label: `blank line inserted before line ${li + 1}` };
    case 5:
      out[li] = out[li].split(delim).join(delim === '\t' ? ',' : '\t');
      return { text: join(out), label: `line ${li + 1} uses the other delimiter` };
    case 6: {
      const f = out[li].split(delim);
      const j = r.int(0, f.length - 1);
      f[j] = '"' + f[j];
      out[li] = f.join(delim);
      return { text: join(out), label: `unbalanced quote in line ${li + 1} field ${j + 1}` };
    }
    case 7:
      return { text: lines.join('\r\n') + '\r\n', label: 'CRLF line ends' };
    case 8:
      return { text: '\ufeff' + join(lines), label: 'UTF-8 BOM added' };
    case 9:
      return { text: lines.join('\n'), label: 'no final newline' };
    case 10:
      return { text: join(lines.slice(0, 1)), label: 'header line only' };
    case 11: {
      const at = r.int(0, out.length);
      out.splice(at, 0, out[li].replace(/[^\t,]/g, ''));
      return { text: join(out), label: `a line of empty fields inserted${at === out.length - 1 ? ' at the end' : ''}` };
    }
    default:
      return { text: join(out.map((l) => l.replace(/\t|,/g, ' '))), label: 'delimiters replaced by spaces' };
  }
}

// ---- JSON ----

export const JSON_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  '',
  'x',
  '64',
  [],
  {},
  true,
  [1, 2],
  [[[[[]]]]],
  { a: 1 },
  'NaN',
  2 ** 53 + 2,
];

type Path = (string | number)[];

function paths(v: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], [...prefix, k], out);
  return out;
}

function setAt(root: unknown, path: Path, value: unknown, del: boolean): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let o = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (del) {
    if (Array.isArray(o)) o.splice(last as number, 1);
    else delete o[last];
  } else o[last] = value;
  return copy;
}

/** JSON type confusion: a value somewhere replaced, deleted, or the whole text damaged. */
export function jsonEdit(doc: unknown, r: Rng): { text: string; label: string } {
  const ps = paths(doc);
  const p = r.pick(ps);
  const where = p.length ? p.join('.') : '(root)';
  const op = r.int(0, 9);
  if (op <= 4) {
    const v = r.pick(JSON_VALUES);
    return { text: JSON.stringify(setAt(doc, p, v, false)), label: `${where} = ${JSON.stringify(v)}` };
  }
  if (op === 5 && p.length) return { text: JSON.stringify(setAt(doc, p, undefined, true)), label: `${where} deleted` };
  const text = JSON.stringify(doc, null, 1);
  if (op === 6) {
    const i = r.int(0, text.length - 1);
    return { text: text.slice(0, i), label: `JSON text cut at char ${i}` };
  }
  if (op === 7) return { text: text.replace(/\d+(\.\d+)?/, 'NaN'), label: 'bare NaN literal' };
  if (op === 8) return { text: `[${'['.repeat(5000)}${']'.repeat(5000)}]`, label: 'deeply nested arrays' };
  return { text: text.replace(/}\s*$/, ',}'), label: 'trailing comma' };
}

export function textOf(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}

export { utf8 };
