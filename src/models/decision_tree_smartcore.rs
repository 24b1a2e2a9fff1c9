//! `decision-tree-smartcore` (optional, not run by default): one CART tree for classification
//! (Gini) or regression (squared error), fitted with smartcore 0.7's `DecisionTreeClassifier` /
//! `DecisionTreeRegressor`. It was `decision-tree` until our own engine (`cart`) replaced it:
//! smartcore scans every training row of every candidate feature at every node, which made it
//! 0.64x scikit-learn's speed on narrow data and about 6x slower on wide data (BENCHMARKS.md);
//! it stays so that the earlier choice remains measured.
//!
//! Why smartcore and not linfa-trees: smartcore's tree is deterministic and splits correctly on
//! tied feature values, and its accuracy matches scikit-learn's `DecisionTreeClassifier`
//! (linfa-trees' problems are listed in `decision_tree_linfa`). Settings follow scikit-learn:
//! grown until leaves are pure (min 2 rows to split, 1 per leaf), except that training sets
//! of 20,000 rows or more get a depth cap of 30
//! (why: [`super::smartcore_trees::DEPTH_CAP_FROM_ROWS`]).
//! Features are used as they are: splits do not depend on scale. The seed only breaks ties
//! between equally good regression splits (smartcore's classifier tries features in order).
//!
//! Sizes come from the fitted nodes (`smartcore_trees`). smartcore's regression tree goes on
//! splitting nodes whose targets are all equal; those subtrees are counted as the one leaf
//! scikit-learn would have made (predictions are the same either way).
//!
//! Class scores are one-hot (the leaf's class), as smartcore's `predict_proba` gives: with
//! leaves grown to purity that is also what scikit-learn reports, except for leaves holding
//! rows with identical features and different classes.

use ndarray::{Array2, ArrayView2};
use serde_json::json;
use smartcore::linalg::basic::matrix::DenseMatrix;
use smartcore::tree::decision_tree_classifier::{
    DecisionTreeClassifier, DecisionTreeClassifierParameters,
};
use smartcore::tree::decision_tree_regressor::{
    DecisionTreeRegressor, DecisionTreeRegressorParameters,
};

use super::smartcore_trees::{self as st, NodeTree};
use super::{
    parse_settings, ClassScores, Fitted, Model, ModelError, ModelFacts, ModelRole, ModelSize,
    Prediction, TrainSet, TreeStructureNode,
};
use crate::data::Task;

/// A single CART tree (smartcore 0.7). `max_depth` (in edges) `None` grows to pure leaves, up
/// to the row-dependent cap of [`st::depth_limit`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SmartcoreDecisionTree {
    pub max_depth: Option<u16>,
}

type Classifier = DecisionTreeClassifier<f64, u32, DenseMatrix<f64>, Vec<u32>>;
type Regressor = DecisionTreeRegressor<f64, f64, DenseMatrix<f64>, Vec<f64>>;

struct FittedClassTree {
    model: Classifier,
    tree: NodeTree<usize>,
    features: usize,
    n_classes: usize,
}

struct FittedValueTree {
    model: Regressor,
    tree: NodeTree<f64>,
    features: usize,
}

