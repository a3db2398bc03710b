/**
 * Collects every problem an import finds (it goes on after one file fails, so the analyst sees all
 * of them at once). Anything that is not an InputError — a TypeError, a RangeError from a too-large
 * allocation, a library's own Error — is turned into one naming the file, so nothing escapes raw.
 */
import { InputError, isInputError } from '../errors.ts';

export class Problems {
  readonly list: InputError[] = [];

  add(e: unknown, file: string): void {
    this.list.push(tidy(asInputError(e, file)));
  }

  /** Runs `fn`; a throw is recorded against `file` and `undefined` returned. */
  async run<T>(file: string, fn: () => T | Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (e) {
      this.add(e, file);
      return undefined;
    }
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}

export function asInputError(e: unknown, file: string): InputError {
  if (isInputError(e)) return e;
  const raw = e instanceof Error ? e.message : String(e);
  if (/allocation failed|Array buffer allocation|Invalid typed array length|Invalid array length|out of memory/i.test(raw)) {
    return new InputError(file, 'too large to hold in memory (its declared sizes need more memory than is available)');
  }
  return new InputError(file, `cannot be read: ${libraryMessage(e)}`);
}

/** Control characters escaped, the problem clipped: a message a person can read on one screen line or two. */
export function tidy(e: InputError): InputError {
  const clean = (t: string, n: number) => {
    const x = t
      // eslint-disable-next-line no-control-regex -- control characters are what this escapes
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
      .replace(/\ufffd/g, '?');
    return x.length > n ? `${x.slice(0, n - 1)}…` : x;
  };
  const problem = clean(e.problem, 400);
  const file = clean(e.file, 300);
  const where = e.where === undefined ? undefined : clean(e.where, 100);
  if (problem === e.problem && file === e.file && where === e.where) return e;
  return new InputError(file, problem, where);
}

/** JavaScript internals no person should read ("Cannot read properties of undefined", …). */
const INTERNAL =
  // eslint-disable-next-line no-control-regex -- a control character in a message is one of the internals
  /Cannot (read|set) propert|Cannot destructure|is not a function|is not iterable|is not defined|is not a constructor|Invalid (typed )?array length|Invalid string length|Maximum call stack|outside the bounds|Offset is outside|should be a multiple of|to a BigInt|serialize a BigInt|\bundefined\b|\[object \w+\]|TypeError|RangeError|ReferenceError|[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/;

/** A library's error message when it speaks to a person; else a plain "corrupt or cut short". */
export function libraryMessage(e: unknown): string {
  const m = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim().slice(0, 200);
  if (!m || INTERNAL.test(m)) return 'its contents are corrupt or cut short (the structure does not hold together)';
  return m;
}

/** Checks ids: none empty, none repeated (both rows named). `where(i)` names row i for messages. */
export function checkIds(ids: readonly string[], file: string, where: (i: number) => string, problems: Problems, limit = 5): boolean {
  const seen = new Map<string, number>();
  let bad = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id.trim() === '') {
      if (bad++ < limit) problems.add(new InputError(file, 'empty id (every item needs one)', where(i)), file);
      continue;
    }
    const prev = seen.get(id);
    if (prev !== undefined) {
      if (bad++ < limit)
        problems.add(new InputError(file, `duplicate id ${JSON.stringify(clip(id))} (also at ${where(prev)})`, where(i)), file);
    } else seen.set(id, i);
  }
  if (bad > limit) problems.add(new InputError(file, `${bad} bad ids in all (${limit} listed above)`), file);
  return bad === 0;
}

export function clip(s: string, n = 60): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** `a/b/c.ext` → `a/b/c`; `a/b/c.card.json` → `a/b/c` with `exts` lists of compound extensions. */
export function stripExt(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? path.slice(0, dot) : path;
}

export function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function dirName(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash >= 0 ? path.slice(0, slash + 1) : '';
}

/** `dir/` + `rel` with `.`/`..` resolved; stays relative, `/`-separated. */
export function joinPath(dir: string, rel: string): string {
  const r = rel.replace(/\\/g, '/');
  const abs = r.startsWith('/') || dir.startsWith('/');
  const parts = (r.startsWith('/') ? r : dir + r).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(p);
  }
  return (abs ? '/' : '') + out.join('/');
}
