//! `svm-rbf` and `svm-linear`: C-support vector classifiers (C = 1) fitted with linfa-svm 0.8,
//! made multi-class by one-vs-one voting as libsvm (and so scikit-learn's `SVC`) does.
//!
//! linfa-svm solves binary problems only, with the same SMO method and stopping rule as libsvm
//! (its binary solutions were measured to match libsvm's). We fit one machine per pair of
//! classes present in training; a row's label is the class with the most votes, ties going to
//! the larger sum of decision values. The per-class scores are scikit-learn's "ovr" decision
//! function: votes plus the summed decision values squashed into (-1/3, 1/3), which ranks rows
//! for ROC AUC without ever overturning a vote; they are not probabilities. Classes absent
//! from training score -1.
//!
//! The RBF kernel uses scikit-learn's `gamma='scale'`, 1 / (features × variance of all training
//! values). linfa writes the Gaussian kernel as exp(-‖x-y‖² / eps), so eps = 1 / gamma. The
//! solver tolerance is scikit-learn's 1e-3 (linfa's default is 1e-7).
//!
//! Limits: linfa-svm builds the dense n×n kernel matrix (8 bytes per entry) for every kernel,
//! the linear one included, so [`check_kernel_memory`] refuses training sets whose matrix would
//! pass [`KERNEL_LIMIT_BYTES`]. linfa-svm stops silently at a fixed iteration cap
//! (max(10^7, 100 n)); a machine that hit it is reported as a fit error rather than used.

use std::collections::BTreeSet;

use linfa::prelude::*;
use linfa_svm::Svm;
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde_json::json;

use super::{
    ClassScores, Fitted, Model, ModelError, ModelFacts, ModelRole, ModelSize, Prediction, TrainSet,
};
use crate::data::Task;

/// The largest kernel matrix we let linfa-svm build: 4 GiB, about 23,000 rows. A fixed limit
/// keeps a run's feasibility the same on every machine (rather than depending on free memory).
pub(super) const KERNEL_LIMIT_BYTES: u64 = 4 << 30;

/// SMO stopping tolerance, scikit-learn's `tol` default.
pub(super) const SOLVER_TOLERANCE: f64 = 1e-3;

/// Refuses `rows` whose dense kernel matrix would pass [`KERNEL_LIMIT_BYTES`].
pub(super) fn check_kernel_memory(rows: usize) -> Result<(), String> {
    let bytes = (rows as u64).saturating_mul(rows as u64).saturating_mul(8);
    if bytes <= KERNEL_LIMIT_BYTES {
        return Ok(());
    }
    Err(format!(
        "needs {:.1} GB for {rows} rows: linfa-svm builds a dense {rows}×{rows} kernel matrix, \
         and the limit is {} GB (about {} rows); subsample the data",
        bytes as f64 / 1e9,
        KERNEL_LIMIT_BYTES / 1_000_000_000,
        ((KERNEL_LIMIT_BYTES / 8) as f64).sqrt() as u64
    ))
}

/// scikit-learn's `gamma='scale'`: 1 / (features × variance of every value), 1 when constant.
pub(super) fn gamma_scale(features: ArrayView2<f64>) -> f64 {
    let count = features.len().max(1) as f64;
    let mean = features.sum() / count;
    let variance = features
        .iter()
        .map(|v| (v - mean) * (v - mean))
        .sum::<f64>()
        / count;
    if variance > 0.0 {
        1.0 / (features.ncols() as f64 * variance)
    } else {
        1.0
    }
}

/// An error when the solver stopped at its iteration cap instead of converging.
pub(super) fn check_converged<T>(svm: &Svm<f64, T>, what: &str) -> Result<(), ModelError> {
    // linfa-svm only says so in its Display text.
    let summary = svm.to_string();
    if summary.starts_with("Reached maximal iterations") {
        return Err(ModelError::new(format!(
            "linfa-svm did not converge for {what} ({summary}); try standardized features"
        )));
    }
    Ok(())
}

