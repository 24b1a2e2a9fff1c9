//! `decision-tree-linfa`: linfa-trees 0.8.1's `DecisionTree` with its defaults (Gini, no depth
//! limit, min weight 2 to split and 1 per leaf, min impurity decrease 1e-5). Not in the default
//! set: it is here to show why `decision-tree` uses smartcore instead.
//!
//! Defects measured on the bundled datasets:
//! - Not deterministic from run to run: class counts live in a `HashMap` with a randomly seeded
//!   hasher, so ties between splits break differently each run (30 identical fits on digits
//!   gave 24 different trees).
//! - Splits wrongly on tied feature values: it can place a threshold between rows that share a
//!   value, so a "split" sends equal values both ways and the tree underfits (digits: train
//!   accuracy 0.886 and test 0.74, against scikit-learn's 1.0 and 0.84).
//! - Unlimited-depth fit time grows about quadratically with the rows.
//!
//! Class scores are one-hot (the leaf's class): linfa-trees gives no class probabilities.

use linfa::prelude::*;
use linfa_trees::DecisionTree;
use ndarray::{Array1, Array2, ArrayView2};
use serde_json::json;

use super::{
    check_saved, read_saved, write_saved, ClassScores, Fitted, Model, ModelError, ModelFacts,
    ModelRole, ModelSize, Prediction, TrainSet, MAX_SAVED_CLASSES,
};
use crate::data::Task;

/// linfa-trees' CART tree with its default settings.
pub struct LinfaDecisionTree;

struct FittedLinfaTree {
    tree: DecisionTree<f64, usize>,
    features: usize,
    n_classes: usize,
}

impl Model for LinfaDecisionTree {
    fn name(&self) -> &'static str {
        "decision-tree-linfa"
    }
    fn description(&self) -> &'static str {
        "linfa-trees 0.8 CART tree with defaults; not deterministic and mis-splits ties (optional)"
    }
    fn facts(&self) -> ModelFacts {
        ModelFacts {
            role: ModelRole::Simple,
            readability_rank: 0,
            cost_rank: 5,
            tuning_grid: &[],
        }
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification]
    }
    fn settings(&self) -> serde_json::Value {
        json!({
            "implementation": "linfa-trees 0.8",
            "criterion": "gini",
            "max_depth": null,
            "min_weight_split": 2.0,
            "min_weight_leaf": 1.0,
            "min_impurity_decrease": 1e-5,
        })
    }
    fn wants_standardized_features(&self) -> bool {
        false
    }
    fn is_default(&self) -> bool {
        false
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        let (labels, n_classes) = train.classes()?;
        let dataset = Dataset::new(train.features().to_owned(), Array1::from(labels.to_vec()));
        let tree = DecisionTree::params()
            .fit(&dataset)
            .map_err(|e| ModelError::new(format!("linfa-trees failed to fit: {e}")))?;
        Ok(Box::new(FittedLinfaTree {
            tree,
            features: train.features().ncols(),
            n_classes,
        }))
    }
    fn load_fitted(&self, saved: &serde_json::Value) -> Result<Box<dyn Fitted>, ModelError> {
        let name = self.name();
        let saved: SavedLinfaTree = read_saved(name, saved)?;
        let n = saved.value.len();
        check_saved(
            name,
            (2..=MAX_SAVED_CLASSES).contains(&saved.n_classes)
                && n > 0
                && [
                    saved.feature.len(),
                    saved.threshold.len(),
                    saved.low.len(),
                    saved.high.len(),
                ]
                .iter()
                .all(|&len| len == n),
            "its node arrays are empty or of different lengths",
        )?;
        for i in 0..n {
            let (low, high) = (saved.low[i], saved.high[i]);
            let valid = if low == 0 && high == 0 {
                saved.value[i] < saved.n_classes
            } else {
                low > i
                    && high > i
                    && low < n
                    && high < n
                    && saved.feature[i] < saved.features
                    && saved.threshold[i].is_finite()
            };
            check_saved(
                name,
                valid,
                "a node's children, feature or class are out of range",
            )?;
        }
        Ok(Box::new(saved))
    }
}

impl Fitted for FittedLinfaTree {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        // linfa-trees indexes the row by feature without checking.
        if features.ncols() != self.features {
            return Err(ModelError::new(format!(
                "model was trained on {} features but got {}",
                self.features,
                features.ncols()
            )));
        }
        let labels = self.tree.predict(&features).to_vec();
        if labels.iter().any(|&l| l >= self.n_classes) {
            return Err(ModelError::new("linfa-trees predicted an unknown class"));
        }
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
        ModelSize {
            tree_nodes: Some(self.tree.iter_nodes().count()),
            tree_depth: Some(self.tree.max_depth()),
            leaves: Some(self.tree.num_leaves()),
            ..ModelSize::default()
        }
    }
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        write_saved(&SavedLinfaTree::from_tree(
            &self.tree,
            self.features,
            self.n_classes,
        )?)
    }
}

