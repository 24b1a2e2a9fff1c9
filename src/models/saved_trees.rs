//! Saving and loading the tree models as our own node lists: `decision-tree` and
//! `random-forest` (our `cart` engine) and their smartcore versions, predicting without
//! smartcore.
//!
//! Kinds of saved trees: `classes` (a class per leaf, the smartcore classifiers; also files
//! written before the `cart` engine), `class-fractions` (class fractions per leaf, `cart`
//! classifiers, whose scores are scikit-learn's `predict_proba`) and `values` (a value per
//! leaf, every regressor). A file of an older kind still loads under the model's name.
//!
//! smartcore's own serialized form is not a format to promise anything about (its field names
//! are private and change between versions), so a model file holds each tree as parallel
//! arrays of its nodes. Predictions walk the same nodes smartcore walks (`x <= threshold` goes
//! low), a forest's class is the first class with the most votes and its value the mean of
//! its trees' values, summed in tree order, as smartcore 0.7 computes them: the round-trip
//! test checks that the loaded model predicts bit for bit what the fitted one did.

use ndarray::{Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::cart::{ClassTrees, NodeView, Tree};
use super::smartcore_trees::{self as st, Node, NodeTree};
use super::{
    check_saved, read_saved, write_saved, ClassScores, Fitted, ModelError, ModelSize, Prediction,
    TreeStructureNode, MAX_SAVED_CLASSES,
};

/// One tree as parallel arrays, node 0 the root. A leaf has `low = high = 0` and its output in
/// `value`; a split sends `x[feature] <= threshold` to `low`, otherwise to `high` (both after
/// the node, so a walk always ends).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct SavedTree<O> {
    feature: Vec<usize>,
    threshold: Vec<f64>,
    low: Vec<usize>,
    high: Vec<usize>,
    value: Vec<O>,
}

impl<O> SavedTree<O> {
    /// At least one node, and every node array as long as the others.
    fn has_whole_nodes(&self) -> bool {
        let n = self.feature.len();
        n > 0
            && [
                self.threshold.len(),
                self.low.len(),
                self.high.len(),
                self.value.len(),
            ]
            .iter()
            .all(|&len| len == n)
    }
}

/// A tree model's saved form: classification or regression trees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub(super) enum SavedTrees {
    Classes {
        features: usize,
        n_classes: usize,
        trees: Vec<SavedTree<usize>>,
    },
    Values {
        features: usize,
        trees: Vec<SavedTree<f64>>,
    },
    /// `cart` classifiers: a leaf's value is its class fractions (splits hold an empty list).
    ClassFractions {
        features: usize,
        n_classes: usize,
        trees: Vec<SavedTree<Vec<f64>>>,
    },
}

/// A `cart` tree as parallel arrays; `leaf` and `split_value` give the `value` entries.
fn cart_to_saved<O: Clone>(
    tree: &Tree,
    leaf: impl Fn(&[f64]) -> O,
    split_value: O,
) -> SavedTree<O> {
    let n = tree.node_count();
    let mut saved = SavedTree {
        feature: Vec::with_capacity(n),
        threshold: Vec::with_capacity(n),
        low: Vec::with_capacity(n),
        high: Vec::with_capacity(n),
        value: Vec::with_capacity(n),
    };
    for i in 0..n {
        let (feature, threshold, low, high, value) = match tree.node(i) {
            NodeView::Leaf(values) => (0, 0.0, 0, 0, leaf(values)),
            NodeView::Split {
                feature,
                threshold,
                left,
                right,
            } => (feature, threshold, left, right, split_value.clone()),
        };
        saved.feature.push(feature);
        saved.threshold.push(threshold);
        saved.low.push(low);
        saved.high.push(high);
        saved.value.push(value);
    }
    saved
}