/// Prediction rows must have the training columns: linfa-svm panics otherwise.
pub(super) fn check_columns(features: ArrayView2<f64>, trained: usize) -> Result<(), ModelError> {
    if features.ncols() == trained {
        Ok(())
    } else {
        Err(ModelError::new(format!(
            "model was trained on {trained} features but got {}",
            features.ncols()
        )))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KernelKind {
    Rbf,
    Linear,
}

/// A C-support vector classifier with C = 1 and the given kernel.
pub struct SupportVectorClassifier(pub KernelKind);

/// One binary machine: a positive decision value votes for `low`, otherwise for `high`.
struct Machine {
    low: usize,
    high: usize,
    svm: Svm<f64, bool>,
}

struct FittedOneVsOne {
    machines: Vec<Machine>,
    present: Vec<bool>,
    features: usize,
    support_vectors: usize,
}

impl Model for SupportVectorClassifier {
    fn name(&self) -> &'static str {
        match self.0 {
            KernelKind::Rbf => "svm-rbf",
            KernelKind::Linear => "svm-linear",
        }
    }
    fn description(&self) -> &'static str {
        match self.0 {
            KernelKind::Rbf => {
                "linfa-svm 0.8 RBF-kernel SVM, C=1, gamma='scale', one-vs-one like scikit-learn SVC"
            }
            KernelKind::Linear => {
                "linfa-svm 0.8 linear-kernel SVM, C=1, one-vs-one like scikit-learn SVC"
            }
        }
    }
    fn facts(&self) -> ModelFacts {
        let (readability_rank, cost_rank) = match self.0 {
            KernelKind::Linear => (5, 6),
            KernelKind::Rbf => (7, 7),
        };
        ModelFacts {
            role: ModelRole::Kernel,
            readability_rank,
            cost_rank,
            tuning_grid: &[],
        }
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification]
    }
    fn settings(&self) -> serde_json::Value {
        let kernel = match self.0 {
            KernelKind::Rbf => json!({"type": "rbf", "gamma": "scale: 1 / (features * Var(X))"}),
            KernelKind::Linear => json!({"type": "linear"}),
        };
        json!({
            "implementation": "linfa-svm 0.8",
            "c": 1.0,
            "kernel": kernel,
            "tolerance": SOLVER_TOLERANCE,
            "shrinking": false,
            "multiclass": "one-vs-one voting, ties by summed decision values",
            "kernel_limit_bytes": KERNEL_LIMIT_BYTES,
        })
    }
    fn wants_standardized_features(&self) -> bool {
        true
    }
    fn check_feasible(&self, rows: usize, _features: usize) -> Result<(), String> {
        // The largest pair of classes can hold (nearly) every row.
        check_kernel_memory(rows)
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        let (labels, n_classes) = train.classes()?;
        let x = train.features();
        let params = match self.0 {
            KernelKind::Rbf => Svm::<f64, bool>::params().gaussian_kernel(1.0 / gamma_scale(x)),
            KernelKind::Linear => Svm::<f64, bool>::params().linear_kernel(),
        }
        .pos_neg_weights(1.0, 1.0)
        .eps(SOLVER_TOLERANCE);

        let mut present = vec![false; n_classes];
        labels.iter().for_each(|&l| present[l] = true);
        let classes: Vec<usize> = (0..n_classes).filter(|&c| present[c]).collect();
        let mut machines = Vec::new();
        let mut support_rows = BTreeSet::new();
        for (i, &low) in classes.iter().enumerate() {
            for &high in &classes[i + 1..] {
                // libsvm's layout: the first class's rows, then the second's.
                let rows: Vec<usize> = (0..labels.len())
                    .filter(|&r| labels[r] == low)
                    .chain((0..labels.len()).filter(|&r| labels[r] == high))
                    .collect();
                check_kernel_memory(rows.len()).map_err(ModelError::new)?;
                let targets: Array1<bool> = rows.iter().map(|&r| labels[r] == low).collect();
                let dataset = Dataset::new(x.select(Axis(0), &rows), targets);
                let svm = params.fit(&dataset).map_err(|e| {
                    ModelError::new(format!("linfa-svm failed for classes {low} vs {high}: {e}"))
                })?;
                check_converged(&svm, &format!("classes {low} vs {high}"))?;
                // linfa's own support-vector threshold (see `Svm::nsupport`).
                let support = svm.alpha.iter().map(|a| a.abs() > 100.0 * f64::EPSILON);
                support_rows.extend(rows.iter().zip(support).filter(|s| s.1).map(|s| *s.0));
                machines.push(Machine { low, high, svm });
            }
        }
        Ok(Box::new(FittedOneVsOne {
            machines,
            present,
            features: x.ncols(),
            support_vectors: support_rows.len(),
        }))
    }
}

