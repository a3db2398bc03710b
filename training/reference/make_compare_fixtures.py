#!/usr/bin/env python3
"""Reference fixtures for the variant comparison measures (tests/compute/compare-*.test.ts).

Independent numpy / scipy / scikit-learn implementations (Debian: python3-numpy, python3-scipy,
python3-sklearn):
  - neighbour overlap@K between variants: brute-force exact KNN (make_fixtures.knn_reference,
    itself checked against sklearn.neighbors.NearestNeighbors), set intersections;
  - linear CKA: ||Yc^T Xc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F) in float64, and the same through the
    n x n Gram matrices (HSIC form) as a cross-check; a sampled variant on make_fixtures.sample_seeds;
  - hubness: k-occurrence from the KNN lists, scipy.stats.skew (bias=True), share of zeros;
  - Procrustes: scipy.linalg.orthogonal_procrustes on centred layouts, scale = sum of singular
    values / ||B_c||^2, checked against scipy.spatial.procrustes's disparity;
  - probe: sklearn.linear_model.LogisticRegression(C=1, multi_class="multinomial", solver="lbfgs")
    run to convergence (max_iter=10000, tol=1e-10) on StandardScaler features fitted on the
    training rows (index % 5 != 4), top-1/top-5 accuracy on the test rows (index % 5 == 4).

Data: the digits pixels stored in tests/fixtures/compute/digits.bin (sklearn's load_digits), and
three "variants" exactly representable in float32 (so neighbour ties are the same everywhere):
A = pixels, B = pixels squared, C = the first 32 pixel columns. Random 2-D layouts for Procrustes;
random 24-d vectors (tests/fixtures/compute/random.bin) with random labels for a hard probe.

Output: tests/fixtures/compute/compare.json + compare.bin (small: no inputs, only results).
Run from the repository root:  /usr/bin/python3 training/reference/make_compare_fixtures.py
"""
import os
import sys

import numpy as np
from scipy.linalg import orthogonal_procrustes
from scipy.spatial import procrustes as scipy_procrustes
from scipy.stats import skew
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import Fixture, knn_reference, mulberry32, sample_seeds  # noqa: E402

K = 10


def overlap(ia, ib, k):
    return np.array([len(set(ia[i, :k]) & set(ib[i, :k])) for i in range(ia.shape[0])], np.int32)


def cka(x, y):
    x = x.astype(np.float64) - x.astype(np.float64).mean(0)
    y = y.astype(np.float64) - y.astype(np.float64).mean(0)
    v = np.linalg.norm(y.T @ x) ** 2 / (np.linalg.norm(x.T @ x) * np.linalg.norm(y.T @ y))
    # Cross-check: the Gram-matrix (HSIC) form tr(KL) / sqrt(tr(KK) tr(LL)).
    kx, ky = x @ x.T, y @ y.T
    g = np.sum(kx * ky) / np.sqrt(np.sum(kx * kx) * np.sum(ky * ky))
    assert abs(v - g) < 1e-9, (v, g)
    return float(v)


def hub(idx, n, k):
    occ = np.bincount(idx[:, :k].ravel(), minlength=n)
    return float(skew(occ, bias=True)), float(np.mean(occ == 0)), occ


def procrustes_ref(ref, coords):
    a = ref.astype(np.float64)
    b = coords.astype(np.float64)
    am, bm = a.mean(0), b.mean(0)
    ac, bc = a - am, b - bm
    r, sv = orthogonal_procrustes(bc, ac)
    s = sv / np.sum(bc * bc)
    aligned = s * (bc @ r) + am
    # scipy.spatial.procrustes standardises both sets; its disparity must equal ours once scaled alike.
    _, _, disparity = scipy_procrustes(a, b)
    ours = np.sum((aligned - a) ** 2) / np.sum(ac * ac)
    assert abs(ours - disparity) < 1e-9, (ours, disparity)
    return aligned, float(np.linalg.det(r)), float(s)


