//! Special functions behind the distributions: the log-gamma function and the regularized
//! incomplete beta and gamma functions, in f64.
//!
//! Methods are the textbook ones (Numerical Recipes, 3rd ed., §6.1, §6.2 and §6.4): a Lanczos
//! approximation for ln Γ, a power series and a Lentz continued fraction for the incomplete gamma
//! function, and a Lentz continued fraction for the incomplete beta function. Each incomplete
//! function returns both the lower and the upper value, the smaller of the two computed directly,
//! so that far tails keep their relative accuracy instead of becoming `1 - (almost 1)`.
//!
//! This module does not validate arguments beyond what its callers in
//! [`distributions`](super::distributions) already ensure (positive shape parameters, `x` inside
//! the support); it is private to [`stats`](super) for that reason.

use std::f64::consts::PI;

/// Relative precision the continued fractions and series stop at.
const EPSILON: f64 = 1e-16;
/// Guards the Lentz recurrences against division by zero.
const TINY: f64 = 1e-300;
/// Iteration cap; convergence takes about √max(a, b) steps, so this allows shapes near 10⁹.
const MAX_ITERATIONS: usize = 100_000;

/// Godfrey's Lanczos coefficients for g = 7, n = 9 (relative error of Γ below 2e-15).
const LANCZOS_G: f64 = 7.0;
const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_9,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_1,
    -176.615_029_162_140_6,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_572e-6,
    1.505_632_735_149_311_6e-7,
];

/// ln Γ(x) for x > 0.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    if x < 0.5 {
        // Reflection, Γ(x) Γ(1 - x) = π / sin(πx), keeps the approximation where it is accurate.
        return (PI / (PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let z = x - 1.0;
    let mut sum = LANCZOS[0];
    for (i, coefficient) in LANCZOS.iter().enumerate().skip(1) {
        sum += coefficient / (z + i as f64);
    }
    let t = z + LANCZOS_G + 0.5;
    0.5 * (2.0 * PI).ln() + (z + 0.5) * t.ln() - t + sum.ln()
}

/// The remainder of Stirling's series, ln Γ(z) - [(z - 1/2) ln z - z + ln √(2π)], for z >= 10
/// (truncation error below 1e-17 there).
fn stirling_remainder(z: f64) -> f64 {
    // Σ B_2k / (2k (2k - 1) z^(2k-1)), k = 1..=7.
    const COEFFICIENTS: [f64; 7] = [
        1.0 / 12.0,
        -1.0 / 360.0,
        1.0 / 1260.0,
        -1.0 / 1680.0,
        1.0 / 1188.0,
        -691.0 / 360_360.0,
        1.0 / 156.0,
    ];
    let inverse_square = 1.0 / (z * z);
    let series = COEFFICIENTS
        .iter()
        .rev()
        .fold(0.0, |sum, coefficient| sum * inverse_square + coefficient);
    series / z
}

/// ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b).
///
/// When one argument is large (a t-test with many degrees of freedom has B(df/2, 1/2)),
/// ln Γ(large) - ln Γ(large + small) is a difference of two big numbers; Stirling's series
/// rearranged with ln_1p gives it without the cancellation (as TOMS 708's `algdiv` does).
pub(crate) fn ln_beta(a: f64, b: f64) -> f64 {
    let (small, large) = if a < b { (a, b) } else { (b, a) };
    if large < 10.0 {
        return ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b);
    }
    // ln Γ(g) - ln Γ(g + s) = -s ln g - (g + s - 1/2) ln(1 + s/g) + s + ω(g) - ω(g + s).
    let large_minus_sum = -small * large.ln() - (large + small - 0.5) * (small / large).ln_1p()
        + small
        + stirling_remainder(large)
        - stirling_remainder(large + small);
    ln_gamma(small) + large_minus_sum
}

