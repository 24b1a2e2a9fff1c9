//! `svm-rbf` and `svm-linear`: C-support vector classifiers with scikit-learn's `SVC()`
//! defaults (C = 1, `gamma='scale'`, tol = 1e-3, shrinking on, 200 MB kernel cache), trained
//! by modelbench's port of libsvm's solver ([`super::svm_solver`]) and made multi-class by
//! one-vs-one voting as libsvm does.
//!
//! Classes are taken in ascending order (scikit-learn's sorted `classes_`); the machine of
//! classes i < j is trained on class i's rows then class j's, class i positive, and votes for
//! i when its decision value is positive. A row's label is the class with the most votes,
//! ties going to the lowest class (libsvm's `svm_predict`, so scikit-learn's `predict`). The
//! per-class scores are scikit-learn's `decision_function_shape='ovr'`: votes plus the summed
//! decision values squashed into (-1/3, 1/3), which ranks rows for ROC AUC; they are not
//! probabilities. Classes absent from training score -1.
//!
//! Memory is the training rows plus the bounded cache: nothing grows with n², so no training
//! size is refused here; `--max-memory` still contains a run (the worker's address-space cap).

use ndarray::{Array2, ArrayView2, ArrayViewMut1};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::svm_solver::{
    solve_classification, DenseRows, KernelFunction, SolverSettings, DEFAULT_CACHE_BYTES,
};
use super::{
    check_saved, check_saved_finite, read_saved, saved_matrix, write_saved, ClassScores, Fitted,
    Model, ModelError, ModelFacts, ModelRole, ModelSize, Prediction, TrainSet, MAX_SAVED_CLASSES,
};
use crate::data::Task;

/// SMO stopping tolerance, scikit-learn's `tol` default.
pub(super) const SOLVER_TOLERANCE: f64 = 1e-3;

/// scikit-learn's default `C`.
pub(super) const C: f64 = 1.0;

