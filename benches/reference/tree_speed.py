#!/usr/bin/env python3
"""decision-tree and random-forest fit times beside scikit-learn's, on the same folds.

Usage (from the crate root, after `cargo build --release`):
    python3 benches/reference/tree_speed.py [--folds 3] [--repeats 5] [--rows 100000]
                                            [--small-cells 400000] [--quick]

Datasets: digits and winequality_red (datasets/), a generated binary set (scikit-learn's
make_classification, 100,000 x 20, random_state=0, as boosting_speed.py and svm_side_by_side.py
write it, target/reference/binary_100k_20.csv) and a generated wide set (make_classification,
5,000 x 784, 10 classes, n_informative=64, n_redundant=64, n_clusters_per_class=1,
class_sep=2.0, random_state=0, target/reference/wide_5k_784.csv). For each, runs `modelbench
compare <csv> --models decision-tree,random-forest --quick --jobs 1 --folds F --repeats R`,
reads each cell's fit time and test accuracy from its results.json, then fits scikit-learn's
DecisionTreeClassifier(random_state=r) and RandomForestClassifier(n_jobs=1, random_state=r)
(otherwise defaults) on the same training rows of the same folds (repeat r), one thread.

Small sets (at most --small-cells rows x features: digits, winequality_red) run --repeats
repeats, so that the accuracy comparison is not one draw of two random tree growers (a single
tree's accuracy moves by about 1 pp from seed to seed); large sets run one. On small sets the
smartcore models (decision-tree-smartcore, random-forest-smartcore) are timed too (they are far
slower on large ones).

Prints per dataset and model: median fit time (ms) of modelbench and scikit-learn over the
cells, the ratio modelbench / scikit-learn (target: at most 1.0), mean test accuracies and
their difference (target: within 1 percentage point), then one line per target:
    TARGET <name> <ratio> <threshold> <met|not met>
Both sides run one after the other on the same machine, so the ratios hold when absolute times
move with the machine's load.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.metrics import accuracy_score  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

MODELS = {
    "decision-tree": lambda seed: DecisionTreeClassifier(random_state=seed),
    "random-forest": lambda seed: RandomForestClassifier(n_jobs=1, random_state=seed),
}
SMARTCORE = {"decision-tree": "decision-tree-smartcore", "random-forest": "random-forest-smartcore"}


def generated(root, name, **params):
    path = root / "target" / "reference" / f"{name}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        x, y = make_classification(random_state=0, **params)
        frame = pd.DataFrame(x, columns=[f"x{i}" for i in range(x.shape[1])])
        frame["target"] = y
        frame.to_csv(path, index=False, float_format="%.6g")
    return path


def cpu_name():
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def modelbench_run(csv, models, folds, repeats, root, out):
    subprocess.run([str(root / "target" / "release" / "modelbench"), "compare", str(csv),
                    "--models", ",".join(models), "--quick", "--jobs", "1",
                    "--folds", str(folds), "--repeats", str(repeats), "--out", str(out)],
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


def ours(results, model):
    cells = [c for c in results["cells"] if c["model"] == model and c["status"] == "ok"]
    if not cells:
        return None, None
    return (statistics.median(c["measurement"]["fit_ms"] for c in cells),
            statistics.mean(c["measurement"]["scores"]["test"]["accuracy"] for c in cells))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5, help="repeats on small sets")
    parser.add_argument("--small-cells", type=int, default=400_000,
                        help="sets of at most this many rows x features count as small")
    parser.add_argument("--quick", action="store_true",
                        help="2 folds, 2 repeats on small sets, 20,000 generated rows")
    args = parser.parse_args()
    if args.quick:
        args.folds, args.repeats, args.rows = 2, 2, 20_000
    root = Path(__file__).resolve().parents[2]
    csvs = [
        ("digits", root / "datasets" / "digits.csv"),
        ("winequality_red", root / "datasets" / "winequality_red.csv"),
        (f"generated_{args.rows // 1000}k_20", generated(root, f"binary_{args.rows // 1000}k_20",
                                        n_samples=args.rows, n_features=20)),
        ("wide_5k_784", generated(root, "wide_5k_784", n_samples=5000, n_features=784,
                                  n_informative=64, n_redundant=64, n_classes=10,
                                  n_clusters_per_class=1, class_sep=2.0)),
    ]
    print(f"CPU: {cpu_name()}; one thread each side; {args.folds} folds, {args.repeats} repeats "
          "on small sets and 1 on large; times are medians over the cells, accuracies means")
    print(f"{'dataset':<18} {'model':<14} {'mb ms':>9} {'sk ms':>9} {'mb/sk':>6} {'mb acc':>7} "
          f"{'sk acc':>7} {'diff pp':>7} {'smartcore ms':>12} {'sc acc':>7}")
    targets = []
    with tempfile.TemporaryDirectory() as tmp, threadpool_limits(limits=1):
        for name, csv in csvs:
            frame_shape = pd.read_csv(csv, nrows=1).shape
            rows = sum(1 for _ in open(csv)) - 1
            small = rows * (frame_shape[1] - 1) <= args.small_cells
            with_smartcore = small
            repeats = args.repeats if small else 1
            models = list(MODELS) + ([SMARTCORE[m] for m in MODELS] if with_smartcore else [])
            results = modelbench_run(csv, models, args.folds, repeats, root, Path(tmp) / name)
            dataset = results["datasets"][0]
            x, y = load(dataset, root)
            for model, make in MODELS.items():
                sk_ms, sk_acc = [], []
                for repeat in range(repeats):
                    assignment = np.array(dataset["fold_plan"]["assignments"][repeat])
                    for fold in range(args.folds):
                        train, test = assignment != fold, assignment == fold
                        sk = make(repeat)
                        sk_ms.append(timed_fit(sk, x[train], y[train]))
                        sk_acc.append(accuracy_score(y[test], sk.predict(x[test])))
                mb_ms, mb_acc = ours(results, model)
                if mb_ms is None:
                    print(f"{name:<18} {model:<14} modelbench failed on every fold")
                    targets.append((f"{model}-{name}-fit", float("nan"), "1.0", "not met"))
                    continue
                sk_med, sk_mean = statistics.median(sk_ms), statistics.mean(sk_acc)
                sc_ms, sc_acc = ours(results, SMARTCORE[model]) if with_smartcore else (None, None)
                ratio = mb_ms / sk_med
                diff = (mb_acc - sk_mean) * 100
                sc = f"{sc_ms:>12.1f} {sc_acc:>7.4f}" if sc_ms is not None else f"{'-':>12} {'-':>7}"
                print(f"{name:<18} {model:<14} {mb_ms:>9.1f} {sk_med:>9.1f} {ratio:>6.2f} "
                      f"{mb_acc:>7.4f} {sk_mean:>7.4f} {diff:>+7.2f} {sc}")
                targets.append((f"{model}-fit-{name}-over-sklearn", ratio, "<=1.0",
                                "met" if ratio <= 1.0 else "not met"))
                targets.append((f"{model}-accuracy-gap-pp-{name}", abs(diff), "<=1.0",
                                "met" if abs(diff) <= 1.0 else "not met"))
    print()
    for target, ratio, threshold, verdict in targets:
        print(f"TARGET {target} {ratio:.2f} {threshold} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
