//! One model against another on the same cross-validation folds: the Nadeau-Bengio corrected
//! resampled t-test, its confidence interval, and the Bayesian probabilities of a region of
//! practical equivalence (ROPE).
//!
//! Why "corrected": the J = folds × repeats fold scores share training rows, so they are
//! positively correlated and the ordinary t-test's variance `var(d) / J` is far too small, which
//! makes differences look significant that are not. Nadeau and Bengio (2003) inflate it to
//! `(1/J + n_test/n_train) var(d)`. The frequent mistake is to put `1/n` (rows) where `1/J`
//! (folds) belongs; the tests show that the two differ. The Bayesian version (Benavoli et al.,
//! 2017, "the correlated Bayesian t-test") uses the same scale for a Student-t posterior of the
//! mean difference.
//!
//! Not here: choosing which model is the best, or multiple-comparison adjustments; callers decide
//! that. Pure functions: no printing, no I/O.

use super::distributions::{student_t_cdf, student_t_quantile, student_t_sf};
use serde::{Deserialize, Serialize};

/// The corrected resampled t-test of the mean per-fold difference.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CorrectedTTest {
    /// Mean of d = a - b over the J folds.
    pub mean_difference: f64,
    /// The t statistic; ±∞ when the corrected variance is 0 and the mean is not, 0 when both are.
    #[serde(with = "super::json_float")]
    pub t: f64,
    /// Degrees of freedom, J - 1.
    pub df: usize,
    /// Two-sided p-value.
    pub p_value: f64,
    /// Lower end of the confidence interval of the mean difference, on the corrected scale.
    pub ci_low: f64,
    /// Upper end of that interval.
    pub ci_high: f64,
}

/// Posterior probabilities that the mean difference lies below, inside or above the ROPE.
/// They sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RopeProbabilities {
    /// P(difference < -rope).
    pub below: f64,
    /// P(-rope <= difference <= rope): practically equivalent.
    pub inside: f64,
    /// P(difference > rope).
    pub above: f64,
}

/// Mean, sample variance (divisor J - 1) and the corrected scale
/// `sqrt((1/J + n_test/n_train) var)` of the differences; `None` for fewer than two values, a
/// value that is not finite, or `n_train == 0`.
fn corrected_moments(differences: &[f64], n_train: usize, n_test: usize) -> Option<(f64, f64)> {
    let folds = differences.len();
    if folds < 2 || n_train == 0 || differences.iter().any(|d| !d.is_finite()) {
        return None;
    }
    // Identical values have exactly zero variance; the general formula could leave ~1e-34.
    if differences.iter().all(|&d| d == differences[0]) {
        return Some((differences[0], 0.0));
    }
    let j = folds as f64;
    let mean = differences.iter().sum::<f64>() / j;
    // Two-pass variance with the compensating term (Chan, Golub and LeVeque).
    let (squares, sum) = differences.iter().fold((0.0, 0.0), |(squares, sum), &d| {
        (squares + (d - mean) * (d - mean), sum + (d - mean))
    });
    let variance = (squares - sum * sum / j) / (j - 1.0);
    let correction = 1.0 / j + n_test as f64 / n_train as f64;
    Some((mean, (correction * variance.max(0.0)).sqrt()))
}

/// The Nadeau-Bengio corrected resampled t-test.
///
/// `differences`: per-fold differences (model minus best, same folds), at least two
/// (J = `differences.len()`); `n_train`, `n_test`: rows in a training / test fold; `confidence`
/// in (0, 1), e.g. 0.95. t = mean(d) / sqrt((1/J + n_test/n_train) var(d)) with J - 1 degrees
/// of freedom.
///
/// `None` if J < 2, `n_train == 0`, a difference is NaN or infinite, or `confidence` is outside
/// (0, 1). With `n_test == 0` the correction vanishes and this is the ordinary one-sample t-test.
pub fn corrected_t_test(
    differences: &[f64],
    n_train: usize,
    n_test: usize,
    confidence: f64,
) -> Option<CorrectedTTest> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let (mean, scale) = corrected_moments(differences, n_train, n_test)?;
    let df = differences.len() - 1;
    if scale == 0.0 {
        // No spread: the difference is exactly the mean, with certainty.
        let (t, p_value) = if mean == 0.0 {
            (0.0, 1.0)
        } else {
            (mean.signum() * f64::INFINITY, 0.0)
        };
        return Some(CorrectedTTest {
            mean_difference: mean,
            t,
            df,
            p_value,
            ci_low: mean,
            ci_high: mean,
        });
    }
    let t = mean / scale;
    let p_value = (2.0 * student_t_sf(t.abs(), df as f64)).min(1.0);
    // The upper critical value as minus the lower-tail quantile keeps precision for confidence
    // levels near 1.
    let critical = -student_t_quantile(0.5 * (1.0 - confidence), df as f64);
    Some(CorrectedTTest {
        mean_difference: mean,
        t,
        df,
        p_value,
        ci_low: mean - critical * scale,
        ci_high: mean + critical * scale,
    })
}