impl Model for SmartcoreDecisionTree {
    fn name(&self) -> &'static str {
        "decision-tree-smartcore"
    }
    fn description(&self) -> &'static str {
        "smartcore 0.7 CART tree (Gini / squared error), grown to pure leaves like scikit-learn's"
    }
    fn facts(&self) -> ModelFacts {
        ModelFacts {
            role: ModelRole::Simple,
            readability_rank: 0,
            cost_rank: 5,
            tuning_grid: &["max_depth=2", "max_depth=4", "max_depth=8"],
        }
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification, Task::Regression]
    }
    fn settings(&self) -> serde_json::Value {
        json!({
            "implementation": "smartcore 0.7",
            "criterion": {"classification": "gini", "regression": "squared_error"},
            "max_depth": self.max_depth,
            "max_depth_when_rows_at_least": {
                "rows": st::DEPTH_CAP_FROM_ROWS,
                "max_depth": st::DEPTH_CAP,
            },
            "min_samples_split": 2,
            "min_samples_leaf": 1,
        })
    }
    fn wants_standardized_features(&self) -> bool {
        false
    }
    fn is_default(&self) -> bool {
        false
    }
    fn with_settings(&self, spec: &str) -> Result<Box<dyn Model>, ModelError> {
        let mut tree = *self;
        for (key, value) in parse_settings(spec)? {
            match key.as_str() {
                "max_depth" if (1.0..=f64::from(u16::MAX)).contains(&value) => {
                    tree.max_depth = Some(value as u16)
                }
                _ => {
                    return Err(ModelError::new(format!(
                        "decision-tree-smartcore cannot set {key}={value}"
                    )))
                }
            }
        }
        Ok(Box::new(tree))
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        let features = train.features().ncols();
        let max_depth = st::smartcore_max_depth(self.max_depth.or(st::depth_limit(train.rows())));
        let x = st::to_dense(train.features())?;
        let fit_error = |e: smartcore::error::Failed| {
            ModelError::new(format!("smartcore decision tree failed to fit: {e}"))
        };
        if let Ok((labels, n_classes)) = train.classes() {
            let y = class_labels(labels)?;
            let params = DecisionTreeClassifierParameters {
                max_depth,
                min_samples_leaf: 1,
                min_samples_split: 2,
                seed: Some(train.seed()),
                ..Default::default()
            };
            let model = Classifier::fit(&x, &y, params).map_err(fit_error)?;
            let tree = st::class_tree(&model, features, n_classes)?;
            Ok(Box::new(FittedClassTree {
                model,
                tree,
                features,
                n_classes,
            }))
        } else {
            let y = train.values()?.to_vec();
            let params = DecisionTreeRegressorParameters {
                max_depth,
                min_samples_leaf: 1,
                min_samples_split: 2,
                seed: Some(train.seed()),
            };
            let model = Regressor::fit(&x, &y, params).map_err(fit_error)?;
            let tree = st::value_tree(&model, features)?;
            Ok(Box::new(FittedValueTree {
                model,
                tree,
                features,
            }))
        }
    }
    fn load_fitted(&self, saved: &serde_json::Value) -> Result<Box<dyn Fitted>, ModelError> {
        super::saved_trees::load_trees(self.name(), saved)
    }
}

/// smartcore wants an integer label type; it also refuses a single class, which we say first.
pub(super) fn class_labels(labels: &[usize]) -> Result<Vec<u32>, ModelError> {
    if let Some(&first) = labels.first() {
        if labels.iter().all(|&l| l == first) {
            return Err(ModelError::new(format!(
                "every training row has class {first}; a tree needs at least two classes"
            )));
        }
    }
    labels
        .iter()
        .map(|&l| {
            u32::try_from(l).map_err(|_| ModelError::new(format!("class index {l} is too large")))
        })
        .collect()
}

/// smartcore's predicted labels back to our class indices.
pub(super) fn class_indices(predicted: &[u32], n_classes: usize) -> Result<Vec<usize>, ModelError> {
    predicted
        .iter()
        .map(|&l| usize::try_from(l).ok().filter(|&c| c < n_classes))
        .collect::<Option<Vec<usize>>>()
        .ok_or_else(|| ModelError::new("smartcore predicted an unknown class"))
}

impl Fitted for FittedClassTree {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        st::check_columns(features, self.features)?;
        let predicted = self
            .model
            .predict(&st::to_dense(features)?)
            .map_err(|e| ModelError::new(format!("smartcore decision tree failed: {e}")))?;
        let labels = class_indices(&predicted, self.n_classes)?;
        let mut values = Array2::zeros((labels.len(), self.n_classes));
        for (row, &class) in labels.iter().enumerate() {
            values[[row, class]] = 1.0;
        }
        Ok(Prediction::Classes {
            labels,
            scores: Some(ClassScores {
                values,
                are_probabilities: true,
            }),
        })
    }
    fn size(&self) -> ModelSize {
        st::forest_size(std::slice::from_ref(&self.tree))
    }
    fn tree_structure(&self) -> Option<Vec<TreeStructureNode>> {
        Some(self.tree.structure(|&class| class as f64))
    }
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        super::saved_trees::save_class_trees(
            std::slice::from_ref(&self.tree),
            self.features,
            self.n_classes,
        )
    }
}

