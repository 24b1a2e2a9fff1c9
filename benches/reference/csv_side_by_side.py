"""CSV loading side by side: modelbench's `data::load_csv` against pandas.read_csv on the same
100,000 x 20 numeric file, in one run, printing each median and the ratio.

Usage: cargo build --release --example csv_load_timing
       python3 benches/reference/csv_side_by_side.py [--rounds 3] [--loads 5]

The file is the one `benches/csv_loading.rs` and the example generate (the example writes it
when missing). Each round times the example (median of --loads loads, in process, after the file
is in the page cache) and then pandas (median of --loads reads); the rounds alternate so that a
busy machine slows both alike. Ratio = pandas time / modelbench time: >= 1 means modelbench is at
least as fast.
"""

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "target" / "release" / "examples" / "csv_load_timing"


def modelbench_ms(path, loads):
    out = subprocess.run([str(EXAMPLE), str(path), str(loads)], check=True, capture_output=True, text=True)
    return float(out.stdout.strip().split("\t")[1])


def pandas_ms(path, loads):
    times = []
    for _ in range(loads):
        started = time.perf_counter()
        pd.read_csv(path)
        times.append((time.perf_counter() - started) * 1e3)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--loads", type=int, default=5)
    args = parser.parse_args()
    path = Path(tempfile.gettempdir()) / "modelbench-bench" / "numeric_100000x20.csv"
    if not path.exists():
        # Without a path the example writes the generated file first.
        subprocess.run([str(EXAMPLE)], check=True, capture_output=True)
    ours, theirs = [], []
    for _ in range(args.rounds):
        ours.append(modelbench_ms(path, args.loads))
        theirs.append(pandas_ms(path, args.loads))
    mb, pdm = statistics.median(ours), statistics.median(theirs)
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB), pandas {pd.__version__}")
    print(f"modelbench load_csv: {mb:.1f} ms (rounds: {', '.join(f'{t:.0f}' for t in ours)})")
    print(f"pandas.read_csv:     {pdm:.1f} ms (rounds: {', '.join(f'{t:.0f}' for t in theirs)})")
    print(f"ratio pandas/modelbench: {pdm / mb:.2f} ({'at least as fast' if pdm >= mb else f'{mb / pdm:.1f}x slower'})")


if __name__ == "__main__":
    main()
