//! Growing one tree depth first, as scikit-learn's `DepthFirstTreeBuilder` does: a node is a
//! leaf when it reaches `max_depth`, holds fewer than 2 rows, is pure (impurity at most
//! machine epsilon) or has no split; otherwise its best split makes two children, the left one
//! grown first. Node numbers therefore follow scikit-learn's (pre-order).

use super::data::{Columns, Target};
use super::split::Splitter;
use super::tree::Tree;
use crate::rng::SeededRng;

/// A node waiting to be grown: its rows are `samples[start..end]`.
struct Pending {
    start: usize,
    end: usize,
    depth: usize,
    parent: Option<(usize, bool)>,
    known_constants: usize,
}

/// Grows a tree on the rows in `samples` (each row's weight in `weights`, one per training row),
/// trying `max_features` randomly drawn features per split. `max_depth` is in edges; `None`
/// grows until the leaves are pure.
pub(in crate::models) fn grow(
    columns: &Columns,
    target: Target,
    weights: &[f64],
    mut samples: Vec<u32>,
    max_features: usize,
    max_depth: Option<usize>,
    rng: &mut SeededRng,
) -> Tree {
    let mut splitter = Splitter::new(columns, target, weights, max_features);
    let mut tree = Tree::new(target.outputs());
    let mut counts = vec![0.0; target.outputs()];
    let mut stack = vec![Pending {
        start: 0,
        end: samples.len(),
        depth: 0,
        parent: None,
        known_constants: 0,
    }];
    while let Some(node) = stack.pop() {
        let rows = &mut samples[node.start..node.end];
        let sums = splitter.node_sums(rows, &mut counts);
        let id = tree.push_node();
        if let Some((parent, is_left)) = node.parent {
            tree.set_child(parent, is_left, id);
        }
        let is_leaf = max_depth.is_some_and(|d| node.depth >= d)
            || rows.len() < 2
            || splitter.impurity(&sums) <= f64::EPSILON;
        let split = if is_leaf {
            None
        } else {
            let (split, constants) =
                splitter.split(rows, &sums, &counts, node.known_constants, rng);
            split.map(|s| (s, constants))
        };
        match split {
            Some((split, constants)) => {
                tree.make_split(id, split.feature, split.threshold);
                let middle = node.start + split.left_rows;
                // Pushed right first so that the left child is grown (and numbered) first.
                for (start, end, is_left) in [(middle, node.end, false), (node.start, middle, true)]
                {
                    stack.push(Pending {
                        start,
                        end,
                        depth: node.depth + 1,
                        parent: Some((id, is_left)),
                        known_constants: constants,
                    });
                }
            }
            None => match target {
                Target::Classes { .. } => {
                    tree.make_leaf(id, counts.iter().map(|c| c / sums.weight));
                }
                Target::Values(_) => tree.make_leaf(id, [sums.sum / sums.weight]),
            },
        }
    }
    tree
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    fn grow_classes(x: &Array2<f64>, labels: &[u32], max_depth: Option<usize>) -> Tree {
        let columns = Columns::new(x.view());
        let target = Target::Classes {
            labels,
            n_classes: 2,
        };
        let weights = vec![1.0; x.nrows()];
        let samples = (0..x.nrows() as u32).collect();
        grow(
            &columns,
            target,
            &weights,
            samples,
            x.ncols(),
            max_depth,
            &mut SeededRng::new(0),
        )
    }

    #[test]
    fn grows_until_leaves_are_pure() {
        // An XOR needs two levels; every training row lands in a pure leaf.
        let x = array![[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
        let labels = [0, 1, 1, 0];
        let tree = grow_classes(&x, &labels, None);
        for (row, &label) in x.rows().into_iter().zip(&labels) {
            let fractions = tree.predict_row(row);
            assert_eq!(fractions[label as usize], 1.0);
        }
        assert_eq!((tree.leaf_count(), tree.depth()), (4, 2));
    }

    #[test]
    fn max_depth_stops_growth_with_mixed_leaves() {
        let x = array![[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
        let tree = grow_classes(&x, &[0, 1, 1, 0], Some(1));
        assert!(tree.depth() <= 1);
        let tree = grow_classes(&x, &[0, 1, 1, 0], Some(0));
        assert_eq!(tree.node_count(), 1);
        assert_eq!(tree.predict_row(array![0.0, 0.0].view()), &[0.5, 0.5]);
    }

    #[test]
    fn identical_rows_with_different_classes_make_a_mixed_leaf() {
        let x = array![[1.0], [1.0], [1.0], [2.0]];
        let tree = grow_classes(&x, &[0, 1, 1, 1], None);
        assert_eq!(
            tree.predict_row(array![1.0].view()),
            &[1.0 / 3.0, 2.0 / 3.0]
        );
        assert_eq!(tree.predict_row(array![2.0].view()), &[0.0, 1.0]);
    }

    #[test]
    fn weights_count_as_repeated_rows() {
        // Row 0 weighs 3: the leaf it shares with row 1 is 3/4 class 0.
        let x = array![[0.0], [0.0], [5.0]];
        let columns = Columns::new(x.view());
        let labels = [0, 1, 1];
        let target = Target::Classes {
            labels: &labels,
            n_classes: 2,
        };
        let tree = grow(
            &columns,
            target,
            &[3.0, 1.0, 2.0],
            vec![0, 1, 2],
            1,
            None,
            &mut SeededRng::new(0),
        );
        assert_eq!(tree.predict_row(array![0.0].view()), &[0.75, 0.25]);
    }

    #[test]
    fn regression_leaves_hold_means_and_equal_targets_stop_growth() {
        let x = array![[0.0], [1.0], [2.0], [3.0], [4.0]];
        let columns = Columns::new(x.view());
        let y = [1.0, 1.0, 1.0, 4.0, 6.0];
        let tree = grow(
            &columns,
            Target::Values(&y),
            &[1.0; 5],
            (0..5).collect(),
            1,
            None,
            &mut SeededRng::new(0),
        );
        // Root splits off {4, 6}; the three equal targets make one leaf.
        assert_eq!(tree.predict_row(array![0.5].view()), &[1.0]);
        assert_eq!(tree.predict_row(array![3.0].view()), &[4.0]);
        assert_eq!(tree.leaf_count(), 3);
    }

    #[test]
    fn same_seed_same_tree() {
        let x = Array2::from_shape_fn((60, 4), |(i, j)| ((i * 7 + j * 13) % 11) as f64);
        let labels: Vec<u32> = (0..60).map(|i| (i % 3 == 0) as u32).collect();
        let columns = Columns::new(x.view());
        let target = Target::Classes {
            labels: &labels,
            n_classes: 2,
        };
        let fit = |seed| {
            grow(
                &columns,
                target,
                &[1.0; 60],
                (0..60).collect(),
                1,
                None,
                &mut SeededRng::new(seed),
            )
        };
        assert_eq!(fit(4), fit(4));
    }
}
