//! The models modelbench compares, behind one small trait.
//!
//! Each library's generics (linfa's `Fit<R, T, E>` and `DatasetBase`, smartcore's matrix
//! traits) stay inside the model's own file; the rest of the program sees [`Model`] and
//! [`Fitted`]. Adding a model is one file and one line in [`registry`].
//!
//! Inputs reaching a model are already valid: a [`TrainSet`] can only be built from finite
//! features with at least one row and matching target length (linfa panics or aborts on NaN,
//! empty or mismatched input, so the check happens before any library call).

mod baseline;
mod cart;
mod decision_tree;
mod decision_tree_linfa;
mod decision_tree_smartcore;
pub mod fault;
mod gradient_boosting;
mod knn;
mod linear;
mod logistic;
mod mlp;
mod naive_bayes;
mod random_forest;
mod random_forest_smartcore;
pub mod registry;
mod saved_trees;
mod sigmoid_mlp;
mod sigmoid_net;
mod smartcore_trees;
mod svm;
mod svm_linfa;
mod svm_solver;
mod svr;
#[cfg(test)]
mod tree_checks;

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use crate::data::Task;

pub use linear::SavedLinear;
pub use logistic::SavedLogistic;
pub use registry::{all_models, default_models, find_model, resolve_model};
pub use sigmoid_net::{SavedLayer, SavedNetwork};

/// The target of a training or test set.
#[derive(Debug, Clone, Copy)]
pub enum TargetSlice<'a> {
    /// Class index per row, each below `n_classes`.
    Classes {
        labels: &'a [usize],
        n_classes: usize,
    },
    /// A number per row.
    Values(&'a [f64]),
}

impl TargetSlice<'_> {
    pub fn len(&self) -> usize {
        match self {
            TargetSlice::Classes { labels, .. } => labels.len(),
            TargetSlice::Values(values) => values.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Validated training data: finite features, at least one row, target length matching.
#[derive(Debug, Clone, Copy)]
pub struct TrainSet<'a> {
    features: ArrayView2<'a, f64>,
    target: TargetSlice<'a>,
    seed: u64,
}

impl<'a> TrainSet<'a> {
    /// Checks the invariants every model relies on; the error says which one failed.
    pub fn new(
        features: ArrayView2<'a, f64>,
        target: TargetSlice<'a>,
        seed: u64,
    ) -> Result<Self, ModelError> {
        if features.nrows() == 0 || features.ncols() == 0 {
            return Err(ModelError::new(format!(
                "training set is empty ({} rows, {} features)",
                features.nrows(),
                features.ncols()
            )));
        }
        if features.nrows() != target.len() {
            return Err(ModelError::new(format!(
                "training set has {} rows but {} targets",
                features.nrows(),
                target.len()
            )));
        }
        if let Some(pos) = features.iter().position(|v| !v.is_finite()) {
            let (row, col) = (pos / features.ncols(), pos % features.ncols());
            return Err(ModelError::new(format!(
                "feature {col} of training row {row} is not finite; impute or remove it first"
            )));
        }
        match target {
            TargetSlice::Classes { labels, n_classes } => {
                if n_classes < 2 || labels.iter().any(|&l| l >= n_classes) {
                    return Err(ModelError::new(format!(
                        "class labels must lie in 0..{n_classes} with at least two classes"
                    )));
                }
            }
            TargetSlice::Values(values) => {
                if values.iter().any(|v| !v.is_finite()) {
                    return Err(ModelError::new("a regression target is not finite"));
                }
            }
        }
        Ok(TrainSet {
            features,
            target,
            seed,
        })
    }

    pub fn features(&self) -> ArrayView2<'a, f64> {
        self.features
    }

    pub fn target(&self) -> TargetSlice<'a> {
        self.target
    }

    /// Seed for any random choice the model makes (initial weights, bootstrap samples).
    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn rows(&self) -> usize {
        self.features.nrows()
    }

    /// Class labels and class count; an error for a regression target.
    pub fn classes(&self) -> Result<(&'a [usize], usize), ModelError> {
        match self.target {
            TargetSlice::Classes { labels, n_classes } => Ok((labels, n_classes)),
            TargetSlice::Values(_) => Err(ModelError::new(
                "this model needs class labels, not numeric targets",
            )),
        }
    }

    /// Numeric targets; an error for a classification target.
    pub fn values(&self) -> Result<&'a [f64], ModelError> {
        match self.target {
            TargetSlice::Values(values) => Ok(values),
            TargetSlice::Classes { .. } => Err(ModelError::new(
                "this model needs numeric targets, not classes",
            )),
        }
    }
}

/// Per-class scores of a classifier, rows × classes.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassScores {
    pub values: Array2<f64>,
    /// True when each row is a probability distribution (non-negative, sums to 1): then
    /// log-loss and the Brier score apply. Otherwise the scores only rank (for ROC AUC).
    pub are_probabilities: bool,
}

