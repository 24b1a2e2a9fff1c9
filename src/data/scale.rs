//! Standardization (zero mean, unit variance per feature), fitted on a training fold and
//! applied unchanged to its test fold.

use ndarray::{Array1, Array2, ArrayView2, Axis};

/// Per-feature mean and standard deviation of the training rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Standardizer {
    /// A power of two each feature is divided by first: 1, unless its values are so large
    /// (beyond 2^500) that their squares would overflow to infinity.
    prescales: Array1<f64>,
    means: Array1<f64>,
    scales: Array1<f64>,
}

impl Standardizer {
    /// Fits on `features` (the training fold). Uses the population standard deviation, as
    /// scikit-learn's `StandardScaler` does; a constant feature gets scale 1 so it maps to 0.
    pub fn fit(features: ArrayView2<f64>) -> Self {
        let prescales: Array1<f64> = features
            .axis_iter(Axis(1))
            .map(|column| overflow_guard(column.iter().fold(0.0, |m, v| m.max(v.abs()))))
            .collect();
        // Dividing by a power of two is exact, so the result equals the plain computation
        // wherever that does not overflow.
        let prescaled;
        let features = if prescales.iter().all(|&p| p == 1.0) {
            features.view()
        } else {
            prescaled = &features / &prescales;
            prescaled.view()
        };
        let n = features.nrows().max(1) as f64;
        let means = features.sum_axis(Axis(0)) / n;
        let mut scales = Array1::zeros(features.ncols());
        for (j, column) in features.axis_iter(Axis(1)).enumerate() {
            let m = means[j];
            let variance = column.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n;
            let sd = variance.sqrt();
            scales[j] = if sd > 1e-12 * m.abs().max(1.0 / prescales[j]) {
                sd
            } else {
                1.0
            };
        }
        Standardizer {
            prescales,
            means,
            scales,
        }
    }

    /// The power-of-two prescales, means and scales, for saving with a model.
    pub fn parts(&self) -> (&Array1<f64>, &Array1<f64>, &Array1<f64>) {
        (&self.prescales, &self.means, &self.scales)
    }

    /// A standardizer from saved parts (read back from a model file; the caller checks that
    /// the three have one entry per feature and are finite, scales and prescales non-zero).
    pub fn from_parts(prescales: Array1<f64>, means: Array1<f64>, scales: Array1<f64>) -> Self {
        Standardizer {
            prescales,
            means,
            scales,
        }
    }

    /// Returns `(x - mean) / sd` for every feature. A test value so far outside the training
    /// fold that this overflows (1e308 against a fold of small numbers) saturates at
    /// `±f64::MAX`, so what reaches a model is always finite.
    pub fn transform(&self, features: ArrayView2<f64>) -> Array2<f64> {
        let mut out = features.to_owned();
        for mut row in out.axis_iter_mut(Axis(0)) {
            row /= &self.prescales;
            row -= &self.means;
            row /= &self.scales;
            row.mapv_inplace(|v| v.clamp(-f64::MAX, f64::MAX));
        }
        out
    }
}

/// The power of two to divide a feature by so that its squares stay finite: 1 for values up
/// to 2^500 (about 3e150), otherwise the power of two at or just below the largest magnitude.
fn overflow_guard(max_abs: f64) -> f64 {
    const LIMIT: f64 = 3.273_390_607_896_142e150; // 2^500
    if max_abs.is_finite() && max_abs > LIMIT {
        // The biased exponent field of a normal double is floor(log2(x)) + 1023.
        let biased_exponent = (max_abs.to_bits() >> 52) & 0x7ff;
        f64::from_bits(biased_exponent << 52)
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    #[test]
    fn training_fold_gets_zero_mean_unit_sd_and_constants_map_to_zero() {
        // Column 0: 1, 2, 3 -> mean 2, population sd sqrt(2/3).
        let train = array![[1.0, 5.0], [2.0, 5.0], [3.0, 5.0]];
        let scaler = Standardizer::fit(train.view());
        let scaled = scaler.transform(train.view());
        let sd = (2.0f64 / 3.0).sqrt();
        assert_abs_diff_eq!(scaled[[0, 0]], -1.0 / sd, epsilon = 1e-12);
        assert_abs_diff_eq!(scaled.column(1).sum(), 0.0);
        let test = scaler.transform(array![[4.0, 6.0]].view());
        assert_abs_diff_eq!(test[[0, 0]], 2.0 / sd, epsilon = 1e-12);
        assert_abs_diff_eq!(test[[0, 1]], 1.0);
    }

    #[test]
    fn values_near_the_largest_double_standardize_without_overflow() {
        // Squaring 1e308 overflows; the sum of two of them too. Scaled first, the column
        // 1e308, 1e308, -1e308, -1e308 has mean 0 and population sd 1e308.
        let big = 1e308;
        let max = f64::MAX;
        let train = array![
            [big, max, 1.0],
            [big, -max, 2.0],
            [-big, max, 3.0],
            [-big, -max, 4.0]
        ];
        let scaler = Standardizer::fit(train.view());
        let scaled = scaler.transform(train.view());
        assert!(scaled.iter().all(|v| v.is_finite()), "{scaled}");
        assert_abs_diff_eq!(scaled[[0, 0]], 1.0, epsilon = 1e-12);
        assert_abs_diff_eq!(scaled[[2, 0]], -1.0, epsilon = 1e-12);
        assert_abs_diff_eq!(scaled[[1, 1]], -1.0, epsilon = 1e-12);
        // An ordinary column beside them is scaled exactly as before.
        let sd = 1.25f64.sqrt();
        assert_abs_diff_eq!(scaled[[0, 2]], -1.5 / sd, epsilon = 1e-12);
        // A test value far outside a fold of small numbers saturates instead of overflowing.
        let small = array![[2.0], [3.0]];
        let far = Standardizer::fit(small.view()).transform(array![[1e308], [-1e308]].view());
        assert_eq!(far, array![[f64::MAX], [-f64::MAX]]);
        // A constant column of huge values maps to 0.
        let constant = array![[max], [max], [max]];
        let scaled = Standardizer::fit(constant.view()).transform(constant.view());
        assert!(scaled.iter().all(|&v| v == 0.0), "{scaled}");
    }
}
