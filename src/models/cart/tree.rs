//! A fitted tree as parallel node arrays (node 0 the root, children after their parent), its
//! walk, its size and its drawing.

use ndarray::ArrayView1;

use crate::models::TreeStructureNode;

/// One fitted tree. A split sends `x[feature] <= threshold` to `left`, otherwise to `right`; a
/// leaf has `left == 0` (no node points back at the root) and `right` the index of its row of
/// `outputs` numbers in `leaf_values` (class fractions, or one value).
#[derive(Debug, Clone, PartialEq)]
pub(in crate::models) struct Tree {
    feature: Vec<u32>,
    threshold: Vec<f64>,
    left: Vec<u32>,
    right: Vec<u32>,
    leaf_values: Vec<f64>,
    outputs: usize,
}

/// One node, as a model file writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(in crate::models) enum NodeView<'t> {
    Split {
        feature: usize,
        threshold: f64,
        left: usize,
        right: usize,
    },
    Leaf(&'t [f64]),
}

impl Tree {
    pub(super) fn new(outputs: usize) -> Self {
        Tree {
            feature: Vec::new(),
            threshold: Vec::new(),
            left: Vec::new(),
            right: Vec::new(),
            leaf_values: Vec::new(),
            outputs,
        }
    }

    /// Appends a node (a leaf until [`Tree::make_split`]); returns its index.
    pub(super) fn push_node(&mut self) -> usize {
        self.feature.push(0);
        self.threshold.push(0.0);
        self.left.push(0);
        self.right.push(0);
        self.feature.len() - 1
    }

    pub(super) fn make_split(&mut self, node: usize, feature: usize, threshold: f64) {
        self.feature[node] = feature as u32;
        self.threshold[node] = threshold;
    }

    pub(super) fn set_child(&mut self, parent: usize, is_left: bool, child: usize) {
        if is_left {
            self.left[parent] = child as u32;
        } else {
            self.right[parent] = child as u32;
        }
    }

    /// Makes `node` a leaf holding `values` (`outputs` numbers).
    pub(super) fn make_leaf(&mut self, node: usize, values: impl IntoIterator<Item = f64>) {
        self.left[node] = 0;
        self.right[node] = (self.leaf_values.len() / self.outputs.max(1)) as u32;
        self.leaf_values.extend(values);
    }