/// Rebuilds a `cart` class tree, checking every index and number before a walk could use it.
fn cart_from_saved(
    model: &str,
    saved: &SavedTree<Vec<f64>>,
    features: usize,
    n_classes: usize,
) -> Result<Tree, ModelError> {
    let n = saved.feature.len();
    check_saved(
        model,
        saved.has_whole_nodes(),
        "a tree's node arrays are empty or of different lengths",
    )?;
    check_saved(
        model,
        saved
            .value
            .iter()
            .flatten()
            .all(|f| (0.0..=1.0).contains(f)),
        "a leaf's class fractions are not between 0 and 1",
    )?;
    let nodes = (0..n).map(|i| {
        if saved.low[i] == 0 && saved.high[i] == 0 {
            NodeView::Leaf(&saved.value[i])
        } else {
            NodeView::Split {
                feature: saved.feature[i],
                threshold: saved.threshold[i],
                left: saved.low[i],
                right: saved.high[i],
            }
        }
    });
    Tree::from_nodes(nodes, features, n_classes)
        .map_err(|why| ModelError::new(format!("saved {model} model is invalid: {why}")))
}

/// Saves fitted `cart` class trees (leaf class fractions).
pub(super) fn save_fraction_trees(
    trees: &[Tree],
    features: usize,
    n_classes: usize,
) -> Result<serde_json::Value, ModelError> {
    write_saved(&SavedTrees::ClassFractions {
        features,
        n_classes,
        trees: trees
            .iter()
            .map(|t| cart_to_saved(t, <[f64]>::to_vec, Vec::new()))
            .collect(),
    })
}

/// Saves fitted `cart` value trees in the `values` kind (read back by the same walk).
pub(super) fn save_cart_value_trees(
    trees: &[Tree],
    features: usize,
) -> Result<serde_json::Value, ModelError> {
    write_saved(&SavedTrees::Values {
        features,
        trees: trees
            .iter()
            .map(|t| cart_to_saved(t, |v| v[0], 0.0))
            .collect(),
    })
}

fn to_saved_tree<O: Clone + Default>(tree: &NodeTree<O>) -> SavedTree<O> {
    let mut saved = SavedTree {
        feature: Vec::new(),
        threshold: Vec::new(),
        low: Vec::new(),
        high: Vec::new(),
        value: Vec::new(),
    };
    for node in &tree.nodes {
        let (feature, threshold, low, high, value) = match node {
            Node::Leaf(output) => (0, 0.0, 0, 0, output.clone()),
            Node::Split {
                feature,
                threshold,
                low,
                high,
            } => (*feature, *threshold, *low, *high, O::default()),
        };
        saved.feature.push(feature);
        saved.threshold.push(threshold);
        saved.low.push(low);
        saved.high.push(high);
        saved.value.push(value);
    }
    saved
}

fn from_saved_tree<O: Clone>(
    model: &str,
    saved: SavedTree<O>,
    features: usize,
    valid_leaf: impl Fn(&O) -> bool,
) -> Result<NodeTree<O>, ModelError> {
    let n = saved.feature.len();
    check_saved(
        model,
        saved.has_whole_nodes(),
        "a tree's node arrays are empty or of different lengths",
    )?;
    let mut nodes = Vec::with_capacity(n);
    for (i, value) in saved.value.into_iter().enumerate() {
        let (low, high) = (saved.low[i], saved.high[i]);
        if low == 0 && high == 0 {
            check_saved(model, valid_leaf(&value), "a leaf's output is out of range")?;
            nodes.push(Node::Leaf(value));
        } else {
            check_saved(
                model,
                low > i && high > i && low < n && high < n && saved.feature[i] < features,
                "a split's children or feature are out of range",
            )?;
            check_saved(
                model,
                saved.threshold[i].is_finite(),
                "a split threshold is not finite",
            )?;
            nodes.push(Node::Split {
                feature: saved.feature[i],
                threshold: saved.threshold[i],
                low,
                high,
            });
        }
    }
    Ok(NodeTree { nodes })
}

/// Saves fitted classification trees (one for a decision tree, many for a forest).
pub(super) fn save_class_trees(
    trees: &[NodeTree<usize>],
    features: usize,
    n_classes: usize,
) -> Result<serde_json::Value, ModelError> {
    write_saved(&SavedTrees::Classes {
        features,
        n_classes,
        trees: trees.iter().map(to_saved_tree).collect(),
    })
}

