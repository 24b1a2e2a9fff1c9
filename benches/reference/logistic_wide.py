#!/usr/bin/env python3
"""scikit-learn's LogisticRegression (lbfgs, C=1, tol 1e-4) on the first 4,000 rows of the wide
data set, with its iteration count and scipy's number of loss-and-gradient evaluations, beside
modelbench's `logistic` on the same rows (`examples/wide_fit_timing.rs`), alternating:

    cargo build --release --example wide_fit_timing
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python3 benches/reference/logistic_wide.py \\
        /tmp/modelbench-wide/wide_digits_5000x784.csv [--rounds 3]

The CSV is the one benches/reference/wide_end_to_end.py writes. Features are standardized as
the example does (constant columns set to 0). Prints wall and CPU seconds per fit on each side
and the median CPU-time ratio (scikit-learn / modelbench; above 1: modelbench faster). CPU time
is the figure to quote on a shared machine. max_iter is raised as in sklearn_folds.py so that
both sides run to the same tolerance.
"""
import argparse
import re
import statistics
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.optimize
import sklearn.linear_model._logistic as sk_logistic
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "target" / "release" / "examples" / "wide_fit_timing"

evaluations = {"count": 0}
_minimize = scipy.optimize.minimize


def counting_minimize(fun, *args, **kwargs):
    def counted(*a, **k):
        evaluations["count"] += 1
        return fun(*a, **k)
    return _minimize(counted, *args, **kwargs)


sk_logistic.optimize.minimize = counting_minimize


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("csv")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data = pd.read_csv(args.csv)
    y = data.iloc[:, -1].to_numpy()
    x = data.iloc[:, :-1].to_numpy(float)
    mean, std = x.mean(0), x.std(0)
    x = np.where(std > 0, (x - mean) / np.where(std > 0, std, 1), 0.0)
    ours, theirs = [], []
    for _ in range(args.rounds):
        text = subprocess.run([str(EXAMPLE), args.csv, "logistic", "1"], capture_output=True,
                              text=True, check=True).stdout
        print("modelbench", text.strip())
        ours.append(float(re.search(r"cpu ([0-9.]+) s", text).group(1)))
        evaluations["count"] = 0
        wall, cpu = time.perf_counter(), time.process_time()
        model = LogisticRegression(C=1.0, max_iter=10000).fit(x[:4000], y[:4000])
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        accuracy = (model.predict(x[4000:]) == y[4000:]).mean()
        print(f"scikit-learn logistic fit {wall:.3f} s (cpu {cpu:.3f} s) test acc {accuracy:.4f}"
              f" iterations {model.n_iter_[0]} evaluations {evaluations['count']}")
        theirs.append(cpu)
    ratio = statistics.median(theirs) / statistics.median(ours)
    print(f"median CPU s: scikit-learn {statistics.median(theirs):.3f}, modelbench "
          f"{statistics.median(ours):.3f}; ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
