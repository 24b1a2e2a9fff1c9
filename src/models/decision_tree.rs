//! `decision-tree`: one CART tree for classification (Gini) or regression (squared error),
//! grown by our `cart` engine with scikit-learn's algorithm and defaults: the best split over
//! all features at every node (features tried in a random order, as scikit-learn does, so the
//! seed only decides between equally good splits), thresholds halfway between consecutive
//! distinct values, grown until leaves are pure (min 2 rows to split, 1 per leaf), no depth
//! cap. Features are used as they are: splits do not depend on scale.
//!
//! Class scores are the leaf's class fractions (scikit-learn's `predict_proba`): with leaves
//! grown to purity they are one-hot except for leaves holding rows with identical features
//! and different classes. The earlier smartcore tree stays as `decision-tree-smartcore`.

use serde_json::json;

use super::cart::{self, Columns, Target};
use super::{parse_settings, Fitted, Model, ModelError, ModelFacts, ModelRole, TrainSet};
use crate::data::Task;
use crate::rng::SeededRng;

/// A single CART tree. `max_depth` (in edges) `None` grows to pure leaves.
#[derive(Debug, Clone, Copy, Default)]
pub struct DecisionTree {
    pub max_depth: Option<u16>,
}

impl Model for DecisionTree {
    fn name(&self) -> &'static str {
        "decision-tree"
    }
    fn description(&self) -> &'static str {
        "CART tree (Gini / squared error), scikit-learn's algorithm, grown to pure leaves"
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
            "implementation": "modelbench cart (scikit-learn's BestSplitter)",
            "criterion": {"classification": "gini", "regression": "squared_error"},
            "max_depth": self.max_depth,
            "max_features": "all",
            "min_samples_split": 2,
            "min_samples_leaf": 1,
        })
    }
    fn wants_standardized_features(&self) -> bool {
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
                        "decision-tree cannot set {key}={value}"
                    )))
                }
            }
        }
        Ok(Box::new(tree))
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        let x = train.features();
        let rows = check_rows(x.nrows())?;
        let columns = Columns::new(x);
        let weights = vec![1.0; x.nrows()];
        let samples: Vec<u32> = (0..rows).collect();
        let max_depth = self.max_depth.map(usize::from);
        let mut rng = SeededRng::new(train.seed());
        if let Ok((labels, n_classes)) = train.classes() {
            let labels = class_labels(labels);
            let target = Target::Classes {
                labels: &labels,
                n_classes,
            };
            let tree = cart::grow(
                &columns,
                target,
                &weights,
                samples,
                x.ncols(),
                max_depth,
                &mut rng,
            );
            Ok(Box::new(cart::ClassTrees {
                trees: vec![tree],
                features: x.ncols(),
                n_classes,
            }))
        } else {
            let target = Target::Values(train.values()?);
            let tree = cart::grow(
                &columns,
                target,
                &weights,
                samples,
                x.ncols(),
                max_depth,
                &mut rng,
            );
            Ok(Box::new(cart::ValueTrees {
                trees: vec![tree],
                features: x.ncols(),
            }))
        }
    }
    fn load_fitted(&self, saved: &serde_json::Value) -> Result<Box<dyn Fitted>, ModelError> {
        super::saved_trees::load_trees(self.name(), saved)
    }
}

/// Row indices are `u32` inside the engine; the row count as one, or why not.
pub(super) fn check_rows(rows: usize) -> Result<u32, ModelError> {
    u32::try_from(rows)
        .ok()
        .filter(|&r| r < u32::MAX)
        .ok_or_else(|| ModelError::new(format!("{rows} training rows are more than a tree takes")))
}

