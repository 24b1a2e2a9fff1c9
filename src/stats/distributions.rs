//! The probability distributions behind the statistical tests: Student's t (CDF, survival
//! function, quantile), and the upper tails of the chi-squared and F distributions.
//!
//! Built on the regularized incomplete beta and gamma functions of the private `special`
//! module; accurate to about 1e-12 relative in the ranges tested against SciPy (degrees of
//! freedom 1 to 1000, |t| up to 50, tails down to 1e-274). Degrees of freedom are `f64` because
//! the distributions are defined for any positive value.
//!
//! Not here: argument checking with errors. These are numeric kernels: a NaN argument, degrees of
//! freedom that are not finite and positive, or a probability outside [0, 1] give NaN, as in
//! SciPy; the test functions in [`corrected`](super::corrected) and [`ranking`](super::ranking)
//! reject such inputs before they get here.

use super::special::{beta_regularized_pair, gamma_regularized_pair, ln_beta, ln_gamma};
use std::f64::consts::PI;

fn valid_df(df: f64) -> bool {
    df.is_finite() && df > 0.0
}

/// P(T > |t|) for T ~ t(df): the one-sided tail beyond |t| is I_x(df/2, 1/2) / 2 with
/// x = df / (df + t²), computed directly so that far tails keep their relative accuracy.
fn t_tail_beyond(t: f64, df: f64) -> f64 {
    let t = t.abs();
    let (a, b) = (0.5 * df, 0.5);
    let ln_ratio = df.ln() - 2.0 * t.ln();
    if ln_ratio < -600.0 {
        // x = df/t² would lose its digits to underflow although the tail, about x^(df/2), may
        // still be a normal number (df = 1, t = 1e200: tail 1.6e-201). The series
        // I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) (1 + O(x)) is exact to 1e-260 here.
        return 0.5 * (a * ln_ratio - a.ln() - ln_beta(a, b)).exp();
    }
    // x = df / (df + t²) and y = t² / (df + t²), written so that t² cannot overflow.
    let (x, y) = if t > 1.0 {
        let ratio = (df.sqrt() / t).powi(2);
        (ratio / (1.0 + ratio), 1.0 / (1.0 + ratio))
    } else {
        let t2 = t * t;
        (df / (df + t2), t2 / (df + t2))
    };
    0.5 * beta_regularized_pair(a, b, x, y).0
}

/// P(T <= t) for T ~ Student t with `df` degrees of freedom.
pub fn student_t_cdf(t: f64, df: f64) -> f64 {
    if t.is_nan() || !valid_df(df) {
        return f64::NAN;
    }
    let tail = t_tail_beyond(t, df);
    if t < 0.0 {
        tail
    } else {
        1.0 - tail
    }
}

/// P(T > t), the survival function; accurate in the far upper tail where `1 - cdf` is not.
pub fn student_t_sf(t: f64, df: f64) -> f64 {
    student_t_cdf(-t, df)
}

/// The density of Student's t, used by the quantile's Newton steps.
fn student_t_ln_pdf(t: f64, df: f64) -> f64 {
    let t = t.abs();
    // ln(1 + t²/df), written so that t² cannot overflow.
    let ln_kernel = if t > 1.0 {
        2.0 * t.ln() - df.ln() + (df / t / t).ln_1p()
    } else {
        (t * t / df).ln_1p()
    };
    ln_gamma(0.5 * (df + 1.0))
        - ln_gamma(0.5 * df)
        - 0.5 * (df * PI).ln()
        - 0.5 * (df + 1.0) * ln_kernel
}

