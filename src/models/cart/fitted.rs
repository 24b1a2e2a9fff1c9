//! The fitted tree models modelbench sees: one tree (`decision-tree`) or many
//! (`random-forest`), for classes or values. Fitted and loaded models are the same types, so a
//! model read from a file predicts bit for bit what the fitted one did.

use ndarray::{Array2, ArrayView2};

use super::tree::Tree;
use crate::models::saved_trees;
use crate::models::{ClassScores, Fitted, ModelError, ModelSize, Prediction, TreeStructureNode};

/// Class trees: a row's scores are the mean of its leaves' class fractions (scikit-learn's
/// `predict_proba`), its label the first class with the highest score.
#[derive(Debug, Clone)]
pub(in crate::models) struct ClassTrees {
    pub(in crate::models) trees: Vec<Tree>,
    pub(in crate::models) features: usize,
    pub(in crate::models) n_classes: usize,
}

/// Value trees: a row's value is the mean of its leaves' values.
#[derive(Debug, Clone)]
pub(in crate::models) struct ValueTrees {
    pub(in crate::models) trees: Vec<Tree>,
    pub(in crate::models) features: usize,
}

fn check_columns(features: ArrayView2<f64>, trained: usize) -> Result<(), ModelError> {
    if features.ncols() == trained {
        Ok(())
    } else {
        Err(ModelError::new(format!(
            "model was trained on {trained} features but got {}",
            features.ncols()
        )))
    }
}

fn size(trees: &[Tree]) -> ModelSize {
    ModelSize {
        tree_nodes: Some(trees.iter().map(Tree::node_count).sum()),
        tree_depth: Some(trees.iter().map(Tree::depth).max().unwrap_or(0)),
        leaves: Some(trees.iter().map(Tree::leaf_count).sum()),
        ..ModelSize::default()
    }
}

/// The first index of the largest number (scikit-learn's `argmax`).
fn first_max(values: &[f64]) -> usize {
    (0..values.len()).fold(0, |best, c| if values[c] > values[best] { c } else { best })
}

impl Fitted for ClassTrees {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        check_columns(features, self.features)?;
        let mut scores = Array2::<f64>::zeros((features.nrows(), self.n_classes));
        let mut labels = Vec::with_capacity(features.nrows());
        let trees = self.trees.len().max(1) as f64;
        for (row, mut out) in features.rows().into_iter().zip(scores.rows_mut()) {
            for tree in &self.trees {
                for (o, &f) in out.iter_mut().zip(tree.predict_row(row)) {
                    *o += f;
                }
            }
            out.mapv_inplace(|v| v / trees);
            labels.push(out.as_slice().map_or(0, first_max));
        }
        Ok(Prediction::Classes {
            labels,
            scores: Some(ClassScores {
                values: scores,
                are_probabilities: true,
            }),
        })
    }
    fn size(&self) -> ModelSize {
        size(&self.trees)
    }
    fn tree_structure(&self) -> Option<Vec<TreeStructureNode>> {
        match self.trees.as_slice() {
            [tree] => Some(tree.structure(|fractions| first_max(fractions) as f64)),
            _ => None,
        }
    }
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        saved_trees::save_fraction_trees(&self.trees, self.features, self.n_classes)
    }
}

impl Fitted for ValueTrees {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        check_columns(features, self.features)?;
        let values = features
            .rows()
            .into_iter()
            .map(|row| match self.trees.as_slice() {
                [tree] => tree.predict_row(row)[0],
                trees => {
                    // A running sum from zero, then one division (as the saved form's reader).
                    let mut sum = 0.0;
                    for tree in trees {
                        sum += tree.predict_row(row)[0];
                    }
                    sum / trees.len() as f64
                }
            })
            .collect();
        Ok(Prediction::Values(values))
    }
    fn size(&self) -> ModelSize {
        size(&self.trees)
    }
    fn tree_structure(&self) -> Option<Vec<TreeStructureNode>> {
        match self.trees.as_slice() {
            [tree] => Some(tree.structure(|values| values[0])),
            _ => None,
        }
    }
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        saved_trees::save_cart_value_trees(&self.trees, self.features)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_go_to_the_first_class() {
        assert_eq!(first_max(&[0.25, 0.5, 0.5]), 1);
        assert_eq!(first_max(&[0.5, 0.5]), 0);
    }
}
