//! The best split of one node, as scikit-learn's `BestSplitter` finds it: candidate features
//! drawn at random (Fisher-Yates over the features, skipping ones known to be constant in the
//! node and drawing more while the drawn ones are all constant), the node's rows sorted on each
//! candidate, every boundary between distinct values tried, the threshold halfway between the
//! two values. Gini (classes) and squared error (values) are compared through scikit-learn's
//! "proxy" improvement, which ranks splits the same way with fewer operations.

use super::data::{Columns, Target};
use crate::rng::SeededRng;

/// Values closer than this count as equal (scikit-learn's `FEATURE_THRESHOLD`): no threshold
/// between them, and a feature whose node values span less is constant.
pub(super) const FEATURE_THRESHOLD: f64 = 1e-7;

/// Weighted totals of a node's rows. Classes: `squares` is the sum of the squared class
/// weights (their counts are in a separate slice). Values: `sum` and `squares` of `w·y` and
/// `w·y²`.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct NodeSums {
    pub(super) weight: f64,
    pub(super) sum: f64,
    pub(super) squares: f64,
}

/// A chosen split: rows with `x[feature] <= threshold` go left; after [`Splitter::split`] they
/// are the node's first `left_rows` samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Split {
    pub(super) feature: usize,
    pub(super) threshold: f64,
    pub(super) left_rows: usize,
}

/// The best boundary found so far in one node.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    proxy: f64,
    feature: usize,
    threshold: f64,
}

/// Split search state for one tree: the feature order and known-constant features carried from
/// node to node (as scikit-learn's splitter does), and scratch buffers reused by every node.
pub(super) struct Splitter<'a> {
    columns: &'a Columns,
    target: Target<'a>,
    weights: &'a [f64],
    max_features: usize,
    features: Vec<usize>,
    constant_features: Vec<usize>,
    /// (sort key of the value, row) for the node's rows on the feature being tried.
    pairs: Vec<(u64, u32)>,
    left_counts: Vec<f64>,
}