/// Class indices as the engine stores them (a [`TrainSet`] has checked them below `n_classes`,
/// itself far below `u32::MAX` for any class column that fits in memory).
pub(super) fn class_labels(labels: &[usize]) -> Vec<u32> {
    labels.iter().map(|&l| l as u32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{Prediction, TargetSlice};
    use ndarray::{array, Array2};

    fn classes(x: &Array2<f64>, labels: &[usize], n_classes: usize) -> Box<dyn Fitted> {
        crate::models::tree_checks::fit_classes(&DecisionTree::default(), x, labels, n_classes, 7)
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
        let structure = fitted.tree_structure().unwrap();
        assert_eq!(
            structure[0],
            crate::models::TreeStructureNode::Split {
                feature: 0,
                threshold: 1.5,
                left: 1,
                right: 2
            }
        );
    }

    #[test]
    fn three_classes_including_one_absent_from_training() {
        crate::models::tree_checks::three_classes_including_one_absent_from_training(
            &DecisionTree::default(),
        );
    }

    #[test]
    fn regression_tree_fits_a_step_exactly() {
        crate::models::tree_checks::regression_tree_fits_a_step_exactly(&DecisionTree::default());
    }

    #[test]
    fn refuses_wrong_columns_and_fits_a_single_class_as_one_leaf() {
        let x = array![[0.0], [1.0], [2.0]];
        let fitted = classes(&x, &[0, 1, 1], 2);
        let err = fitted.predict(array![[0.0, 1.0]].view()).unwrap_err();
        assert!(err.0.contains("trained on 1 features but got 2"), "{err}");
        // scikit-learn fits a one-leaf tree when the fold holds one class; so do we.
        let fitted = classes(&x, &[1, 1, 1], 2);
        assert_eq!(fitted.size().tree_nodes, Some(1));
        let Prediction::Classes { labels, .. } = fitted.predict(x.view()).unwrap() else {
            panic!("classifier returned values")
        };
        assert_eq!(labels, vec![1, 1, 1]);
    }

    #[test]
    fn max_depth_limits_the_tree_and_is_in_the_grid() {
        let x = Array2::from_shape_fn((64, 2), |(i, j)| ((i * (j + 3)) % 17) as f64);
        let labels: Vec<usize> = (0..64).map(|i| (i * 5 % 7) % 3).collect();
        let target = TargetSlice::Classes {
            labels: &labels,
            n_classes: 3,
        };
        let train = TrainSet::new(x.view(), target, 1).unwrap();
        let deep = DecisionTree::default().fit(&train).unwrap().size();
        let shallow = DecisionTree::default()
            .with_settings("max_depth=2")
            .unwrap()
            .fit(&train)
            .unwrap()
            .size();
        assert!(deep.tree_depth.unwrap() > 2);
        assert_eq!(shallow.tree_depth, Some(2));
        assert!(DecisionTree::default().with_settings("depth=2").is_err());
    }

    /// 200 rows x 4 features from a fixed LCG (values k / 100, k < 1000), as in the Python below.
    fn parity_rows() -> Array2<f64> {
        let mut state = 12345u64;
        Array2::from_shape_simple_fn((200, 4), || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) % 1000) as f64 / 100.0
        })
    }

    /// (split feature or None for a leaf, threshold or leaf value) per node, in node order.
    fn nodes(fitted: &dyn Fitted) -> Vec<(Option<usize>, f64)> {
        use crate::models::TreeStructureNode as N;
        fitted
            .tree_structure()
            .unwrap()
            .into_iter()
            .map(|n| match n {
                N::Split {
                    feature, threshold, ..
                } => (Some(feature), threshold),
                N::Leaf { value } => (None, value),
            })
            .collect()
    }

    fn assert_nodes(ours: &[(Option<usize>, f64)], theirs: &[(Option<usize>, f64)], tol: f64) {
        assert_eq!(ours.len(), theirs.len(), "{ours:?}");
        for (a, b) in ours.iter().zip(theirs) {
            assert_eq!(a.0, b.0, "{ours:?}");
            assert!(
                (a.1 - b.1).abs() <= tol * b.1.abs().max(1.0),
                "{a:?} vs {b:?}"
            );
        }
    }

    /// scikit-learn 1.9.1's trees on the same rows, from:
    ///   s = 12345
    ///   def nxt(): global s; s = (s * 6364136223846793005 + 1442695040888963407) % 2**64;
    ///              return ((s >> 33) % 1000) / 100.0
    ///   x = np.array([[nxt() for _ in range(4)] for _ in range(200)])
    ///   y = (x[:,0] + 2*x[:,1] > 15).astype(int) + (x[:,2] > 5).astype(int)
    ///   DecisionTreeClassifier(max_depth=3, random_state=0).fit(x, y).tree_  (feature, threshold)
    ///   DecisionTreeClassifier(random_state=0): node_count 25, get_n_leaves() 13, get_depth() 6
    ///   DecisionTreeRegressor(max_depth=3, random_state=0).fit(x, x[:,0]*x[:,1] - x[:,2]).tree_
    /// scikit-learn works on float32 copies of the features, so its thresholds differ from ours
    /// in the eighth digit.
    #[test]
    fn parity_with_scikit_learn() {
        let x = parity_rows();
        let labels: Vec<usize> = x
            .rows()
            .into_iter()
            .map(|r| usize::from(r[0] + 2.0 * r[1] > 15.0) + usize::from(r[2] > 5.0))
            .collect();
        let target = TargetSlice::Classes {
            labels: &labels,
            n_classes: 3,
        };
        let train = TrainSet::new(x.view(), target, 0).unwrap();
        let depth3 = DecisionTree::default()
            .with_settings("max_depth=3")
            .unwrap();
        let (s, l) = (Some, None::<usize>);
        // Leaves hold the first class with the highest fraction.
        let theirs = [
            (s(2), 4.97),
            (s(1), 3.65),
            (s(0), 9.385),
            (l, 0.0),
            (l, 0.0),
            (s(0), 2.805),
            (l, 0.0),
            (l, 1.0),
            (s(1), 4.025),
            (l, 1.0),
            (s(0), 2.71),
            (l, 2.0),
            (l, 2.0),
        ];
        assert_nodes(&nodes(depth3.fit(&train).unwrap().as_ref()), &theirs, 1e-7);
        let full = DecisionTree::default().fit(&train).unwrap().size();
        assert_eq!(
            (full.tree_nodes, full.leaves, full.tree_depth),
            (Some(25), Some(13), Some(6))
        );

        let y: Vec<f64> = x.rows().into_iter().map(|r| r[0] * r[1] - r[2]).collect();
        let train = TrainSet::new(x.view(), TargetSlice::Values(&y), 0).unwrap();
        let theirs = [
            (s(0), 4.97),
            (s(1), 5.055),
            (s(1), 2.425),
            (l, -2.9062068965517236),
            (l, 3.2411000000000008),
            (s(0), 2.81),
            (l, 6.1176639999999995),
            (l, 24.57593076923076),
            (s(1), 4.695),
            (s(1), 2.865),
            (l, 5.7111),
            (l, 25.77443181818182),
            (s(1), 8.295),
            (l, 44.32615),
            (l, 70.37781578947369),
        ];
        assert_nodes(&nodes(depth3.fit(&train).unwrap().as_ref()), &theirs, 1e-7);
    }
}
