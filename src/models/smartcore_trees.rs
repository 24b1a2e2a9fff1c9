//! What the smartcore tree models share: turning our ndarray views into smartcore's
//! `DenseMatrix`, and reading a fitted tree's nodes.
//!
//! smartcore 0.7 keeps a tree's nodes private and exposes neither node counts nor, for forests,
//! the trees or vote fractions. Its types do derive `Serialize` (the "serde" feature), so after
//! fitting we serialize the model once and read the node list into [`NodeTree`]: that gives the
//! sizes for [`ModelSize`] and lets a forest report vote fractions. The node fields read here
//! (`output`, `split_feature`, `split_value`, `true_child`, `false_child`) are smartcore 0.7's
//! own names; every index is checked on reading, so walking a [`NodeTree`] cannot go out of
//! bounds, and the unit tests check that our walk agrees with smartcore's own `predict`.

use ndarray::{ArrayView1, ArrayView2};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use smartcore::linalg::basic::matrix::DenseMatrix;

use super::{ModelError, ModelSize, TreeStructureNode};

/// Rows above which trees get a depth cap. smartcore scans every training row of every
/// candidate feature at every node (it walks the presorted full column and skips rows outside
/// the node), so a tree costs about nodes × rows × features; on large noisy data an unlimited
/// tree can grow long chains of one-row splits, each paying a full scan.
pub(super) const DEPTH_CAP_FROM_ROWS: usize = 20_000;
/// The cap, in edges from the root (scikit-learn's `max_depth` convention).
pub(super) const DEPTH_CAP: u16 = 30;

/// The depth limit in edges for a training set of `rows` rows: none below
/// [`DEPTH_CAP_FROM_ROWS`].
pub(super) fn depth_limit(rows: usize) -> Option<u16> {
    (rows >= DEPTH_CAP_FROM_ROWS).then_some(DEPTH_CAP)
}

/// smartcore counts levels with the root as level 1 and splits a node only while its level is
/// below `max_depth`, so `d` edges need `max_depth = d + 1`.
pub(super) fn smartcore_max_depth(edges: Option<u16>) -> Option<u16> {
    edges.map(|d| d.saturating_add(1))
}

/// Copies `features` into a row-major smartcore matrix.
pub(super) fn to_dense(features: ArrayView2<f64>) -> Result<DenseMatrix<f64>, ModelError> {
    let values: Vec<f64> = features.iter().copied().collect();
    DenseMatrix::new(features.nrows(), features.ncols(), values, false)
        .map_err(|e| ModelError::new(format!("could not build a smartcore matrix: {e}")))
}

/// Checks that prediction rows have the training fold's columns.
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

#[derive(Debug, Clone, Deserialize)]
struct RawNode<O> {
    output: O,
    split_feature: usize,
    split_value: Option<f64>,
    true_child: Option<usize>,
    false_child: Option<usize>,
}

/// One fitted tree: leaves hold `O` (a class index or a value).
#[derive(Debug, Clone)]
pub(super) struct NodeTree<O> {
    pub(super) nodes: Vec<Node<O>>,
}

#[derive(Debug, Clone)]
pub(super) enum Node<O> {
    Leaf(O),
    Split {
        feature: usize,
        threshold: f64,
        low: usize,
        high: usize,
    },
}

impl<O: Clone> NodeTree<O> {
    /// Checks smartcore's node list: children come after their parent (so there is no cycle),
    /// split features exist, and `map_output` accepts every leaf output.
    fn from_raw(
        raw: Vec<RawNode<O>>,
        features: usize,
        map_output: impl Fn(O) -> Option<O>,
    ) -> Result<Self, ModelError> {
        let bad = |why: String| ModelError::new(format!("unexpected smartcore tree: {why}"));
        if raw.is_empty() {
            return Err(bad("no nodes".into()));
        }
        let count = raw.len();
        let nodes = raw
            .into_iter()
            .enumerate()
            .map(
                |(i, n)| match (n.true_child, n.false_child, n.split_value) {
                    (None, None, _) => map_output(n.output)
                        .map(Node::Leaf)
                        .ok_or_else(|| bad(format!("leaf {i} has an unknown output"))),
                    (Some(low), Some(high), Some(threshold))
                        if low > i && high > i && low < count && high < count =>
                    {
                        if n.split_feature < features {
                            Ok(Node::Split {
                                feature: n.split_feature,
                                threshold,
                                low,
                                high,
                            })
                        } else {
                            Err(bad(format!("node {i} splits on a missing feature")))
                        }
                    }
                    _ => Err(bad(format!("node {i} has invalid children"))),
                },
            )
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NodeTree { nodes })
    }

    /// The nodes as a [`TreeStructureNode`] list, leaf outputs mapped to numbers.
    pub(super) fn structure(&self, leaf_value: impl Fn(&O) -> f64) -> Vec<TreeStructureNode> {
        self.nodes
            .iter()
            .map(|node| match node {
                Node::Leaf(output) => TreeStructureNode::Leaf {
                    value: leaf_value(output),
                },
                Node::Split {
                    feature,
                    threshold,
                    low,
                    high,
                } => TreeStructureNode::Split {
                    feature: *feature,
                    threshold: *threshold,
                    left: *low,
                    right: *high,
                },
            })
            .collect()
    }

    /// The leaf output for one row, going left when `x <= threshold` as smartcore does.
    pub(super) fn leaf(&self, row: ArrayView1<f64>) -> &O {
        let mut at = 0;
        loop {
            match &self.nodes[at] {
                Node::Leaf(output) => return output,
                Node::Split {
                    feature,
                    threshold,
                    low,
                    high,
                } => {
                    at = if row[*feature] <= *threshold {
                        *low
                    } else {
                        *high
                    }
                }
            }
        }
    }

    pub(super) fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub(super) fn leaf_count(&self) -> usize {
        self.nodes
            .iter()
            .filter(|n| matches!(n, Node::Leaf(_)))
            .count()
    }

    /// Edges on the longest root-to-leaf path (a lone root has depth 0).
    pub(super) fn depth(&self) -> usize {
        // Children always follow their parent, so one forward pass settles every depth.
        let mut depths = vec![0usize; self.nodes.len()];
        for (i, node) in self.nodes.iter().enumerate() {
            if let Node::Split { low, high, .. } = node {
                depths[*low] = depths[i] + 1;
                depths[*high] = depths[i] + 1;
            }
        }
        depths.into_iter().max().unwrap_or(0)
    }
}