/// Saves fitted regression trees.
pub(super) fn save_value_trees(
    trees: &[NodeTree<f64>],
    features: usize,
) -> Result<serde_json::Value, ModelError> {
    write_saved(&SavedTrees::Values {
        features,
        trees: trees.iter().map(to_saved_tree).collect(),
    })
}

/// Rebuilds saved trees, checking every index before a walk could use it.
pub(super) fn load_trees(
    model: &str,
    saved: &serde_json::Value,
) -> Result<Box<dyn Fitted>, ModelError> {
    match read_saved::<SavedTrees>(model, saved)? {
        SavedTrees::Classes {
            features,
            n_classes,
            trees,
        } => {
            check_saved(
                model,
                (2..=MAX_SAVED_CLASSES).contains(&n_classes) && !trees.is_empty(),
                "it needs 2 or more classes and at least one tree",
            )?;
            let trees = trees
                .into_iter()
                .map(|t| from_saved_tree(model, t, features, |&c| c < n_classes))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Box::new(LoadedClassTrees {
                trees,
                features,
                n_classes,
            }))
        }
        SavedTrees::Values { features, trees } => {
            check_saved(model, !trees.is_empty(), "it has no trees")?;
            let trees = trees
                .into_iter()
                .map(|t| from_saved_tree(model, t, features, |v: &f64| v.is_finite()))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Box::new(LoadedValueTrees { trees, features }))
        }
        SavedTrees::ClassFractions {
            features,
            n_classes,
            trees,
        } => {
            check_saved(
                model,
                (2..=MAX_SAVED_CLASSES).contains(&n_classes) && !trees.is_empty(),
                "it needs 2 or more classes and at least one tree",
            )?;
            let trees = trees
                .iter()
                .map(|t| cart_from_saved(model, t, features, n_classes))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Box::new(ClassTrees {
                trees,
                features,
                n_classes,
            }))
        }
    }
}

/// Classification trees read from a model file.
struct LoadedClassTrees {
    trees: Vec<NodeTree<usize>>,
    features: usize,
    n_classes: usize,
}

impl Fitted for LoadedClassTrees {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        st::check_columns(features, self.features)?;
        let mut votes = Array2::<f64>::zeros((features.nrows(), self.n_classes));
        let mut labels = Vec::with_capacity(features.nrows());
        for (row, mut out) in features.rows().into_iter().zip(votes.rows_mut()) {
            for tree in &self.trees {
                out[*tree.leaf(row)] += 1.0;
            }
            // smartcore's which_max: the first class with the most votes.
            labels.push((0..out.len()).fold(0, |b, c| if out[c] > out[b] { c } else { b }));
        }
        votes /= self.trees.len() as f64;
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
    fn tree_structure(&self) -> Option<Vec<TreeStructureNode>> {
        match self.trees.as_slice() {
            [tree] => Some(tree.structure(|&class| class as f64)),
            _ => None,
        }
    }
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        save_class_trees(&self.trees, self.features, self.n_classes)
    }
}

/// Regression trees read from a model file.
struct LoadedValueTrees {
    trees: Vec<NodeTree<f64>>,
    features: usize,
}

