#!/usr/bin/env python3
"""numpy / scikit-learn baseline for bench/compare.bench.ts (the same inputs, side by side).

  numpy_compare.py pairs --lists L.npy --rows R.npy --k 10
      L: variants x n x k int32 neighbour lists; R: variants x m x d float32 (the CKA sample rows).
      Times mean overlap@K for every pair (vectorised: (A[:, :, None] == B[:, None, :]).any(-1)) and
      linear CKA (centre, ||Y^T X||_F^2 / (||X^T X||_F ||Y^T Y||_F), float64 BLAS).
  numpy_compare.py probe --data X.npy --labels y.npy [--tol 1e-4]
      StandardScaler on the train rows (index % 5 != 4), LogisticRegression(C=1, multinomial, lbfgs,
      max_iter=1000), top-1/top-5 on the test rows.
Prints one JSON object.
"""
import argparse
import json
import time

import numpy as np


def pairs(args):
    L = np.load(args.lists)
    R = np.load(args.rows)
    k = args.k
    v = L.shape[0]
    t0 = time.perf_counter()
    overlap = {}
    for i in range(v):
        for j in range(i + 1, v):
            a, b = L[i, :, :k], L[j, :, :k]
            overlap[f"{i},{j}"] = float((a[:, :, None] == b[:, None, :]).any(-1).sum() / (a.shape[0] * k))
    t1 = time.perf_counter()
    C = [r.astype(np.float64) - r.astype(np.float64).mean(0) for r in R]
    self_norm = [np.linalg.norm(c.T @ c) for c in C]
    cka = {}
    for i in range(v):
        for j in range(i + 1, v):
            cka[f"{i},{j}"] = float(np.linalg.norm(C[j].T @ C[i]) ** 2 / (self_norm[i] * self_norm[j]))
    t2 = time.perf_counter()
    print(json.dumps({"overlap_s": t1 - t0, "cka_s": t2 - t1, "overlap": overlap, "cka": cka, "numpy": np.__version__}))


def probe(args):
    from sklearn import __version__ as skv
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    X = np.load(args.data).astype(np.float64)
    y = np.load(args.labels)
    idx = np.arange(len(y))
    tr, te = idx % 5 != 4, idx % 5 == 4
    t0 = time.perf_counter()
    sc = StandardScaler().fit(X[tr])
    clf = LogisticRegression(C=1.0, multi_class="multinomial", solver="lbfgs", max_iter=1000, tol=args.tol)
    clf.fit(sc.transform(X[tr]), y[tr])
    proba = clf.predict_proba(sc.transform(X[te]))
    t1 = time.perf_counter()
    order = np.argsort(-proba, axis=1, kind="stable")
    cls = clf.classes_
    top = cls[order]
    top1 = float(np.mean(top[:, 0] == y[te]))
    top5 = float(np.mean([y[te][i] in top[i, :5] for i in range(te.sum())]))
    ntr = int(tr.sum())
    p = clf.predict_proba(sc.transform(X[tr]))
    ce = -np.mean(np.log(p[np.arange(ntr), np.searchsorted(cls, y[tr])]))
    obj = float(ce + np.sum(clf.coef_ ** 2) / (2 * ntr))
    print(json.dumps({"seconds": t1 - t0, "top1": top1, "top5": top5, "iterations": int(clf.n_iter_[0]), "objective": obj, "sklearn": skv}))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pairs")
    p.add_argument("--lists", required=True)
    p.add_argument("--rows", required=True)
    p.add_argument("--k", type=int, default=10)
    q = sub.add_parser("probe")
    q.add_argument("--data", required=True)
    q.add_argument("--labels", required=True)
    q.add_argument("--tol", type=float, default=1e-4)
    args = ap.parse_args()
    pairs(args) if args.cmd == "pairs" else probe(args)


if __name__ == "__main__":
    main()
