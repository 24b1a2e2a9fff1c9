//! `linear`: ordinary least squares with an intercept, like scikit-learn's `LinearRegression()`.
//!
//! Our own code: centre the features and the target on the training rows, solve the normal
//! equations `XᵀX β = Xᵀy` by Cholesky, and recover the intercept as `ȳ - x̄·β`. Centring removes
//! the intercept column and most of the ill-conditioning that raw columns (e.g. a 0/1 column
//! beside a column near 1000) would bring.
//!
//! A tiny ridge, `1e-10 × mean diagonal of XᵀX`, is added for numerical safety only: it changes
//! a well-posed fit in about the tenth significant digit, and makes a rank-deficient one (a
//! duplicated column, one-hot levels that sum to a constant) solvable, tending to the
//! minimum-norm solution scikit-learn's `lstsq` returns. The features are used unscaled: OLS
//! predictions do not depend on feature scale.

use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde_json::json;

use super::{
    check_saved_finite, read_saved, write_saved, Fitted, Model, ModelError, ModelFacts, ModelRole,
    ModelSize, Prediction, TrainSet,
};
use crate::data::Task;

/// Ridge added to the diagonal, relative to its mean, so that Cholesky never meets a zero pivot.
const SAFETY_RIDGE: f64 = 1e-10;

/// Ordinary least squares with intercept.
pub struct Linear;

/// A fitted `linear` model as saved in a model file (and read by the ONNX export).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SavedLinear {
    pub coefficients: Vec<f64>,
    pub intercept: f64,
}

struct FittedLinear {
    coefficients: Array1<f64>,
    intercept: f64,
}

impl Model for Linear {
    fn name(&self) -> &'static str {
        "linear"
    }
    fn description(&self) -> &'static str {
        "ordinary least squares with intercept, normal equations by Cholesky (our own code)"
    }
    fn facts(&self) -> ModelFacts {
        ModelFacts {
            role: ModelRole::Simple,
            readability_rank: 1,
            cost_rank: 2,
            tuning_grid: &[],
        }
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Regression]
    }
    fn settings(&self) -> serde_json::Value {
        json!({ "fit_intercept": true, "safety_ridge_relative": SAFETY_RIDGE })
    }
    fn wants_standardized_features(&self) -> bool {
        false
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        let y = Array1::from(train.values()?.to_vec());
        let x = train.features();
        let n = x.nrows() as f64;
        let x_mean = x.sum_axis(Axis(0)) / n;
        let y_mean = y.sum() / n;
        let centred = &x - &x_mean;
        let mut gram = centred.t().dot(&centred);
        let rhs = centred.t().dot(&(&y - y_mean));
        let mean_diagonal = gram.diag().sum() / gram.nrows() as f64;
        // All-constant features leave a zero matrix: any positive ridge gives β = 0.
        let ridge = SAFETY_RIDGE
            * if mean_diagonal > 0.0 {
                mean_diagonal
            } else {
                1.0
            };
        gram.diag_mut().mapv_inplace(|d| d + ridge);
        let coefficients = cholesky_solve(gram, &rhs).ok_or_else(|| {
            ModelError::new("least squares failed: the features' covariance is not positive")
        })?;
        let intercept = y_mean - x_mean.dot(&coefficients);
        if !intercept.is_finite() || coefficients.iter().any(|c| !c.is_finite()) {
            return Err(ModelError::new(
                "least squares gave non-finite coefficients; the features may be too large",
            ));
        }
        Ok(Box::new(FittedLinear {
            coefficients,
            intercept,
        }))
    }
    fn load_fitted(&self, saved: &serde_json::Value) -> Result<Box<dyn Fitted>, ModelError> {
        let saved: SavedLinear = read_saved(self.name(), saved)?;
        check_saved_finite(self.name(), "coefficients", &saved.coefficients)?;
        check_saved_finite(self.name(), "the intercept", [&saved.intercept])?;
        Ok(Box::new(FittedLinear {
            coefficients: Array1::from(saved.coefficients),
            intercept: saved.intercept,
        }))
    }
}

