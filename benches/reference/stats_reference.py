#!/usr/bin/env python3
"""Reference numbers for modelbench's `src/stats` tests, computed with SciPy.

Usage: python3 benches/reference/stats_reference.py

Every input is fixed in this file; the output is Rust-ready tuples, 15 significant digits, that
were copied into the `#[cfg(test)]` modules of src/stats/*.rs (each test names the function of
this script its numbers came from). Rerun it to audit them; modelbench never needs Python.
Produced with SciPy 1.17.1, NumPy 2.4.6 and mpmath 1.3.0 (only for ln B, see
special_functions()).
"""
import math

import numpy as np
from scipy import special, stats


def g(x):
    """15 significant digits, in a form Rust parses as f64."""
    if math.isinf(x):
        return "f64::INFINITY" if x > 0 else "f64::NEG_INFINITY"
    return f"{x:.14e}"


def special_functions():
    print("// special_functions(): scipy.special.gammaln, betainc, gammainc, gammaincc; mpmath for ln B")
    for x in [0.5, 1.0, 1.5, 3.7, 10.0, 100.5, 1000.0]:
        print(f"    ({g(x)}, {g(special.gammaln(x))}),  // ln_gamma")
    # ln B(a, b): SciPy's betaln loses digits when one argument is large (3e-13 at a = 500,
    # 1e-9 at a = 1e6), so the tests take these from mpmath at 40 digits; both are printed.
    try:
        import mpmath
        mpmath.mp.dps = 40
    except ImportError:
        mpmath = None
    for a, b in [(500.0, 0.5), (0.5, 4.5), (30.0, 40.0), (5.0, 0.5), (1e6, 0.5), (2.5, 12.0)]:
        exact = g(float(mpmath.log(mpmath.beta(a, b)))) if mpmath else "(mpmath not installed)"
        print(f"    ({g(a)}, {g(b)}, {exact}),  // ln_beta: mpmath;"
              f" scipy.special.betaln gives {g(special.betaln(a, b))}")
    for a, b, x in [(0.5, 0.5, 0.3), (2.0, 3.0, 0.4), (5.0, 0.5, 0.9), (500.0, 0.5, 0.999),
                    (0.5, 4.5, 0.001), (30.0, 40.0, 0.45)]:
        print(f"    ({g(a)}, {g(b)}, {g(x)}, {g(special.betainc(a, b, x))}),  // beta_regularized")
    for a, x in [(0.5, 0.1), (1.0, 2.0), (2.5, 1.0), (10.0, 15.0), (100.0, 90.0), (3.0, 40.0)]:
        print(f"    ({g(a)}, {g(x)}, {g(special.gammainc(a, x))}, {g(special.gammaincc(a, x))}),"
              "  // gamma_p, gamma_q")


def student_t():
    print("// student_t(): scipy.stats.t.cdf(t, df)")
    for df in [1, 2, 5, 9, 30, 1000]:
        for t in [-50.0, -4.0, -1.0, 0.0, 0.7, 2.5, 50.0]:
            print(f"    ({g(t)}, {g(df)}, {g(stats.t.cdf(t, df))}),")
    print("// student_t(): scipy.stats.t.sf(t, df), far tails")
    for df in [1, 5, 30, 1000]:
        for t in [10.0, 50.0]:
            print(f"    ({g(t)}, {g(df)}, {g(stats.t.sf(t, df))}),")
    print("// student_t(): scipy.stats.t.ppf(p, df)")
    for df in [1, 2, 5, 9, 30, 1000, 2.5]:
        for p in [1e-10, 0.001, 0.025, 0.3, 0.5, 0.975, 0.999999]:
            print(f"    ({g(p)}, {g(df)}, {g(stats.t.ppf(p, df))}),")


def chi_squared_and_f():
    print("// chi_squared_and_f(): scipy.stats.chi2.sf(x, df)")
    for x, df in [(0.5, 1), (3.84, 1), (7.8, 3), (11.1, 5), (100.0, 10), (0.001, 2), (250.0, 200),
                  (0.0, 3)]:
        print(f"    ({g(x)}, {g(df)}, {g(stats.chi2.sf(x, df))}),")
    print("// chi_squared_and_f(): scipy.stats.f.sf(x, d1, d2)")
    for x, d1, d2 in [(1.0, 3, 12), (3.49, 3, 12), (0.2, 2, 8), (10.0, 5, 20), (50.0, 3, 100),
                      (2.5, 9, 81), (0.0, 3, 12)]:
        print(f"    ({g(x)}, {g(d1)}, {g(d2)}, {g(stats.f.sf(x, d1, d2))}),")