/// What a fitted model says about a set of rows.
#[derive(Debug, Clone, PartialEq)]
pub enum Prediction {
    Classes {
        labels: Vec<usize>,
        scores: Option<ClassScores>,
    },
    Values(Vec<f64>),
}

/// How big a fitted model is: the "hard to interpret" comparison. Fields that do not apply
/// to a model stay `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelSize {
    /// Learned numbers (weights, coefficients, means and variances).
    pub parameters: Option<usize>,
    /// Nodes of a tree, or of all trees of a forest.
    pub tree_nodes: Option<usize>,
    /// Depth of a tree, or the deepest tree of a forest.
    pub tree_depth: Option<usize>,
    pub leaves: Option<usize>,
    pub support_vectors: Option<usize>,
    /// Training rows kept for prediction (kNN).
    pub stored_rows: Option<usize>,
}

/// A model that failed to fit or predict, with a reason for the user.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ModelError(pub String);

impl ModelError {
    pub fn new(message: impl Into<String>) -> Self {
        ModelError(message.into())
    }
}

/// What part a model plays in the comparison: the verdict weighs networks against every
/// non-baseline non-network; baselines only mark chance level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelRole {
    /// Majority class or mean: the chance level, never a candidate.
    Baseline,
    /// A single readable model: tree, linear, naive Bayes, kNN.
    Simple,
    /// Many trees voting or boosting.
    Ensemble,
    /// A kernel machine (SVM, SVR).
    Kernel,
    /// A neural network: the article's or a modern one.
    Network,
}

/// Facts about a model that the analysis, `pick` and the experiments need, declared in the
/// model's own file (so a new model cannot silently sort last).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelFacts {
    pub role: ModelRole,
    /// 0 is the easiest to read (a small tree); higher ranks are harder to explain. Breaks
    /// ties between equally cheap candidates in `pick`.
    pub readability_rank: u8,
    /// 0 is the cheapest to run; `pick --budget` runs models in this order.
    pub cost_rank: u8,
    /// Settings tried by the tuning experiment (claim 6), each beside the defaults; empty when
    /// the model is not tuned.
    pub tuning_grid: &'static [&'static str],
}

/// A model with fixed settings, ready to fit.
pub trait Model: Send + Sync {
    /// Short kebab-case name used on the command line and in reports.
    fn name(&self) -> &'static str;
    /// One line for `modelbench models`: what it is and which implementation.
    fn description(&self) -> &'static str;
    /// The tasks it handles.
    fn tasks(&self) -> &'static [Task];
    /// Its role, readability, cost rank and tuning grid (see [`ModelFacts`]).
    fn facts(&self) -> ModelFacts;
    /// Its settings, recorded in the results file so that a run can be replayed.
    fn settings(&self) -> serde_json::Value;
    /// Whether its default settings were chosen by trying them on the bundled datasets (rather
    /// than taken from a reference library); the report discloses it, since those datasets
    /// then favour it.
    fn defaults_chosen_on_bundled_data(&self) -> bool {
        false
    }
    /// Whether its features should be standardized (fitted on the training fold) first.
    fn wants_standardized_features(&self) -> bool;
    /// Whether it is in the default set run by `compare` without `--models`.
    fn is_default(&self) -> bool {
        true
    }
    /// Refuses, before training, what cannot work at this size (e.g. a kernel matrix larger
    /// than memory), with the reason.
    fn check_feasible(&self, _rows: usize, _features: usize) -> Result<(), String> {
        Ok(())
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError>;
    /// A copy with some settings changed, from `key=value` pairs separated by `;` (used for
    /// the tuning grid behind the article's claim that networks need tuning). Models without
    /// tunable settings refuse.
    fn with_settings(&self, spec: &str) -> Result<Box<dyn Model>, ModelError> {
        Err(ModelError::new(format!(
            "{} has no tunable settings (asked for '{spec}')",
            self.name()
        )))
    }
    /// Rebuilds a fitted model from the plain data its [`Fitted::to_saved`] wrote (read from a
    /// model file: checked for shapes, bounds and finite numbers before use). Models that
    /// cannot be saved yet refuse.
    fn load_fitted(&self, _saved: &serde_json::Value) -> Result<Box<dyn Fitted>, ModelError> {
        Err(ModelError::new(format!(
            "{} cannot be loaded from a model file yet",
            self.name()
        )))
    }
}

/// Parses a `key=value;key=value` settings spec into numbers; an error names the bad pair.
pub fn parse_settings(spec: &str) -> Result<Vec<(String, f64)>, ModelError> {
    spec.split(';')
        .filter(|pair| !pair.trim().is_empty())
        .map(|pair| {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| ModelError::new(format!("setting '{pair}' is not key=value")))?;
            let value: f64 = value.trim().parse().map_err(|_| {
                ModelError::new(format!("setting '{pair}' has a non-numeric value"))
            })?;
            Ok((key.trim().to_string(), value))
        })
        .collect()
}

