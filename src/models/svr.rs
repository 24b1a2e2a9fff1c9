//! `svr`: epsilon-support vector regression with an RBF kernel and scikit-learn's `SVR()`
//! defaults: C = 1, epsilon = 0.1, `gamma='scale'`, tol = 1e-3, shrinking on, 200 MB cache,
//! trained by modelbench's port of libsvm's solver ([`super::svm_solver`]).
//!
//! Like scikit-learn, the target is used as it is (not scaled): with C = 1 and epsilon = 0.1
//! the fit then depends on the target's units, which is part of what this comparison shows.
//! Features are standardized on the training fold.

use ndarray::{Array2, ArrayView2, Axis};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::svm::{
    check_columns, check_saved_kernel, default_solver_settings, gamma_scale, KernelKind, C,
    SOLVER_TOLERANCE,
};
use super::svm_solver::{
    dot, solve_epsilon_regression, DenseRows, KernelFunction, DEFAULT_CACHE_BYTES,
};
use super::{
    check_saved, check_saved_finite, read_saved, saved_matrix, write_saved, Fitted, Model,
    ModelError, ModelFacts, ModelRole, ModelSize, Prediction, TrainSet,
};
use crate::data::Task;

/// Half-width of the tube inside which errors cost nothing, in target units.
const EPSILON: f64 = 0.1;

/// Epsilon-SVR with an RBF kernel.
pub struct SupportVectorRegressor;

/// A fitted SVR as plain data: prediction = Σ coefficients[k] K(support_vectors[k], x) − rho.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedSvr {
    pub kernel: KernelFunction,
    pub support_vectors: Array2<f64>,
    /// libsvm's `sv_coef`: α⁺ᵢ − α⁻ᵢ, non-zero.
    pub coefficients: Vec<f64>,
    pub rho: f64,
}

impl Model for SupportVectorRegressor {
    fn name(&self) -> &'static str {
        "svr"
    }
    fn description(&self) -> &'static str {
        "epsilon-SVR, libsvm's algorithm (own port), RBF kernel, C=1, epsilon=0.1, \
         gamma='scale' like scikit-learn SVR"
    }
    fn facts(&self) -> ModelFacts {
        ModelFacts {
            role: ModelRole::Kernel,
            readability_rank: 8,
            cost_rank: 7,
            tuning_grid: &[],
        }
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Regression]
    }
    fn settings(&self) -> serde_json::Value {
        json!({
            "implementation": "modelbench port of libsvm's SMO (WSS3, shrinking, LRU cache)",
            "c": C,
            "epsilon": EPSILON,
            "kernel": {"type": "rbf", "gamma": "scale: 1 / (features * Var(X))"},
            "tolerance": SOLVER_TOLERANCE,
            "shrinking": true,
            "cache_bytes": DEFAULT_CACHE_BYTES,
            "target_scaling": "none",
        })
    }
    fn wants_standardized_features(&self) -> bool {
        true
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        let values = train.values()?;
        let x = train.features();
        let kernel = KernelFunction::Rbf {
            gamma: gamma_scale(x),
        };
        let rows = DenseRows::new(x.iter().copied().collect(), x.ncols());
        let solution =
            solve_epsilon_regression(kernel, rows, values, EPSILON, default_solver_settings());
        if !solution.converged {
            return Err(ModelError::new(format!(
                "the SVR solver did not converge within {} iterations; try scaling the target",
                solution.iterations
            )));
        }
        let support: Vec<usize> = (0..values.len())
            .filter(|&i| solution.coefficients[i] != 0.0)
            .collect();
        Ok(Box::new(FittedSvr {
            kernel,
            support_vectors: x.select(Axis(0), &support),
            coefficients: support.iter().map(|&i| solution.coefficients[i]).collect(),
            rho: solution.rho,
        }))
    }
    fn load_fitted(&self, saved: &serde_json::Value) -> Result<Box<dyn Fitted>, ModelError> {
        let name = self.name();
        let saved: SavedSvr = read_saved(name, saved)?;
        check_saved_kernel(name, KernelKind::Rbf, &saved.kernel)?;
        check_saved(
            name,
            saved.coefficients.len() == saved.support_vector_count,
            "it needs one coefficient per support vector",
        )?;
        check_saved_finite(
            name,
            "coefficients and rho",
            saved.coefficients.iter().chain([&saved.rho]),
        )?;
        let support_vectors = saved_matrix(
            name,
            "support_vectors",
            saved.support_vector_count,
            saved.features,
            saved.support_vectors,
        )?;
        Ok(Box::new(FittedSvr {
            kernel: saved.kernel,
            support_vectors,
            coefficients: saved.coefficients,
            rho: saved.rho,
        }))
    }
}

/// The saved form of a [`FittedSvr`]: support vectors flat and row-major with their count
/// and width, so the shape is checked before the matrix is built.
#[derive(Serialize, Deserialize)]
struct SavedSvr {
    kernel: KernelFunction,
    features: usize,
    support_vector_count: usize,
    support_vectors: Vec<f64>,
    coefficients: Vec<f64>,
    rho: f64,
}