/// The regularized incomplete beta function and its complement, `(I_x(a, b), 1 - I_x(a, b))`.
///
/// Takes `x` and `y = 1 - x` separately so that callers who know `y` more precisely than `1 - x`
/// (a Student-t tail far out, an F statistic near 0) do not lose it. Requires a, b > 0 and
/// x, y in [0, 1] with x + y = 1.
pub(crate) fn beta_regularized_pair(a: f64, b: f64, x: f64, y: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if y <= 0.0 {
        return (1.0, 0.0);
    }
    let ln_front = a * x.ln() + b * y.ln() - ln_beta(a, b);
    // The continued fraction converges fast for x below the mean-like point (a + 1)/(a + b + 2);
    // above it, use I_x(a, b) = 1 - I_y(b, a).
    if x < (a + 1.0) / (a + b + 2.0) {
        let lower = (ln_front.exp() * beta_continued_fraction(a, b, x) / a).clamp(0.0, 1.0);
        (lower, 1.0 - lower)
    } else {
        let upper = (ln_front.exp() * beta_continued_fraction(b, a, y) / b).clamp(0.0, 1.0);
        (1.0 - upper, upper)
    }
}

/// Continued fraction of the incomplete beta function (Numerical Recipes `betacf`), by the
/// modified Lentz method.
fn beta_continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    let guard = |v: f64| if v.abs() < TINY { TINY } else { v };
    let (sum_ab, a_plus, a_minus) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 / guard(1.0 - sum_ab * x / a_plus);
    let mut h = d;
    for m in 1..=MAX_ITERATIONS {
        let m = m as f64;
        let m2 = 2.0 * m;
        // Even step of the recurrence.
        let numerator = m * (b - m) * x / ((a_minus + m2) * (a + m2));
        d = 1.0 / guard(1.0 + numerator * d);
        c = guard(1.0 + numerator / c);
        h *= d * c;
        // Odd step.
        let numerator = -(a + m) * (sum_ab + m) * x / ((a + m2) * (a_plus + m2));
        d = 1.0 / guard(1.0 + numerator * d);
        c = guard(1.0 + numerator / c);
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < EPSILON {
            break;
        }
    }
    h
}

