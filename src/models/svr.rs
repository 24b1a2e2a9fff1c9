//! `svr`: epsilon-support vector regression with an RBF kernel, fitted with linfa-svm 0.8, using
//! scikit-learn's `SVR()` defaults: C = 1, epsilon = 0.1, `gamma='scale'`, tolerance 1e-3.
//!
//! Like scikit-learn, the target is used as it is (not scaled): with C = 1 and epsilon = 0.1
//! the fit then depends on the target's units, which is part of what this comparison shows.
//! Features are standardized on the training fold. The kernel-memory limit and the
//! iteration-cap check are those of the classifiers (see `svm`).

use linfa::prelude::*;
use linfa_svm::Svm;
use ndarray::{Array1, ArrayView2};
use serde_json::json;

use super::svm::{
    check_columns, check_converged, check_kernel_memory, gamma_scale, KERNEL_LIMIT_BYTES,
    SOLVER_TOLERANCE,
};
use super::{Fitted, Model, ModelError, ModelFacts, ModelRole, ModelSize, Prediction, TrainSet};
use crate::data::Task;

const C: f64 = 1.0;
/// Half-width of the tube inside which errors cost nothing, in target units.
const EPSILON: f64 = 0.1;

/// Epsilon-SVR with an RBF kernel (linfa-svm 0.8).
pub struct SupportVectorRegressor;

struct FittedSvr {
    svm: Svm<f64, f64>,
    features: usize,
}

impl Model for SupportVectorRegressor {
    fn name(&self) -> &'static str {
        "svr"
    }
    fn description(&self) -> &'static str {
        "linfa-svm 0.8 epsilon-SVR, RBF kernel, C=1, epsilon=0.1, gamma='scale' \
         like scikit-learn SVR"
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
            "implementation": "linfa-svm 0.8",
            "c": C,
            "epsilon": EPSILON,
            "kernel": {"type": "rbf", "gamma": "scale: 1 / (features * Var(X))"},
            "tolerance": SOLVER_TOLERANCE,
            "shrinking": false,
            "target_scaling": "none",
            "kernel_limit_bytes": KERNEL_LIMIT_BYTES,
        })
    }
    fn wants_standardized_features(&self) -> bool {
        true
    }
    fn check_feasible(&self, rows: usize, _features: usize) -> Result<(), String> {
        check_kernel_memory(rows)
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        let values = train.values()?;
        check_kernel_memory(train.rows()).map_err(ModelError::new)?;
        let x = train.features();
        let dataset = Dataset::new(x.to_owned(), Array1::from(values.to_vec()));
        let svm = Svm::<f64, f64>::params()
            .c_svr(C, Some(EPSILON))
            .gaussian_kernel(1.0 / gamma_scale(x))
            .eps(SOLVER_TOLERANCE)
            .fit(&dataset)
            .map_err(|e| ModelError::new(format!("linfa-svm regression failed: {e}")))?;
        check_converged(&svm, "the regression")?;
        Ok(Box::new(FittedSvr {
            svm,
            features: x.ncols(),
        }))
    }
}

impl Fitted for FittedSvr {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        check_columns(features, self.features)?;
        Ok(Prediction::Values(
            features
                .rows()
                .into_iter()
                .map(|row| self.svm.weighted_sum(&row) - self.svm.rho)
                .collect(),
        ))
    }
    fn size(&self) -> ModelSize {
        ModelSize {
            support_vectors: Some(self.svm.nsupport()),
            ..ModelSize::default()
        }
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