def probe_ref(x, codes, c=1.0):
    n = x.shape[0]
    idx = np.arange(n)
    keep = codes >= 0
    tr = keep & (idx % 5 != 4)
    te = keep & (idx % 5 == 4)
    sc = StandardScaler().fit(x[tr].astype(np.float64))
    xtr = sc.transform(x[tr].astype(np.float64))
    xte = sc.transform(x[te].astype(np.float64))
    clf = LogisticRegression(C=c, multi_class="multinomial", solver="lbfgs", max_iter=10000, tol=1e-10)
    clf.fit(xtr, codes[tr])
    proba = clf.predict_proba(xte)
    classes = list(clf.classes_)
    yte = codes[te]
    order = np.argsort(-proba, axis=1, kind="stable")
    top = np.array([[classes[j] for j in row] for row in order])
    top1 = float(np.mean(top[:, 0] == yte))
    top5 = float(np.mean([yte[i] in top[i, :5] for i in range(len(yte))]))
    # The objective as the TypeScript probe states it: mean cross-entropy + ||W||^2 / (2 C n).
    ntr = xtr.shape[0]
    p = clf.predict_proba(xtr)
    yi = np.searchsorted(clf.classes_, codes[tr])
    ce = -np.mean(np.log(p[np.arange(ntr), yi]))
    obj = float(ce + np.sum(clf.coef_ ** 2) / (2 * c * ntr))
    return {"top1": top1, "top5": top5, "objective": obj, "train": int(tr.sum()), "test": int(te.sum()), "classes": len(classes)}


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    digits = load_digits()
    X = digits.data.astype(np.float32)
    target = digits.target.astype(np.int32)
    n = X.shape[0]
    variants = {"A": X, "B": X * X, "C": np.ascontiguousarray(X[:, :32])}
    seeds = np.arange(n, dtype=np.int32)
    knn = {name: knn_reference(v, seeds, K, "euclidean")[0] for name, v in variants.items()}

    fx = Fixture("compare")
    fx.value("k", K)
    pairs = {}
    for a, b in [("A", "B"), ("A", "C"), ("B", "C")]:
        per = overlap(knn[a], knn[b], K)
        fx.array(f"overlap_{a}{b}", per, np.int32)
        pairs[a + b] = {"overlap": float(per.mean() / K), "cka": cka(variants[a], variants[b])}
    # Sampled seeds: the overlap over a seed sample uses those seeds' lists.
    sample = sample_seeds(n, 500, 7)
    fx.array("sample_500_seed7", sample, np.int32)
    pairs["AB_sampled"] = {"cka": cka(variants["A"][sample], variants["B"][sample])}
    fx.value("pairs", pairs)
    hubs = {}
    for name in variants:
        s, anti, occ = hub(knn[name], n, K)
        hubs[name] = {"skew": s, "antihubs": anti, "max": int(occ.max()), "argmax": int(np.argmax(occ))}
    fx.value("hubness", hubs)

    # Procrustes: a rotated + scaled + shifted noisy copy, and a reflected one.
    rng = np.random.default_rng(11)
    ref = rng.normal(size=(300, 2)).astype(np.float32)
    th = 0.7
    rot = np.array([[np.cos(th), np.sin(th)], [-np.sin(th), np.cos(th)]])
    rotated = (2.5 * ref @ rot + np.array([3.0, -1.0]) + 0.05 * rng.normal(size=(300, 2))).astype(np.float32)
    reflected = (0.4 * ref @ np.array([[1.0, 0.0], [0.0, -1.0]]) @ rot + 0.05 * rng.normal(size=(300, 2))).astype(np.float32)
    fx.array("layout_ref", ref, np.float32)
    proc = {}
    for key, coords in [("rotated", rotated), ("reflected", reflected)]:
        aligned, det, s = procrustes_ref(ref, coords)
        fx.array(f"layout_{key}", coords, np.float32)
        fx.array(f"aligned_{key}", aligned, np.float64)
        proc[key] = {"det": det, "scale": s}
    fx.value("procrustes", proc)

    # Probes on the digits variants, and on random vectors with random labels.
    coarse = (target // 4).astype(np.int32)
    coarse[np.arange(n) % 7 == 3] = -1  # empty labels: left out of train and test
    fx.value("coarse_values", [str(v) for v in coarse])
    probes = {
        "A_digit": probe_ref(variants["A"], target),
        "C_digit": probe_ref(variants["C"], target),
        "B_coarse": probe_ref(variants["B"], coarse),
    }
    rnd = np.fromfile(os.path.join(root, "tests", "fixtures", "compute", "random.bin"), dtype="<f4", count=1500 * 24).reshape(1500, 24)
    rand = mulberry32(5)
    labels = np.array([int(rand() * 12) for _ in range(1500)], np.int32)
    fx.array("random_labels", labels, np.int32)
    probes["random_12"] = probe_ref(rnd, labels)
    fx.value("probes", probes)
    fx.write()
    print({k: (v["top1"], v["top5"]) for k, v in probes.items()})


if __name__ == "__main__":
    main()