/// A fitted decision tree's structure, by feature index, for printing rules and drawing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TreeStructureNode {
    /// `features[feature] <= threshold` goes to `left`.
    Split {
        feature: usize,
        threshold: f64,
        left: usize,
        right: usize,
    },
    /// A class index (classification) or a value (regression).
    Leaf { value: f64 },
}

/// A trained model.
pub trait Fitted {
    /// Predicts for `features` (same columns and preprocessing as the training set).
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError>;
    fn size(&self) -> ModelSize;
    /// The nodes of a single decision tree (node 0 the root); `None` for other models.
    fn tree_structure(&self) -> Option<Vec<TreeStructureNode>> {
        None
    }
    /// The fitted model as plain data (numbers, names, shapes) for a model file; its
    /// [`Model::load_fitted`] rebuilds it with identical predictions. Models that cannot be
    /// saved yet refuse.
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        Err(ModelError::new("this model cannot be saved to a file yet"))
    }
}

/// Most classes a loaded model may declare: a bound checked before anything is allocated
/// from a count read from a file.
pub const MAX_SAVED_CLASSES: usize = 1 << 16;

/// Writes a model's saved form as plain data.
pub(crate) fn write_saved(saved: &impl Serialize) -> Result<serde_json::Value, ModelError> {
    serde_json::to_value(saved)
        .map_err(|e| ModelError::new(format!("could not write the fitted model: {e}")))
}

/// Reads a model's saved form; the error names the model and what did not fit.
pub(crate) fn read_saved<T: serde::de::DeserializeOwned>(
    model: &str,
    saved: &serde_json::Value,
) -> Result<T, ModelError> {
    T::deserialize(saved)
        .map_err(|e| ModelError::new(format!("saved {model} model is invalid: {e}")))
}

/// An error unless `condition` holds, naming the model and the broken rule.
pub(crate) fn check_saved(model: &str, condition: bool, rule: &str) -> Result<(), ModelError> {
    if condition {
        Ok(())
    } else {
        Err(ModelError::new(format!(
            "saved {model} model is invalid: {rule}"
        )))
    }
}

/// An error unless every value is finite.
pub(crate) fn check_saved_finite<'a>(
    model: &str,
    what: &str,
    values: impl IntoIterator<Item = &'a f64>,
) -> Result<(), ModelError> {
    check_saved(
        model,
        values.into_iter().all(|v| v.is_finite()),
        &format!("{what} are not all finite"),
    )
}

/// A row-major matrix of a saved model, checked for its shape before it is built.
pub(crate) fn saved_matrix(
    model: &str,
    what: &str,
    rows: usize,
    cols: usize,
    values: Vec<f64>,
) -> Result<Array2<f64>, ModelError> {
    check_saved(
        model,
        rows.checked_mul(cols) == Some(values.len()),
        &format!("{what} has {} values, not {rows} x {cols}", values.len()),
    )?;
    check_saved_finite(model, what, &values)?;
    Array2::from_shape_vec((rows, cols), values)
        .map_err(|e| ModelError::new(format!("saved {model} model is invalid: {what}: {e}")))
}

/// Fits a classifier on `x` / `labels` and predicts `test`: labels and class scores.
#[cfg(test)]
pub(crate) fn fit_and_classify(
    model: &dyn Model,
    x: &Array2<f64>,
    labels: &[usize],
    n_classes: usize,
    test: &Array2<f64>,
) -> (Vec<usize>, Array2<f64>) {
    let train = TrainSet::new(x.view(), TargetSlice::Classes { labels, n_classes }, 0)
        .expect("valid test data");
    let Prediction::Classes { labels, scores } = model
        .fit(&train)
        .expect("test model fits")
        .predict(test.view())
        .expect("test model predicts")
    else {
        panic!("classifier returned values")
    };
    (labels, scores.expect("classifier gives scores").values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn train_set_refuses_what_would_crash_a_library() {
        let x = array![[1.0, f64::NAN], [0.0, 1.0]];
        let err = TrainSet::new(
            x.view(),
            TargetSlice::Classes {
                labels: &[0, 1],
                n_classes: 2,
            },
            0,
        )
        .unwrap_err();
        assert!(
            err.0.contains("feature 1 of training row 0 is not finite"),
            "{err}"
        );
        let x = array![[1.0, 2.0], [0.0, 1.0]];
        assert!(TrainSet::new(
            x.view(),
            TargetSlice::Classes {
                labels: &[0],
                n_classes: 2
            },
            0
        )
        .is_err());
        assert!(TrainSet::new(
            x.view(),
            TargetSlice::Classes {
                labels: &[0, 2],
                n_classes: 2
            },
            0
        )
        .is_err());
        let empty = Array2::<f64>::zeros((0, 2));
        assert!(TrainSet::new(empty.view(), TargetSlice::Values(&[]), 0).is_err());
        assert!(TrainSet::new(x.view(), TargetSlice::Values(&[1.0, 2.0]), 0).is_ok());
    }
}
