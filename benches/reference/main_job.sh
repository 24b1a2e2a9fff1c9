#!/bin/sh
# The README's main job end to end, and what parallel cells do to the timings (BENCHMARKS.md,
# "End to end: the main job"). Run from the repository root after `cargo build --release`:
#
#     sh benches/reference/main_job.sh [OUT_DIR]
#
# 1. `modelbench compare` with its defaults (every default model on every bundled dataset,
#    claims' experiments included): wall and CPU time.
# 2. Per-cell overhead: a baseline model (no real fit) on the two largest datasets, 200 cells.
# 3. Timing noise: the same cells (five bundled datasets, --quick --repeats 1) twice with
#    --jobs 1 and twice with --jobs 2; per-cell fit-time ratios between the runs.
set -e
BIN=target/release/modelbench
OUT=${1:-/tmp/modelbench-main-job}
rm -rf "$OUT"
mkdir -p "$OUT"
lscpu | grep 'Model name'
echo "cores: $(getconf _NPROCESSORS_ONLN)"  # not nproc: it honours OMP_NUM_THREADS=1
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -o "$OUT/main_time.txt" -f "main job: %e s wall, %U s user, %S s sys" \
    "$BIN" compare --out "$OUT/main" >/dev/null
cat "$OUT/main_time.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
# The target: the main job in at most 120 s of wall time on 2 cores.
awk '/^main job:/ { printf "TARGET main-job-seconds %s <=120 %s\n", $3, ($3 <= 120 ? "met" : "not met") }' \
    "$OUT/main_time.txt"
python3 benches/reference/time_by_cell.py "$OUT/main/results.json" | head -8

/usr/bin/time -f "overhead: 200 majority cells: %e s wall, %U s user, %S s sys" \
    "$BIN" compare datasets/digits.csv datasets/winequality_red.csv --models majority \
    --quick --repeats 20 --jobs 1 --out "$OUT/overhead" >/dev/null

SUBSET="datasets/breast_cancer.csv datasets/diabetes.csv datasets/iris.csv datasets/wine.csv datasets/winequality_red.csv"
for run in j1a:1 j2a:2 j1b:1 j2b:2; do
    name=${run%:*}
    jobs=${run#*:}
    # shellcheck disable=SC2086
    /usr/bin/time -f "$name (--jobs $jobs): %e s wall, %U s user, %S s sys" \
        "$BIN" compare $SUBSET --quick --repeats 1 --jobs "$jobs" --out "$OUT/$name" >/dev/null
done
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "--jobs 1 against --jobs 1 (the noise without parallel cells):"
python3 benches/reference/jobs_noise.py "$OUT/j1a/results.json" "$OUT/j1b/results.json"
echo "--jobs 2 against --jobs 1, first pair:"
python3 benches/reference/jobs_noise.py "$OUT/j1a/results.json" "$OUT/j2a/results.json"
echo "--jobs 2 against --jobs 1, second pair:"
python3 benches/reference/jobs_noise.py "$OUT/j1b/results.json" "$OUT/j2b/results.json"
echo "--jobs 2 against --jobs 2:"
python3 benches/reference/jobs_noise.py "$OUT/j2a/results.json" "$OUT/j2b/results.json"
