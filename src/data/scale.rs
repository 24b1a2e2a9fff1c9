//! Standardization (zero mean, unit variance per feature), fitted on a training fold and
//! applied unchanged to its test fold.

use ndarray::{Array1, Array2, ArrayView2, Axis};

/// Per-feature mean and standard deviation of the training rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Standardizer {
    means: Array1<f64>,
    scales: Array1<f64>,
}

impl Standardizer {
    /// Fits on `features` (the training fold). Uses the population standard deviation, as
    /// scikit-learn's `StandardScaler` does; a constant feature gets scale 1 so it maps to 0.
    pub fn fit(features: ArrayView2<f64>) -> Self {
        let n = features.nrows().max(1) as f64;
        let means = features.sum_axis(Axis(0)) / n;
        let mut scales = Array1::zeros(features.ncols());
        for (j, column) in features.axis_iter(Axis(1)).enumerate() {
            let m = means[j];
            let variance = column.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / n;
            let sd = variance.sqrt();
            scales[j] = if sd > 1e-12 * m.abs().max(1.0) {
                sd
            } else {
                1.0
            };
        }
        Standardizer { means, scales }
    }

    /// Returns `(x - mean) / sd` for every feature.
    pub fn transform(&self, features: ArrayView2<f64>) -> Array2<f64> {
        let mut out = features.to_owned();
        for mut row in out.axis_iter_mut(Axis(0)) {
            row -= &self.means;
            row /= &self.scales;
        }
        out
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
}