impl Fitted for FittedOneVsOne {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        check_columns(features, self.features)?;
        let n_classes = self.present.len();
        let mut scores = Array2::<f64>::zeros((features.nrows(), n_classes));
        let mut labels = Vec::with_capacity(features.nrows());
        let mut votes = vec![0.0; n_classes];
        let mut confidence = vec![0.0; n_classes];
        for (row, mut out) in features.rows().into_iter().zip(scores.rows_mut()) {
            votes.fill(0.0);
            confidence.fill(0.0);
            for m in &self.machines {
                let decision = m.svm.weighted_sum(&row) - m.svm.rho;
                // libsvm votes for the first class only on a strictly positive value.
                votes[if decision > 0.0 { m.low } else { m.high }] += 1.0;
                confidence[m.low] += decision;
                confidence[m.high] -= decision;
            }
            for c in 0..n_classes {
                out[c] = if self.present[c] {
                    votes[c] + confidence[c] / (3.0 * (confidence[c].abs() + 1.0))
                } else {
                    -1.0
                };
            }
            // First maximum: ties (impossible after the squashed sums, short of equal sums)
            // go to the lower class as in libsvm.
            let best = (0..n_classes).fold(0, |b, c| if out[c] > out[b] { c } else { b });
            labels.push(best);
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::TargetSlice;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    fn fit(kind: KernelKind, x: &Array2<f64>, labels: &[usize], n: usize) -> Box<dyn Fitted> {
        let target = TargetSlice::Classes {
            labels,
            n_classes: n,
        };
        SupportVectorClassifier(kind)
            .fit(&TrainSet::new(x.view(), target, 0).unwrap())
            .unwrap()
    }

    fn predict(fitted: &dyn Fitted, x: ArrayView2<f64>) -> (Vec<usize>, Array2<f64>) {
        match fitted.predict(x).unwrap() {
            Prediction::Classes {
                labels,
                scores: Some(s),
            } => (labels, s.values),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn separates_two_classes_with_both_kernels() {
        let x = array![
            [-2.0, 0.0],
            [-1.5, 1.0],
            [-1.0, -1.0],
            [1.0, 0.5],
            [1.5, -1.0],
            [2.0, 0.0]
        ];
        let labels = [0, 0, 0, 1, 1, 1];
        for kind in [KernelKind::Rbf, KernelKind::Linear] {
            let fitted = fit(kind, &x, &labels, 2);
            let (predicted, scores) = predict(fitted.as_ref(), x.view());
            assert_eq!(predicted, labels, "{kind:?}");
            // One machine: the winner has 1 vote plus a squashed positive confidence.
            assert!(scores[[0, 0]] > 1.0 && scores[[0, 1]] < 0.0);
            assert!(fitted.size().support_vectors.unwrap() >= 2);
        }
    }

    #[test]
    fn three_classes_vote_one_vs_one_and_absent_classes_score_lowest() {
        // Classes 0, 1, 3 of 4 on a line; class 2 never appears in training.
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
        let labels = [0, 0, 0, 1, 1, 1, 3, 3, 3];
        let fitted = fit(KernelKind::Rbf, &x, &labels, 4);
        let (predicted, scores) = predict(fitted.as_ref(), array![[0.1], [3.1], [6.3]].view());
        assert_eq!(predicted, vec![0, 1, 3]);
        // Three machines: the winner of each row takes both of its pairs.
        assert!(scores[[1, 1]] > 1.67 && scores[[1, 1]] < 2.34, "{scores}");
        assert_abs_diff_eq!(scores[[0, 2]], -1.0);
    }

    #[test]
    fn gamma_scale_matches_scikit_learn() {
        // Values 0, 2, 4, 6: mean 3, variance 5; 2 features -> gamma = 1 / 10.
        let x = array![[0.0, 2.0], [4.0, 6.0]];
        assert_abs_diff_eq!(gamma_scale(x.view()), 0.1, epsilon = 1e-15);
        assert_abs_diff_eq!(gamma_scale(array![[1.0], [1.0]].view()), 1.0);
    }

    #[test]
    fn refuses_kernels_over_the_limit_and_wrong_columns() {
        assert!(check_kernel_memory(20_000).is_ok());
        let err = check_kernel_memory(100_000).unwrap_err();
        assert!(err.starts_with("needs 80.0 GB for 100000 rows"), "{err}");
        let model = SupportVectorClassifier(KernelKind::Linear);
        assert!(model.check_feasible(100_000, 3).is_err());
        let x = array![[0.0], [1.0]];
        let fitted = fit(KernelKind::Linear, &x, &[0, 1], 2);
        assert!(fitted.predict(array![[0.0, 1.0]].view()).is_err());
    }
}