/// The regularized incomplete gamma functions `(P(a, x), Q(a, x))`, P + Q = 1, for a > 0,
/// x >= 0.
pub(crate) fn gamma_regularized_pair(a: f64, x: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if x.is_infinite() {
        return (1.0, 0.0);
    }
    let ln_front = -x + a * x.ln() - ln_gamma(a);
    if x < a + 1.0 {
        // Series: P(a, x) = e^-x x^a / Γ(a) Σ x^n / (a (a+1) ... (a+n)).
        let (mut term, mut sum, mut denominator) = (1.0 / a, 1.0 / a, a);
        for _ in 0..MAX_ITERATIONS {
            denominator += 1.0;
            term *= x / denominator;
            sum += term;
            if term.abs() < sum.abs() * EPSILON {
                break;
            }
        }
        let lower = (sum * ln_front.exp()).clamp(0.0, 1.0);
        (lower, 1.0 - lower)
    } else {
        // Continued fraction for Q (Numerical Recipes `gcf`), modified Lentz.
        let guard = |v: f64| if v.abs() < TINY { TINY } else { v };
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..=MAX_ITERATIONS {
            let i = i as f64;
            let numerator = -i * (i - a);
            b += 2.0;
            d = 1.0 / guard(numerator * d + b);
            c = guard(b + numerator / c);
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < EPSILON {
                break;
            }
        }
        let upper = (ln_front.exp() * h).clamp(0.0, 1.0);
        (1.0 - upper, upper)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// |actual - expected| <= tolerance * max(|expected|, tiny): relative, so tails count.
    fn assert_relative(actual: f64, expected: f64, tolerance: f64) {
        let error = (actual - expected).abs() / expected.abs().max(f64::MIN_POSITIVE);
        assert!(
            error <= tolerance,
            "actual {actual:e}, expected {expected:e}, relative error {error:e}"
        );
    }

    #[test]
    fn ln_gamma_matches_worked_values() {
        // Γ(1) = 1, Γ(5) = 4! = 24, Γ(1/2) = √π.
        assert!(ln_gamma(1.0).abs() < 1e-15);
        assert_relative(ln_gamma(5.0), 24f64.ln(), 1e-14);
        assert_relative(ln_gamma(0.5), PI.sqrt().ln(), 1e-14);
        // Reflection branch: Γ(1/4) Γ(3/4) = π √2.
        assert_relative(
            ln_gamma(0.25) + ln_gamma(0.75),
            (PI * 2f64.sqrt()).ln(),
            1e-14,
        );
    }

    #[test]
    fn ln_gamma_matches_scipy() {
        // benches/reference/stats_reference.py, special_functions(): scipy.special.gammaln(x).
        let cases = [
            (0.5, 5.72364942924700e-01),
            (1.5, -1.20782237635245e-01),
            (3.7, 1.42807232666539e+00),
            (10.0, 1.28018274800815e+01),
            (100.5, 3.61435540467778e+02),
            (1000.0, 5.90522042320918e+03),
        ];
        for (x, expected) in cases {
            assert_relative(ln_gamma(x), expected, 1e-13);
        }
    }

    #[test]
    fn ln_beta_matches_mpmath() {
        // B(1, b) = 1/b: ln B(1, 20) = -ln 20, through the large-argument branch.
        assert_relative(ln_beta(1.0, 20.0), -(20f64.ln()), 1e-15);
        // benches/reference/stats_reference.py, special_functions(): mpmath.log(mpmath.beta(a, b))
        // at 40 digits. Not SciPy here: scipy.special.betaln(500, 0.5) is itself off by 3e-13
        // and betaln(1e6, 0.5) by 1e-9 (the script prints both).
        let cases = [
            (500.0, 0.5, -2.53468910632806e+00),
            (0.5, 4.5, -1.51952316580803e-01),
            (30.0, 40.0, -4.83017490959161e+01),
            (5.0, 0.5, -2.07395194346071e-01),
            (1e6, 0.5, -6.33539021105744e+00),
            (2.5, 12.0, -6.07577512534228e+00),
        ];
        for (a, b, expected) in cases {
            assert_relative(ln_beta(a, b), expected, 1e-13);
        }
    }

    #[test]
    fn incomplete_beta_worked_example() {
        // I_x(1, b) = 1 - (1 - x)^b: I_0.2(1, 3) = 1 - 0.8³ = 1 - 0.512 = 0.488.
        let (lower, upper) = beta_regularized_pair(1.0, 3.0, 0.2, 0.8);
        assert_relative(lower, 0.488, 1e-14);
        assert_relative(upper, 0.512, 1e-14);
    }

    #[test]
    fn incomplete_beta_matches_scipy() {
        // benches/reference/stats_reference.py, special_functions(): scipy.special.betainc.
        let cases = [
            (0.5, 0.5, 0.3, 3.69010119565545e-01),
            (2.0, 3.0, 0.4, 5.24800000000000e-01),
            (5.0, 0.5, 0.9, 3.16642915020012e-01),
            (500.0, 0.5, 0.999, 3.17310447309717e-01),
            (0.5, 4.5, 0.001, 7.35386166311488e-02),
            (30.0, 40.0, 0.45, 6.44748008558567e-01),
        ];
        for (a, b, x, expected) in cases {
            let (lower, upper) = beta_regularized_pair(a, b, x, 1.0 - x);
            assert_relative(lower, expected, 1e-12);
            assert_relative(upper, 1.0 - expected, 1e-12);
        }
    }

    #[test]
    fn incomplete_gamma_worked_example() {
        // P(1, x) = 1 - e^-x: Q(1, 2) = e^-2 = 0.135335283236613.
        let (lower, upper) = gamma_regularized_pair(1.0, 2.0);
        assert_relative(upper, (-2f64).exp(), 1e-14);
        assert_relative(lower, 1.0 - (-2f64).exp(), 1e-14);
    }

    #[test]
    fn incomplete_gamma_matches_scipy() {
        // benches/reference/stats_reference.py, special_functions(): scipy.special.gammainc and
        // gammaincc; the last case checks that a far upper tail keeps its relative accuracy.
        let cases = [
            (0.5, 0.1, 3.45279153981423e-01, 6.54720846018577e-01),
            (2.5, 1.0, 1.50854963915390e-01, 8.49145036084610e-01),
            (10.0, 15.0, 9.30146339300590e-01, 6.98536606994099e-02),
            (100.0, 90.0, 1.58220989186430e-01, 8.41779010813570e-01),
            (3.0, 40.0, 9.99999999999996e-01, 3.57286592870023e-15),
        ];
        for (a, x, expected_lower, expected_upper) in cases {
            let (lower, upper) = gamma_regularized_pair(a, x);
            assert_relative(lower, expected_lower, 1e-12);
            assert_relative(upper, expected_upper, 1e-12);
        }
    }
}