impl Fitted for LoadedValueTrees {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        st::check_columns(features, self.features)?;
        let values = features
            .rows()
            .into_iter()
            .map(|row| match self.trees.as_slice() {
                [tree] => *tree.leaf(row),
                trees => {
                    // smartcore's order: a running sum from zero, then one division.
                    let mut sum = 0.0;
                    for tree in trees {
                        sum += *tree.leaf(row);
                    }
                    sum / trees.len() as f64
                }
            })
            .collect();
        Ok(Prediction::Values(values))
    }
    fn size(&self) -> ModelSize {
        st::forest_size(&self.trees)
    }
    fn tree_structure(&self) -> Option<Vec<TreeStructureNode>> {
        match self.trees.as_slice() {
            [tree] => Some(tree.structure(|&value| value)),
            _ => None,
        }
    }
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        save_value_trees(&self.trees, self.features)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{Model, TargetSlice, TrainSet};
    use ndarray::{array, Array2};
    use serde_json::json;

    fn fitted_forest() -> (Box<dyn Fitted>, Array2<f64>) {
        let x = Array2::from_shape_fn((60, 3), |(i, j)| ((i * (j + 2) * 7) % 13) as f64);
        let labels: Vec<usize> = (0..60).map(|i| (i * 7 % 5) % 3).collect();
        let target = TargetSlice::Classes {
            labels: &labels,
            n_classes: 3,
        };
        let train = TrainSet::new(x.view(), target, 9).unwrap();
        (
            super::super::random_forest::RandomForest
                .fit(&train)
                .unwrap(),
            x,
        )
    }

    #[test]
    fn class_fraction_trees_round_trip_bit_for_bit() {
        let (fitted, x) = fitted_forest();
        let saved = fitted.to_saved().unwrap();
        assert_eq!(saved["kind"], "class-fractions");
        let loaded = load_trees("random-forest", &saved).unwrap();
        assert_eq!(
            loaded.predict(x.view()).unwrap(),
            fitted.predict(x.view()).unwrap()
        );
        assert_eq!(loaded.size(), fitted.size());
        assert_eq!(loaded.to_saved().unwrap(), saved);
    }

    #[test]
    fn crafted_class_fraction_files_are_refused() {
        let leaf = |v: Vec<f64>| {
            json!({"kind": "class-fractions", "features": 1, "n_classes": 2,
            "trees": [{"feature": [0, 0, 0], "threshold": [0.5, 0.0, 0.0], "low": [1, 0, 0],
                       "high": [2, 0, 0], "value": [[], v, [0.0, 1.0]]}]})
        };
        assert!(load_trees("decision-tree", &leaf(vec![1.0, 0.0])).is_ok());
        for bad in [
            leaf(vec![1.0]),
            leaf(vec![2.0, -1.0]),
            leaf(vec![f64::MAX, f64::NAN]),
            json!({"kind": "class-fractions", "features": 1, "n_classes": 2,
                   "trees": [{"feature": [0, 0], "threshold": [0.5, 0.0], "low": [0, 0],
                              "high": [1, 0], "value": [[], [1.0, 0.0]]}]}),
            json!({"kind": "class-fractions", "features": 1, "n_classes": 2,
                   "trees": [{"feature": [5, 0, 0], "threshold": [0.5, 0.0, 0.0],
                              "low": [1, 0, 0], "high": [2, 0, 0],
                              "value": [[], [1.0, 0.0], [0.0, 1.0]]}]}),
            json!({"kind": "class-fractions", "features": 1, "n_classes": 1, "trees": []}),
            json!({"kind": "class-fractions", "features": 1, "n_classes": 2,
                   "trees": [{"feature": [], "threshold": [], "low": [], "high": [],
                              "value": []}]}),
        ] {
            let err = match load_trees("decision-tree", &bad) {
                Err(e) => e,
                Ok(_) => panic!("accepted {bad}"),
            };
            assert!(
                err.0.contains("saved decision-tree model is invalid"),
                "{err}"
            );
        }
    }

    #[test]
    fn files_of_the_earlier_one_class_per_leaf_kind_still_load() {
        let saved = json!({"kind": "classes", "features": 1, "n_classes": 2,
            "trees": [{"feature": [0, 0, 0], "threshold": [0.5, 0.0, 0.0], "low": [1, 0, 0],
                       "high": [2, 0, 0], "value": [0, 0, 1]}]});
        let loaded = load_trees("decision-tree", &saved).unwrap();
        let Prediction::Classes { labels, .. } =
            loaded.predict(array![[0.0], [1.0]].view()).unwrap()
        else {
            panic!("classifier returned values")
        };
        assert_eq!(labels, vec![0, 1]);
    }
}
