//! `random-forest`: 100 CART trees (our `cart` engine), each on a bootstrap sample, with
//! features sampled at each split, following scikit-learn's `RandomForestClassifier` /
//! `RandomForestRegressor` defaults: each tree draws `n` rows uniformly with replacement
//! (counted as weights), tries `floor(sqrt(p))` features per split for classification and all
//! `p` for regression (scikit-learn's `max_features=1.0` for regressors), drawing further
//! features while the drawn ones are constant in the node, and grows to pure leaves. Tree `t`
//! draws from a generator derived from the training set's seed and `t`, so a forest is the
//! same for a given seed. One thread, as scikit-learn's `n_jobs=None`.
//!
//! Class scores are the mean of the trees' leaf class fractions (scikit-learn's
//! `predict_proba`), the label the first class with the highest score; a value is the mean of
//! the trees' values. The earlier smartcore forest stays as `random-forest-smartcore`.

use serde_json::json;

use super::cart::{self, Columns, Target};
use super::decision_tree::{check_rows, class_labels};
use super::{Fitted, Model, ModelError, ModelFacts, ModelRole, TrainSet};
use crate::data::Task;
use crate::rng::SeededRng;

/// Trees per forest, scikit-learn's default.
const TREES: usize = 100;

/// A random forest.
pub struct RandomForest;

/// Candidate features per split: `floor(sqrt(p))` (at least 1) for classification, `p` for
/// regression.
fn features_per_split(features: usize, task: Task) -> usize {
    match task {
        Task::Classification => ((features as f64).sqrt().floor() as usize).max(1),
        Task::Regression => features,
    }
}

/// Grows the forest's trees on one shared feature-major copy of the data.
fn grow_trees(train: &TrainSet, target: Target, task: Task) -> Result<Vec<cart::Tree>, ModelError> {
    let x = train.features();
    check_rows(x.nrows())?;
    let columns = Columns::new(x);
    let max_features = features_per_split(x.ncols(), task);
    Ok((0..TREES)
        .map(|t| {
            let mut rng = SeededRng::derive(train.seed(), t as u64);
            let (weights, samples) = cart::bootstrap(x.nrows(), &mut rng);
            cart::grow(
                &columns,
                target,
                &weights,
                samples,
                max_features,
                None,
                &mut rng,
            )
        })
        .collect())
}

impl Model for RandomForest {
    fn name(&self) -> &'static str {
        "random-forest"
    }
    fn description(&self) -> &'static str {
        "100 bootstrapped CART trees, sqrt(p) features per split (all p for regression), \
         scikit-learn's algorithm"
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
            "implementation": "modelbench cart (scikit-learn's BestSplitter)",
            "trees": TREES,
            "features_per_split": {"classification": "floor(sqrt(p))", "regression": "p"},
            "bootstrap": true,
            "criterion": {"classification": "gini", "regression": "squared_error"},
            "max_depth": null,
            "min_samples_split": 2,
            "min_samples_leaf": 1,
            "seed": "the training set's seed",
        })
    }
    fn wants_standardized_features(&self) -> bool {
        false
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        let features = train.features().ncols();
        if let Ok((labels, n_classes)) = train.classes() {
            let labels = class_labels(labels);
            let target = Target::Classes {
                labels: &labels,
                n_classes,
            };
            Ok(Box::new(cart::ClassTrees {
                trees: grow_trees(train, target, Task::Classification)?,
                features,
                n_classes,
            }))
        } else {
            let target = Target::Values(train.values()?);
            Ok(Box::new(cart::ValueTrees {
                trees: grow_trees(train, target, Task::Regression)?,
                features,
            }))
        }
    }
    fn load_fitted(&self, saved: &serde_json::Value) -> Result<Box<dyn Fitted>, ModelError> {
        super::saved_trees::load_trees(self.name(), saved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_two_and_three_classes_with_mean_fractions() {
        let fitted = crate::models::tree_checks::forest_separates_blobs(&RandomForest);
        assert!(fitted.tree_structure().is_none());
    }

    #[test]
    fn same_seed_same_forest_and_other_seed_differs() {
        crate::models::tree_checks::forest_is_seeded(&RandomForest);
    }

    #[test]
    fn regression_forest_follows_a_step() {
        crate::models::tree_checks::regression_forest_follows_a_step(&RandomForest);
    }

    #[test]
    fn features_per_split_follow_scikit_learn() {
        assert_eq!(features_per_split(64, Task::Classification), 8);
        assert_eq!(features_per_split(784, Task::Classification), 28);
        assert_eq!(features_per_split(3, Task::Classification), 1);
        assert_eq!(features_per_split(10, Task::Regression), 10);
    }
}
