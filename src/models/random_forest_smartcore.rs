//! `random-forest-smartcore` (optional, not run by default): 100 bootstrapped CART trees with
//! features sampled at each split, fitted with smartcore 0.7's `RandomForestClassifier` /
//! `RandomForestRegressor`. It was `random-forest` until our own engine (`cart`) replaced it:
//! about 30x slower than scikit-learn on 5,000 x 784 (BENCHMARKS.md); it stays so that the
//! earlier choice remains measured.
//!
//! Settings follow scikit-learn's defaults: 100 trees grown to pure leaves, `floor(sqrt(p))`
//! candidate features per split for classification and all `p` for regression (scikit-learn's
//! `max_features=1.0` for regressors; smartcore would otherwise use `sqrt(p)` for both). The
//! seed is the training set's, so a forest is the same for a given seed. Differences from
//! scikit-learn that remain: smartcore draws each classifier bootstrap sample per class
//! (stratified) and does not look at further features when the sampled ones give no split.
//! Training sets of 20,000 rows or more get a depth cap, as for `decision-tree-smartcore`.
//!
//! Class scores are the fraction of trees voting for each class (read from the fitted trees,
//! which smartcore does not expose; see `smartcore_trees`); the label is smartcore's majority
//! vote, ties going to the lower class.

use ndarray::{Array2, ArrayView2};
use serde_json::json;
use smartcore::ensemble::random_forest_classifier::{
    RandomForestClassifier, RandomForestClassifierParameters,
};
use smartcore::ensemble::random_forest_regressor::{
    RandomForestRegressor, RandomForestRegressorParameters,
};
use smartcore::linalg::basic::matrix::DenseMatrix;

use super::decision_tree_smartcore::{class_indices, class_labels};
use super::smartcore_trees::{self as st, NodeTree};
use super::{
    ClassScores, Fitted, Model, ModelError, ModelFacts, ModelRole, ModelSize, Prediction, TrainSet,
};
use crate::data::Task;

/// Trees per forest, scikit-learn's default.
const TREES: u16 = 100;

/// A random forest (smartcore 0.7).
pub struct SmartcoreRandomForest;

type Classifier = RandomForestClassifier<f64, u32, DenseMatrix<f64>, Vec<u32>>;
type Regressor = RandomForestRegressor<f64, f64, DenseMatrix<f64>, Vec<f64>>;

struct FittedClassForest {
    model: Classifier,
    trees: Vec<NodeTree<usize>>,
    features: usize,
    n_classes: usize,
}

struct FittedValueForest {
    model: Regressor,
    trees: Vec<NodeTree<f64>>,
    features: usize,
}

/// Candidate features per split: `floor(sqrt(p))` (at least 1) for classification, `p` for
/// regression.
fn features_per_split(features: usize, task: Task) -> usize {
    match task {
        Task::Classification => ((features as f64).sqrt().floor() as usize).max(1),
        Task::Regression => features,
    }
}