impl Fitted for FittedValueTree {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        st::check_columns(features, self.features)?;
        self.model
            .predict(&st::to_dense(features)?)
            .map(Prediction::Values)
            .map_err(|e| ModelError::new(format!("smartcore regression tree failed: {e}")))
    }
    fn size(&self) -> ModelSize {
        st::forest_size(std::slice::from_ref(&self.tree))
    }
    fn tree_structure(&self) -> Option<Vec<TreeStructureNode>> {
        Some(self.tree.structure(|&value| value))
    }
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        super::saved_trees::save_value_trees(std::slice::from_ref(&self.tree), self.features)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::TargetSlice;
    use ndarray::{array, Array2};

    fn classes(x: &Array2<f64>, labels: &[usize], n_classes: usize) -> Box<dyn Fitted> {
        crate::models::tree_checks::fit_classes(
            &SmartcoreDecisionTree::default(),
            x,
            labels,
            n_classes,
            7,
        )
    }

    #[test]
    fn separates_two_classes_with_one_split() {
        // Feature 0 separates the classes at 1.5; feature 1 is noise.
        let x = array![[0.0, 5.0], [1.0, 3.0], [2.0, 5.0], [3.0, 3.0]];
        let fitted = classes(&x, &[0, 0, 1, 1], 2);
        let Prediction::Classes { labels, scores } = fitted.predict(x.view()).unwrap() else {
            panic!("classifier returned values")
        };
        assert_eq!(labels, vec![0, 0, 1, 1]);
        let scores = scores.unwrap();
        assert!(scores.are_probabilities);
        assert_eq!(scores.values.row(2).to_vec(), vec![0.0, 1.0]);
        let size = fitted.size();
        assert_eq!(
            (size.tree_nodes, size.leaves, size.tree_depth),
            (Some(3), Some(2), Some(1))
        );
    }

    #[test]
    fn three_classes_including_one_absent_from_training() {
        crate::models::tree_checks::three_classes_including_one_absent_from_training(
            &SmartcoreDecisionTree::default(),
        );
    }

    #[test]
    fn regression_tree_fits_a_step_exactly() {
        crate::models::tree_checks::regression_tree_fits_a_step_exactly(
            &SmartcoreDecisionTree::default(),
        );
    }

    #[test]
    fn refuses_wrong_columns_and_a_single_class() {
        let x = array![[0.0], [1.0], [2.0]];
        let fitted = classes(&x, &[0, 1, 1], 2);
        let err = fitted.predict(array![[0.0, 1.0]].view()).unwrap_err();
        assert!(err.0.contains("trained on 1 features but got 2"), "{err}");
        let target = TargetSlice::Classes {
            labels: &[1, 1, 1],
            n_classes: 2,
        };
        let err = match SmartcoreDecisionTree::default()
            .fit(&TrainSet::new(x.view(), target, 0).unwrap())
        {
            Err(e) => e,
            Ok(_) => panic!("a single class should be refused"),
        };
        assert!(err.0.contains("at least two classes"), "{err}");
    }

    #[test]
    fn our_walk_of_the_tree_agrees_with_smartcore() {
        // Pseudo-random points (a fixed linear congruential sequence), label from a nonlinear rule.
        let mut state = 12345u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let x = Array2::from_shape_fn((200, 3), |_| (next() * 8.0).round());
        let labels: Vec<usize> = x
            .rows()
            .into_iter()
            .map(|r| ((r[0] * r[1] + r[2]) as usize) % 3)
            .collect();
        let target = TargetSlice::Classes {
            labels: &labels,
            n_classes: 3,
        };
        let train = TrainSet::new(x.view(), target, 1).unwrap();
        let y = class_labels(&labels).unwrap();
        let model = Classifier::fit(
            &st::to_dense(x.view()).unwrap(),
            &y,
            DecisionTreeClassifierParameters::default(),
        )
        .unwrap();
        let tree = st::class_tree(&model, 3, 3).unwrap();
        let theirs = model.predict(&st::to_dense(x.view()).unwrap()).unwrap();
        let ours: Vec<u32> = x.rows().into_iter().map(|r| *tree.leaf(r) as u32).collect();
        assert_eq!(ours, theirs);
        // Same data, same seed: the same tree twice.
        let a = SmartcoreDecisionTree::default().fit(&train).unwrap().size();
        assert_eq!(
            a,
            SmartcoreDecisionTree::default().fit(&train).unwrap().size()
        );
    }
}