/// Solves `a x = b` for symmetric positive definite `a` (overwritten by its Cholesky factor);
/// `None` when a pivot is not positive.
fn cholesky_solve(mut a: Array2<f64>, b: &Array1<f64>) -> Option<Array1<f64>> {
    let n = a.nrows();
    for j in 0..n {
        let pivot = a[[j, j]] - (0..j).map(|k| a[[j, k]] * a[[j, k]]).sum::<f64>();
        if !(pivot > 0.0 && pivot.is_finite()) {
            return None;
        }
        let root = pivot.sqrt();
        a[[j, j]] = root;
        for i in j + 1..n {
            let dot = (0..j).map(|k| a[[i, k]] * a[[j, k]]).sum::<f64>();
            a[[i, j]] = (a[[i, j]] - dot) / root;
        }
    }
    // Forward: L z = b, then back: Lᵀ x = z.
    let mut x = b.clone();
    for i in 0..n {
        let dot = (0..i).map(|k| a[[i, k]] * x[k]).sum::<f64>();
        x[i] = (x[i] - dot) / a[[i, i]];
    }
    for i in (0..n).rev() {
        let dot = (i + 1..n).map(|k| a[[k, i]] * x[k]).sum::<f64>();
        x[i] = (x[i] - dot) / a[[i, i]];
    }
    Some(x)
}

impl Fitted for FittedLinear {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        if features.ncols() != self.coefficients.len() {
            return Err(ModelError::new(format!(
                "linear was trained on {} features but got {}",
                self.coefficients.len(),
                features.ncols()
            )));
        }
        let values = features.dot(&self.coefficients) + self.intercept;
        Ok(Prediction::Values(values.to_vec()))
    }
    fn size(&self) -> ModelSize {
        ModelSize {
            parameters: Some(self.coefficients.len() + 1),
            ..ModelSize::default()
        }
    }
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        write_saved(&SavedLinear {
            coefficients: self.coefficients.to_vec(),
            intercept: self.intercept,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::TargetSlice;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    fn fit(x: &Array2<f64>, y: &[f64]) -> Box<dyn Fitted> {
        let train = TrainSet::new(x.view(), TargetSlice::Values(y), 0).unwrap();
        Linear.fit(&train).unwrap()
    }

    fn values(fitted: &dyn Fitted, x: &Array2<f64>) -> Vec<f64> {
        match fitted.predict(x.view()).unwrap() {
            Prediction::Values(v) => v,
            Prediction::Classes { .. } => panic!("regressor returned classes"),
        }
    }

    #[test]
    fn recovers_y_equals_2x_plus_1() {
        let x = array![[0.0], [1.0], [2.0], [3.0], [4.0]];
        let fitted = fit(&x, &[1.0, 3.0, 5.0, 7.0, 9.0]);
        let v = values(fitted.as_ref(), &array![[10.0], [-1.0]]);
        assert_abs_diff_eq!(v[0], 21.0, epsilon = 1e-8);
        assert_abs_diff_eq!(v[1], -1.0, epsilon = 1e-8);
        assert_eq!(fitted.size().parameters, Some(2));
    }

    #[test]
    fn least_squares_with_noise_matches_the_hand_solution() {
        // x = 0, 1, 2; y = 0, 2, 1: slope = Σ(x-1)(y-1)/Σ(x-1)² = (1 + 0 + 0)/2 = 0.5,
        // intercept = 1 - 0.5 × 1 = 0.5.
        let fitted = fit(&array![[0.0], [1.0], [2.0]], &[0.0, 2.0, 1.0]);
        let v = values(fitted.as_ref(), &array![[0.0], [2.0]]);
        assert_abs_diff_eq!(v[0], 0.5, epsilon = 1e-8);
        assert_abs_diff_eq!(v[1], 1.5, epsilon = 1e-8);
    }

    #[test]
    fn duplicated_and_constant_columns_still_fit() {
        let x = array![
            [0.0, 0.0, 7.0],
            [1.0, 1.0, 7.0],
            [2.0, 2.0, 7.0],
            [3.0, 3.0, 7.0]
        ];
        let fitted = fit(&x, &[1.0, 3.0, 5.0, 7.0]);
        let v = values(fitted.as_ref(), &array![[5.0, 5.0, 7.0]]);
        assert_abs_diff_eq!(v[0], 11.0, epsilon = 1e-6);
        let again = values(
            fit(&x, &[1.0, 3.0, 5.0, 7.0]).as_ref(),
            &array![[5.0, 5.0, 7.0]],
        );
        assert_eq!(v, again);
    }

    #[test]
    fn refuses_class_targets_and_wrong_widths() {
        let x = array![[0.0], [1.0]];
        let train = TrainSet::new(
            x.view(),
            TargetSlice::Classes {
                labels: &[0, 1],
                n_classes: 2,
            },
            0,
        )
        .unwrap();
        assert!(Linear.fit(&train).is_err());
        let fitted = fit(&x, &[1.0, 2.0]);
        assert!(fitted.predict(array![[1.0, 2.0]].view()).is_err());
    }
}