impl Fitted for FittedSvr {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        let width = self.support_vectors.ncols();
        check_columns(features, width)?;
        let svs = DenseRows::new(self.support_vectors.iter().copied().collect(), width);
        let mut kernel_values = vec![0.0f64; svs.len()];
        let mut row_buffer = Vec::with_capacity(width);
        let predictions = features
            .rows()
            .into_iter()
            .map(|row| {
                row_buffer.clear();
                row_buffer.extend(row.iter());
                let square = dot(&row_buffer, &row_buffer);
                self.kernel
                    .fill(&row_buffer, square, &svs, 0, &mut kernel_values);
                dot(&kernel_values, &self.coefficients) - self.rho
            })
            .collect();
        Ok(Prediction::Values(predictions))
    }
    fn size(&self) -> ModelSize {
        ModelSize {
            support_vectors: Some(self.support_vectors.nrows()),
            ..ModelSize::default()
        }
    }
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        write_saved(&SavedSvr {
            kernel: self.kernel,
            features: self.support_vectors.ncols(),
            support_vector_count: self.support_vectors.nrows(),
            support_vectors: self.support_vectors.iter().copied().collect(),
            coefficients: self.coefficients.clone(),
            rho: self.rho,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::TargetSlice;
    use ndarray::{array, Array2};

    #[test]
    fn follows_a_smooth_curve_within_the_tube() {
        // y = sin(x) on [-2, 2]: an RBF fit should stay near the 0.1-wide tube.
        let x = Array2::from_shape_fn((41, 1), |(i, _)| -2.0 + 0.1 * i as f64);
        let y: Vec<f64> = x.column(0).iter().map(|v| v.sin()).collect();
        let train = TrainSet::new(x.view(), TargetSlice::Values(&y), 0).unwrap();
        let fitted = SupportVectorRegressor.fit(&train).unwrap();
        let Prediction::Values(predicted) = fitted.predict(x.view()).unwrap() else {
            panic!("regressor returned classes")
        };
        let worst = predicted
            .iter()
            .zip(&y)
            .map(|(p, t)| (p - t).abs())
            .fold(0.0, f64::max);
        assert!(worst < 0.2, "largest error {worst}");
        // Rows inside the tube are not support vectors.
        let sv = fitted.size().support_vectors.unwrap();
        assert!(sv > 0 && sv < 41, "{sv}");
        // Same data, same model.
        let again = SupportVectorRegressor.fit(&train).unwrap();
        assert_eq!(
            again.predict(x.view()).unwrap(),
            fitted.predict(x.view()).unwrap()
        );
    }

    /// scikit-learn 1.9.1's `SVR()` on 30 rows of 3 features, predictions for 6 rows,
    /// printed by `python3 benches/reference/svm_parity_values.py` (the classifier test's data).
    #[test]
    fn matches_scikit_learn_svr() {
        let x = super::super::svm::tests::parity_rows();
        let y = [
            0.69, -0.78, 0.64, -0.12, 0.77, 0.86, 0.15, -0.95, -1.21, -1.42, 0.73, 1.5, 1.72, 0.98,
            0.1, -0.04, 0.8, 1.41, 0.22, 0.32, 1.35, 1.41, 1.38, 1.13, 1.46, 0.66, 1.59, 1.16,
            1.06, 0.23,
        ];
        let test = array![
            [2.62, -1.18, 0.03],
            [1.3, 2.18, 1.02],
            [-0.15, 0.9, 0.58],
            [0.4, -0.13, 0.99],
            [0.91, 0.51, 0.38],
            [-0.68, 0.11, 1.81]
        ];
        let expected = [0.14343, 1.554616, 0.368196, 0.423405, 1.107552, -0.099577];
        let train = TrainSet::new(x.view(), TargetSlice::Values(&y), 0).unwrap();
        let fitted = SupportVectorRegressor.fit(&train).unwrap();
        let Prediction::Values(predicted) = fitted.predict(test.view()).unwrap() else {
            panic!("regressor returned classes")
        };
        for (got, want) in predicted.iter().zip(expected) {
            assert!((got - want).abs() < 1e-3, "{got} vs {want}");
        }
        assert_eq!(fitted.size().support_vectors, Some(18));
    }

    #[test]
    fn refuses_classes_and_wrong_columns() {
        let x = array![[0.0], [1.0]];
        let target = TargetSlice::Classes {
            labels: &[0, 1],
            n_classes: 2,
        };
        assert!(SupportVectorRegressor
            .fit(&TrainSet::new(x.view(), target, 0).unwrap())
            .is_err());
        let train = TrainSet::new(x.view(), TargetSlice::Values(&[0.0, 1.0]), 0).unwrap();
        let fitted = SupportVectorRegressor.fit(&train).unwrap();
        assert!(fitted.predict(array![[0.0, 1.0]].view()).is_err());
    }
}
