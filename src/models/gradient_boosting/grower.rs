//! Grows one regression tree on gradients and hessians, best leaf first, as scikit-learn's
//! `TreeGrower` does: the leaf whose best split gains most is split next, until 31 leaves (or
//! no leaf can split). A split must leave `min_samples_leaf` rows and a hessian sum of 1e-3 on
//! each side, and gains `G_L²/(H_L+λ) + G_R²/(H_R+λ) - G²/(H+λ)` (the loss reduction of Newton
//! steps, LightGBM's and scikit-learn's gain); a leaf's value is `-G/(H+λ)` times the learning
//! rate. Only the smaller child's histogram is built; the larger one is its parent's minus it.
//!
//! Rows live in one index array partitioned in place, node by node (a node is a range of it),
//! so growing allocates nothing per node.

use serde::{Deserialize, Serialize};

use super::binning::{BinMapper, BinnedRows};
use super::histogram::{
    subtract_in_place, BinStats, HistogramLayout, HistogramPool, OrderedGradients,
};

/// scikit-learn's `min_hessian_to_split`: below it a side is too flat to trust its Newton step.
const MIN_HESSIAN_TO_SPLIT: f64 = 1e-3;
/// Keeps a leaf value finite when its hessian sum is zero (scikit-learn adds the same).
const HESSIAN_FLOOR: f64 = 1e-15;

/// One node of a fitted tree. A leaf has `left == 0` (the root is nobody's child).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Node {
    pub feature: u32,
    /// `value <= threshold` goes left.
    pub threshold: f64,
    pub left: u32,
    pub right: u32,
    /// The leaf's contribution to the raw score (already times the learning rate).
    pub value: f64,
}

impl Node {
    fn leaf() -> Self {
        Node {
            feature: 0,
            threshold: 0.0,
            left: 0,
            right: 0,
            value: 0.0,
        }
    }

    pub fn is_leaf(&self) -> bool {
        self.left == 0
    }
}

/// The value a tree gives one row of raw features.
pub fn tree_value(nodes: &[Node], row: &[f64]) -> f64 {
    let mut node = &nodes[0];
    while !node.is_leaf() {
        let next = if row[node.feature as usize] <= node.threshold {
            node.left
        } else {
            node.right
        };
        node = &nodes[next as usize];
    }
    node.value
}

/// Depth of a tree (a lone leaf has depth 0).
pub fn tree_depth(nodes: &[Node]) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(0usize, 0usize)];
    while let Some((index, depth)) = stack.pop() {
        let node = &nodes[index];
        if node.is_leaf() {
            deepest = deepest.max(depth);
        } else {
            stack.push((node.left as usize, depth + 1));
            stack.push((node.right as usize, depth + 1));
        }
    }
    deepest
}

/// Settings of one tree.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TreeParams {
    pub max_leaf_nodes: usize,
    pub min_samples_leaf: usize,
    pub l2: f64,
    pub learning_rate: f64,
}

/// The best split of a node: after code `bin` of `feature`, with the left side's sums.
#[derive(Debug, Clone, Copy)]
struct Split {
    gain: f64,
    feature: usize,
    bin: usize,
    left_gradient: f64,
    left_hessian: f64,
    left_count: u32,
}

/// A node's rows (`indices[start..end]`) and their sums.
#[derive(Debug, Clone, Copy)]
struct NodeRows {
    tree_node: usize,
    start: usize,
    end: usize,
    gradient: f64,
    hessian: f64,
}

impl NodeRows {
    fn count(&self) -> usize {
        self.end - self.start
    }
}

/// A node that can still split, with its histogram and best split.
struct Candidate {
    rows: NodeRows,
    histogram: Vec<BinStats>,
    split: Split,
}

/// A grown tree and the training rows of each leaf.
pub struct GrownTree {
    pub nodes: Vec<Node>,
    /// `(start, end, node)`: the leaf's rows are `indices()[start..end]`.
    leaves: Vec<(usize, usize, usize)>,
}

/// Grows trees on one set of binned rows, reusing its buffers from tree to tree.
pub struct Grower<'a> {
    mapper: &'a BinMapper,
    binned: &'a BinnedRows,
    layout: HistogramLayout,
    params: TreeParams,
    indices: Vec<u32>,
    scratch: Vec<u32>,
    ordered: OrderedGradients,
    pool: HistogramPool,
}