    /// Rebuilds a tree from a model file's nodes, checking every index a walk could use:
    /// children after their parent and inside the tree, features below `features`, finite
    /// thresholds, and `outputs` finite numbers per leaf.
    pub(in crate::models) fn from_nodes<'n>(
        nodes: impl ExactSizeIterator<Item = NodeView<'n>>,
        features: usize,
        outputs: usize,
    ) -> Result<Self, String> {
        let count = nodes.len();
        if count == 0 || count > u32::MAX as usize || features > u32::MAX as usize {
            return Err("a tree has no nodes or too many".into());
        }
        let mut tree = Tree::new(outputs);
        for (i, node) in nodes.enumerate() {
            let at = tree.push_node();
            match node {
                NodeView::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => {
                    if !(left > i && right > i && left < count && right < count) {
                        return Err(format!("node {i}'s children are out of range"));
                    }
                    if feature >= features || !threshold.is_finite() {
                        return Err(format!("node {i}'s feature or threshold is invalid"));
                    }
                    tree.make_split(at, feature, threshold);
                    tree.set_child(at, true, left);
                    tree.set_child(at, false, right);
                }
                NodeView::Leaf(values) => {
                    if values.len() != outputs || values.iter().any(|v| !v.is_finite()) {
                        return Err(format!("leaf {i} does not hold {outputs} finite numbers"));
                    }
                    tree.make_leaf(at, values.iter().copied());
                }
            }
        }
        Ok(tree)
    }

    pub(in crate::models) fn node_count(&self) -> usize {
        self.feature.len()
    }

    fn is_leaf(&self, node: usize) -> bool {
        self.left[node] == 0
    }

    pub(in crate::models) fn node(&self, node: usize) -> NodeView<'_> {
        if self.is_leaf(node) {
            let slot = self.right[node] as usize * self.outputs;
            NodeView::Leaf(&self.leaf_values[slot..slot + self.outputs])
        } else {
            NodeView::Split {
                feature: self.feature[node] as usize,
                threshold: self.threshold[node],
                left: self.left[node] as usize,
                right: self.right[node] as usize,
            }
        }
    }

    /// The leaf numbers for one row (`row` must have the training columns).
    #[inline]
    pub(in crate::models) fn predict_row(&self, row: ArrayView1<f64>) -> &[f64] {
        let mut at = 0;
        loop {
            let left = self.left[at] as usize;
            if left == 0 {
                let slot = self.right[at] as usize * self.outputs;
                return &self.leaf_values[slot..slot + self.outputs];
            }
            at = if row[self.feature[at] as usize] <= self.threshold[at] {
                left
            } else {
                self.right[at] as usize
            };
        }
    }

    pub(in crate::models) fn leaf_count(&self) -> usize {
        self.left.iter().filter(|&&l| l == 0).count()
    }

    /// Edges on the longest root-to-leaf path (a lone root has depth 0).
    pub(in crate::models) fn depth(&self) -> usize {
        // Children follow their parent, so one forward pass settles every depth.
        let mut depths = vec![0usize; self.node_count()];
        for i in 0..self.node_count() {
            if !self.is_leaf(i) {
                let d = depths[i] + 1;
                depths[self.left[i] as usize] = d;
                depths[self.right[i] as usize] = d;
            }
        }
        depths.into_iter().max().unwrap_or(0)
    }

    /// The nodes for drawing; `leaf_value` turns a leaf's numbers into the one shown.
    pub(in crate::models) fn structure(
        &self,
        leaf_value: impl Fn(&[f64]) -> f64,
    ) -> Vec<TreeStructureNode> {
        (0..self.node_count())
            .map(|i| match self.node(i) {
                NodeView::Leaf(values) => TreeStructureNode::Leaf {
                    value: leaf_value(values),
                },
                NodeView::Split {
                    feature,
                    threshold,
                    left,
                    right,
                } => TreeStructureNode::Split {
                    feature,
                    threshold,
                    left,
                    right,
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn split(feature: usize, threshold: f64, left: usize, right: usize) -> NodeView<'static> {
        NodeView::Split {
            feature,
            threshold,
            left,
            right,
        }
    }

    #[test]
    fn walks_left_on_less_or_equal_and_measures_itself() {
        let nodes = [
            split(0, 1.5, 1, 2),
            NodeView::Leaf(&[1.0, 0.0]),
            split(1, 2.5, 3, 4),
            NodeView::Leaf(&[0.5, 0.5]),
            NodeView::Leaf(&[0.0, 1.0]),
        ];
        let tree = Tree::from_nodes(nodes.iter().copied(), 2, 2).unwrap();
        assert_eq!(tree.predict_row(array![1.5, 9.0].view()), &[1.0, 0.0]);
        assert_eq!(tree.predict_row(array![2.0, 2.5].view()), &[0.5, 0.5]);
        assert_eq!(tree.predict_row(array![2.0, 3.0].view()), &[0.0, 1.0]);
        assert_eq!(
            (tree.node_count(), tree.leaf_count(), tree.depth()),
            (5, 3, 2)
        );
        let back: Vec<NodeView> = (0..5).map(|i| tree.node(i)).collect();
        assert_eq!(back, nodes);
    }

    #[test]
    fn refuses_cycles_missing_features_and_bad_leaves() {
        let cycle = [split(0, 1.0, 0, 1), NodeView::Leaf(&[1.0])];
        assert!(Tree::from_nodes(cycle.iter().copied(), 1, 1).is_err());
        let missing = [
            split(3, 1.0, 1, 2),
            NodeView::Leaf(&[1.0]),
            NodeView::Leaf(&[1.0]),
        ];
        assert!(Tree::from_nodes(missing.iter().copied(), 2, 1).is_err());
        let nan = [
            split(0, f64::NAN, 1, 2),
            NodeView::Leaf(&[1.0]),
            NodeView::Leaf(&[1.0]),
        ];
        assert!(Tree::from_nodes(nan.iter().copied(), 1, 1).is_err());
        let short = [NodeView::Leaf(&[1.0])];
        assert!(Tree::from_nodes(short.iter().copied(), 1, 2).is_err());
        assert!(Tree::from_nodes(std::iter::empty::<NodeView>(), 1, 1).is_err());
    }
}
