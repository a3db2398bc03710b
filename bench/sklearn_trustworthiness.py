#!/usr/bin/env python3
"""Independent layout-quality reference for bench/umap-mnist.ts: scikit-learn's
`sklearn.manifold.trustworthiness` (Euclidean, n_neighbors = 10) of each 2-D layout against the
input vectors, and the 10-NN label accuracy in 2-D (leave-one-out: the majority label among each
item's 10 nearest neighbours in the layout, ties to the smallest label).

Usage: sklearn_trustworthiness.py X.npy labels.npy layout1.npy [layout2.npy ...]
Prints one JSON object: {layout file: {"trustworthiness": t, "knn10_accuracy": a}}.
"""
import json
import sys

import numpy as np
from sklearn.manifold import trustworthiness
from sklearn.neighbors import NearestNeighbors


def knn_accuracy(y, labels, k=10):
    idx = NearestNeighbors(n_neighbors=k + 1).fit(y).kneighbors(y, return_distance=False)[:, 1:]
    votes = labels[idx]
    pred = np.array([np.bincount(v, minlength=labels.max() + 1).argmax() for v in votes])
    return float((pred == labels).mean())


def main():
    x = np.load(sys.argv[1]).astype(np.float64)
    labels = np.load(sys.argv[2]).ravel().astype(np.int64)
    out = {}
    for f in sys.argv[3:]:
        y = np.load(f).astype(np.float64)
        out[f] = {"trustworthiness": float(trustworthiness(x, y, n_neighbors=10)), "knn10_accuracy": knn_accuracy(y, labels)}
    print(json.dumps(out))


main()