/// A linfa tree as a model file holds it: parallel node arrays, node 0 the root, in the order
/// of a depth-first walk. A leaf has `low = high = 0` and its class in `value`; a split sends
/// `x[feature] < threshold` (linfa's strict comparison) to `low`, otherwise to `high`.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedLinfaTree {
    features: usize,
    n_classes: usize,
    feature: Vec<usize>,
    threshold: Vec<f64>,
    low: Vec<usize>,
    high: Vec<usize>,
    value: Vec<usize>,
}

/// The fields of linfa-trees 0.8's serialized `TreeNode` that prediction uses.
#[derive(serde::Deserialize)]
struct LinfaNode {
    feature_idx: usize,
    split_value: f64,
    left_child: Option<Box<LinfaNode>>,
    right_child: Option<Box<LinfaNode>>,
    leaf_node: bool,
    prediction: usize,
}

impl SavedLinfaTree {
    fn from_tree(
        tree: &DecisionTree<f64, usize>,
        features: usize,
        n_classes: usize,
    ) -> Result<Self, ModelError> {
        #[derive(serde::Deserialize)]
        struct Tree {
            root_node: LinfaNode,
        }
        let root = serde_json::to_value(tree)
            .and_then(serde_json::from_value::<Tree>)
            .map_err(|e| ModelError::new(format!("could not read the linfa tree: {e}")))?
            .root_node;
        let mut saved = SavedLinfaTree {
            features,
            n_classes,
            feature: Vec::new(),
            threshold: Vec::new(),
            low: Vec::new(),
            high: Vec::new(),
            value: Vec::new(),
        };
        saved.push(&root)?;
        Ok(saved)
    }

    /// Appends `node` and its subtree; returns its index.
    fn push(&mut self, node: &LinfaNode) -> Result<usize, ModelError> {
        let index = self.value.len();
        self.feature.push(node.feature_idx);
        self.threshold.push(node.split_value);
        self.low.push(0);
        self.high.push(0);
        self.value.push(node.prediction);
        if !node.leaf_node {
            let (Some(left), Some(right)) = (&node.left_child, &node.right_child) else {
                return Err(ModelError::new("a linfa tree split has a missing child"));
            };
            self.low[index] = self.push(left)?;
            self.high[index] = self.push(right)?;
        }
        Ok(index)
    }

    /// Edges from the root to the deepest leaf (children always follow their parent).
    fn depth(&self) -> usize {
        let mut depths = vec![0usize; self.value.len()];
        for i in 0..self.value.len() {
            if self.low[i] != 0 {
                depths[self.low[i]] = depths[i] + 1;
                depths[self.high[i]] = depths[i] + 1;
            }
        }
        depths.into_iter().max().unwrap_or(0)
    }

    fn leaf(&self, row: ndarray::ArrayView1<f64>) -> usize {
        let mut at = 0;
        while self.low[at] != 0 {
            at = if row[self.feature[at]] < self.threshold[at] {
                self.low[at]
            } else {
                self.high[at]
            };
        }
        self.value[at]
    }
}

impl Fitted for SavedLinfaTree {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        if features.ncols() != self.features {
            return Err(ModelError::new(format!(
                "model was trained on {} features but got {}",
                self.features,
                features.ncols()
            )));
        }
        let labels: Vec<usize> = features.rows().into_iter().map(|r| self.leaf(r)).collect();
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
        ModelSize {
            tree_nodes: Some(self.value.len()),
            tree_depth: Some(self.depth()),
            leaves: Some(self.low.iter().filter(|&&l| l == 0).count()),
            ..ModelSize::default()
        }
    }
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        write_saved(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::TargetSlice;
    use ndarray::array;

    #[test]
    fn separates_distinct_values_and_is_optional() {
        // Distinct values, one clean split at 1.5: no ties, so nothing random is left.
        let x = array![[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]];
        let labels = [0, 0, 1, 1, 2, 2];
        let target = TargetSlice::Classes {
            labels: &labels,
            n_classes: 3,
        };
        let fitted = LinfaDecisionTree
            .fit(&TrainSet::new(x.view(), target, 0).unwrap())
            .unwrap();
        let Prediction::Classes { labels: got, .. } = fitted.predict(x.view()).unwrap() else {
            panic!("classifier returned values")
        };
        assert_eq!(got, labels);
        let size = fitted.size();
        assert_eq!((size.leaves, size.tree_depth), (Some(3), Some(2)));
        assert!(fitted.predict(array![[0.0, 1.0]].view()).is_err());
        assert!(!LinfaDecisionTree.is_default());
    }
}