# The fold differences of the corrected-test examples: accuracy of a model minus the best, on ten
# folds of a 150-row data set (n_train = 135, n_test = 15), so each is a multiple of 1/15.
FOLD_STEPS = [1, 0, 0, 1, -1, 2, 0, 1, 0, 1]
N_TRAIN, N_TEST = 135, 15


def corrected():
    d = np.array(FOLD_STEPS) / 15.0
    j = len(d)
    mean, var = d.mean(), d.var(ddof=1)
    print(f"// corrected(): d = {FOLD_STEPS} / 15, n_train = {N_TRAIN}, n_test = {N_TEST}")
    print(f"    mean = {g(mean)}, var (ddof 1) = {g(var)}")
    for label, factor in [("Nadeau-Bengio 1/J + n_test/n_train", 1 / j + N_TEST / N_TRAIN),
                          ("pitfall 1/n + n_test/n_train, n = n_train + n_test",
                           1 / (N_TRAIN + N_TEST) + N_TEST / N_TRAIN),
                          ("uncorrected 1/J", 1 / j)]:
        scale = math.sqrt(factor * var)
        t = mean / scale
        p = 2 * stats.t.sf(abs(t), j - 1)
        print(f"    {label}: scale = {g(scale)}, t = {g(t)}, p = {g(p)}")
    scale = math.sqrt((1 / j + N_TEST / N_TRAIN) * var)
    for confidence in [0.95, 0.99]:
        lo, hi = stats.t.interval(confidence, j - 1, loc=mean, scale=scale)
        print(f"    confidence {confidence}: ci = ({g(lo)}, {g(hi)})")
    for rope in [0.01, 0.05, 0.2]:
        below = stats.t.cdf(-rope, j - 1, loc=mean, scale=scale)
        above = stats.t.sf(rope, j - 1, loc=mean, scale=scale)
        print(f"    rope {rope}: below = {g(below)}, inside = {g(1 - below - above)},"
              f" above = {g(above)}")


# Five data sets (rows) x four models (columns), accuracy; ties inside rows 2, 3 and 5.
SCORES = [
    [0.90, 0.85, 0.80, 0.70],
    [0.75, 0.75, 0.70, 0.60],
    [0.80, 0.82, 0.82, 0.82],
    [0.66, 0.70, 0.64, 0.60],
    [0.95, 0.95, 0.90, 0.90],
]


def ranking():
    scores = np.array(SCORES)
    n, k = scores.shape
    # Rank 1 = best: rank the negated scores; ties get the average rank (rankdata's default).
    ranks = np.array([stats.rankdata(-row) for row in scores])
    print("// ranking(): scipy.stats.rankdata(-row) per data set, then the column means")
    for row in ranks:
        print(f"    [{', '.join(g(r) for r in row)}],")
    print(f"    average ranks = [{', '.join(g(r) for r in ranks.mean(axis=0))}]")
    chi2, p = stats.friedmanchisquare(*scores.T)
    f = (n - 1) * chi2 / (n * (k - 1) - chi2)
    df1, df2 = k - 1, (k - 1) * (n - 1)
    print("// ranking(): scipy.stats.friedmanchisquare(*columns); Iman-Davenport F by formula,"
          " p from scipy.stats.f.sf")
    print(f"    chi2 = {g(chi2)}, p = {g(p)}")
    print(f"    F = {g(f)}, df = ({df1}, {df2}), p = {g(stats.f.sf(f, df1, df2))}")
    cd = 2.569 * math.sqrt(k * (k + 1) / (6 * n))
    print(f"    Nemenyi CD (k = {k}, N = {n}) = {g(cd)}")


if __name__ == "__main__":
    special_functions()
    student_t()
    chi_squared_and_f()
    corrected()
    ranking()
