/**
 * What counts as a pass for one fuzz case, shared by the Node suite and the browser spec. Pure.
 *
 * A case passes when the import either
 * - succeeds with a consistent workspace (rows line up, every value finite, thumbnails sized) and
 *   the case was not one that must be refused, or
 * - is refused with messages that each name a file of the case and say what is wrong, with no
 *   JavaScript internals leaking through ("Cannot read properties of undefined", "Invalid typed
 *   array length", …: a crash wrapped in an InputError is still a crash), and the case was not a
 *   valid bundle.
 */
import type { FuzzCase } from './generate.ts';

export type Outcome =
  | 'imported'
  | 'rejected'
  /** Anything thrown that is not ImportFailed of InputErrors, a dead process, an unhandled rejection. */
  | 'crash'
  | 'hang'
  /** Refused, but a message does not name a file, or leaks internals. */
  | 'unclear'
  /** Imported, but the workspace does not hold together. */
  | 'inconsistent'
  /** Imported although the input is broken. */
  | 'accepted-bad'
  /** Refused although the input is valid. */
  | 'rejected-valid'
  /** A file was read although the size limit should have refused the import first. */
  | 'read-over-limit';

export const PASSING: Outcome[] = ['imported', 'rejected'];

export interface Verdict {
  outcome: Outcome;
  detail: string;
}

/** V8/library internals that must never be what a person reads. */
const INTERNALS: RegExp[] = [
  /Cannot read propert/i,
  /Cannot set propert/i,
  /Cannot destructure/i,
  /is not a function/,
  /is not iterable/,
  /is not defined/,
  /is not a constructor/,
  /Invalid typed array length/,
  /Invalid array length/,
  /Invalid string length/,
  /Array buffer allocation failed/,
  /Maximum call stack/,
  /out of memory/i,
  /outside the bounds of the DataView/i,
  /Offset is outside/i,
  /should be a multiple of/,
  /Cannot convert .* to a BigInt/,
  /Do not know how to serialize a BigInt/,
  /\bundefined\b/,
  /\[object \w+\]/,
  /\bTypeError\b/,
  /\bRangeError\b/,
  /\bReferenceError\b/,
];

/** Why a refusal message is not clear (undefined when it is). `paths` are the case's file paths. */
export function unclearReason(message: string, paths: string[]): string | undefined {
  if (!message || message.trim().length < 8) return 'empty message';
  if (message.length > 1000) return `message of ${message.length} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/.test(message)) return 'raw control or replacement characters in the message';
  const names = new Set<string>();
  for (const p of paths) {
    names.add(p);
    names.add(p.slice(p.lastIndexOf('/') + 1));
    const dir = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
    if (dir) names.add(dir);
  }
  if (![...names].some((n) => n && message.includes(n))) return 'names none of the files';
  for (const re of INTERNALS) if (re.test(message)) return `leaks internals (${re.source})`;
  return undefined;
}

export function judgeRefusal(c: FuzzCase, messages: string[]): Verdict {
  const paths = c.files.map((f) => f.path);
  if (messages.length === 0) return { outcome: 'unclear', detail: 'refused with no message at all' };
  for (const m of messages) {
    const why = unclearReason(m, paths);
    if (why) return { outcome: 'unclear', detail: `${why}: ${m.slice(0, 300)}` };
  }
  if (c.expect === 'import') return { outcome: 'rejected-valid', detail: messages.join(' | ').slice(0, 400) };
  return { outcome: 'rejected', detail: messages[0].slice(0, 200) };
}

/** The workspace shape the checks need (a subset of Workspace, so the browser can send a summary). */
export interface WorkspaceSummary {
  n: number;
  items: number;
  imageSize: number;
  imagesLength: number;
  columns: Record<string, number>;
  variants: { id: string; n: number; dim: number; dataLength: number; finite: boolean }[];
  encoders: number;
  reportPaths: string[];
}

export function judgeImport(c: FuzzCase, w: WorkspaceSummary): Verdict {
  const bad = (detail: string): Verdict => ({ outcome: 'inconsistent', detail });
  if (w.n !== w.items) return bad(`corpus.n ${w.n} ≠ report.items ${w.items}`);
  if (w.n === 0 && (w.encoders === 0 || w.variants.length > 0)) return bad('imported zero items');
  if (w.imagesLength !== w.n * w.imageSize * w.imageSize * 3)
    return bad(`images hold ${w.imagesLength} bytes, expected ${w.n}×${w.imageSize}²×3`);
  for (const [name, len] of Object.entries(w.columns)) if (len !== w.n) return bad(`column ${name} has ${len} values for ${w.n} items`);
  const ids = new Set<string>();
  for (const v of w.variants) {
    if (ids.has(v.id)) return bad(`variant id ${v.id} twice`);
    ids.add(v.id);
    if (v.n !== w.n) return bad(`variant ${v.id} has ${v.n} rows for ${w.n} items`);
    if (!(v.dim > 0) || v.dataLength !== v.n * v.dim) return bad(`variant ${v.id}: ${v.dataLength} values for ${v.n}×${v.dim}`);
    if (!v.finite) return bad(`variant ${v.id} holds NaN or Infinity`);
  }
  const paths = new Set(c.files.map((f) => f.path));
  const stray = w.reportPaths.filter(
    (p) => !paths.has(p) && !c.files.some((f) => f.path.startsWith(p.endsWith('/') ? p : `${p}/`)) && p !== '.',
  );
  if (stray.length) return bad(`report names files that were not given: ${stray.slice(0, 3).join(', ')}`);
  if (c.expect === 'reject') {
    return {
      outcome: 'accepted-bad',
      detail: `imported ${w.n} items, variants ${w.variants.map((v) => `${v.id} ${v.n}×${v.dim}`).join(', ') || 'none'}, ${w.encoders} encoders`,
    };
  }
  return { outcome: 'imported', detail: `${w.n} items, ${w.variants.length} variants, ${w.encoders} encoders` };
}

export function summarize(ws: {
  corpus: { n: number; imageSize: number; images: Uint8Array; columns: Record<string, readonly string[]> };
  variants: { id: string; embeddings: { n: number; dim: number; data: Float32Array } }[];
  encoders: unknown[];
  report: { items: number; files: { path: string }[] };
}): WorkspaceSummary {
  return {
    n: ws.corpus.n,
    items: ws.report.items,
    imageSize: ws.corpus.imageSize,
    imagesLength: ws.corpus.images.length,
    columns: Object.fromEntries(Object.entries(ws.corpus.columns).map(([k, v]) => [k, v.length])),
    variants: ws.variants.map((v) => {
      const d = v.embeddings.data;
      let finite = true;
      for (let i = 0; i < d.length; i++)
        if (!Number.isFinite(d[i])) {
          finite = false;
          break;
        }
      return { id: v.id, n: v.embeddings.n, dim: v.embeddings.dim, dataLength: d.length, finite };
    }),
    encoders: ws.encoders.length,
    reportPaths: ws.report.files.map((f) => f.path),
  };
}
