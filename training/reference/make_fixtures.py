#!/usr/bin/env python3
"""Reference fixtures for the TypeScript compute core (tests/compute/*.test.ts).

An independent implementation with numpy / scikit-learn (Debian: python3-numpy, python3-sklearn):
  - KNN: brute-force float64 distances checked against sklearn.neighbors.NearestNeighbors
    (algorithm='brute'), ordered by (distance, index) with np.lexsort;
  - whitening: np.mean, np.cov(bias=True), np.linalg.eigh;
  - metrics: consistency, a percentile bootstrap driven by a port of mulberry32, np.percentile;
  - sampling: a port of sampleSeeds (partial Fisher-Yates on mulberry32).

Data: sklearn's load_digits (1797 × 64, integer pixels 0..16, three constant columns) and small
random sets with deliberate exact ties, duplicates and a zero row.

Output: tests/fixtures/compute/<name>.json (metadata, scalars, small lists) and <name>.bin (the
arrays, little-endian, described in the JSON under "arrays": dtype, shape, byte offset).

Run from the repository root:  /usr/bin/python3 training/reference/make_fixtures.py
"""
import json
import os
import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.neighbors import NearestNeighbors

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fixtures", "compute")


# ----------------------------------------------------------------------------------------------
# mulberry32 and sampleSeeds, ported from src/compute/sampling.ts

