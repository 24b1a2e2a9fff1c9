#!/usr/bin/env python3
"""Wide data end to end: `modelbench compare --quick --repeats 1` on a generated 5,000 x 784,
ten-class image set, then scikit-learn's replay of the same folds (sklearn_folds.py).

    python3 benches/reference/wide_end_to_end.py [--workdir /tmp/modelbench-wide]
        [--models a,b] [--jobs N] [--skip-replay] [--rows 5000]

The data set. Wide data in practice means images or bag-of-words, so the set is built to look
like MNIST rather than like Gaussian blobs: scikit-learn's 1,797 8 x 8 handwritten digits
(bundled with scikit-learn, no download), each drawn up to 20 x 20 by bilinear interpolation,
placed at a random offset of up to +-2 pixels inside a 28 x 28 frame (MNIST's layout: a 20 x 20
digit centred in 28 x 28), with a little Gaussian ink noise, clipped and rounded to integer
intensities 0..255. That keeps what makes wide data hard for the implementations measured here:
784 correlated features, many that are constant (always-blank border pixels: scaling must cope
with zero variance), integer-valued pixels, ten classes. `make_classification` would give 784
independent Gaussian columns with no constant ones, which flatters tree binning and scaling.
Rows are drawn from the 1,797 digits with replacement, each with its own offset and noise, from
numpy's RandomState(0): the file is the same on every run (same numpy/scipy versions).

The timings. Our wall time is the `compare` process (workers included) measured here; the
replay's is sklearn_folds.py's own "replay wall time" (it loads the CSV with pandas, standardizes
where modelbench does, fits and predicts every fold on one thread). Per model, mean fit and
predict per fold on each side come from the results file and the replay's totals. The last lines
are `TARGET <name> <ratio> <threshold> <met|not met>` for BENCHMARKS.md's generator:
- wide-compare-quick-minutes: our wall minutes (target: at most 5);
- wide-replay-vs-ours: replay wall / our wall (target: at least 3);
- logistic-vs-sklearn-wide: scikit-learn's LogisticRegression(lbfgs) summed fit time over the
  folds / ours (target: at least 1.0, i.e. our fit takes at most scikit-learn's time).
"""
import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(os.environ.get("MODELBENCH_BIN") or Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "modelbench")


def cpu_name():
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def image_set(rows, seed=0):
    """(x, y): `rows` 28 x 28 digit images as integer intensities 0..255, and their labels."""
    from scipy.ndimage import zoom
    from sklearn.datasets import load_digits

    digits = load_digits()
    # 8 x 8 with values 0..16 -> 20 x 20 with values 0..255, once per source digit.
    big = np.stack([zoom(image, 2.5, order=1) for image in digits.images]) * (255.0 / 16.0)
    rng = np.random.RandomState(seed)
    pick = rng.randint(0, len(big), size=rows)
    offsets = rng.randint(-2, 3, size=(rows, 2))
    noise = rng.normal(0.0, 12.0, size=(rows, 20, 20))
    x = np.zeros((rows, 28, 28))
    for i in range(rows):
        top, left = 4 + offsets[i, 0], 4 + offsets[i, 1]
        ink = big[pick[i]]
        # Noise only where there is ink, as on a scanned page: blank pixels stay 0.
        x[i, top:top + 20, left:left + 20] = np.where(ink > 0, ink + noise[i], 0.0)
    x = np.clip(np.rint(x), 0, 255).astype(np.int64).reshape(rows, 784)
    return x, digits.target[pick]


def write_csv(path, x, y):
    header = ",".join(f"p{i}" for i in range(x.shape[1])) + ",digit"
    with open(path, "w") as f:
        f.write(header + "\n")
        for row, label in zip(x, y):
            f.write(",".join(map(str, row)) + f",{label}\n")


def replay_table(text):
    """model -> (mb fit+pred s, sk fit+pred s, mb fit s, sk fit s) from sklearn_folds.py's totals."""
    totals = {}
    in_table = False
    for line in text.splitlines():
        if line.startswith("model") and "mb fit+pred s" in line:
            in_table = True
            continue
        if in_table:
            parts = line.split()
            if not parts or parts[0] == "all":
                break
            totals[parts[0]] = tuple(float(v) for v in (parts[1], parts[2], parts[4], parts[5]))
    wall = re.search(r"replay wall time .*?: ([0-9.]+) s", text)
    return totals, (float(wall.group(1)) if wall else None)