/// The t with P(T <= t) = p for T ~ Student t with `df` degrees of freedom (SciPy's `t.ppf`).
///
/// p = 0 and p = 1 give -∞ and +∞. Solved by Newton's method on ln P(T > t) as a function of
/// ln t, safeguarded by bisection inside a bracket that is known to hold the root: below by the
/// density's maximum, above by the power-law bound on the tail.
pub fn student_t_quantile(p: f64, df: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) || !valid_df(df) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    // Solve P(T > t) = q for t >= 0, with q the smaller tail; symmetry gives the sign.
    let (q, sign) = if p < 0.5 { (p, -1.0) } else { (1.0 - p, 1.0) };
    if q == 0.5 {
        return 0.0;
    }
    let ln_pdf_at_zero = student_t_ln_pdf(0.0, df);
    // Lower bound: the density never exceeds pdf(0), so P(T > t) >= 1/2 - t pdf(0).
    let mut low = ((0.5 - q) / ln_pdf_at_zero.exp()).ln();
    // Upper bound: pdf(s) <= pdf(0) (s²/df)^(-(df+1)/2), so P(T > t) <= pdf(0) df^((df+1)/2)
    // t^-df / df; setting that to q gives a t at or beyond the root.
    let mut high = (ln_pdf_at_zero + 0.5 * (df - 1.0) * df.ln() - q.ln()) / df;
    let ln_max = f64::MAX.ln();
    if high > ln_max {
        if student_t_sf(f64::MAX, df) > q {
            return sign * f64::INFINITY;
        }
        high = ln_max;
    }
    let target = q.ln();
    let mut u = high;
    for _ in 0..500 {
        let t = u.exp();
        let survival = student_t_sf(t, df);
        let gap = survival.ln() - target;
        if gap == 0.0 {
            break;
        }
        // P(T > t) falls as t grows: a positive gap means t is still left of the root.
        if gap > 0.0 {
            low = u;
        } else {
            high = u;
        }
        // d ln P(T > e^u) / du = -t pdf(t) / P(T > t).
        let slope = -(t.ln() + student_t_ln_pdf(t, df) - survival.ln()).exp();
        let newton = u - gap / slope;
        let next = if newton > low && newton < high && newton.is_finite() {
            newton
        } else {
            0.5 * (low + high)
        };
        let converged = (next - u).abs() <= 4.0 * f64::EPSILON * u.abs().max(1.0)
            || (high - low) <= 4.0 * f64::EPSILON * u.abs().max(1.0);
        u = next;
        if converged {
            break;
        }
    }
    sign * u.exp()
}

/// P(X > x) for X ~ chi-squared with `df` degrees of freedom: Q(df/2, x/2).
pub fn chi_squared_sf(x: f64, df: f64) -> f64 {
    if x.is_nan() || !valid_df(df) {
        return f64::NAN;
    }
    gamma_regularized_pair(0.5 * df, 0.5 * x.max(0.0)).1
}

