#!/usr/bin/env python3
"""The network's speed targets of issues 10 and 11, side by side in one run, as ratios.

Usage: python3 benches/reference/network_speed.py [--skip-cargo] [--quick] [--only mlp,steps,logistic]

Runs, in this order and on the same machine:
- mlp: `cargo bench --bench model_fits -- mlp_fit` (modelbench's `mlp` on digits' training rows
  and on the generated 100,000 x 20 two-class set), then scikit-learn's `MLPClassifier()` on the
  same standardized rows; prints median fit times, epochs and the ratio;
- steps: `cargo bench --bench training_step` (summary table), `--bench matmul_backends` and
  `--bench article`, then the numpy figures of `article_numpy.py`; prints the training-step,
  article and matrix-product ratios the targets of issue 11 name;
- logistic: modelbench's `logistic` fit (criterion's `model_fit_breast_cancer/logistic` of
  `model_fits`, plus digits through the same bench) beside `LogisticRegression()` (lbfgs).

Prints a Markdown section for BENCHMARKS.md with the CPU's name, then one line per target of
issue 11 that the steps section measures, `TARGET <name> <ratio> <threshold> <met|not met>`, and
`CPU <name>`, for the generator of BENCHMARKS.md to collect. With `--skip-cargo`, reads the
last criterion results and summary logs under target/ instead of running cargo. numpy and
scikit-learn run on one BLAS thread (OPENBLAS_NUM_THREADS=1 unless set), as modelbench does.
A tool for people, not CI: timings on a shared machine move; compare the ratios of one run.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
import article_numpy  # noqa: E402

warnings.filterwarnings("ignore", category=ConvergenceWarning)
ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
LOGS = TARGET / "network_speed"


def cpu_name():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        name = re.search(r"Model name:\s*(.+)", out).group(1).strip()
        flags = re.search(r"Flags:\s*(.+)", out).group(1).split()
        simd = "AVX-512" if "avx512f" in flags else ("AVX2" if "avx2" in flags else "no AVX2")
        return f"{name} ({simd}, {os.cpu_count()} CPUs)"
    except (OSError, AttributeError):
        return "unknown CPU"


def cargo_bench(bench, args=(), env=None, skip=False):
    """Runs one bench (or reads its last log) and returns its stdout."""
    LOGS.mkdir(parents=True, exist_ok=True)
    log = LOGS / f"{bench}{''.join('-' + a for a in args)}.log"
    if not skip:
        full_env = dict(os.environ, **(env or {}))
        out = subprocess.run(["cargo", "bench", "--bench", bench, "--", *args], cwd=ROOT, env=full_env,
                             capture_output=True, text=True, check=True).stdout
        log.write_text(out)
    return log.read_text() if log.exists() else ""


def criterion_median_s(group, name):
    """Median of criterion's last run of group/name, in seconds."""
    folder = TARGET / "criterion" / group / re.sub(r"[^\w.-]+", "_", name).strip("_")
    candidates = [folder, TARGET / "criterion" / group / name]
    for path in candidates:
        estimates = path / "new" / "estimates.json"
        if estimates.exists():
            return json.loads(estimates.read_text())["median"]["point_estimate"] / 1e9
    raise FileNotFoundError(f"no criterion result for {group}/{name} under {TARGET / 'criterion'}")


def median_fit_s(make, x, y, samples):
    times, model = [], None
    for _ in range(samples):
        model = make()
        started = time.perf_counter()
        model.fit(x, y)
        times.append(time.perf_counter() - started)
    return statistics.median(times), model


def digits_training_rows():
    frame = pd.read_csv(ROOT / "datasets" / "digits.csv")
    rows = np.arange(len(frame)) % 5 != 0
    x = frame.iloc[:, :-1].to_numpy(float)[rows]
    return StandardScaler().fit_transform(x), frame.iloc[:, -1].to_numpy()[rows]


def binary_rows():
    path = Path(tempfile.gettempdir()) / "modelbench-bench" / "binary_100000x20.csv"
    if not path.exists():
        raise FileNotFoundError(f"{path} is written by `cargo bench --bench model_fits -- mlp_fit`; run it first")
    frame = pd.read_csv(path)
    return StandardScaler().fit_transform(frame.iloc[:, :-1].to_numpy(float)), frame.iloc[:, -1].to_numpy()