/// The solver settings of scikit-learn's `SVC()` and `SVR()`.
pub(super) fn default_solver_settings() -> SolverSettings {
    SolverSettings {
        c: C,
        tolerance: SOLVER_TOLERANCE,
        shrinking: true,
        cache_bytes: DEFAULT_CACHE_BYTES,
    }
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

/// Prediction rows must have the training columns.
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

/// One-vs-one votes and scikit-learn's "ovr" scores for one row, from the decision value of
/// each pair (`pairs[k]` = (low, high), positive votes for low). Writes the scores into
/// `out` and returns the label: the most votes among `present` classes, ties to the lowest.
pub(super) fn ovr_scores(
    pairs: &[(usize, usize)],
    decisions: &[f64],
    present: &[bool],
    mut out: ArrayViewMut1<f64>,
) -> usize {
    let n_classes = present.len();
    let mut votes = vec![0usize; n_classes];
    let mut confidence = vec![0.0; n_classes];
    for (&(low, high), &decision) in pairs.iter().zip(decisions) {
        // libsvm votes for the first class only on a strictly positive value.
        votes[if decision > 0.0 { low } else { high }] += 1;
        confidence[low] += decision;
        confidence[high] -= decision;
    }
    for c in 0..n_classes {
        out[c] = if present[c] {
            votes[c] as f64 + confidence[c] / (3.0 * (confidence[c].abs() + 1.0))
        } else {
            -1.0
        };
    }
    let mut best: Option<usize> = None;
    for c in (0..n_classes).filter(|&c| present[c]) {
        if best.is_none_or(|b| votes[c] > votes[b]) {
            best = Some(c);
        }
    }
    best.unwrap_or(0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KernelKind {
    Rbf,
    Linear,
}

/// A C-support vector classifier with C = 1 and the given kernel.
pub struct SupportVectorClassifier(pub KernelKind);

/// The binary machine of classes `low` < `high`: decision = Σ coefficients[k] ·
/// K(support_vectors[support[k]], x) − rho, positive for `low`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairMachine {
    pub low: usize,
    pub high: usize,
    /// Rows of [`OneVsOneSvm::support_vectors`] this machine uses.
    pub support: Vec<usize>,
    /// libsvm's `sv_coef`: αᵢ yᵢ of each of those rows.
    pub coefficients: Vec<f64>,
    pub rho: f64,
}

/// A fitted one-vs-one classifier as plain data (what libsvm's model file holds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneVsOneSvm {
    pub kernel: KernelFunction,
    /// Whether each class index occurred in training.
    pub present: Vec<bool>,
    /// Every training row that is a support vector of some machine, in training order.
    pub support_vectors: Array2<f64>,
    /// One machine per pair of present classes, in libsvm's order (0-1, 0-2, …, 1-2, …).
    pub machines: Vec<PairMachine>,
}

impl SupportVectorClassifier {
    fn kernel(&self, x: ArrayView2<f64>) -> KernelFunction {
        match self.0 {
            KernelKind::Rbf => KernelFunction::Rbf {
                gamma: gamma_scale(x),
            },
            KernelKind::Linear => KernelFunction::Linear,
        }
    }
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
                "RBF-kernel SVM, libsvm's algorithm (own port), C=1, gamma='scale', \
                 one-vs-one like scikit-learn SVC"
            }
            KernelKind::Linear => {
                "linear-kernel SVM, libsvm's algorithm (own port), C=1, one-vs-one like \
                 scikit-learn SVC"
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
            "implementation": "modelbench port of libsvm's SMO (WSS3, shrinking, LRU cache)",
            "c": C,
            "kernel": kernel,
            "tolerance": SOLVER_TOLERANCE,
            "shrinking": true,
            "cache_bytes": DEFAULT_CACHE_BYTES,
            "multiclass": "one-vs-one voting, ties to the first class",
        })
    }
    fn wants_standardized_features(&self) -> bool {
        true
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        let (labels, n_classes) = train.classes()?;
        Ok(Box::new(fit_one_vs_one(
            train.features(),
            labels,
            n_classes,
            self.kernel(train.features()),
            default_solver_settings(),
        )?))
    }
    fn load_fitted(&self, saved: &serde_json::Value) -> Result<Box<dyn Fitted>, ModelError> {
        let name = self.name();
        let saved: SavedSvm = read_saved(name, saved)?;
        check_saved_kernel(name, self.0, &saved.kernel)?;
        let n_classes = saved.present.len();
        check_saved(
            name,
            (2..=MAX_SAVED_CLASSES).contains(&n_classes),
            "it needs 2 or more classes",
        )?;
        let support_vectors = saved_matrix(
            name,
            "support_vectors",
            saved.support_vector_count,
            saved.features,
            saved.support_vectors,
        )?;
        for m in &saved.machines {
            check_saved(
                name,
                m.low < m.high
                    && m.high < n_classes
                    && saved.present[m.low]
                    && saved.present[m.high],
                "a machine's classes are not two present classes in order",
            )?;
            check_saved(
                name,
                m.support.len() == m.coefficients.len()
                    && m.support.iter().all(|&k| k < saved.support_vector_count),
                "a machine's support vectors are out of range or lack coefficients",
            )?;
            check_saved_finite(
                name,
                "coefficients and rho",
                m.coefficients.iter().chain([&m.rho]),
            )?;
        }
        Ok(Box::new(OneVsOneSvm {
            kernel: saved.kernel,
            present: saved.present,
            support_vectors,
            machines: saved.machines,
        }))
    }
}

/// The saved form of a [`OneVsOneSvm`]: the support vectors as a flat row-major list with
/// their count and width, so the shape is checked before the matrix is built.
#[derive(Serialize, Deserialize)]
struct SavedSvm {
    kernel: KernelFunction,
    present: Vec<bool>,
    features: usize,
    support_vector_count: usize,
    support_vectors: Vec<f64>,
    machines: Vec<PairMachine>,
}