/// Posterior probabilities of the ROPE, Benavoli et al. (2017), the correlated Bayesian t-test.
///
/// The posterior of the mean difference is Student-t with df = J - 1, location mean(d) and scale
/// sqrt((1/J + n_test/n_train) var(d)). `rope` is the half-width (0.01 for ±1 percentage point
/// on accuracies in [0, 1]). With zero scale all mass sits at the mean (the ROPE's ends count as
/// inside). `None` under the same conditions as [`corrected_t_test`], or if `rope` is negative
/// or not finite.
pub fn bayesian_rope(
    differences: &[f64],
    n_train: usize,
    n_test: usize,
    rope: f64,
) -> Option<RopeProbabilities> {
    if !(rope.is_finite() && rope >= 0.0) {
        return None;
    }
    let (mean, scale) = corrected_moments(differences, n_train, n_test)?;
    if scale == 0.0 {
        let certain = |holds: bool| if holds { 1.0 } else { 0.0 };
        return Some(RopeProbabilities {
            below: certain(mean < -rope),
            inside: certain((-rope..=rope).contains(&mean)),
            above: certain(mean > rope),
        });
    }
    let df = (differences.len() - 1) as f64;
    // Both outer regions are tails, computed directly; inside is what remains.
    let below = student_t_cdf((-rope - mean) / scale, df);
    let above = student_t_sf((rope - mean) / scale, df);
    Some(RopeProbabilities {
        below,
        inside: (1.0 - below - above).max(0.0),
        above,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ten folds of a 150-row data set (n_train = 135, n_test = 15): accuracy differences are
    /// multiples of 1/15. The same vector is in benches/reference/stats_reference.py
    /// (`FOLD_STEPS`).
    fn fold_differences() -> Vec<f64> {
        [1.0, 0.0, 0.0, 1.0, -1.0, 2.0, 0.0, 1.0, 0.0, 1.0]
            .iter()
            .map(|k| k / 15.0)
            .collect()
    }

    fn assert_close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance,
            "actual {actual:e}, expected {expected:e}, difference {:e}",
            actual - expected
        );
    }

    #[test]
    fn corrected_t_test_worked_example() {
        // mean = 5/150 = 1/30 = 0.0333...; deviations (2k - 1)/30 square to 26/900, so
        // var = 26/900/9 = 26/8100 = 0.00320988. Correction 1/10 + 15/135 = 19/90, so
        // scale² = 19/90 * 26/8100 = 494/729000 and t = (1/30) / sqrt(494/729000) = 1.28050.
        let test = corrected_t_test(&fold_differences(), 135, 15, 0.95).expect("valid input");
        assert_close(test.mean_difference, 1.0 / 30.0, 1e-15);
        assert_close(test.t, (1.0 / 30.0) / (494.0f64 / 729000.0).sqrt(), 1e-12);
        assert_eq!(test.df, 9);
    }

    #[test]
    fn corrected_t_test_matches_scipy() {
        // benches/reference/stats_reference.py, corrected(): t and p by the formula with
        // scipy.stats.t.sf, the interval by scipy.stats.t.interval(confidence, 9, mean, scale).
        let d = fold_differences();
        let test = corrected_t_test(&d, 135, 15, 0.95).expect("valid input");
        assert_close(test.mean_difference, 3.33333333333333e-02, 1e-14);
        assert_close(test.t, 1.28049838475506e+00, 1e-12);
        assert_close(test.p_value, 2.32384322681704e-01, 1e-12);
        assert_close(test.ci_low, -2.55540808623229e-02, 1e-12);
        assert_close(test.ci_high, 9.22207475289896e-02, 1e-12);
        let test = corrected_t_test(&d, 135, 15, 0.99).expect("valid input");
        assert_close(test.ci_low, -5.12648611478924e-02, 1e-12);
        assert_close(test.ci_high, 1.17931527814559e-01, 1e-12);
    }

    #[test]
    fn correction_uses_folds_not_rows() {
        // benches/reference/stats_reference.py, corrected(): the pitfall 1/n with n = 150 rows
        // gives t = 1.714, p = 0.1206, and the uncorrected 1/J gives t = 1.861, p = 0.0957; the
        // Nadeau-Bengio 1/J + n_test/n_train gives t = 1.2805, p = 0.2324 and is what we report.
        let test = corrected_t_test(&fold_differences(), 135, 15, 0.95).expect("valid input");
        let pitfall_p = 1.20606055897531e-01;
        let uncorrected_p = 9.57339094712595e-02;
        assert_close(test.p_value, 2.32384322681704e-01, 1e-12);
        assert!(test.p_value - pitfall_p > 0.1);
        assert!(test.p_value - uncorrected_p > 0.1);
        // n_test = 0 removes the correction: the ordinary t-test, scale sqrt(var / J).
        let plain = corrected_t_test(&fold_differences(), 135, 0, 0.95).expect("valid input");
        assert_close(plain.t, 1.86052101883813e+00, 1e-12);
        assert_close(plain.p_value, uncorrected_p, 1e-12);
    }

    #[test]
    fn rope_matches_scipy() {
        // benches/reference/stats_reference.py, corrected(): scipy.stats.t.cdf(-rope, 9, mean,
        // scale) and t.sf(rope, 9, mean, scale) with the corrected scale.
        let d = fold_differences();
        let cases = [
            (
                0.01,
                6.51698304004506e-02,
                1.31535171020985e-01,
                8.03294998578565e-01,
            ),
            (
                0.05,
                5.40483414487947e-03,
                7.25611538154254e-01,
                2.68983627700867e-01,
            ),
            (
                0.2,
                4.41332327330375e-06,
                9.99933133441978e-01,
                6.24532347487491e-05,
            ),
        ];
        for (rope, below, inside, above) in cases {
            let probabilities = bayesian_rope(&d, 135, 15, rope).expect("valid input");
            assert_close(probabilities.below, below, 1e-12);
            assert_close(probabilities.inside, inside, 1e-12);
            assert_close(probabilities.above, above, 1e-12);
            let total = probabilities.below + probabilities.inside + probabilities.above;
            assert_close(total, 1.0, 1e-15);
        }
    }

    #[test]
    fn identical_models_are_certainly_equivalent() {
        let zeros = [0.0; 10];
        let test = corrected_t_test(&zeros, 135, 15, 0.95).expect("valid input");
        assert_eq!((test.t, test.p_value), (0.0, 1.0));
        assert_eq!((test.ci_low, test.ci_high), (0.0, 0.0));
        let rope = bayesian_rope(&zeros, 135, 15, 0.01).expect("valid input");
        assert_eq!((rope.below, rope.inside, rope.above), (0.0, 1.0, 0.0));
    }

    #[test]
    fn constant_nonzero_difference_is_certain() {
        // Every fold 0.1 worse: no spread, so t = -∞, p = 0, and the interval is the point.
        let worse = [-0.1; 5];
        let test = corrected_t_test(&worse, 135, 15, 0.95).expect("valid input");
        assert_eq!(test.t, f64::NEG_INFINITY);
        assert_eq!(test.p_value, 0.0);
        assert_eq!((test.ci_low, test.ci_high), (-0.1, -0.1));
        let rope = bayesian_rope(&worse, 135, 15, 0.01).expect("valid input");
        assert_eq!((rope.below, rope.inside, rope.above), (1.0, 0.0, 0.0));
        let rope = bayesian_rope(&worse, 135, 15, 0.2).expect("valid input");
        assert_eq!((rope.below, rope.inside, rope.above), (0.0, 1.0, 0.0));
    }

    #[test]
    fn invalid_inputs_give_none() {
        let d = fold_differences();
        assert!(corrected_t_test(&[0.1], 135, 15, 0.95).is_none());
        assert!(corrected_t_test(&[], 135, 15, 0.95).is_none());
        assert!(corrected_t_test(&d, 0, 15, 0.95).is_none());
        assert!(corrected_t_test(&d, 135, 15, 1.0).is_none());
        assert!(corrected_t_test(&d, 135, 15, f64::NAN).is_none());
        assert!(corrected_t_test(&[0.1, f64::NAN], 135, 15, 0.95).is_none());
        assert!(corrected_t_test(&[0.1, f64::INFINITY], 135, 15, 0.95).is_none());
        assert!(bayesian_rope(&d, 135, 15, -0.01).is_none());
        assert!(bayesian_rope(&d, 135, 15, f64::NAN).is_none());
        assert!(bayesian_rope(&[f64::NAN, 0.0], 135, 15, 0.01).is_none());
    }
}
