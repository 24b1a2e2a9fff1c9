"""Timing noise of parallel cells: the same cells' fit times in two runs of the same plan
(same seed, so the same fits), e.g. one with --jobs 1 and one with --jobs 2, or two with
--jobs 1 as the baseline noise. Prints, over cells whose fit took at least MIN_MS in the first
run, the median and the 10th/90th percentiles of the per-cell ratio B/A, and the ratio of the
summed fit times.

    python3 benches/reference/jobs_noise.py A/results.json B/results.json [MIN_MS]
"""
import json
import statistics
import sys


def fit_times(path):
    cells = json.load(open(path))["cells"]
    times = {}
    for c in cells:
        m = c.get("measurement")
        if m:
            key = (c["dataset"], c["model"], c["repeat"], c["fold"], c.get("setting"),
                   c.get("train_percent"))
            times[key] = m["fit_ms"]
    return times


def quantile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main():
    a, b = fit_times(sys.argv[1]), fit_times(sys.argv[2])
    min_ms = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
    keys = [k for k in a if k in b and a[k] >= min_ms]
    ratios = [b[k] / a[k] for k in keys]
    print(f"cells compared (fit >= {min_ms:g} ms in A): {len(keys)}")
    print(f"per-cell fit time B/A: median {statistics.median(ratios):.3f}, "
          f"p10 {quantile(ratios, 0.1):.3f}, p90 {quantile(ratios, 0.9):.3f}")
    print(f"summed fit time B/A: {sum(b[k] for k in keys) / sum(a[k] for k in keys):.3f}")


if __name__ == "__main__":
    main()
