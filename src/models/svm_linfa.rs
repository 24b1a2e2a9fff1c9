//! `svm-rbf-linfa`: the owner's linfa-svm 0.8, kept as an optional model so the library stays
//! visible and measured beside modelbench's own solver (`svm-rbf`). Not run by default.
//!
//! linfa-svm solves binary problems only; we fit one machine per pair of classes present in
//! training (one-vs-one, libsvm's layout) and vote as `svm-rbf` does. Shrinking stays off:
//! with it on, linfa-svm 0.8.1 converged to a wrong solution on a 16,000-row set (accuracy
//! 0.80, issue 11) and panics on the linear kernel. linfa-svm builds the dense n×n kernel
//! matrix, so training sets above [`ROW_LIMIT`] rows are refused before fitting; it also stops
//! silently at a fixed iteration cap, which we report as a fit error.

use linfa::prelude::*;
use linfa_svm::Svm;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde_json::json;

use super::svm::{check_columns, gamma_scale, ovr_scores, SOLVER_TOLERANCE};
use super::{
    ClassScores, Fitted, Model, ModelError, ModelFacts, ModelRole, ModelSize, Prediction, TrainSet,
};
use crate::data::Task;

/// Training rows above which linfa-svm is refused: its 8-byte n×n kernel matrix is 0.8 GB
/// at 10,000 rows, and its fit time grows faster than libsvm's (203 s at 40,000 rows).
pub(super) const ROW_LIMIT: usize = 10_000;

/// linfa-svm's RBF classifier, C = 1, `gamma='scale'`, one-vs-one.
pub struct LinfaSvm;

struct Machine {
    low: usize,
    high: usize,
    svm: Svm<f64, bool>,
}

struct FittedLinfaSvm {
    machines: Vec<Machine>,
    present: Vec<bool>,
    features: usize,
    support_vectors: usize,
}

/// An error when linfa-svm stopped at its iteration cap instead of converging.
fn check_converged<T>(svm: &Svm<f64, T>, what: &str) -> Result<(), ModelError> {
    // linfa-svm only says so in its Display text.
    let summary = svm.to_string();
    if summary.starts_with("Reached maximal iterations") {
        return Err(ModelError::new(format!(
            "linfa-svm did not converge for {what} ({summary}); try standardized features"
        )));
    }
    Ok(())
}

fn check_rows(rows: usize) -> Result<(), String> {
    if rows <= ROW_LIMIT {
        return Ok(());
    }
    Err(format!(
        "{rows} training rows is above svm-rbf-linfa's limit of {ROW_LIMIT}: linfa-svm builds \
         a dense {rows}×{rows} kernel matrix ({:.1} GB); use svm-rbf, or subsample",
        (rows as f64).powi(2) * 8.0 / 1e9
    ))
}