/// An error unless a saved kernel is the model's own kind with a finite, positive gamma.
pub(super) fn check_saved_kernel(
    name: &str,
    kind: KernelKind,
    kernel: &KernelFunction,
) -> Result<(), ModelError> {
    let ok = match (kind, kernel) {
        (KernelKind::Linear, KernelFunction::Linear) => true,
        (KernelKind::Rbf, KernelFunction::Rbf { gamma }) => gamma.is_finite() && *gamma > 0.0,
        _ => false,
    };
    check_saved(
        name,
        ok,
        "its kernel is not the model's kernel with a finite, positive gamma",
    )
}

/// libsvm's `svm_train` for C-classification: one machine per pair of present classes.
pub(super) fn fit_one_vs_one(
    x: ArrayView2<f64>,
    labels: &[usize],
    n_classes: usize,
    kernel: KernelFunction,
    settings: SolverSettings,
) -> Result<OneVsOneSvm, ModelError> {
    let width = x.ncols();
    let mut present = vec![false; n_classes];
    labels.iter().for_each(|&l| present[l] = true);
    let classes: Vec<usize> = (0..n_classes).filter(|&c| present[c]).collect();
    let members: Vec<Vec<usize>> = (0..n_classes)
        .map(|c| (0..labels.len()).filter(|&r| labels[r] == c).collect())
        .collect();
    // Per training row: its coefficient in each machine (sparse), collected before the
    // support vectors are numbered.
    let mut pair_solutions = Vec::new();
    let mut is_support = vec![false; labels.len()];
    for (i, &low) in classes.iter().enumerate() {
        for &high in &classes[i + 1..] {
            let rows: Vec<usize> = members[low].iter().chain(&members[high]).copied().collect();
            let mut values = Vec::with_capacity(rows.len() * width);
            for &r in &rows {
                values.extend(x.row(r).iter());
            }
            let positive: Vec<bool> = rows.iter().map(|&r| labels[r] == low).collect();
            let solution =
                solve_classification(kernel, DenseRows::new(values, width), &positive, settings);
            if !solution.converged {
                return Err(ModelError::new(format!(
                    "the SVM solver did not converge for classes {low} vs {high} within {} \
                     iterations; try standardized features",
                    solution.iterations
                )));
            }
            let nonzero: Vec<(usize, f64)> = rows
                .iter()
                .zip(&solution.coefficients)
                .filter(|(_, &c)| c != 0.0)
                .map(|(&r, &c)| (r, c))
                .collect();
            nonzero.iter().for_each(|&(r, _)| is_support[r] = true);
            pair_solutions.push((low, high, nonzero, solution.rho));
        }
    }
    let mut sv_index = vec![usize::MAX; labels.len()];
    let mut support_rows = Vec::new();
    for r in (0..labels.len()).filter(|&r| is_support[r]) {
        sv_index[r] = support_rows.len();
        support_rows.push(r);
    }
    let support_vectors = x.select(ndarray::Axis(0), &support_rows);
    let machines = pair_solutions
        .into_iter()
        .map(|(low, high, nonzero, rho)| PairMachine {
            low,
            high,
            support: nonzero.iter().map(|&(r, _)| sv_index[r]).collect(),
            coefficients: nonzero.iter().map(|&(_, c)| c).collect(),
            rho,
        })
        .collect();
    Ok(OneVsOneSvm {
        kernel,
        present,
        support_vectors,
        machines,
    })
}