impl<'a> Grower<'a> {
    pub fn new(mapper: &'a BinMapper, binned: &'a BinnedRows, params: TreeParams) -> Self {
        let layout = HistogramLayout::new(mapper);
        let pool = HistogramPool::new(layout.total_bins());
        let rows = binned.rows();
        Grower {
            mapper,
            binned,
            layout,
            params,
            indices: Vec::with_capacity(rows),
            scratch: Vec::with_capacity(rows),
            ordered: OrderedGradients::default(),
            pool,
        }
    }

    fn rows(&self) -> usize {
        self.binned.rows()
    }

    /// Adds each leaf's value to the raw scores of its training rows.
    pub fn add_leaf_values(&self, tree: &GrownTree, raw: &mut [f64]) {
        for &(start, end, node) in &tree.leaves {
            let value = tree.nodes[node].value;
            for &r in &self.indices[start..end] {
                raw[r as usize] += value;
            }
        }
    }

    /// Grows a tree on per-row gradients and hessians (`None`: every hessian is 1).
    pub fn grow(&mut self, gradients: &[f64], hessians: Option<&[f64]>) -> GrownTree {
        let n = self.rows();
        self.indices.clear();
        self.indices.extend(0..n as u32);
        let gradient: f64 = gradients.iter().sum();
        let hessian: f64 = hessians.map_or(n as f64, |h| h.iter().sum());
        let mut nodes = vec![Node::leaf()];
        let mut leaves: Vec<NodeRows> = Vec::new();
        let mut candidates: Vec<Candidate> = Vec::new();
        let root = NodeRows {
            tree_node: 0,
            start: 0,
            end: n,
            gradient,
            hessian,
        };
        if self.may_split(&root) {
            let mut histogram = self.pool.take();
            self.layout.build(
                &mut histogram,
                self.binned,
                &self.indices,
                gradients,
                hessians,
                &mut self.ordered,
            );
            self.consider(
                root,
                histogram,
                hessians.is_none(),
                &mut candidates,
                &mut leaves,
            );
        } else {
            leaves.push(root);
        }
        let mut n_leaves = 1;
        while let Some(best) = best_candidate(&candidates) {
            let Candidate {
                rows: parent,
                histogram: parent_histogram,
                split,
            } = candidates.swap_remove(best);
            let middle = self.partition(parent.start, parent.end, split.feature, split.bin);
            debug_assert_eq!(middle - parent.start, split.left_count as usize);
            let (left_id, right_id) = (nodes.len(), nodes.len() + 1);
            nodes.push(Node::leaf());
            nodes.push(Node::leaf());
            nodes[parent.tree_node] = Node {
                feature: split.feature as u32,
                threshold: self.mapper.threshold(split.feature, split.bin),
                left: left_id as u32,
                right: right_id as u32,
                value: 0.0,
            };
            let left = NodeRows {
                tree_node: left_id,
                start: parent.start,
                end: middle,
                gradient: split.left_gradient,
                hessian: split.left_hessian,
            };
            let right = NodeRows {
                tree_node: right_id,
                start: middle,
                end: parent.end,
                gradient: parent.gradient - split.left_gradient,
                hessian: parent.hessian - split.left_hessian,
            };
            n_leaves += 1;
            if n_leaves >= self.params.max_leaf_nodes
                || !(self.may_split(&left) || self.may_split(&right))
            {
                leaves.push(left);
                leaves.push(right);
                self.pool.give_back(parent_histogram);
                if n_leaves >= self.params.max_leaf_nodes {
                    break;
                }
                continue;
            }
            let (small, large) = if left.count() <= right.count() {
                (left, right)
            } else {
                (right, left)
            };
            let mut small_histogram = self.pool.take();
            self.layout.build(
                &mut small_histogram,
                self.binned,
                &self.indices[small.start..small.end],
                gradients,
                hessians,
                &mut self.ordered,
            );
            let mut large_histogram = parent_histogram;
            subtract_in_place(&mut large_histogram, &small_histogram);
            for (child, histogram) in [(small, small_histogram), (large, large_histogram)] {
                if self.may_split(&child) {
                    self.consider(
                        child,
                        histogram,
                        hessians.is_none(),
                        &mut candidates,
                        &mut leaves,
                    );
                } else {
                    leaves.push(child);
                    self.pool.give_back(histogram);
                }
            }
        }
        for candidate in candidates {
            leaves.push(candidate.rows);
            self.pool.give_back(candidate.histogram);
        }
        let mut leaf_ranges = Vec::with_capacity(leaves.len());
        for leaf in leaves {
            nodes[leaf.tree_node].value = -leaf.gradient
                / (leaf.hessian + self.params.l2 + HESSIAN_FLOOR)
                * self.params.learning_rate;
            leaf_ranges.push((leaf.start, leaf.end, leaf.tree_node));
        }
        GrownTree {
            nodes,
            leaves: leaf_ranges,
        }
    }

