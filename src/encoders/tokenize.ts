/**
 * Title tokeniser of text encoders with `input.kind: "hashed-ngrams"` (the image-title model's text
 * tower). The same algorithm is written once more in Python (training/tokenize_titles.py, used for
 * training); tests/fixtures/tokenizer.json (written by the Python side over every demo title and
 * tricky strings) proves both give identical ids (tests/encoders/tokenize.test.ts).
 *
 * Algorithm "hashed-ngrams-v1", for one title and the card's buckets B, maxTokens L, ngram n:
 *   1. lone UTF-16 surrogates → U+FFFD; Unicode NFKC; lower case (String.prototype.toLowerCase ==
 *      Python str.lower(): full, locale-independent case mapping);
 *   2. words: maximal runs of code points that are letters (\p{L}), marks (\p{M}) or numbers (\p{N});
 *      everything else separates;
 *   3. per word w, in order: "w:" + w, then the character n-grams (code points) of "<" + w + ">" as
 *      "g:" + gram (the whole "<w>" when it is at most n code points long);
 *   4. id = 1 + FNV-1a-32(UTF-8 bytes) mod B (0 is padding);
 *   5. duplicate ids dropped (first kept), cut to L, padded with 0 to L.
 * Pure TypeScript (no DOM, no Node APIs).
 */
import type { TextInput } from './card.ts';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const WORD_CHAR = /[\p{L}\p{M}\p{N}]/u;

/** The tokeniser parameters a text card carries (card.input for kind "hashed-ngrams"). */
export type TokenizerSpec = Pick<TextInput, 'buckets' | 'maxTokens' | 'ngram'>;

/** FNV-1a 32-bit hash of the UTF-8 encoding of `s` (unsigned). Lone surrogates encode as U+FFFD. */
export function fnv1a32(s: string): number {
  let h = FNV_OFFSET;
  const byte = (b: number): void => {
    h = Math.imul(h ^ b, FNV_PRIME) >>> 0;
  };
  for (const ch of s) {
    let cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) byte(cp);
    else if (cp < 0x800) {
      byte(0xc0 | (cp >> 6));
      byte(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      byte(0xe0 | (cp >> 12));
      byte(0x80 | ((cp >> 6) & 0x3f));
      byte(0x80 | (cp & 0x3f));
    } else {
      byte(0xf0 | (cp >> 18));
      byte(0x80 | ((cp >> 12) & 0x3f));
      byte(0x80 | ((cp >> 6) & 0x3f));
      byte(0x80 | (cp & 0x3f));
    }
  }
  return h >>> 0;
}

/** Step 1: surrogates fixed, NFKC, lower case. */
export function normaliseTitle(title: string): string {
  let fixed = '';
  for (const ch of title) {
    const cp = ch.codePointAt(0)!;
    fixed += cp >= 0xd800 && cp <= 0xdfff ? '\ufffd' : ch;
  }
  return fixed.normalize('NFKC').toLowerCase();
}

/** Step 2: the words of a normalised title. */
export function titleWords(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (const ch of text) {
    if (WORD_CHAR.test(ch)) cur += ch;
    else if (cur) {
      out.push(cur);
      cur = '';
    }
  }
  if (cur) out.push(cur);
  return out;
}

/** Step 3: the strings that are hashed, in order (before de-duplication and truncation). */
export function tokenStrings(title: string, ngram: number): string[] {
  const out: string[] = [];
  for (const w of titleWords(normaliseTitle(title))) {
    out.push(`w:${w}`);
    const marked = Array.from(`<${w}>`);
    if (marked.length <= ngram) out.push(`g:${marked.join('')}`);
    else for (let i = 0; i + ngram <= marked.length; i++) out.push(`g:${marked.slice(i, i + ngram).join('')}`);
  }
  return out;
}

/** The ids of one title: length ≤ maxTokens, no padding, no duplicates, each in 1..buckets. */
export function titleIds(title: string, spec: TokenizerSpec): number[] {
  const seen = new Set<number>();
  const ids: number[] = [];
  for (const s of tokenStrings(title, spec.ngram)) {
    const id = 1 + (fnv1a32(s) % spec.buckets);
    if (seen.has(id)) continue;
    seen.add(id);
    ids.push(id);
    if (ids.length === spec.maxTokens) break;
  }
  return ids;
}

/**
 * The model input for `titles`: int64 `titles.length × maxTokens`, row-major, 0-padded — the tensor
 * a text Encoder's run() takes. `card` is a text card (or just its tokenizer parameters).
 */
export function tokenizeTitles(titles: readonly string[], card: { input: TokenizerSpec } | TokenizerSpec): BigInt64Array {
  const spec: TokenizerSpec = 'input' in card ? card.input : card;
  const L = spec.maxTokens;
  const out = new BigInt64Array(titles.length * L);
  titles.forEach((t, r) => {
    const ids = titleIds(t, spec);
    for (let j = 0; j < ids.length; j++) out[r * L + j] = BigInt(ids[j]);
  });
  return out;
}