/// An order-preserving map of finite floats to integers, so sorting compares integers.
#[inline]
fn sort_key(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

#[inline]
fn key_value(key: u64) -> f64 {
    f64::from_bits(if key >> 63 == 1 {
        key & !(1 << 63)
    } else {
        !key
    })
}

/// scikit-learn's threshold between two consecutive distinct values.
#[inline]
fn midpoint(low: f64, high: f64) -> f64 {
    let mid = low / 2.0 + high / 2.0;
    if mid == high || mid.is_infinite() {
        low
    } else {
        mid
    }
}

impl<'a> Splitter<'a> {
    /// `weights` has one entry per training row (0 for rows left out of the tree).
    pub(super) fn new(
        columns: &'a Columns,
        target: Target<'a>,
        weights: &'a [f64],
        max_features: usize,
    ) -> Self {
        let features = columns.features();
        Splitter {
            columns,
            target,
            weights,
            max_features: max_features.clamp(1, features.max(1)),
            features: (0..features).collect(),
            constant_features: vec![0; features],
            pairs: Vec::with_capacity(columns.rows()),
            left_counts: vec![0.0; target.outputs()],
        }
    }

    /// The weighted totals of `samples`; for classes, their weight per class goes to `counts`.
    pub(super) fn node_sums(&self, samples: &[u32], counts: &mut [f64]) -> NodeSums {
        let mut sums = NodeSums::default();
        match self.target {
            Target::Classes { labels, .. } => {
                counts.fill(0.0);
                for &i in samples {
                    let w = self.weights[i as usize];
                    counts[labels[i as usize] as usize] += w;
                    sums.weight += w;
                }
                sums.squares = counts.iter().map(|c| c * c).sum();
            }
            Target::Values(values) => {
                for &i in samples {
                    let (w, y) = (self.weights[i as usize], values[i as usize]);
                    sums.weight += w;
                    sums.sum += w * y;
                    sums.squares += w * y * y;
                }
            }
        }
        sums
    }

    /// Gini impurity or variance of a node, as scikit-learn computes it.
    pub(super) fn impurity(&self, sums: &NodeSums) -> f64 {
        match self.target {
            Target::Classes { .. } => 1.0 - sums.squares / (sums.weight * sums.weight),
            Target::Values(_) => {
                let mean = sums.sum / sums.weight;
                sums.squares / sums.weight - mean * mean
            }
        }
    }

    /// Finds the best split of the node holding `samples` and reorders them so the left rows
    /// come first. `known_constants` features (from the parent) are skipped; returns the split,
    /// if any boundary exists, and the number of features known constant for the children.
    pub(super) fn split(
        &mut self,
        samples: &mut [u32],
        sums: &NodeSums,
        counts: &[f64],
        known_constants: usize,
        rng: &mut SeededRng,
    ) -> (Option<Split>, usize) {
        let n_features = self.features.len();
        let mut remaining = n_features;
        let mut found_constants = 0;
        let mut drawn_constants = 0;
        let mut total_constants = known_constants;
        let mut visited = 0;
        let mut best: Option<Candidate> = None;
        while remaining > total_constants
            && (visited < self.max_features || visited <= found_constants + drawn_constants)
        {
            visited += 1;
            // Draw among the features not yet visited and not known constant.
            let mut j = drawn_constants + rng.below(remaining - found_constants - drawn_constants);
            if j < known_constants {
                // A feature constant in the parent: counts as drawn, costs nothing.
                self.features.swap(drawn_constants, j);
                drawn_constants += 1;
                continue;
            }
            j += found_constants;
            let feature = self.features[j];
            if !self.sort_node(samples, feature) {
                self.features.swap(j, total_constants);
                found_constants += 1;
                total_constants += 1;
                continue;
            }
            remaining -= 1;
            self.features.swap(remaining, j);
            let found = match self.target {
                Target::Classes { labels, .. } => self.scan_classes(labels, sums, counts),
                Target::Values(values) => self.scan_values(values, sums),
            };
            if let Some((proxy, threshold)) = found {
                if best.is_none_or(|b| proxy > b.proxy) {
                    best = Some(Candidate {
                        proxy,
                        feature,
                        threshold,
                    });
                }
            }
        }
        // Children inherit this node's constant features at the front of the order.
        self.features[..known_constants]
            .copy_from_slice(&self.constant_features[..known_constants]);
        self.constant_features[known_constants..known_constants + found_constants]
            .copy_from_slice(&self.features[known_constants..known_constants + found_constants]);
        let split = best.map(|b| Split {
            feature: b.feature,
            threshold: b.threshold,
            left_rows: self.partition(samples, b.feature, b.threshold),
        });
        (split, total_constants)
    }

    /// Sorts the node's rows on `feature` into `pairs`; false when the feature is constant in
    /// the node (then nothing needs sorting).
    fn sort_node(&mut self, samples: &[u32], feature: usize) -> bool {
        let column = self.columns.column(feature);
        self.pairs.clear();
        let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
        for &i in samples {
            let v = column[i as usize];
            low = low.min(v);
            high = high.max(v);
            self.pairs.push((sort_key(v), i));
        }
        if high <= low + FEATURE_THRESHOLD {
            return false;
        }
        self.pairs.sort_unstable_by_key(|p| p.0);
        true
    }

    /// The best boundary of the sorted rows for Gini: maximises
    /// `Σ left_c² / w_left + Σ right_c² / w_right` (scikit-learn's proxy for Gini).
    fn scan_classes(
        &mut self,
        labels: &[u32],
        sums: &NodeSums,
        counts: &[f64],
    ) -> Option<(f64, f64)> {
        let left = &mut self.left_counts;
        left.fill(0.0);
        let (mut w_left, mut sq_left, mut sq_right) = (0.0, 0.0, sums.squares);
        let mut best = (f64::NEG_INFINITY, 0.0);
        let pairs = &self.pairs;
        for p in 0..pairs.len() - 1 {
            let (key, row) = pairs[p];
            let class = labels[row as usize] as usize;
            let w = self.weights[row as usize];
            let l = left[class];
            let r = counts[class] - l;
            // Class weights are whole numbers, so these running sums of squares are exact.
            sq_left += w * (2.0 * l + w);
            sq_right += w * (w - 2.0 * r);
            left[class] = l + w;
            w_left += w;
            let (value, next) = (key_value(key), key_value(pairs[p + 1].0));
            if next <= value + FEATURE_THRESHOLD {
                continue;
            }
            let proxy = sq_left / w_left + sq_right / (sums.weight - w_left);
            if proxy > best.0 {
                best = (proxy, midpoint(value, next));
            }
        }
        (best.0 > f64::NEG_INFINITY).then_some(best)
    }

    /// The best boundary of the sorted rows for squared error: maximises
    /// `sum_left² / w_left + sum_right² / w_right` (scikit-learn's proxy for MSE).
    fn scan_values(&self, values: &[f64], sums: &NodeSums) -> Option<(f64, f64)> {
        let (mut w_left, mut sum_left) = (0.0, 0.0);
        let mut best = (f64::NEG_INFINITY, 0.0);
        let pairs = &self.pairs;
        for p in 0..pairs.len() - 1 {
            let (key, row) = pairs[p];
            let w = self.weights[row as usize];
            w_left += w;
            sum_left += w * values[row as usize];
            let (value, next) = (key_value(key), key_value(pairs[p + 1].0));
            if next <= value + FEATURE_THRESHOLD {
                continue;
            }
            let sum_right = sums.sum - sum_left;
            let proxy =
                sum_left * sum_left / w_left + sum_right * sum_right / (sums.weight - w_left);
            if proxy > best.0 {
                best = (proxy, midpoint(value, next));
            }
        }
        (best.0 > f64::NEG_INFINITY).then_some(best)
    }

    /// Moves the rows going left to the front; returns how many there are.
    fn partition(&self, samples: &mut [u32], feature: usize, threshold: f64) -> usize {
        let column = self.columns.column(feature);
        let (mut i, mut end) = (0, samples.len());
        while i < end {
            if column[samples[i] as usize] <= threshold {
                i += 1;
            } else {
                end -= 1;
                samples.swap(i, end);
            }
        }
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    fn columns(rows: &[&[f64]]) -> Columns {
        let x = Array2::from_shape_fn((rows.len(), rows[0].len()), |(i, j)| rows[i][j]);
        Columns::new(x.view())
    }

    fn split_all(
        columns: &Columns,
        target: Target,
        max_features: usize,
        seed: u64,
    ) -> (Option<Split>, usize, Vec<u32>) {
        let weights = vec![1.0; columns.rows()];
        let mut splitter = Splitter::new(columns, target, &weights, max_features);
        let mut samples: Vec<u32> = (0..columns.rows() as u32).collect();
        let mut counts = vec![0.0; target.outputs()];
        let sums = splitter.node_sums(&samples, &mut counts);
        let mut rng = SeededRng::new(seed);
        let (split, constants) = splitter.split(&mut samples, &sums, &counts, 0, &mut rng);
        (split, constants, samples)
    }

    #[test]
    fn sort_keys_keep_the_order_of_floats() {
        let values = [-1e300, -2.5, -1e-300, -0.0, 0.0, 1e-300, 3.0, 1e300];
        for pair in values.windows(2) {
            assert!(sort_key(pair[0]) <= sort_key(pair[1]), "{pair:?}");
        }
        for v in values {
            assert_eq!(key_value(sort_key(v)).to_bits(), v.to_bits());
        }
    }

    #[test]
    fn gini_split_at_the_midpoint_of_the_separating_values() {
        // Feature 1 separates the classes between 2 and 4; feature 0 does not.
        let c = columns(&[&[1.0, 1.0], &[2.0, 2.0], &[1.0, 4.0], &[2.0, 6.0]]);
        let labels = [0, 0, 1, 1];
        let target = Target::Classes {
            labels: &labels,
            n_classes: 2,
        };
        for seed in 0..5 {
            let (split, _, samples) = split_all(&c, target, 2, seed);
            let split = split.unwrap();
            assert_eq!(
                (split.feature, split.threshold, split.left_rows),
                (1, 3.0, 2)
            );
            let mut left = samples[..2].to_vec();
            left.sort_unstable();
            assert_eq!(left, vec![0, 1]);
        }
    }

    #[test]
    fn tied_values_are_never_separated() {
        // Rows 1 and 2 share the value 2.0 with different classes; only 1.5 and 2.5 qualify,
        // and 1.5 wins: scikit-learn's proxy 1 + (1 + 4) / 3 = 2.67 against (1 + 4) / 3 + 1.
        // With equal proxies the first (lower) boundary is kept.
        let c = columns(&[&[1.0], &[2.0], &[2.0], &[3.0]]);
        let labels = [0, 0, 1, 1];
        let target = Target::Classes {
            labels: &labels,
            n_classes: 2,
        };
        let (split, _, _) = split_all(&c, target, 1, 0);
        let split = split.unwrap();
        assert_eq!((split.threshold, split.left_rows), (1.5, 1));
    }

    #[test]
    fn constant_features_give_no_split_and_are_counted() {
        let c = columns(&[&[5.0, 1.0], &[5.0, 1.0 + 1e-9], &[5.0, 1.0]]);
        let labels = [0, 1, 0];
        let target = Target::Classes {
            labels: &labels,
            n_classes: 2,
        };
        let (split, constants, _) = split_all(&c, target, 1, 3);
        assert_eq!(split, None);
        assert_eq!(constants, 2);
    }

    #[test]
    fn draws_further_features_when_the_drawn_ones_are_constant() {
        // Only feature 3 varies; with one candidate per split the splitter must keep drawing
        // until it finds it, whatever the seed.
        let rows: Vec<Vec<f64>> = (0..6).map(|i| vec![1.0, 2.0, 3.0, i as f64]).collect();
        let refs: Vec<&[f64]> = rows.iter().map(|r| r.as_slice()).collect();
        let c = columns(&refs);
        let labels = [0, 0, 0, 1, 1, 1];
        let target = Target::Classes {
            labels: &labels,
            n_classes: 2,
        };
        for seed in 0..20 {
            let (split, _, _) = split_all(&c, target, 1, seed);
            let split = split.unwrap();
            assert_eq!((split.feature, split.threshold), (3, 2.5));
        }
    }

    #[test]
    fn one_candidate_feature_per_split_depends_on_the_seed() {
        // Two informative features; with max_features 1 the chosen one follows the draw.
        let c = columns(&[&[0.0, 0.0], &[1.0, 0.0], &[0.0, 1.0], &[1.0, 1.0]]);
        let labels = [0, 1, 1, 1];
        let target = Target::Classes {
            labels: &labels,
            n_classes: 2,
        };
        let chosen: std::collections::BTreeSet<usize> = (0..30)
            .map(|seed| split_all(&c, target, 1, seed).0.unwrap().feature)
            .collect();
        assert_eq!(chosen.into_iter().collect::<Vec<_>>(), vec![0, 1]);
        let again = split_all(&c, target, 1, 7).0;
        assert_eq!(again, split_all(&c, target, 1, 7).0);
    }

    #[test]
    fn only_the_drawn_features_are_searched() {
        // Feature 0 separates the classes perfectly; features 1..16 are noise. Searching all
        // 16 always finds feature 0; searching 4 drawn ones finds it only when it is drawn
        // (a quarter of the time), so most seeds settle for a noise feature.
        let mut rng = SeededRng::new(11);
        let x = Array2::from_shape_fn((40, 16), |(i, j)| {
            if j == 0 {
                i as f64
            } else {
                rng.below(1000) as f64
            }
        });
        let c = Columns::new(x.view());
        let labels: Vec<u32> = (0..40).map(|i| u32::from(i >= 20)).collect();
        let target = Target::Classes {
            labels: &labels,
            n_classes: 2,
        };
        let root_feature =
            |max_features, seed| split_all(&c, target, max_features, seed).0.unwrap().feature;
        assert!((0..40).all(|seed| root_feature(16, seed) == 0));
        let found = (0..40).filter(|&seed| root_feature(4, seed) == 0).count();
        assert!(
            (3..=20).contains(&found),
            "feature 0 chosen for {found} of 40 seeds"
        );
    }

    #[test]
    fn squared_error_split_minimises_the_children_variance() {
        // Values 1, 1, 5, 6: the best cut is after the second row (threshold 1.5 on x).
        let c = columns(&[&[0.0], &[1.0], &[2.0], &[3.0]]);
        let y = [1.0, 1.0, 5.0, 6.0];
        let (split, _, _) = split_all(&c, Target::Values(&y), 1, 0);
        let split = split.unwrap();
        assert_eq!((split.threshold, split.left_rows), (1.5, 2));
    }

    #[test]
    fn impurities_match_scikit_learn_formulas() {
        let c = columns(&[&[0.0], &[1.0], &[2.0], &[3.0]]);
        let labels = [0, 0, 0, 1];
        let target = Target::Classes {
            labels: &labels,
            n_classes: 2,
        };
        let weights = [1.0; 4];
        let splitter = Splitter::new(&c, target, &weights, 1);
        let mut counts = vec![0.0; 2];
        let sums = splitter.node_sums(&[0, 1, 2, 3], &mut counts);
        assert_eq!(counts, vec![3.0, 1.0]);
        assert!((splitter.impurity(&sums) - 0.375).abs() < 1e-15);
        let y = [1.0, 2.0, 3.0, 4.0];
        let splitter = Splitter::new(&c, Target::Values(&y), &weights, 1);
        let sums = splitter.node_sums(&[0, 1, 2, 3], &mut counts);
        assert!((splitter.impurity(&sums) - 1.25).abs() < 1e-15);
    }
}
