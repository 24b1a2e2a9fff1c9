#!/usr/bin/env python3
"""The article's numpy network and the training steps of modelbench's benches, timed in numpy.

Usage: python3 benches/reference/article_numpy.py [--csv PATH] [--quick]

Prints, each as the median of several samples:
- the article's two-layer network (4 x 3 -> 1), its whole 10000 iterations, written as the
  article writes it (numpy.exp sigmoid, "error times slope", l0.T.dot(delta));
- one full-batch training step with biases and the mean gradient, the same arithmetic as
  modelbench's `Network::train_step`, at the digits-like shapes (1437 and 1797 x 64 -> 32 -> 10,
  float64) and the mnist-like shape (5000 x 784 -> 128 -> 10, float32), with GFLOP/s counted
  as in the Rust bench (2*m*n*k per matrix product);
- numpy's matrix-product rate at the shapes of `benches/matmul_peak.rs`;
- pandas.read_csv of the 100,000 x 20 numeric file of `benches/csv_loading.rs` (its path is
  printed by that bench's doc; the file is generated here with the same contents if missing).

Runs numpy on one BLAS thread (OPENBLAS_NUM_THREADS=1 unless already set), as the Rust code
runs on one core. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are left as the environment has them
and printed. A tool for people, not CI.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402  (after the thread setting)

ROWS, COLUMNS = 100_000, 20


def median_seconds(work, samples, calls):
    work()
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        for _ in range(calls):
            work()
        times.append((time.perf_counter() - started) / calls)
    return statistics.median(times)


def article_two_layer():
    """The article's first example, as its code runs it."""
    def nonlin(x, deriv=False):
        if deriv:
            return x * (1 - x)
        return 1 / (1 + np.exp(-x))

    x = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    y = np.array([[0, 0, 1, 1]]).T
    np.random.seed(1)
    syn0 = 2 * np.random.random((3, 1)) - 1
    for _ in range(10000):
        l0 = x
        l1 = nonlin(np.dot(l0, syn0))
        l1_error = y - l1
        l1_delta = l1_error * nonlin(l1, True)
        syn0 += np.dot(l0.T, l1_delta)
    return l1


def step_fixture(rows, inputs, hidden, outputs, dtype):
    rng = np.random.default_rng(7)
    x = rng.uniform(-1, 1, (rows, inputs)).astype(dtype)
    y = np.zeros((rows, outputs), dtype)
    y[np.arange(rows), rng.integers(0, outputs, rows)] = 1
    w1 = rng.uniform(-1, 1, (inputs, hidden)).astype(dtype)
    b1 = rng.uniform(-1, 1, hidden).astype(dtype)
    w2 = rng.uniform(-1, 1, (hidden, outputs)).astype(dtype)
    b2 = rng.uniform(-1, 1, outputs).astype(dtype)
    step = dtype(1.0 / rows)

    def train_step():
        nonlocal w1, b1, w2, b2
        l1 = 1 / (1 + np.exp(-(x @ w1 + b1)))
        l2 = 1 / (1 + np.exp(-(l1 @ w2 + b2)))
        d2 = (y - l2) * l2 * (1 - l2)
        d1 = (d2 @ w2.T) * l1 * (1 - l1)
        w2 += step * (l1.T @ d2)
        b2 += step * d2.sum(axis=0)
        w1 += step * (x.T @ d1)
        b1 += step * d1.sum(axis=0)

    flops = 2 * rows * (2 * inputs * hidden + 3 * hidden * outputs)
    return train_step, flops


def csv_file(path):
    if path and Path(path).exists():
        return Path(path)
    path = Path(path) if path else Path(tempfile.gettempdir()) / "modelbench-bench" / f"numeric_{ROWS}x{COLUMNS}.csv"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [",".join([f"x{j}" for j in range(COLUMNS - 1)] + ["y"])]
    for i in range(ROWS):
        lines.append(",".join(f"{((i * COLUMNS + j) * 2654435761 % 1000003) / 1000.0 - 500.0:.4f}"
                              for j in range(COLUMNS)))
    path.write_text("\n".join(lines) + "\n")
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv", help="the 100,000 x 20 file of benches/csv_loading.rs")
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    args = parser.parse_args()
    samples = 3 if args.quick else 9

    print(f"python {sys.version.split()[0]}, numpy {np.__version__}")
    try:
        from threadpoolctl import threadpool_info
        for info in threadpool_info():
            if info.get("internal_api") == "openblas":
                print(f"  BLAS: OpenBLAS {info['version']} ({info['architecture']}), {info['num_threads']} thread(s)")
                break
    except ImportError:
        pass
    for name in ("OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        print(f"  {name}={os.environ.get(name, '(unset)')}")

    seconds = median_seconds(article_two_layer, samples, 1)
    print(f"\narticle two-layer, 10000 iterations: {seconds * 1e3:.2f} ms")

    print(f"\n{'training step':<36} {'ms/step':>9} {'rows/s':>12} {'GFLOP/s':>8}")
    for name, rows, inputs, hidden, outputs, dtype in [
        ("digits 1437 x 64 -> 32 -> 10 f64", 1437, 64, 32, 10, np.float64),
        ("digits 1797 x 64 -> 32 -> 10 f64", 1797, 64, 32, 10, np.float64),
        ("digits 1437 x 64 -> 32 -> 10 f32", 1437, 64, 32, 10, np.float32),
        ("mnist 5000 x 784 -> 128 -> 10 f64", 5000, 784, 128, 10, np.float64),
        ("mnist 5000 x 784 -> 128 -> 10 f32", 5000, 784, 128, 10, np.float32),
    ]:
        work, flops = step_fixture(rows, inputs, hidden, outputs, dtype)
        started = time.perf_counter()
        work()
        calls = max(1, int(0.05 / max(time.perf_counter() - started, 1e-9)))
        seconds = median_seconds(work, samples, calls)
        print(f"{name:<36} {seconds * 1e3:>9.3f} {rows / seconds:>12.0f} {flops / seconds / 1e9:>8.1f}")

    print(f"\n{'matrix product':<36} {'ms':>9} {'GFLOP/s':>8}")
    rng = np.random.default_rng(3)
    for name, m, k, n, transposed in [
        ("square-1024", 1024, 1024, 1024, False),
        ("mnist-forward", 5000, 784, 128, False),
        ("mnist-weight-gradient", 784, 5000, 128, True),
        ("digits-forward", 1437, 64, 32, False),
    ]:
        for dtype in (np.float64, np.float32):
            a = rng.uniform(-1, 1, (k, m) if transposed else (m, k)).astype(dtype)
            b = rng.uniform(-1, 1, (k, n)).astype(dtype)
            c = np.empty((m, n), dtype)
            left = a.T if transposed else a
            work = lambda: np.matmul(left, b, out=c)  # noqa: E731
            started = time.perf_counter()
            work()
            calls = max(1, int(0.05 / max(time.perf_counter() - started, 1e-9)))
            seconds = median_seconds(work, samples, calls)
            label = f"{name} {np.dtype(dtype).name}"
            print(f"{label:<36} {seconds * 1e3:>9.3f} {2 * m * k * n / seconds / 1e9:>8.1f}")

    try:
        import pandas as pd
    except ImportError:
        print("\npandas not installed: CSV timing skipped")
        return 0
    path = csv_file(args.csv)
    seconds = median_seconds(lambda: pd.read_csv(path), max(3, samples // 2), 1)
    print(f"\npandas {pd.__version__} read_csv {path} ({path.stat().st_size / 1e6:.1f} MB): {seconds * 1e3:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