def mlp_section(args, lines):
    out = cargo_bench("model_fits", ["mlp_fit"], skip=args.skip_cargo)
    runs = {m.group(1): (int(m.group(2)), float(m.group(3)))
            for m in re.finditer(r"mlp on (.+?): (\d+) epochs, one fit ([\d.]+) s", out)}
    lines.append("| mlp fit | modelbench `mlp` | scikit-learn `MLPClassifier()` | ratio (sk / mb) | target |")
    lines.append("|---|---|---|---|---|")
    for name, load, samples, how in [("digits 1437 x 64", digits_training_rows, 3, "criterion median"),
                                     ("binary 100000 x 19", binary_rows, 1, "one fit each")]:
        epochs, one_fit = runs.get(name, (0, float("nan")))
        ours = criterion_median_s("mlp_fit", name) if how == "criterion median" else one_fit
        x, y = load()
        theirs, model = median_fit_s(lambda: MLPClassifier(random_state=0), x, y, samples)
        lines.append(f"| {name} ({how}) | {ours:.3f} s ({epochs} epochs, {ours / max(epochs, 1) * 1e3:.1f} ms/epoch) | "
                     f"{theirs:.3f} s ({model.n_iter_} epochs, {theirs / model.n_iter_ * 1e3:.1f} ms/epoch) | "
                     f"{theirs / ours:.2f} | >= 1 |")


def target_line(name, ratio, threshold):
    """The machine-readable line of one target: higher ratios are better."""
    verdict = "met" if ratio >= threshold else "not met"
    return f"TARGET {name} {ratio:.3f} {threshold:g} {verdict}"


def summary_rows(text, pattern):
    return {m.group(1).strip(): m.groups()[1:] for m in re.finditer(pattern, text, re.M)}


def steps_section(args, lines, targets):
    steps = cargo_bench("training_step", env={"MODELBENCH_SUMMARY_ONLY": "1"}, skip=args.skip_cargo)
    backends = cargo_bench("matmul_backends", skip=args.skip_cargo)
    cargo_bench("article", skip=args.skip_cargo)
    # "f64    digits-full  1797 x 64 -> 32 -> 10   123.4   ...   GFLOP/s"
    ours_steps = {(m.group(1), m.group(2)): (float(m.group(3)), float(m.group(4)))
                  for m in re.finditer(r"^(f32|f64)\s+(\S+)\s+.*?\s([\d.]+)\s+\d+\s+([\d.]+)\s*$", steps, re.M)}
    # "mnist-forward   f32   10.4   19.1   20.3   20.1": matrixmultiply, gemm, our packed
    # product, then nn::mat_mul (what the step runs: packed in f32, gemm in f64).
    ours_products = {(m.group(1), m.group(2)): tuple(float(m.group(i)) for i in range(3, 7))
                     for m in re.finditer(r"^(\S+)\s+(f32|f64)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$",
                                          backends, re.M)}
    samples = 3 if args.quick else 9
    article_s = article_numpy.median_seconds(article_numpy.article_two_layer, samples, 1)
    ours_article = criterion_median_s("article", "two-layer 10000 iterations")
    lines.append("| figure | modelbench | numpy | ratio (numpy / mb) | target |")
    lines.append("|---|---|---|---|---|")
    lines.append(f"| article, 10000 iterations | {ours_article * 1e3:.3f} ms | {article_s * 1e3:.2f} ms | "
                 f"{article_s / ours_article:.0f} | >= 100 |")
    targets.append(target_line("article-vs-numpy", article_s / ours_article, 100))
    target_names = {("f64", "digits-full"): ("step-f64-digits-vs-numpy", 2.0),
                    ("f32", "mnist"): ("step-f32-mnist-vs-numpy", 1.5)}
    for key, rows, inputs, hidden, outputs, dtype, target in [
        (("f64", "digits-full"), 1797, 64, 32, 10, np.float64, ">= 2"),
        (("f32", "mnist"), 5000, 784, 128, 10, np.float32, ">= 1.5"),
        (("f64", "mnist"), 5000, 784, 128, 10, np.float64, "-"),
    ]:
        if key not in ours_steps:
            continue
        work, flops = article_numpy.step_fixture(rows, inputs, hidden, outputs, dtype)
        calls = max(1, int(0.05 / max(article_numpy.median_seconds(work, 1, 1), 1e-9)))
        numpy_s = article_numpy.median_seconds(work, samples, calls)
        ours_us, ours_gflops = ours_steps[key]
        lines.append(f"| step {key[0]} {rows} x {inputs} -> {hidden} -> {outputs} | {ours_us / 1e3:.3f} ms "
                     f"({ours_gflops:.1f} GFLOP/s) | {numpy_s * 1e3:.3f} ms ({flops / numpy_s / 1e9:.1f} GFLOP/s) | "
                     f"{numpy_s / (ours_us / 1e6):.2f} | {target} |")
        if key in target_names:
            target_name, threshold = target_names[key]
            targets.append(target_line(target_name, numpy_s / (ours_us / 1e6), threshold))
    for (name, kind), (mm, gemm, packed, chosen) in sorted(ours_products.items()):
        lines.append(f"| product {name} {kind} | matrixmultiply {mm:.1f}, gemm {gemm:.1f}, packed {packed:.1f}, "
                     f"mat_mul {chosen:.1f} GFLOP/s | | packed / gemm {packed / gemm:.2f} | |")
    best = max((max(v) for (name, t), v in ours_products.items() if t == "f32"), default=None)
    mnist = ours_steps.get(("f32", "mnist"))
    if best and mnist:
        lines.append(f"| step f32 mnist / best f32 product rate | {mnist[1]:.1f} / {best:.1f} GFLOP/s | | "
                     f"{mnist[1] / best:.0%} | >= 80% |")
        targets.append(target_line("step-f32-mnist-share-of-peak", mnist[1] / best, 0.8))