impl Model for LinfaSvm {
    fn name(&self) -> &'static str {
        "svm-rbf-linfa"
    }
    fn description(&self) -> &'static str {
        "linfa-svm 0.8 RBF-kernel SVM (owner's library, optional), C=1, gamma='scale', \
         shrinking off, one-vs-one; refused above 10,000 training rows"
    }
    fn facts(&self) -> ModelFacts {
        ModelFacts {
            role: ModelRole::Kernel,
            readability_rank: 7,
            cost_rank: 8,
            tuning_grid: &[],
        }
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification]
    }
    fn settings(&self) -> serde_json::Value {
        json!({
            "implementation": "linfa-svm 0.8",
            "c": 1.0,
            "kernel": {"type": "rbf", "gamma": "scale: 1 / (features * Var(X))"},
            "tolerance": SOLVER_TOLERANCE,
            "shrinking": false,
            "multiclass": "one-vs-one voting, ties to the first class",
            "row_limit": ROW_LIMIT,
        })
    }
    fn wants_standardized_features(&self) -> bool {
        true
    }
    fn is_default(&self) -> bool {
        false
    }
    fn check_feasible(&self, rows: usize, _features: usize) -> Result<(), String> {
        check_rows(rows)
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        check_rows(train.rows()).map_err(ModelError::new)?;
        let (labels, n_classes) = train.classes()?;
        let x = train.features();
        let params = Svm::<f64, bool>::params()
            .gaussian_kernel(1.0 / gamma_scale(x))
            .pos_neg_weights(1.0, 1.0)
            .shrinking(false)
            .eps(SOLVER_TOLERANCE);
        let mut present = vec![false; n_classes];
        labels.iter().for_each(|&l| present[l] = true);
        let classes: Vec<usize> = (0..n_classes).filter(|&c| present[c]).collect();
        let mut machines = Vec::new();
        let mut is_support = vec![false; labels.len()];
        for (i, &low) in classes.iter().enumerate() {
            for &high in &classes[i + 1..] {
                let rows: Vec<usize> = (0..labels.len())
                    .filter(|&r| labels[r] == low)
                    .chain((0..labels.len()).filter(|&r| labels[r] == high))
                    .collect();
                let targets: Array1<bool> = rows.iter().map(|&r| labels[r] == low).collect();
                let dataset = Dataset::new(x.select(Axis(0), &rows), targets);
                let svm = params.fit(&dataset).map_err(|e| {
                    ModelError::new(format!("linfa-svm failed for classes {low} vs {high}: {e}"))
                })?;
                check_converged(&svm, &format!("classes {low} vs {high}"))?;
                // linfa's own support-vector threshold (see `Svm::nsupport`).
                for (&r, a) in rows.iter().zip(svm.alpha.iter()) {
                    is_support[r] |= a.abs() > 100.0 * f64::EPSILON;
                }
                machines.push(Machine { low, high, svm });
            }
        }
        Ok(Box::new(FittedLinfaSvm {
            machines,
            present,
            features: x.ncols(),
            support_vectors: is_support.iter().filter(|&&s| s).count(),
        }))
    }
}

impl Fitted for FittedLinfaSvm {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        check_columns(features, self.features)?;
        let mut scores = Array2::<f64>::zeros((features.nrows(), self.present.len()));
        let mut labels = Vec::with_capacity(features.nrows());
        let mut decisions = vec![0.0; self.machines.len()];
        let pairs: Vec<(usize, usize)> = self.machines.iter().map(|m| (m.low, m.high)).collect();
        for (row, out) in features.rows().into_iter().zip(scores.rows_mut()) {
            for (d, m) in decisions.iter_mut().zip(&self.machines) {
                *d = m.svm.weighted_sum(&row) - m.svm.rho;
            }
            labels.push(ovr_scores(&pairs, &decisions, &self.present, out));
        }
        Ok(Prediction::Classes {
            labels,
            scores: Some(ClassScores {
                values: scores,
                are_probabilities: false,
            }),
        })
    }
    fn size(&self) -> ModelSize {
        ModelSize {
            support_vectors: Some(self.support_vectors),
            ..ModelSize::default()
        }
    }
    /// Refused: linfa-svm's fitted `Svm` keeps its support vectors and kernel in private
    /// fields with no constructor, so it cannot be rebuilt from plain data; `svm-rbf` is the
    /// same classifier (libsvm's algorithm) and saves.
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        Err(ModelError::new(
            "linfa-svm's fitted machines cannot be rebuilt from a file (their kernel and \
             support vectors are private, with no serde in this build); save svm-rbf, the same \
             classifier by libsvm's algorithm, instead",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::fit_and_classify;
    use ndarray::array;

    #[test]
    fn is_optional_refuses_large_sets_and_still_classifies() {
        assert!(!LinfaSvm.is_default());
        assert!(LinfaSvm.check_feasible(ROW_LIMIT, 5).is_ok());
        let err = LinfaSvm.check_feasible(20_000, 5).unwrap_err();
        assert!(
            err.contains("above svm-rbf-linfa's limit of 10000"),
            "{err}"
        );
        let x = array![
            [0.0],
            [0.2],
            [0.4],
            [3.0],
            [3.2],
            [3.4],
            [6.0],
            [6.2],
            [6.4]
        ];
        let labels = [0, 0, 0, 1, 1, 1, 2, 2, 2];
        let test = array![[0.1], [3.1], [6.3]];
        let (predicted, _) = fit_and_classify(&LinfaSvm, &x, &labels, 3, &test);
        assert_eq!(predicted, vec![0, 1, 2]);
    }
}
