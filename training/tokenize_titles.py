"""Title tokeniser of the image-title model: hashed words and character 3-grams.

The same algorithm is written once more in TypeScript (src/encoders/tokenize.ts, used by the app and
the CLI); tests/fixtures/tokenizer.json (written by `python3 training/tokenize_titles.py --write-fixture`)
holds test vectors that both sides must reproduce exactly (tests/encoders/tokenize.test.ts and
`python3 training/tokenize_titles.py --check-fixture`).

Algorithm (version "hashed-ngrams-v1"), for one title and the card's (buckets B, maxTokens L, ngram n):
  1. Every lone UTF-16 surrogate code point (U+D800..U+DFFF) becomes U+FFFD; then Unicode NFKC;
     then lower case (Python str.lower() == JavaScript String.prototype.toLowerCase(): Unicode's
     full, locale-independent case mapping).
  2. Words: maximal runs of code points whose Unicode general category is a letter (L*), a mark (M*)
     or a number (N*); everything else (spaces, punctuation, symbols, emoji) separates words.
  3. For each word w, in order: the whole word as the string "w:" + w, then the character n-grams
     (over code points) of "<" + w + ">" as "g:" + gram (a word of one code point gives "<x>" itself).
  4. Each string's id is 1 + (FNV-1a 32-bit of its UTF-8 bytes) mod B; id 0 is padding.
  5. Duplicate ids are dropped (the first occurrence is kept), the list is cut to L ids and padded
     with 0 to exactly L.
The text tower averages the embeddings of the non-zero ids (masked mean).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata
from typing import Iterable, List, Sequence

import numpy as np

KIND = "hashed-ngrams"
VERSION = "hashed-ngrams-v1"
BUCKETS = 1 << 14
MAX_TOKENS = 128
NGRAM = 3

FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193


def fnv1a32(data: bytes) -> int:
    h = FNV_OFFSET
    for b in data:
        h ^= b
        h = (h * FNV_PRIME) & 0xFFFFFFFF
    return h


def normalise(title: str) -> str:
    fixed = "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in title)
    return unicodedata.normalize("NFKC", fixed).lower()


def is_word_char(c: str) -> bool:
    return unicodedata.category(c)[0] in ("L", "M", "N")


def words(text: str) -> List[str]:
    out: List[str] = []
    cur: List[str] = []
    for c in text:
        if is_word_char(c):
            cur.append(c)
        elif cur:
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out


def token_strings(title: str, ngram: int = NGRAM) -> List[str]:
    out: List[str] = []
    for w in words(normalise(title)):
        out.append("w:" + w)
        marked = "<" + w + ">"
        if len(marked) <= ngram:
            out.append("g:" + marked)
        else:
            for i in range(len(marked) - ngram + 1):
                out.append("g:" + marked[i : i + ngram])
    return out


def token_ids(title: str, buckets: int = BUCKETS, max_tokens: int = MAX_TOKENS, ngram: int = NGRAM) -> List[int]:
    """The L ids of one title (0-padded)."""
    seen = set()
    ids: List[int] = []
    for s in token_strings(title, ngram):
        i = 1 + fnv1a32(s.encode("utf-8")) % buckets
        if i in seen:
            continue
        seen.add(i)
        ids.append(i)
        if len(ids) == max_tokens:
            break
    return ids + [0] * (max_tokens - len(ids))


def tokenize(titles: Sequence[str], buckets: int = BUCKETS, max_tokens: int = MAX_TOKENS, ngram: int = NGRAM) -> np.ndarray:
    """int64 len(titles) x max_tokens."""
    out = np.zeros((len(titles), max_tokens), dtype=np.int64)
    for r, t in enumerate(titles):
        out[r] = token_ids(t, buckets, max_tokens, ngram)
    return out


def untruncated_count(title: str, buckets: int = BUCKETS, ngram: int = NGRAM) -> int:
    return len({1 + fnv1a32(s.encode("utf-8")) % buckets for s in token_strings(title, ngram)})


# Strings that exercise every rule: accents (composed and decomposed), compatibility forms, case
# mappings that change length, emoji (incl. ZWJ sequences and skin tones), CJK, RTL, digits, lone
# surrogates, control characters, empty/whitespace-only input and a title longer than maxTokens.
TRICKY = [
    "",
    "   ",
    "—",
    "a",
    "A",
    "ab",
    "Café crème brûlée",
    "Cafe\u0301 cre\u0300me",
    "ﬁnal ＦＵＬＬＷＩＤＴＨ ①②③ ㍻",
    "İstanbul ΟΔΟΣ Straße ǅemal",
    "grinning face 😀 — face, grin",
    "👩🏽‍🚀 woman astronaut: medium skin tone",
    "family: man, woman, girl, boy 👨‍👩‍👧‍👦",
    "keycap: # — keycap",
    "flag: Côte d’Ivoire",
    "日本語のテキスト 東京タワー",
    "한국어 텍스트",
    "עברית العربية",
    "x\u0000y\tz\nw",
    "snake_case and kebab-case and dot.case",
    "3.14 1,000 42nd 2×2",
    "lone \ud800 surrogate \udfff here",
    "😀😃😄",
    " ".join(f"word{i} longword{i}x" for i in range(60)),
]


def write_fixture(path: str, titles: Iterable[str]) -> None:
    titles = list(dict.fromkeys(list(TRICKY) + list(titles)))
    ids = tokenize(titles)
    cases = [{"title": t, "ids": [int(v) for v in row if v != 0]} for t, row in zip(titles, ids)]
    fixture = {
        "generator": "training/tokenize_titles.py --write-fixture",
        "version": VERSION,
        "kind": KIND,
        "buckets": BUCKETS,
        "maxTokens": MAX_TOKENS,
        "ngram": NGRAM,
        "note": "ids lists the non-zero ids; the padded row is ids + zeros up to maxTokens",
        "python": sys.version.split()[0],
        "unicode": unicodedata.unidata_version,
        "fnv1a32": {s: fnv1a32(s.encode("utf-8")) for s in ["", "a", "foobar", "w:café", "g:<日本"]},
        "cases": cases,
    }
    # One case per line; ensure_ascii so that lone surrogates survive as \\ud800 escapes.
    head = {k: v for k, v in fixture.items() if k != "cases"}
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(head, indent=1, ensure_ascii=True)[:-2] + ',\n "cases": [\n')
        f.write(",\n".join(json.dumps(c, ensure_ascii=True, separators=(",", ":")) for c in cases))
        f.write("\n ]\n}\n")


def check_fixture(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        fx = json.load(f)
    bad = 0
    for s, h in fx["fnv1a32"].items():
        if fnv1a32(s.encode("utf-8")) != h:
            print(f"fnv1a32 mismatch for {s!r}", file=sys.stderr)
            bad += 1
    for case in fx["cases"]:
        got = token_ids(case["title"], fx["buckets"], fx["maxTokens"], fx["ngram"])
        want = case["ids"] + [0] * (fx["maxTokens"] - len(case["ids"]))
        if got != want:
            print(f"mismatch for {case['title'][:60]!r}", file=sys.stderr)
            bad += 1
    print(f"{len(fx['cases'])} cases, {bad} mismatches")
    return 1 if bad else 0


def demo_titles(root: str) -> List[str]:
    with open(os.path.join(root, "public", "data", "emoji-styles", "manifest.json"), encoding="utf-8") as f:
        return list(json.load(f)["columns"]["title"])


if __name__ == "__main__":
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write-fixture", action="store_true", help="write tests/fixtures/tokenizer.json")
    ap.add_argument("--check-fixture", action="store_true", help="re-tokenise tests/fixtures/tokenizer.json")
    ap.add_argument("--stats", action="store_true", help="token counts over the demo titles")
    a = ap.parse_args()
    fixture = os.path.join(root, "tests", "fixtures", "tokenizer.json")
    if a.write_fixture:
        write_fixture(fixture, demo_titles(root))
        print(f"wrote {fixture}")
    if a.check_fixture:
        sys.exit(check_fixture(fixture))
    if a.stats:
        titles = sorted(set(demo_titles(root)))
        counts = np.array([untruncated_count(t) for t in titles])
        ids = tokenize(titles)
        used = np.unique(ids[ids > 0])
        print(f"{len(titles)} titles; ids per title: median {np.median(counts):.0f}, p99 {np.percentile(counts, 99):.0f}, "
              f"max {counts.max()}; truncated at {MAX_TOKENS}: {(counts > MAX_TOKENS).sum()}; distinct ids {len(used)} of {BUCKETS}")