/// P(X > x) for X ~ F(d1, d2): I_z(d2/2, d1/2) with z = d2 / (d2 + d1 x).
pub fn f_sf(x: f64, d1: f64, d2: f64) -> f64 {
    if x.is_nan() || !valid_df(d1) || !valid_df(d2) {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    // z and 1 - z, written so that d1 x cannot overflow.
    let ratio = d2 / d1 / x;
    let (z, one_minus_z) = (ratio / (1.0 + ratio), 1.0 / (1.0 + ratio));
    beta_regularized_pair(0.5 * d2, 0.5 * d1, z, one_minus_z).0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative error, so that values like 1e-274 are held to the same standard as 0.5.
    fn assert_relative(actual: f64, expected: f64, tolerance: f64) {
        let error = if expected == 0.0 {
            actual.abs()
        } else {
            ((actual - expected) / expected).abs()
        };
        assert!(
            error <= tolerance,
            "actual {actual:e}, expected {expected:e}, relative error {error:e}"
        );
    }

    #[test]
    fn t_cdf_closed_forms() {
        // df = 1 is Cauchy: F(t) = 1/2 + atan(t)/π, so F(1) = 3/4.
        assert_relative(student_t_cdf(1.0, 1.0), 0.75, 1e-14);
        // df = 2: F(t) = 1/2 + t / (2 √(2 + t²)), so F(1) = 1/2 + 1/(2√3) = 0.788675134594813.
        assert_relative(
            student_t_cdf(1.0, 2.0),
            0.5 + 1.0 / (2.0 * 3f64.sqrt()),
            1e-14,
        );
        assert_eq!(student_t_cdf(0.0, 7.0), 0.5);
        assert_eq!(student_t_cdf(f64::INFINITY, 3.0), 1.0);
        assert_eq!(student_t_cdf(f64::NEG_INFINITY, 3.0), 0.0);
    }

    #[test]
    fn t_cdf_matches_scipy() {
        // benches/reference/stats_reference.py, student_t(): scipy.stats.t.cdf(t, df).
        let cases = [
            (-50.0, 1.0, 6.36534910097280e-03),
            (-4.0, 1.0, 7.79791303773693e-02),
            (0.7, 1.0, 6.94400112214215e-01),
            (2.5, 1.0, 8.78881058409157e-01),
            (50.0, 1.0, 9.93634650899027e-01),
            (-50.0, 2.0, 1.99880079944040e-04),
            (-1.0, 2.0, 2.11324865405187e-01),
            (2.5, 2.0, 9.35194139889245e-01),
            (-50.0, 5.0, 3.02387881330061e-08),
            (-4.0, 5.0, 5.16170774041573e-03),
            (0.7, 5.0, 7.42425525842592e-01),
            (50.0, 5.0, 9.99999969761212e-01),
            (-50.0, 9.0, 1.28447645543740e-12),
            (-1.0, 9.0, 1.71718198068957e-01),
            (2.5, 9.0, 9.83069086158507e-01),
            (-50.0, 30.0, 9.35770882961136e-31),
            (-4.0, 30.0, 1.90922818041878e-04),
            (0.7, 30.0, 7.55339778250164e-01),
            (-50.0, 1000.0, 1.37933620616259e-274),
            (-4.0, 1000.0, 3.40049596043908e-05),
            (-1.0, 1000.0, 1.58776209042336e-01),
            (2.5, 1000.0, 9.93710716099455e-01),
            (50.0, 1000.0, 1.0),
        ];
        for (t, df, expected) in cases {
            assert_relative(student_t_cdf(t, df), expected, 1e-11);
        }
    }

    #[test]
    fn t_sf_keeps_far_tails() {
        // benches/reference/stats_reference.py, student_t(): scipy.stats.t.sf(t, df).
        let cases = [
            (10.0, 1.0, 3.17255174305536e-02),
            (10.0, 5.0, 8.54737878714818e-05),
            (10.0, 30.0, 2.28762570411481e-11),
            (50.0, 30.0, 9.35770882961136e-31),
            (10.0, 1000.0, 8.33535147930007e-23),
            (50.0, 1000.0, 1.37933620616259e-274),
        ];
        for (t, df, expected) in cases {
            assert_relative(student_t_sf(t, df), expected, 1e-11);
        }
    }

    #[test]
    fn t_quantile_closed_forms() {
        // df = 1: t_p = tan(π (p - 1/2)), so t_0.75 = tan(π/4) = 1.
        assert_relative(student_t_quantile(0.75, 1.0), 1.0, 1e-14);
        // df = 2: t_p = (2p - 1) / √(2p (1 - p)), so t_0.9 = 0.8 / √0.18 = 1.885618083164127.
        assert_relative(student_t_quantile(0.9, 2.0), 0.8 / 0.18f64.sqrt(), 1e-14);
        assert_eq!(student_t_quantile(0.5, 4.0), 0.0);
        assert_eq!(student_t_quantile(0.0, 4.0), f64::NEG_INFINITY);
        assert_eq!(student_t_quantile(1.0, 4.0), f64::INFINITY);
        // Tails beyond f64: P(T > t) ≈ 1/(π t) for df = 1 cannot reach 1e-320 at a finite t.
        assert_eq!(student_t_quantile(1e-320, 1.0), f64::NEG_INFINITY);
        // Far beyond where df/t² underflows: P(T > 1e200) for df = 1 is atan(1e-200)/π
        // = 1e-200/π = 3.18309886183791e-201, and the quantile brings it back.
        assert_relative(student_t_sf(1e200, 1.0), 1e-200 / PI, 1e-13);
        assert_relative(student_t_quantile(1e-200 / PI, 1.0), -1e200, 1e-13);
    }

    #[test]
    fn t_quantile_matches_scipy() {
        // benches/reference/stats_reference.py, student_t(): scipy.stats.t.ppf(p, df).
        let cases = [
            (1e-10, 1.0, -3.18309886183791e+09),
            (0.001, 1.0, -3.18308838985550e+02),
            (0.025, 1.0, -1.27062047361747e+01),
            (0.3, 1.0, -7.26542528005361e-01),
            (0.999999, 1.0, 3.18309886173590e+05),
            (1e-10, 2.0, -7.07106781080482e+04),
            (0.975, 2.0, 4.30265272974946e+00),
            (1e-10, 5.0, -1.56825592708894e+02),
            (0.025, 5.0, -2.57058183563632e+00),
            (0.999999, 5.0, 2.47710297203725e+01),
            (0.001, 9.0, -4.29680566272992e+00),
            (0.975, 9.0, 2.26215716279820e+00),
            (0.3, 9.0, -5.43480241454297e-01),
            (1e-10, 30.0, -9.37748978040714e+00),
            (0.975, 30.0, 2.04227245630124e+00),
            (1e-10, 1000.0, -6.42787628313421e+00),
            (0.3, 1000.0, -5.24567707309227e-01),
            (0.999999, 1000.0, 4.78160862045244e+00),
            (1e-10, 2.5, -8.76543777136457e+03),
            (0.975, 2.5, 3.57465484200368e+00),
        ];
        for (p, df, expected) in cases {
            assert_relative(student_t_quantile(p, df), expected, 1e-11);
        }
    }

    #[test]
    fn t_quantile_inverts_cdf() {
        for df in [1.0, 2.0, 3.5, 9.0, 30.0, 1000.0] {
            for p in [1e-12, 0.01, 0.2, 0.499, 0.6, 0.95, 0.9999] {
                let t = student_t_quantile(p, df);
                assert_relative(student_t_cdf(t, df), p, 1e-12);
            }
        }
    }

    #[test]
    fn chi_squared_sf_matches_scipy() {
        // Worked: df = 2 is exponential with mean 2, so P(X > 3) = e^-1.5 = 0.22313016014843.
        assert_relative(chi_squared_sf(3.0, 2.0), (-1.5f64).exp(), 1e-14);
        // benches/reference/stats_reference.py, chi_squared_and_f(): scipy.stats.chi2.sf(x, df).
        let cases = [
            (0.5, 1.0, 4.79500122186953e-01),
            (3.84, 1.0, 5.00435212487052e-02),
            (7.8, 3.0, 5.03310978598533e-02),
            (11.1, 5.0, 4.94329339438485e-02),
            (100.0, 10.0, 5.44970198292052e-17),
            (0.001, 2.0, 9.99500124979169e-01),
            (250.0, 200.0, 9.37913166882610e-03),
            (0.0, 3.0, 1.0),
        ];
        for (x, df, expected) in cases {
            assert_relative(chi_squared_sf(x, df), expected, 1e-11);
        }
    }

    #[test]
    fn f_sf_matches_scipy() {
        // Worked: F(2, 2) has P(X > x) = 1 / (1 + x), so P(X > 3) = 0.25.
        assert_relative(f_sf(3.0, 2.0, 2.0), 0.25, 1e-14);
        // benches/reference/stats_reference.py, chi_squared_and_f(): scipy.stats.f.sf(x, d1, d2).
        let cases = [
            (1.0, 3.0, 12.0, 4.26221379264790e-01),
            (3.49, 3.0, 12.0, 5.00109664717769e-02),
            (0.2, 2.0, 8.0, 8.22702474791882e-01),
            (10.0, 5.0, 20.0, 6.55218314159551e-05),
            (50.0, 3.0, 100.0, 7.94442467908758e-20),
            (2.5, 9.0, 81.0, 1.41198804125448e-02),
            (0.0, 3.0, 12.0, 1.0),
        ];
        for (x, d1, d2, expected) in cases {
            assert_relative(f_sf(x, d1, d2), expected, 1e-11);
        }
        assert_eq!(f_sf(f64::INFINITY, 3.0, 12.0), 0.0);
    }

    #[test]
    fn invalid_arguments_give_nan() {
        assert!(student_t_cdf(f64::NAN, 3.0).is_nan());
        assert!(student_t_cdf(1.0, 0.0).is_nan());
        assert!(student_t_cdf(1.0, f64::INFINITY).is_nan());
        assert!(student_t_quantile(1.5, 3.0).is_nan());
        assert!(student_t_quantile(f64::NAN, 3.0).is_nan());
        assert!(chi_squared_sf(1.0, -1.0).is_nan());
        assert!(f_sf(f64::NAN, 1.0, 1.0).is_nan());
    }
}