impl OneVsOneSvm {
    /// Each machine's decision value for each row, rows × machines (libsvm's
    /// `svm_predict_values`: kernel values to every support vector once per row). The dot
    /// products of a block of rows with every support vector are one matrix product: on wide
    /// data a row-at-a-time pass streams all support vectors from memory for each row.
    pub fn decision_values(&self, features: ArrayView2<f64>) -> Result<Array2<f64>, ModelError> {
        check_columns(features, self.support_vectors.ncols())?;
        let width = self.support_vectors.ncols();
        let svs = DenseRows::new(self.support_vectors.iter().copied().collect(), width);
        let mut out = Array2::zeros((features.nrows(), self.machines.len()));
        for start in (0..features.nrows()).step_by(PREDICTION_BLOCK_ROWS) {
            let end = (start + PREDICTION_BLOCK_ROWS).min(features.nrows());
            let block = features.slice(ndarray::s![start..end, ..]);
            // Written into a row-major array: `dot` may return column-major products.
            let mut kernel_values = Array2::zeros((end - start, svs.len()));
            ndarray::linalg::general_mat_mul(
                1.0,
                &block,
                &svs.matrix().t(),
                0.0,
                &mut kernel_values,
            );
            for ((row, mut values), mut decisions) in block
                .rows()
                .into_iter()
                .zip(kernel_values.rows_mut())
                .zip(out.slice_mut(ndarray::s![start..end, ..]).rows_mut())
            {
                let square = row
                    .as_slice()
                    .map_or_else(|| row.dot(&row), |r| super::svm_solver::dot(r, r));
                let values = values
                    .as_slice_mut()
                    .expect("kernel_values is a row-major array");
                self.kernel.finish_products(values, square, &svs);
                for (d, m) in decisions.iter_mut().zip(&self.machines) {
                    *d = m
                        .support
                        .iter()
                        .zip(&m.coefficients)
                        .map(|(&k, &c)| c * values[k])
                        .sum::<f64>()
                        - m.rho;
                }
            }
        }
        Ok(out)
    }
}

/// Rows per kernel block in predictions: bounds the block to this many rows × support vectors.
const PREDICTION_BLOCK_ROWS: usize = 256;