def logistic_section(args, lines, targets):
    out = cargo_bench("model_fits", ["logistic"], skip=args.skip_cargo)
    del out
    frame = pd.read_csv(ROOT / "datasets" / "breast_cancer.csv")
    rows = np.arange(len(frame)) % 5 != 0
    x = StandardScaler().fit_transform(frame.iloc[:, :-1].to_numpy(float)[rows])
    y = frame.iloc[:, -1].to_numpy()[rows]
    ours = criterion_median_s("model_fit_breast_cancer", "logistic")
    theirs, _ = median_fit_s(lambda: LogisticRegression(max_iter=10000), x, y, 9)
    lines.append("| logistic fit | modelbench `logistic` | scikit-learn `LogisticRegression()` | ratio (sk / mb) | target |")
    lines.append("|---|---|---|---|---|")
    lines.append(f"| breast_cancer 456 x 30 | {ours * 1e3:.2f} ms | {theirs * 1e3:.2f} ms | {theirs / ours:.2f} | >= 1 |")
    targets.append(target_line("logistic-breast_cancer-vs-sklearn", theirs / ours, 1.0))
    try:
        ours_digits = criterion_median_s("logistic_fit", "digits 1437 x 64")
    except FileNotFoundError:
        return
    xd, yd = digits_training_rows()
    theirs, _ = median_fit_s(lambda: LogisticRegression(max_iter=10000), xd, yd, 5)
    lines.append(f"| digits 1437 x 64 | {ours_digits * 1e3:.1f} ms | {theirs * 1e3:.1f} ms | {theirs / ours_digits:.2f} | >= 1 |")
    targets.append(target_line("logistic-digits-vs-sklearn", theirs / ours_digits, 1.0))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-cargo", action="store_true", help="read the last bench results instead of running cargo")
    parser.add_argument("--quick", action="store_true", help="fewer samples on the Python side")
    parser.add_argument("--only", default="mlp,steps,logistic")
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    import sklearn
    lines = [f"Measured on {cpu_name()}, one thread each side; python {sys.version.split()[0]}, numpy "
             f"{np.__version__}, scikit-learn {sklearn.__version__}, "
             f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}. "
             f"Command: `python3 benches/reference/network_speed.py{' ' + ' '.join(sys.argv[1:]) if sys.argv[1:] else ''}`.", ""]
    targets = []
    for name, section in [("mlp", mlp_section), ("steps", lambda a, l: steps_section(a, l, targets)),
                          ("logistic", lambda a, l: logistic_section(a, l, targets))]:
        if name in wanted:
            section(args, lines)
            lines.append("")
    lines.extend(targets)
    lines.append(f"CPU {cpu_name()}")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