def verdict(ok):
    return "met" if ok else "not met"


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", default="/tmp/modelbench-wide")
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--models", help="comma-separated subset (default: modelbench's defaults)")
    parser.add_argument("--jobs", type=int, help="compare --jobs (default: modelbench's default)")
    parser.add_argument("--skip-replay", action="store_true", help="time modelbench only")
    args = parser.parse_args()

    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    csv = work / f"wide_digits_{args.rows}x784.csv"
    if not csv.exists():
        x, y = image_set(args.rows)
        write_csv(csv, x, y)
    out = work / "run"
    shutil.rmtree(out, ignore_errors=True)

    print(f"CPU: {cpu_name()}, {os.cpu_count()} cores; load before {os.getloadavg()[0]:.1f}")
    print(f"data: {csv} ({args.rows} x 784, 10 classes, {csv.stat().st_size / 1e6:.1f} MB)")
    command = [str(BIN), "compare", str(csv), "--quick", "--repeats", "1", "--out", str(out)]
    if args.models:
        command += ["--models", args.models]
    if args.jobs:
        command += ["--jobs", str(args.jobs)]
    print("$ " + " ".join(command))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    ours_wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        print(f"modelbench compare failed (exit status {done.returncode})")
        return 1
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"modelbench compare: {ours_wall:.1f} s wall ({ours_wall / 60:.2f} min), {cpu:.1f} s CPU")

    results = json.loads((out / "results.json").read_text())
    ours = {}
    statuses = {}
    for cell in results["cells"]:
        statuses.setdefault(cell["model"], []).append(cell["status"])
        m = cell.get("measurement")
        if cell["status"] == "ok" and m:
            entry = ours.setdefault(cell["model"], [0, 0.0, 0.0, []])
            entry[0] += 1
            entry[1] += m["fit_ms"] / 1e3
            entry[2] += m.get("predict_ms", 0.0) / 1e3
            entry[3].append(m["scores"]["test"]["accuracy"])
    cell_seconds = sum(v[1] + v[2] for v in ours.values())
    print(f"cells {len(results['cells'])}; summed fit+predict {cell_seconds:.1f} s (wall time of "
          f"each cell; above the run's CPU time when parallel cells shared busy cores)")
    if cpu > cell_seconds:
        print(f"the rest of the CPU time, {cpu - cell_seconds:.1f} s, is worker start-up, loading, "
              "scaling, training-set predictions, analysis and reports")

    sk = {}
    replay_wall = None
    if not args.skip_replay:
        replay = [sys.executable, str(ROOT / "benches/reference/sklearn_folds.py"),
                  str(out / "results.json"), "--root", str(ROOT)]
        if args.models:
            replay += ["--models", args.models]
        print("$ " + " ".join(replay))
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        text = subprocess.run(replay, capture_output=True, text=True, env=env).stdout
        (work / "replay.txt").write_text(text)
        print(f"(the replay's own output: {work / 'replay.txt'})")
        sk, replay_wall = replay_table(text)
        if replay_wall is None:
            print(text[-3000:])

    print(f"\n{'model':<20}{'folds':>6}{'acc':>7}{'fit s':>9}{'sk fit s':>10}{'pred s':>9}"
          f"{'sk pred s':>10}{'fit sk/mb':>10}  statuses")
    for name, (folds, fit, predict, accuracy) in sorted(ours.items(), key=lambda kv: -kv[1][1]):
        line = (f"{name:<20}{folds:>6}{sum(accuracy) / folds:>7.3f}{fit / folds:>9.3f}")
        if name in sk:
            _, sk_total, _, sk_fit = sk[name]
            line += (f"{sk_fit / folds:>10.3f}{predict / folds:>9.3f}"
                     f"{(sk_total - sk_fit) / folds:>10.3f}{sk_fit / max(fit, 1e-9):>10.2f}")
        else:
            line += f"{'-':>10}{predict / folds:>9.3f}{'-':>10}{'-':>10}"
        others = sorted({s for s in statuses[name] if s != "ok"})
        print(line + ("  " + ",".join(others) if others else ""))
    for name, states in statuses.items():
        if name not in ours:
            print(f"{name:<20} no cell ok: {sorted(set(states))}")

    minutes = ours_wall / 60
    if replay_wall is not None:
        ours_sum = sum(v[0] for v in sk.values())
        sk_sum = sum(v[1] for v in sk.values())
        print(f"\nreplay wall {replay_wall:.1f} s against modelbench's {ours_wall:.1f} s: "
              f"{replay_wall / ours_wall:.2f}x; summed fit+predict of the replayed models "
              f"{sk_sum:.1f} s against {ours_sum:.1f} s: {sk_sum / max(ours_sum, 1e-9):.2f}x")
    print(f"CPU: {cpu_name()}; load after {os.getloadavg()[0]:.1f}")
    if args.models is None and args.rows == 5000:
        print(f"TARGET wide-compare-quick-minutes {minutes:.2f} <=5 {verdict(minutes <= 5)}")
        if replay_wall is not None:
            ratio = replay_wall / ours_wall
            print(f"TARGET wide-replay-vs-ours {ratio:.2f} 3 {verdict(ratio >= 3)}")
    if "logistic" in sk and sk["logistic"][2] > 0:
        ratio = sk["logistic"][3] / sk["logistic"][2]
        print(f"TARGET logistic-vs-sklearn-wide {ratio:.2f} 1.0 {verdict(ratio >= 1.0)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