impl Fitted for OneVsOneSvm {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        let decisions = self.decision_values(features)?;
        let pairs: Vec<(usize, usize)> = self.machines.iter().map(|m| (m.low, m.high)).collect();
        let mut scores = Array2::<f64>::zeros((features.nrows(), self.present.len()));
        let labels = decisions
            .rows()
            .into_iter()
            .zip(scores.rows_mut())
            .map(|(d, out)| ovr_scores(&pairs, &d.to_vec(), &self.present, out))
            .collect();
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
            support_vectors: Some(self.support_vectors.nrows()),
            ..ModelSize::default()
        }
    }
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        write_saved(&SavedSvm {
            kernel: self.kernel,
            present: self.present.clone(),
            features: self.support_vectors.ncols(),
            support_vector_count: self.support_vectors.nrows(),
            support_vectors: self.support_vectors.iter().copied().collect(),
            machines: self.machines.clone(),
        })
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::models::{fit_and_classify, TargetSlice};
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    fn fit(kind: KernelKind, x: &Array2<f64>, labels: &[usize], n: usize) -> OneVsOneSvm {
        let target = TargetSlice::Classes {
            labels,
            n_classes: n,
        };
        let train = TrainSet::new(x.view(), target, 0).unwrap();
        let model = SupportVectorClassifier(kind);
        fit_one_vs_one(
            x.view(),
            labels,
            n,
            model.kernel(train.features()),
            default_solver_settings(),
        )
        .unwrap()
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
            let (predicted, scores) =
                fit_and_classify(&SupportVectorClassifier(kind), &x, &labels, 2, &x);
            assert_eq!(predicted, labels, "{kind:?}");
            // One machine: the winner has 1 vote plus a squashed positive confidence.
            assert!(scores[[0, 0]] > 1.0 && scores[[0, 1]] < 0.0);
            assert!(fit(kind, &x, &labels, 2).support_vectors.nrows() >= 2);
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
        let test = array![[0.1], [3.1], [6.3]];
        let model = SupportVectorClassifier(KernelKind::Rbf);
        let (predicted, scores) = fit_and_classify(&model, &x, &labels, 4, &test);
        assert_eq!(predicted, vec![0, 1, 3]);
        // Three machines: the winner of each row takes both of its pairs.
        assert!(scores[[1, 1]] > 1.67 && scores[[1, 1]] < 2.34, "{scores}");
        assert_abs_diff_eq!(scores[[0, 2]], -1.0);
    }

    #[test]
    fn tied_votes_go_to_the_first_class_whatever_the_confidences() {
        // Pairs 0-1, 0-2, 1-2; each class wins one: 1 beats 0, 0 beats 2, 2 beats 1. The
        // summed decision values favour class 2, but libsvm (and scikit-learn's predict)
        // give the tie to class 0.
        let pairs = [(0, 1), (0, 2), (1, 2)];
        let mut scores = ndarray::Array1::zeros(3);
        let label = ovr_scores(&pairs, &[-0.1, 0.1, -5.0], &[true; 3], scores.view_mut());
        assert_eq!(label, 0);
        assert!(scores[2] > scores[0], "{scores}");
        // A decision value of exactly 0 votes for the second class, as in libsvm.
        let label = ovr_scores(&[(0, 1)], &[0.0], &[true; 2], scores.view_mut());
        assert_eq!(label, 1);
    }

    /// 30 rows of 3 features in three overlapping classes (10 each): the data of the parity
    /// tests against scikit-learn's SVC and SVR (`benches/reference/svm_parity_values.py`).
    pub(in crate::models) fn parity_rows() -> Array2<f64> {
        array![
            [0.03, 1.36, 1.22],
            [-0.51, -0.3, -0.53],
            [0.57, -0.06, 0.75],
            [-1.85, 1.57, -0.1],
            [0.68, -0.14, -0.38],
            [0.46, 0.82, -0.2],
            [-0.15, 0.69, -0.87],
            [-1.51, 0.39, -0.67],
            [-1.92, -0.81, -0.47],
            [-1.19, -1.49, 0.04],
            [2.4, 0.27, -1.24],
            [1.88, 1.22, -0.8],
            [2.04, 1.54, -0.71],
            [0.69, 0.85, -0.25],
            [2.6, -0.78, -1.16],
            [0.66, -1.23, -0.37],
            [2.03, -0.24, 0.89],
            [2.32, 1.13, -0.1],
            [2.46, -0.83, 0.11],
            [2.1, -1.27, -0.15],
            [0.25, 2.28, 0.56],
            [0.48, 1.84, 0.12],
            [1.1, 1.4, 1.49],
            [-0.02, 2.59, 1.61],
            [0.32, 2.13, 2.26],
            [2.29, -0.07, 1.88],
            [0.97, 1.41, -0.01],
            [1.76, 0.24, 1.57],
            [1.8, -0.1, 0.7],
            [-0.81, 1.74, 2.51]
        ]
    }

    /// Three overlapping classes and six test rows; the expected decision values are
    /// scikit-learn 1.9.1's `SVC(kernel=..., decision_function_shape='ovo')`, printed by
    /// `python3 benches/reference/svm_parity_values.py`.
    #[test]
    fn matches_scikit_learn_svc() {
        let x = parity_rows();
        let labels: Vec<usize> = (0..30).map(|i| i / 10).collect();
        let test = array![
            [2.62, -1.18, 0.03],
            [1.3, 2.18, 1.02],
            [-0.15, 0.9, 0.58],
            [0.4, -0.13, 0.99],
            [0.91, 0.51, 0.38],
            [-0.68, 0.11, 1.81]
        ];
        let expected_rbf = array![
            [-1.05361, -0.421623, 0.972055],
            [0.03511, -1.318276, -0.788216],
            [1.358276, 0.610975, -0.722506],
            [0.937962, 0.650126, -0.363255],
            [0.422653, 0.072534, -0.090719],
            [0.984856, 0.374439, -0.644045]
        ];
        let expected_linear = array![
            [-2.764769, -0.042554, 2.012633],
            [1.305384, -2.935038, -1.618335],
            [2.295155, 0.471414, -1.682172],
            [1.265749, 0.710208, -1.343671],
            [0.577488, -0.186143, -0.44655],
            [3.28758, 1.141953, -3.305593]
        ];
        for (kind, expected, labels_sk, support) in [
            (KernelKind::Rbf, expected_rbf, [1, 2, 0, 0, 0, 0], 25),
            (KernelKind::Linear, expected_linear, [1, 2, 0, 0, 2, 0], 14),
        ] {
            let model = fit(kind, &x, &labels, 3);
            let decisions = model.decision_values(test.view()).unwrap();
            for (got, want) in decisions.iter().zip(expected.iter()) {
                assert_abs_diff_eq!(*got, *want, epsilon = 1e-3);
            }
            assert_eq!(model.support_vectors.nrows(), support, "{kind:?}");
            let Prediction::Classes { labels: got, .. } = model.predict(test.view()).unwrap()
            else {
                panic!("classes expected")
            };
            assert_eq!(got, labels_sk, "{kind:?}");
        }
    }

    #[test]
    fn a_constant_feature_and_duplicated_rows_change_nothing_essential() {
        let x = array![
            [-2.0, 5.0],
            [-1.5, 5.0],
            [-1.0, 5.0],
            [1.0, 5.0],
            [1.5, 5.0],
            [2.0, 5.0]
        ];
        let labels = [0, 0, 0, 1, 1, 1];
        // Every row twice, and one row also with the other label (a contradiction).
        let mut doubled = ndarray::concatenate![ndarray::Axis(0), x, x, array![[-1.0, 5.0]]];
        let mut doubled_labels = [labels, labels].concat();
        doubled_labels.push(1);
        let test = array![[-3.0, 5.0], [3.0, 5.0], [-0.8, 5.0]];
        for kind in [KernelKind::Rbf, KernelKind::Linear] {
            let model = SupportVectorClassifier(kind);
            let (once, _) = fit_and_classify(&model, &x, &labels, 2, &test);
            let (twice, _) = fit_and_classify(&model, &doubled, &doubled_labels, 2, &test);
            assert_eq!(once, vec![0, 1, 0], "{kind:?}");
            assert_eq!(twice, once, "{kind:?}");
        }
        // All features constant: gamma falls back to 1 and the fit still succeeds.
        doubled.fill(1.0);
        let (constant, _) = fit_and_classify(
            &SupportVectorClassifier(KernelKind::Rbf),
            &doubled,
            &doubled_labels,
            2,
            &test,
        );
        assert_eq!(constant.len(), 3);
    }

    #[test]
    fn a_fitted_model_is_plain_data_that_round_trips() {
        let x = array![
            [0.0, 1.0],
            [0.5, 0.8],
            [3.0, -1.0],
            [3.2, -0.7],
            [6.0, 2.0],
            [6.1, 2.2]
        ];
        let labels = [0, 0, 1, 1, 2, 2];
        let model = fit(KernelKind::Rbf, &x, &labels, 3);
        let text = serde_json::to_string(&model).unwrap();
        let back: OneVsOneSvm = serde_json::from_str(&text).unwrap();
        assert_eq!(back, model);
        assert_eq!(
            back.predict(x.view()).unwrap(),
            model.predict(x.view()).unwrap()
        );
        assert_eq!(back.machines.len(), 3);
    }

    #[test]
    fn large_sets_are_not_refused_and_wrong_columns_are() {
        for kind in [KernelKind::Rbf, KernelKind::Linear] {
            assert!(SupportVectorClassifier(kind)
                .check_feasible(1_000_000, 20)
                .is_ok());
        }
        let x = array![[0.0], [1.0]];
        let model = fit(KernelKind::Linear, &x, &[0, 1], 2);
        assert!(model.predict(array![[0.0, 1.0]].view()).is_err());
    }

    #[test]
    fn gamma_scale_matches_scikit_learn() {
        // Values 0, 2, 4, 6: mean 3, variance 5; 2 features -> gamma = 1 / 10.
        let x = array![[0.0, 2.0], [4.0, 6.0]];
        assert_abs_diff_eq!(gamma_scale(x.view()), 0.1, epsilon = 1e-15);
        assert_abs_diff_eq!(gamma_scale(array![[1.0], [1.0]].view()), 1.0);
    }
}
