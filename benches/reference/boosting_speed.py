#!/usr/bin/env python3
"""gradient-boosting's fit time beside LightGBM's and scikit-learn's, on the same folds.

Usage (from the crate root, after `cargo build --release`):
    python3 benches/reference/boosting_speed.py [--folds 5] [--rows 100000]

For digits, winequality_red and a generated binary set (scikit-learn's make_classification,
100,000 x 20, random_state=0, written to target/reference/binary_100k_20.csv), runs
`modelbench compare <csv> --models gradient-boosting --quick --jobs 1`, reads each fold's fit
time and accuracy from its results.json, then fits on the same training rows, one thread each:
lightgbm.LGBMClassifier(n_estimators=100, num_threads=1) and scikit-learn's
HistGradientBoostingClassifier() (defaults; OpenMP limited to one thread). Prints per dataset
the median fit times, the mean accuracies, and the ratios modelbench / LightGBM (target: at
most 1.5) and modelbench / scikit-learn. The three run one after another on the same machine,
so the ratios hold even when absolute times move with the machine's load.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import lightgbm  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.metrics import accuracy_score  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402


def generated(rows, root):
    path = root / "target" / "reference" / f"binary_{rows // 1000}k_20.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        x, y = make_classification(n_samples=rows, n_features=20, random_state=0)
        frame = pd.DataFrame(x, columns=[f"x{i}" for i in range(20)])
        frame["target"] = y
        frame.to_csv(path, index=False, float_format="%.6g")
    return path


def modelbench_run(csv, folds, root, out):
    subprocess.run([str(root / "target" / "release" / "modelbench"), "compare", str(csv),
                    "--models", "gradient-boosting", "--quick", "--jobs", "1",
                    "--folds", str(folds), "--repeats", "1", "--out", str(out)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.loads((out / "results.json").read_text())


def load(dataset, root):
    path = Path(dataset["path"])
    frame = pd.read_csv(path if path.is_absolute() else root / path)
    y_raw = frame[dataset["target"]]
    x = frame.drop(columns=[dataset["target"]]).to_numpy(dtype=float)
    index = {name: i for i, name in enumerate(dataset["class_names"])}
    y = np.array([index[str(int(v)) if float(v).is_integer() else str(v)] for v in y_raw])
    return x, y


def timed_fit(model, x, y):
    started = time.perf_counter()
    model.fit(x, y)
    return (time.perf_counter() - started) * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    root = Path(__file__).resolve().parents[2]
    csvs = [root / "datasets" / "digits.csv", root / "datasets" / "winequality_red.csv",
            generated(args.rows, root)]
    print(f"{'dataset':<18} {'mb fit ms':>10} {'lgbm ms':>9} {'sk ms':>9} {'mb/lgbm':>8} "
          f"{'mb/sk':>6} {'mb acc':>7} {'lgbm acc':>8} {'sk acc':>7}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp, threadpool_limits(limits=1):
        for csv in csvs:
            results = modelbench_run(csv, args.folds, root, Path(tmp) / csv.stem)
            dataset = results["datasets"][0]
            x, y = load(dataset, root)
            cells = [c for c in results["cells"] if c["status"] == "ok"]
            assignment = np.array(dataset["fold_plan"]["assignments"][0])
            lgbm_ms, sk_ms, lgbm_acc, sk_acc = [], [], [], []
            for fold in range(args.folds):
                train, test = assignment != fold, assignment == fold
                lgbm = lightgbm.LGBMClassifier(n_estimators=100, num_threads=1, verbose=-1)
                lgbm_ms.append(timed_fit(lgbm, x[train], y[train]))
                lgbm_acc.append(accuracy_score(y[test], lgbm.predict(x[test])))
                sk = HistGradientBoostingClassifier(random_state=0)
                sk_ms.append(timed_fit(sk, x[train], y[train]))
                sk_acc.append(accuracy_score(y[test], sk.predict(x[test])))
            mb_ms = statistics.median(c["measurement"]["fit_ms"] for c in cells)
            mb_acc = statistics.mean(c["measurement"]["scores"]["test"]["accuracy"] for c in cells)
            ratio = mb_ms / statistics.median(lgbm_ms)
            worst = max(worst, ratio)
            print(f"{csv.stem:<18} {mb_ms:>10.1f} {statistics.median(lgbm_ms):>9.1f} "
                  f"{statistics.median(sk_ms):>9.1f} {ratio:>8.2f} "
                  f"{mb_ms / statistics.median(sk_ms):>6.2f} {mb_acc:>7.4f} "
                  f"{statistics.mean(lgbm_acc):>8.4f} {statistics.mean(sk_acc):>7.4f}")
    print(f"\nslowest modelbench / LightGBM fit-time ratio: {worst:.2f} (target: at most 1.5)")
    print("times are medians over the folds; accuracies means; one thread on every side")
    # Issue 10's target, collected by regenerate_benchmarks.py.
    print(f"TARGET gradient-boosting-fit-over-lightgbm {worst:.2f} <=1.5 "
          f"{'met' if worst <= 1.5 else 'not met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