def mulberry32(seed):
    state = [seed & 0xFFFFFFFF]

    def imul(a, b):
        return (a * b) & 0xFFFFFFFF

    def nxt():
        state[0] = (state[0] + 0x6D2B79F5) & 0xFFFFFFFF
        t = state[0]
        t = imul(t ^ (t >> 15), t | 1)
        t = (t ^ ((t + imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296.0

    return nxt


def sample_seeds(n, count, seed):
    if count == "all" or count >= n:
        return np.arange(n, dtype=np.int32)
    rand = mulberry32(seed)
    pool = list(range(n))
    for i in range(count):
        j = i + int(rand() * (n - i))
        pool[i], pool[j] = pool[j], pool[i]
    return np.sort(np.array(pool[:count], dtype=np.int32))


# ----------------------------------------------------------------------------------------------
# Fixture writer

class Fixture:
    def __init__(self, name):
        self.name = name
        self.meta = {"arrays": {}}
        self.blob = bytearray()

    def array(self, key, arr, dtype):
        a = np.ascontiguousarray(np.asarray(arr, dtype=dtype))
        while len(self.blob) % 8:
            self.blob.append(0)
        self.meta["arrays"][key] = {"dtype": np.dtype(dtype).name, "shape": list(a.shape), "offset": len(self.blob)}
        self.blob += a.astype(a.dtype.newbyteorder("<")).tobytes()

    def value(self, key, v):
        self.meta[key] = v

    def write(self):
        os.makedirs(OUT, exist_ok=True)
        with open(os.path.join(OUT, self.name + ".json"), "w") as f:
            json.dump(self.meta, f, indent=1, allow_nan=True)
            f.write("\n")
        with open(os.path.join(OUT, self.name + ".bin"), "wb") as f:
            f.write(bytes(self.blob))


# ----------------------------------------------------------------------------------------------
# KNN reference

def exact_distances(x, q, metric):
    """float64 distances from every query row to every row of x (n_q × n)."""
    x = x.astype(np.float64)
    q = q.astype(np.float64)
    if metric == "euclidean":
        d = np.empty((q.shape[0], x.shape[0]))
        for i in range(q.shape[0]):
            diff = x - q[i]
            d[i] = np.sqrt(np.einsum("ij,ij->i", diff, diff))
        return d
    # cosine: 1 − a·b / √(‖a‖²‖b‖²), clamped to [0, 2]; 1 when either vector is zero.
    nx = np.einsum("ij,ij->i", x, x)
    nq = np.einsum("ij,ij->i", q, q)
    dot = q @ x.T
    with np.errstate(divide="ignore", invalid="ignore"):
        d = 1.0 - dot / np.sqrt(np.outer(nq, nx))
    d = np.clip(d, 0.0, 2.0)
    d[nq == 0, :] = 1.0
    d[:, nx == 0] = 1.0
    return d


def knn_reference(x, seeds, k, metric, queries=None):
    """Exact top-k by (distance, index); the seed excluded unless external queries are given."""
    q = x[seeds] if queries is None else queries
    d = exact_distances(x, q, metric)
    n = x.shape[0]
    kk = min(k, n - 1 if queries is None else n)
    idx = np.empty((q.shape[0], kk), np.int32)
    dist = np.empty((q.shape[0], kk))
    for i in range(q.shape[0]):
        cols = np.arange(n)
        row = d[i]
        if queries is None:
            keep = cols != seeds[i]
            cols, row = cols[keep], row[keep]
        order = np.lexsort((cols, row))[:kk]  # by distance, then index
        idx[i] = cols[order]
        dist[i] = row[order]
    # Cross-check the distance values (not the tie order) with scikit-learn's brute force.
    if metric in ("euclidean", "cosine") and kk > 0:
        nn = NearestNeighbors(n_neighbors=min(kk + 1, n), algorithm="brute", metric=metric)
        nn.fit(x.astype(np.float64))
        sk_d, _ = nn.kneighbors(q.astype(np.float64))
        if queries is None:
            # sklearn includes the seed itself (distance 0) unless a duplicate took its place;
            # compare the sorted multiset of the first kk distances after removing one zero.
            for i in range(q.shape[0]):
                row = list(sk_d[i])
                j = int(np.argmin(np.abs(row)))
                row.pop(j)
                assert np.allclose(row[:kk], dist[i], rtol=0, atol=1e-6), (metric, i, row[:kk], dist[i])
        else:
            assert np.allclose(sk_d[:, :kk], dist, rtol=0, atol=1e-6)
    return idx, dist, kk


def knn_fixture(fx, key, x, seeds, k, metric, queries=None):
    idx, dist, kk = knn_reference(x, seeds, k, metric, queries)
    fx.array(key + "_idx", idx, np.int32)
    fx.array(key + "_dist", dist, np.float64)
    fx.value(key + "_k", int(kk))


# ----------------------------------------------------------------------------------------------
# Metrics reference

def per_seed_consistency(idx, seeds, codes, k):
    out = []
    for s, seed in enumerate(seeds):
        c = codes[seed]
        if c < 0:
            continue
        out.append(np.sum(codes[idx[s, :k]] == c) / k)
    return np.array(out)


def bootstrap_ci(scores, B, seed):
    S = len(scores)
    rand = mulberry32(seed)
    means = np.empty(B)
    for b in range(B):
        picks = [int(rand() * S) for _ in range(S)]
        means[b] = np.sum(scores[picks]) / S
    means.sort()
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(lo), float(hi)


def chance_level(codes):
    c = codes[codes >= 0]
    _, counts = np.unique(c, return_counts=True)
    p = counts / len(c)
    return float(np.sum(p * p))


def identity_recall(idx, seeds, codes, ns):
    counts = np.bincount(codes[codes >= 0]) if np.any(codes >= 0) else np.array([])
    hits = {n: 0 for n in ns}
    eligible = 0
    for s, seed in enumerate(seeds):
        c = codes[seed]
        if c < 0 or counts[c] < 2:
            continue
        eligible += 1
        for n in ns:
            if np.any(codes[idx[s, :n]] == c):
                hits[n] += 1
    return {str(n): hits[n] / eligible for n in ns}


def encode(values):
    """Codes like encodeLabels: '' → −1, others by ascending code-unit order."""
    distinct = sorted({v for v in values if v != ""})
    index = {v: i for i, v in enumerate(distinct)}
    return np.array([-1 if v == "" else index[v] for v in values], np.int32), distinct


# ----------------------------------------------------------------------------------------------
# Whitening reference

def whitening_reference(x, eps_rel=1e-6):
    x64 = x.astype(np.float64)
    mu = x64.mean(axis=0)
    cov = np.cov(x64.T, bias=True)
    vals, vecs = np.linalg.eigh(cov)
    order = np.argsort(-vals, kind="stable")
    vals, vecs = vals[order], vecs[:, order]
    lam = np.maximum(vals, 0.0)
    eps = eps_rel * lam[0] if lam[0] > 0 else 1.0
    w = vecs / np.sqrt(lam + eps)
    return mu, cov, lam, w, eps


def whitening_fixture(name, x, rows, ks, store_x=True):
    fx = Fixture(name)
    mu, cov, lam, w, eps = whitening_reference(x)
    if store_x:
        fx.array("x", x, np.float32)
    else:
        fx.value("x_from", "digits.x_u8")
    fx.array("mean", mu, np.float64)
    fx.array("cov", cov, np.float64)
    fx.array("eigenvalues", lam, np.float64)
    fx.value("eps", float(eps))
    y = (x[:rows].astype(np.float64) - mu) @ w
    fx.array("whitened", y.astype(np.float32), np.float32)
    fx.value("whitened_rows", rows)
    fx.value("ks", ks)
    return fx


# ----------------------------------------------------------------------------------------------

def main():
    digits = load_digits()
    X = digits.data.astype(np.float32)  # 1797 × 64, integers 0..16
    y = digits.target

    # --- digits: KNN (euclidean, cosine), metrics, sampling --------------------------------------
    fx = Fixture("digits")
    fx.array("x_u8", X.astype(np.uint8), np.uint8)
    fx.array("target", y, np.int32)
    n = X.shape[0]
    all_seeds = np.arange(n, dtype=np.int32)
    knn_fixture(fx, "euclid_k20", X, all_seeds, 20, "euclidean")
    knn_fixture(fx, "cosine_k10", X, all_seeds, 10, "cosine")
    sample = sample_seeds(n, 300, 42)
    fx.array("sample_300_seed42", sample, np.int32)
    fx.value("sample_other", {"n": 10, "count": 4, "seed": 7, "expected": sample_seeds(10, 4, 7).tolist()})
    rng = mulberry32(123)
    fx.value("mulberry32_seed123_first5", [rng() for _ in range(5)])
    knn_fixture(fx, "euclid_sample_k10", X, sample, 10, "euclidean")

    # Facets: the digit class; a parity facet where class 9 is unlabelled (empty string).
    digit_values = [str(int(t)) for t in y]
    parity_values = ["" if t == 9 else ("even" if t % 2 == 0 else "odd") for t in y]
    # Identity: groups of 3 consecutive rows (rows 0..29 get their own identity: singletons;
    # every 10th row is unlabelled).
    identity_values = []
    for i in range(n):
        if i % 10 == 5:
            identity_values.append("")
        elif i < 30:
            identity_values.append(f"single-{i}")
        else:
            identity_values.append(f"id-{i // 3}")
    fx.value("facet_values", {"digit": digit_values, "parity": parity_values, "identity": identity_values})

    euclid_idx, _, _ = knn_reference(X, all_seeds, 20, "euclidean")
    sample_idx, _, _ = knn_reference(X, sample, 10, "euclidean")
    metrics = {}
    for fname, values in (("digit", digit_values), ("parity", parity_values)):
        codes, _ = encode(values)
        for tag, (idx, seeds, k) in {
            "all_k10": (euclid_idx, all_seeds, 10),
            "all_k20": (euclid_idx, all_seeds, 20),
            "sample_k10": (sample_idx, sample, 10),
        }.items():
            scores = per_seed_consistency(idx, seeds, codes, k)
            lo, hi = bootstrap_ci(scores, 1000, 0)
            metrics[f"{fname}_{tag}"] = {
                "consistency": float(np.mean(scores)),
                "ci95": [lo, hi],
                "chance": chance_level(codes),
                "seeds": int(len(scores)),
            }
    # Another bootstrap seed, to show the seed is honoured.
    codes, _ = encode(digit_values)
    scores = per_seed_consistency(euclid_idx, all_seeds, codes, 10)
    metrics["digit_all_k10_seed7_B200"] = {"ci95": list(bootstrap_ci(scores, 200, 7))}
    fx.value("metrics", metrics)
    id_codes, _ = encode(identity_values)
    fx.value("recall_all", identity_recall(euclid_idx, all_seeds, id_codes, [1, 5, 10, 20]))
    fx.value("recall_sample", identity_recall(sample_idx, sample, id_codes, [1, 5, 10]))
    fx.write()

    # --- ties: small integer grid with duplicates and a zero row ------------------------------
    rs = np.random.RandomState(7)
    T = rs.randint(0, 3, size=(240, 6)).astype(np.float32)
    T[50] = T[10]  # duplicates
    T[51] = T[10]
    T[120:130] = T[3]  # a block of ten copies of row 3
    T[200] = 0  # a zero vector (cosine distance 1 to everything)
    T[201] = 0
    fx = Fixture("ties")
    fx.array("x", T, np.float32)
    all_t = np.arange(T.shape[0], dtype=np.int32)
    knn_fixture(fx, "euclid_k15", T, all_t, 15, "euclidean")
    knn_fixture(fx, "cosine_k15", T, all_t, 15, "cosine")
    seeds_t = np.array([0, 3, 10, 50, 120, 125, 200, 239], np.int32)
    fx.array("seeds", seeds_t, np.int32)
    knn_fixture(fx, "euclid_seeds_k7", T, seeds_t, 7, "euclidean")
    knn_fixture(fx, "euclid_kall", T, seeds_t, 1000, "euclidean")  # k ≥ n − 1: clamped
    # D = 1
    L = rs.randint(0, 20, size=(60, 1)).astype(np.float32)
    fx.array("line", L, np.float32)
    knn_fixture(fx, "line_k5", L, np.arange(60, dtype=np.int32), 5, "euclidean")
    fx.write()

    # --- random float data: offset cloud (cancellation), cosine, external queries -------------
    rs = np.random.RandomState(11)
    R = (rs.standard_normal((1500, 24)) * 0.5 + 40.0).astype(np.float32)
    Q = (rs.standard_normal((37, 24)) * 0.5 + 40.0).astype(np.float32)
    fx = Fixture("random")
    fx.array("x", R, np.float32)
    fx.array("queries", Q, np.float32)
    seeds_r = sample_seeds(R.shape[0], 300, 3)
    fx.array("seeds", seeds_r, np.int32)
    knn_fixture(fx, "euclid_k20", R, seeds_r, 20, "euclidean")
    knn_fixture(fx, "cosine_k20", R, seeds_r, 20, "cosine")
    knn_fixture(fx, "query_euclid_k12", R, None, 12, "euclidean", queries=Q)
    knn_fixture(fx, "query_cosine_k12", R, None, 12, "cosine", queries=Q)
    fx.write()

    # --- whitening -------------------------------------------------------------------------------
    whitening_fixture("whiten_digits", X, 200, [10, 64], store_x=False).write()
    rs = np.random.RandomState(5)
    M = rs.standard_normal((16, 16))
    W0 = (rs.standard_normal((700, 16)) @ M * np.linspace(0.1, 3, 16) + 5).astype(np.float32)
    W0[:, 4] = 2.5  # constant column → zero eigenvalue
    W0[:, 9] = W0[:, 2]  # duplicated column → zero eigenvalue
    whitening_fixture("whiten_random", W0, 700, [3, 16]).write()

    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"fixtures in {OUT}: {total / 1024:.0f} KiB")
    if total > 2 * 1024 * 1024:
        sys.exit("fixtures exceed 2 MB")


if __name__ == "__main__":
    main()
