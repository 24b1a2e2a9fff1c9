"""Where a comparison's time went: summed fit and predict milliseconds per model and experiment
(main, tuning grid, learning curves) from a run's results.json, largest first.

    python3 benches/reference/time_by_cell.py reports/run-XXXX/results.json [--by-dataset]
"""
import json
import signal
import sys
from collections import defaultdict


def experiment(cell):
    if cell.get("setting"):
        return "grid"
    if cell.get("train_percent"):
        return "curve"
    return "main"


def main():
    path = sys.argv[1]
    by_dataset = "--by-dataset" in sys.argv
    results = json.load(open(path))
    fit = defaultdict(float)
    predict = defaultdict(float)
    count = defaultdict(int)
    statuses = defaultdict(int)
    for cell in results["cells"]:
        statuses[cell["status"]] += 1
        m = cell.get("measurement")
        key = (cell["model"], experiment(cell)) + ((cell["dataset"],) if by_dataset else ())
        count[key] += 1
        if m:
            fit[key] += m["fit_ms"]
            predict[key] += m["predict_ms"]
    total_fit = sum(fit.values())
    total_predict = sum(predict.values())
    print(f"cells {len(results['cells'])}  statuses {dict(statuses)}")
    print(f"fit {total_fit / 1000:.1f} s  predict {total_predict / 1000:.1f} s")
    print(f"{'model':<18}{'experiment':<11}{'dataset':<17}{'cells':>6}{'fit s':>9}{'pred s':>8}{'share':>7}")
    for key in sorted(fit, key=lambda k: -fit[k] - predict[k]):
        model, exp = key[0], key[1]
        ds = key[2] if by_dataset else ""
        share = (fit[key] + predict[key]) / max(total_fit + total_predict, 1e-9)
        print(f"{model:<18}{exp:<11}{ds:<17}{count[key]:>6}{fit[key] / 1000:>9.2f}"
              f"{predict[key] / 1000:>8.2f}{share:>7.1%}")


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # quiet when piped into `head`
    main()