impl Model for SmartcoreRandomForest {
    fn name(&self) -> &'static str {
        "random-forest-smartcore"
    }
    fn description(&self) -> &'static str {
        "smartcore 0.7 random forest: 100 bootstrapped CART trees, sqrt(p) features per split \
         (all p for regression)"
    }
    fn facts(&self) -> ModelFacts {
        ModelFacts {
            role: ModelRole::Ensemble,
            readability_rank: 6,
            cost_rank: 8,
            tuning_grid: &[],
        }
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification, Task::Regression]
    }
    fn settings(&self) -> serde_json::Value {
        json!({
            "implementation": "smartcore 0.7",
            "trees": TREES,
            "features_per_split": {"classification": "floor(sqrt(p))", "regression": "p"},
            "bootstrap": true,
            "criterion": {"classification": "gini", "regression": "squared_error"},
            "max_depth": null,
            "max_depth_when_rows_at_least": {
                "rows": st::DEPTH_CAP_FROM_ROWS,
                "max_depth": st::DEPTH_CAP,
            },
            "min_samples_split": 2,
            "min_samples_leaf": 1,
            "seed": "the training set's seed",
        })
    }
    fn wants_standardized_features(&self) -> bool {
        false
    }
    fn is_default(&self) -> bool {
        false
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        let features = train.features().ncols();
        let max_depth = st::smartcore_max_depth(st::depth_limit(train.rows()));
        let x = st::to_dense(train.features())?;
        let fit_error = |e: smartcore::error::Failed| {
            ModelError::new(format!("smartcore random forest failed to fit: {e}"))
        };
        if let Ok((labels, n_classes)) = train.classes() {
            let y = class_labels(labels)?;
            let params = RandomForestClassifierParameters {
                max_depth,
                min_samples_leaf: 1,
                min_samples_split: 2,
                n_trees: TREES,
                m: Some(features_per_split(features, Task::Classification)),
                keep_samples: false,
                seed: train.seed(),
                ..Default::default()
            };
            let model = Classifier::fit(&x, &y, params).map_err(fit_error)?;
            let trees = st::class_forest(&model, features, n_classes)?;
            Ok(Box::new(FittedClassForest {
                model,
                trees,
                features,
                n_classes,
            }))
        } else {
            let y = train.values()?.to_vec();
            let params = RandomForestRegressorParameters {
                max_depth,
                min_samples_leaf: 1,
                min_samples_split: 2,
                n_trees: usize::from(TREES),
                m: Some(features_per_split(features, Task::Regression)),
                keep_samples: false,
                seed: train.seed(),
            };
            let model = Regressor::fit(&x, &y, params).map_err(fit_error)?;
            let trees = st::value_forest(&model, features)?;
            Ok(Box::new(FittedValueForest {
                model,
                trees,
                features,
            }))
        }
    }
    fn load_fitted(&self, saved: &serde_json::Value) -> Result<Box<dyn Fitted>, ModelError> {
        super::saved_trees::load_trees(self.name(), saved)
    }
}

impl Fitted for FittedClassForest {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        st::check_columns(features, self.features)?;
        let predicted = self
            .model
            .predict(&st::to_dense(features)?)
            .map_err(|e| ModelError::new(format!("smartcore random forest failed: {e}")))?;
        let labels = class_indices(&predicted, self.n_classes)?;
        let mut votes = Array2::<f64>::zeros((features.nrows(), self.n_classes));
        for (row, mut out) in features.rows().into_iter().zip(votes.rows_mut()) {
            for tree in &self.trees {
                out[*tree.leaf(row)] += 1.0;
            }
        }
        votes /= self.trees.len().max(1) as f64;
        Ok(Prediction::Classes {
            labels,
            scores: Some(ClassScores {
                values: votes,
                are_probabilities: true,
            }),
        })
    }
    fn size(&self) -> ModelSize {
        st::forest_size(&self.trees)
    }
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        super::saved_trees::save_class_trees(&self.trees, self.features, self.n_classes)
    }
}

impl Fitted for FittedValueForest {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        st::check_columns(features, self.features)?;
        self.model
            .predict(&st::to_dense(features)?)
            .map(Prediction::Values)
            .map_err(|e| ModelError::new(format!("smartcore random forest failed: {e}")))
    }
    fn size(&self) -> ModelSize {
        st::forest_size(&self.trees)
    }
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        super::saved_trees::save_value_trees(&self.trees, self.features)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_two_and_three_classes_with_vote_fractions() {
        crate::models::tree_checks::forest_separates_blobs(&SmartcoreRandomForest);
    }

    #[test]
    fn same_seed_same_forest_and_other_seed_differs() {
        crate::models::tree_checks::forest_is_seeded(&SmartcoreRandomForest);
    }

    #[test]
    fn regression_forest_follows_a_step() {
        crate::models::tree_checks::regression_forest_follows_a_step(&SmartcoreRandomForest);
    }

    #[test]
    fn features_per_split_follow_scikit_learn() {
        assert_eq!(features_per_split(64, Task::Classification), 8);
        assert_eq!(features_per_split(3, Task::Classification), 1);
        assert_eq!(features_per_split(10, Task::Regression), 10);
    }
}