impl NodeTree<f64> {
    /// Merges every subtree whose leaves all hold the same value into one leaf.
    ///
    /// smartcore's regression tree, unlike scikit-learn's, keeps splitting nodes whose targets
    /// are all equal (any split of distinct feature values qualifies), which changes no
    /// prediction but inflates the node count; merging gives the tree scikit-learn would grow.
    fn merge_constant_subtrees(self) -> Self {
        let count = self.nodes.len();
        let mut constant: Vec<Option<f64>> = vec![None; count];
        // Children follow their parent, so a backward pass sees children first.
        for i in (0..count).rev() {
            constant[i] = match &self.nodes[i] {
                Node::Leaf(v) => Some(*v),
                Node::Split { low, high, .. } => match (constant[*low], constant[*high]) {
                    (Some(a), Some(b)) if a == b => Some(a),
                    _ => None,
                },
            };
        }
        let mut kept = vec![false; count];
        let mut new_index = vec![0; count];
        let mut nodes = Vec::new();
        kept[0] = true;
        for (i, node) in self.nodes.into_iter().enumerate() {
            if !kept[i] {
                continue;
            }
            new_index[i] = nodes.len();
            match (constant[i], node) {
                (Some(value), _) => nodes.push(Node::Leaf(value)),
                (None, node) => {
                    if let Node::Split { low, high, .. } = node {
                        kept[low] = true;
                        kept[high] = true;
                    }
                    nodes.push(node);
                }
            }
        }
        for node in &mut nodes {
            if let Node::Split { low, high, .. } = node {
                *low = new_index[*low];
                *high = new_index[*high];
            }
        }
        NodeTree { nodes }
    }
}

/// Node count, deepest tree and leaf count of a set of trees.
pub(super) fn forest_size<O: Clone>(trees: &[NodeTree<O>]) -> ModelSize {
    ModelSize {
        tree_nodes: Some(trees.iter().map(NodeTree::node_count).sum()),
        tree_depth: Some(trees.iter().map(NodeTree::depth).max().unwrap_or(0)),
        leaves: Some(trees.iter().map(NodeTree::leaf_count).sum()),
        ..ModelSize::default()
    }
}

fn read_model<T: DeserializeOwned>(model: &impl serde::Serialize) -> Result<T, ModelError> {
    serde_json::to_value(model)
        .and_then(serde_json::from_value)
        .map_err(|e| ModelError::new(format!("could not read the fitted smartcore tree: {e}")))
}

#[derive(Deserialize)]
struct RawClassTree {
    nodes: Vec<RawNode<usize>>,
    /// The training labels present, sorted; a leaf's `output` indexes this list.
    classes: Vec<u32>,
}

impl RawClassTree {
    /// Leaves get our class index instead of smartcore's position in `classes`.
    fn into_tree(self, features: usize, n_classes: usize) -> Result<NodeTree<usize>, ModelError> {
        let classes = self.classes;
        NodeTree::from_raw(self.nodes, features, |k| {
            let class = usize::try_from(*classes.get(k)?).ok()?;
            (class < n_classes).then_some(class)
        })
    }
}

/// Reads a smartcore `DecisionTreeClassifier` fitted on `u32` labels.
pub(super) fn class_tree(
    model: &impl serde::Serialize,
    features: usize,
    n_classes: usize,
) -> Result<NodeTree<usize>, ModelError> {
    read_model::<RawClassTree>(model)?.into_tree(features, n_classes)
}

