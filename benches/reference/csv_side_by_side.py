"""CSV loading side by side: modelbench's `data::load_csv` against pandas.read_csv on the same
100,000 x 20 numeric file, in one run, printing each median and the ratio.

Usage: cargo build --release --example csv_load_timing
       python3 benches/reference/csv_side_by_side.py [--rounds 3] [--loads 5] [--before OLD_EXAMPLE]

modelbench is timed three times per round: as it runs (a second thread hashes the bytes while
the rows are read; pandas.read_csv uses one core), with `--threads=hash-and-halves` (a third
thread also reads the second half of the rows) and with `--threads=one` (every step on one
core), so the one-core ratio is printed next to the default one.

The file is the one `benches/csv_loading.rs` and the example generate (the example writes it
when missing). Each round times the example (median of --loads loads, in process, after the file
is in the page cache) and then pandas (median of --loads reads); the rounds alternate so that a
busy machine slows both alike. Ratio = pandas time / modelbench time: >= 1 means modelbench is at
least as fast.

After the table it prints the CPU and one line for the lead's BENCHMARKS.md generator:
`TARGET csv-100k-x-20 <pandas/modelbench> 1.0 <met|not met>` (modelbench as it runs), and
`INFO csv-100k-x-20-one-thread <pandas/modelbench on one core>`.
"""

import argparse
import platform
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "target" / "release" / "examples" / "csv_load_timing"


def modelbench_ms(path, loads, example=EXAMPLE, threads=None):
    command = [str(example), str(path), str(loads)] + ([f"--threads={threads}"] if threads else [])
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return float(out.stdout.strip().split("\t")[1])


def pandas_ms(path, loads):
    times = []
    for _ in range(loads):
        started = time.perf_counter()
        pd.read_csv(path)
        times.append((time.perf_counter() - started) * 1e3)
    return statistics.median(times)


def cpu_name():
    """The CPU's model name as lscpu gives it (the platform's processor string otherwise)."""
    try:
        out = subprocess.run(["lscpu"], check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor() or "unknown CPU"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--before", type=Path, help="an older build of the example, timed in the same rounds")
    args = parser.parse_args()
    path = Path(tempfile.gettempdir()) / "modelbench-bench" / "numeric_100000x20.csv"
    if not path.exists():
        # Without a path the example writes the generated file first.
        subprocess.run([str(EXAMPLE)], check=True, capture_output=True)
    ours, ours_halves, ours_one, theirs, before = [], [], [], [], []
    for _ in range(args.rounds):
        ours.append(modelbench_ms(path, args.loads))
        ours_halves.append(modelbench_ms(path, args.loads, threads="hash-and-halves"))
        ours_one.append(modelbench_ms(path, args.loads, threads="one"))
        theirs.append(pandas_ms(path, args.loads))
        if args.before:
            before.append(modelbench_ms(path, args.loads, args.before))
    mb, pdm = statistics.median(ours), statistics.median(theirs)
    one, halves = statistics.median(ours_one), statistics.median(ours_halves)
    print(f"file: {path} ({path.stat().st_size / 1e6:.1f} MB), pandas {pd.__version__}")
    print(f"modelbench load_csv: {mb:.1f} ms (rounds: {', '.join(f'{t:.0f}' for t in ours)})")
    print(f"modelbench, halves on two threads: {halves:.1f} ms (rounds: {', '.join(f'{t:.0f}' for t in ours_halves)})")
    print(f"modelbench, one thread: {one:.1f} ms (rounds: {', '.join(f'{t:.0f}' for t in ours_one)})")
    print(f"pandas.read_csv:     {pdm:.1f} ms (rounds: {', '.join(f'{t:.0f}' for t in theirs)})")
    if before:
        old = statistics.median(before)
        print(f"before ({args.before}): {old:.1f} ms (rounds: {', '.join(f'{t:.0f}' for t in before)}), "
              f"ratio pandas/before: {pdm / old:.2f}")
    ratio = pdm / mb
    print(f"ratio pandas/modelbench: {ratio:.2f} ({'at least as fast' if ratio >= 1 else f'{mb / pdm:.1f}x slower'})")
    print(f"ratio pandas/modelbench with halves on two threads: {pdm / halves:.2f}")
    print(f"ratio pandas/modelbench on one thread: {pdm / one:.2f}")
    print(f"cpu: {cpu_name()}")
    print(f"TARGET csv-100k-x-20 {ratio:.2f} 1.0 {'met' if ratio >= 1.0 else 'not met'}")
    print(f"INFO csv-100k-x-20-one-thread {pdm / one:.2f}")


if __name__ == "__main__":
    main()
