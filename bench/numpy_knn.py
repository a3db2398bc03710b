#!/usr/bin/env python3
"""numpy + OpenBLAS baseline for bench/compute.bench.ts (the same exact searches, side by side).

KNN: for blocks of seeds, squared Euclidean distances by GEMM (‖a‖² − 2a·b + ‖b‖², float32 like
the data), the seed itself set to +inf, np.argpartition for the k smallest, then np.lexsort by
(distance, index) so ties go to the lower index. Whitening: mean, np.cov(bias=True), np.linalg.eigh.

Usage:
  numpy_knn.py knn --data X.npy [--seeds S.npy] --k 20 --repeats 5 [--indices-out I.npy]
  numpy_knn.py whiten --data X.npy --repeats 3
Prints one JSON object: times (wall seconds per run), cpu (process CPU seconds, all threads),
their medians, and the BLAS in use.
The thread count and core type come from the environment (OPENBLAS_NUM_THREADS, OPENBLAS_CORETYPE),
which must be set before numpy is imported; the TypeScript bench runs this script once per setting.
"""
import argparse
import ctypes
import json
import os
import statistics
import time

import numpy as np


def blas_info():
    """Name, core type and threads of the OpenBLAS numpy loaded (read from /proc/self/maps)."""
    info = {"library": None, "corename": None, "threads": None, "config": None}
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line.lower() and ".so" in line}
        for path in sorted(libs):
            try:
                lib = ctypes.CDLL(path)
            except OSError:
                continue
            if hasattr(lib, "openblas_get_corename"):
                lib.openblas_get_corename.restype = ctypes.c_char_p
                lib.openblas_get_config.restype = ctypes.c_char_p
                info = {
                    "library": os.path.realpath(path),
                    "corename": lib.openblas_get_corename().decode(),
                    "threads": int(lib.openblas_get_num_threads()),
                    "config": lib.openblas_get_config().decode().strip(),
                }
                break
            info["library"] = os.path.realpath(path)
    except OSError:
        pass
    return info


def knn_numpy(x, seeds, k, block):
    n = x.shape[0]
    sq = np.einsum("ij,ij->i", x, x)
    kk = min(k, n - 1)
    out = np.empty((len(seeds), kk), np.int64)
    for s in range(0, len(seeds), block):
        q = seeds[s : s + block]
        g = x[q] @ x.T  # GEMM, float32
        g *= -2.0
        g += sq[None, :]
        g += sq[q][:, None]
        g[np.arange(len(q)), q] = np.inf  # exclude the seed
        part = np.argpartition(g, kk - 1, axis=1)[:, :kk]
        dist = np.take_along_axis(g, part, axis=1)
        order = np.lexsort((part, dist), axis=1)  # by distance, then index
        out[s : s + len(q)] = np.take_along_axis(part, order, axis=1)
    return out


def whiten_numpy(x):
    x64 = x.astype(np.float64)
    mu = x64.mean(axis=0)
    cov = np.cov(x64.T, bias=True)
    vals, vecs = np.linalg.eigh(cov)
    lam = np.maximum(vals[::-1], 0)
    return mu, vecs[:, ::-1] / np.sqrt(lam + 1e-6 * lam[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["knn", "whiten"])
    ap.add_argument("--data", required=True)
    ap.add_argument("--seeds")
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--block", type=int, default=0, help="seeds per GEMM block (default: ~64 MB of distances)")
    ap.add_argument("--indices-out")
    args = ap.parse_args()

    x = np.load(args.data)
    times = []
    cpu = []
    result = None
    if args.mode == "knn":
        seeds = np.load(args.seeds).astype(np.int64) if args.seeds else np.arange(x.shape[0])
        block = args.block or max(1, (1 << 24) // x.shape[0])
        for _ in range(args.repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            result = knn_numpy(x, seeds, args.k, block)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
        if args.indices_out:
            np.save(args.indices_out, result.astype(np.int32))
    else:
        for _ in range(args.repeats):
            t0, c0 = time.perf_counter(), time.process_time()
            whiten_numpy(x)
            times.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
    print(
        json.dumps(
            {
                "mode": args.mode,
                "shape": list(x.shape),
                "times": times,
                "median": statistics.median(times),
                "cpu": cpu,
                "cpuMedian": statistics.median(cpu),
                "numpy": np.__version__,
                "blas": blas_info(),
                "env": {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_"))},
            }
        )
    )


if __name__ == "__main__":
    main()