/// Reads the trees of a smartcore `RandomForestClassifier` fitted on `u32` labels.
pub(super) fn class_forest(
    model: &impl serde::Serialize,
    features: usize,
    n_classes: usize,
) -> Result<Vec<NodeTree<usize>>, ModelError> {
    #[derive(Deserialize)]
    struct Forest {
        trees: Option<Vec<RawClassTree>>,
    }
    read_model::<Forest>(model)?
        .trees
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.into_tree(features, n_classes))
        .collect()
}

#[derive(Deserialize)]
struct RawValueTree {
    nodes: Vec<RawNode<f64>>,
}

impl RawValueTree {
    fn into_tree(self, features: usize) -> Result<NodeTree<f64>, ModelError> {
        NodeTree::from_raw(self.nodes, features, |v: f64| v.is_finite().then_some(v))
            .map(NodeTree::merge_constant_subtrees)
    }
}

/// Reads a smartcore `DecisionTreeRegressor`.
pub(super) fn value_tree(
    model: &impl serde::Serialize,
    features: usize,
) -> Result<NodeTree<f64>, ModelError> {
    #[derive(Deserialize)]
    struct Regressor {
        tree_regressor: Option<RawValueTree>,
    }
    read_model::<Regressor>(model)?
        .tree_regressor
        .ok_or_else(|| ModelError::new("smartcore regression tree has no nodes"))?
        .into_tree(features)
}

/// Reads the trees of a smartcore `RandomForestRegressor`.
pub(super) fn value_forest(
    model: &impl serde::Serialize,
    features: usize,
) -> Result<Vec<NodeTree<f64>>, ModelError> {
    #[derive(Deserialize)]
    struct Base {
        trees: Option<Vec<RawValueTree>>,
    }
    #[derive(Deserialize)]
    struct Regressor {
        forest_regressor: Option<Base>,
    }
    read_model::<Regressor>(model)?
        .forest_regressor
        .and_then(|f| f.trees)
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.into_tree(features))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn raw(output: usize, children: Option<(usize, usize)>, split: f64) -> RawNode<usize> {
        RawNode {
            output,
            split_feature: 0,
            split_value: children.map(|_| split),
            true_child: children.map(|c| c.0),
            false_child: children.map(|c| c.1),
        }
    }

    #[test]
    fn walks_left_on_less_or_equal_and_measures_the_tree() {
        // Root splits at 1.5; its right child splits at 2.5: depth 2, 5 nodes, 3 leaves.
        let tree = NodeTree::from_raw(
            vec![
                raw(0, Some((1, 2)), 1.5),
                raw(0, None, 0.0),
                raw(1, Some((3, 4)), 2.5),
                raw(1, None, 0.0),
                raw(2, None, 0.0),
            ],
            1,
            Some,
        )
        .unwrap();
        let x = array![[1.5], [2.0], [3.0]];
        let leaves: Vec<usize> = x.rows().into_iter().map(|r| *tree.leaf(r)).collect();
        assert_eq!(leaves, vec![0, 1, 2]);
        assert_eq!(
            (tree.node_count(), tree.leaf_count(), tree.depth()),
            (5, 3, 2)
        );
    }

    #[test]
    fn merges_regression_subtrees_of_equal_leaves() {
        // Root splits at 1.5 into a leaf and a node whose two leaves both hold 4.0.
        let value = |v: f64, children: Option<(usize, usize)>| RawNode {
            output: v,
            split_feature: 0,
            split_value: children.map(|_| 1.5),
            true_child: children.map(|c| c.0),
            false_child: children.map(|c| c.1),
        };
        let raw = vec![
            value(3.0, Some((1, 2))),
            value(1.0, None),
            value(4.0, Some((3, 4))),
            value(4.0, None),
            value(4.0, None),
        ];
        let tree = RawValueTree { nodes: raw }.into_tree(1).unwrap();
        assert_eq!(
            (tree.node_count(), tree.leaf_count(), tree.depth()),
            (3, 2, 1)
        );
        assert_eq!(*tree.leaf(array![9.0].view()), 4.0);
    }

    #[test]
    fn refuses_cycles_and_missing_features() {
        let cycle = vec![raw(0, Some((0, 1)), 1.0), raw(0, None, 0.0)];
        assert!(NodeTree::from_raw(cycle, 1, Some).is_err());
        let missing = vec![
            raw(0, Some((1, 2)), 1.0),
            raw(0, None, 0.0),
            raw(0, None, 0.0),
        ];
        assert!(NodeTree::from_raw(missing, 0, Some).is_err());
    }

    #[test]
    fn depth_cap_applies_only_to_large_sets() {
        assert_eq!(depth_limit(19_999), None);
        assert_eq!(depth_limit(20_000), Some(30));
        assert_eq!(smartcore_max_depth(Some(30)), Some(31));
    }
}