    /// Whether a node has enough rows and curvature to be worth a split search.
    fn may_split(&self, node: &NodeRows) -> bool {
        node.count() >= 2 * self.params.min_samples_leaf && node.hessian >= MIN_HESSIAN_TO_SPLIT
    }

    /// Queues a node with a gainful split; makes it a leaf otherwise.
    fn consider(
        &mut self,
        rows: NodeRows,
        histogram: Vec<BinStats>,
        constant_hessian: bool,
        candidates: &mut Vec<Candidate>,
        leaves: &mut Vec<NodeRows>,
    ) {
        match self.best_split(&rows, &histogram, constant_hessian) {
            Some(split) => candidates.push(Candidate {
                rows,
                histogram,
                split,
            }),
            None => {
                leaves.push(rows);
                self.pool.give_back(histogram);
            }
        }
    }

    /// The split with the largest positive gain, scanning each feature's codes left to right;
    /// ties go to the first feature and code, as in scikit-learn.
    fn best_split(
        &self,
        node: &NodeRows,
        histogram: &[BinStats],
        constant_hessian: bool,
    ) -> Option<Split> {
        let TreeParams {
            min_samples_leaf,
            l2,
            ..
        } = self.params;
        let count = node.count() as u32;
        let min_leaf = min_samples_leaf as u32;
        let parent_score = node.gradient * node.gradient / (node.hessian + l2);
        let mut best: Option<Split> = None;
        let mut best_gain = 0.0;
        for feature in 0..self.layout.features() {
            let bins = self.layout.feature(histogram, feature);
            let (mut left_gradient, mut left_hessian, mut left_count) = (0.0, 0.0, 0u32);
            for (bin, stats) in bins.iter().enumerate().take(bins.len().saturating_sub(1)) {
                left_gradient += stats.gradient;
                left_hessian += if constant_hessian {
                    f64::from(stats.count)
                } else {
                    stats.hessian
                };
                if stats.count == 0 {
                    // Same split as the previous code: its gain was already weighed.
                    continue;
                }
                left_count += stats.count;
                if left_count < min_leaf {
                    continue;
                }
                if count - left_count < min_leaf {
                    break;
                }
                if left_hessian < MIN_HESSIAN_TO_SPLIT {
                    continue;
                }
                let right_hessian = node.hessian - left_hessian;
                if right_hessian < MIN_HESSIAN_TO_SPLIT {
                    break;
                }
                let right_gradient = node.gradient - left_gradient;
                let gain = left_gradient * left_gradient / (left_hessian + l2)
                    + right_gradient * right_gradient / (right_hessian + l2)
                    - parent_score;
                if gain > best_gain {
                    best_gain = gain;
                    best = Some(Split {
                        gain,
                        feature,
                        bin,
                        left_gradient,
                        left_hessian,
                        left_count,
                    });
                }
            }
        }
        best
    }

    /// Reorders `indices[start..end]` so the rows going left (code <= bin) come first, each
    /// side in its old order; returns where the right side starts.
    fn partition(&mut self, start: usize, end: usize, feature: usize, bin: usize) -> usize {
        let codes = self.binned.column(feature);
        self.scratch.clear();
        let mut write = start;
        for read in start..end {
            let r = self.indices[read];
            if usize::from(codes[r as usize]) <= bin {
                self.indices[write] = r;
                write += 1;
            } else {
                self.scratch.push(r);
            }
        }
        self.indices[write..end].copy_from_slice(&self.scratch);
        write
    }
}

/// The candidate with the largest gain (the first of equals).
fn best_candidate(candidates: &[Candidate]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for (i, c) in candidates.iter().enumerate() {
        if best.is_none_or(|b| c.split.gain > candidates[b].split.gain) {
            best = Some(i);
        }
    }
    best
}
