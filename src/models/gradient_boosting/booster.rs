//! The boosting rounds: a baseline score, then each round one tree per output fitted to the
//! loss's gradients, with scikit-learn's early stopping ("auto": only above 10,000 rows, on a
//! 10% validation split, stratified for classes; stop when the validation loss has not improved
//! by 1e-7 over the score ten rounds back).
//!
//! The fitted [`Booster`] is plain data (baseline, trees of [`Node`]s) so it can be saved.

use ndarray::{s, Array2, ArrayView2};
use serde::{Deserialize, Serialize};

use super::binning::BinMapper;
use super::grower::{tree_value, Grower, Node, TreeParams};
use super::loss::{Loss, Targets};
use crate::rng::SeededRng;

/// scikit-learn's `early_stopping="auto"` threshold: more training rows than this.
pub const EARLY_STOPPING_ABOVE_ROWS: usize = 10_000;
const VALIDATION_FRACTION: f64 = 0.1;
const ROUNDS_WITHOUT_IMPROVEMENT: usize = 10;
const TOLERANCE: f64 = 1e-7;
/// Stream of the seeded generator that draws the validation split.
const VALIDATION_STREAM: u64 = 0x0067_6273_706c_6974;

/// When to hold out a validation split and stop early.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EarlyStopping {
    /// Above [`EARLY_STOPPING_ABOVE_ROWS`] training rows (scikit-learn's default).
    Auto,
    Always,
    Never,
}

/// Boosting settings; defaults are scikit-learn's `HistGradientBoosting*`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoostSettings {
    pub max_iter: usize,
    pub learning_rate: f64,
    pub max_leaf_nodes: usize,
    pub min_samples_leaf: usize,
    pub max_bins: usize,
    pub l2_regularization: f64,
    pub early_stopping: EarlyStopping,
}

impl Default for BoostSettings {
    fn default() -> Self {
        BoostSettings {
            max_iter: 100,
            learning_rate: 0.1,
            max_leaf_nodes: 31,
            min_samples_leaf: 20,
            max_bins: 255,
            l2_regularization: 0.0,
            early_stopping: EarlyStopping::Auto,
        }
    }
}

/// A fitted booster: `trees[round * outputs + k]` adds to output `k`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Booster {
    pub loss: Loss,
    pub features: usize,
    pub baseline: Vec<f64>,
    pub trees: Vec<Vec<Node>>,
    /// Rounds run (fewer than `max_iter` when stopped early).
    pub rounds: usize,
}

impl Booster {
    /// Boosts on all rows of `x` (early stopping holds some out, as configured).
    pub fn fit(
        x: ArrayView2<f64>,
        targets: &Targets,
        loss: Loss,
        settings: &BoostSettings,
        seed: u64,
    ) -> Booster {
        let n = x.nrows();
        let stops_early = match settings.early_stopping {
            EarlyStopping::Auto => n > EARLY_STOPPING_ABOVE_ROWS,
            EarlyStopping::Always => n >= 2,
            EarlyStopping::Never => false,
        };
        let (train_rows, validation_rows) = if stops_early {
            validation_split(targets, seed)
        } else {
            ((0..n).collect(), Vec::new())
        };
        let train_targets = select(targets, &train_rows);
        let validation_targets = select(targets, &validation_rows);
        let mapper = BinMapper::fit(x, &train_rows, settings.max_bins, seed);
        let binned = mapper.transform(x, &train_rows);
        let params = TreeParams {
            max_leaf_nodes: settings.max_leaf_nodes,
            min_samples_leaf: settings.min_samples_leaf,
            l2: settings.l2_regularization,
            learning_rate: settings.learning_rate,
        };
        let mut grower = Grower::new(&mapper, &binned, params);
        // Validation rows copied contiguous, as each round walks them through its trees.
        let validation_x: Vec<f64> = validation_rows
            .iter()
            .flat_map(|&r| x.row(r).to_vec())
            .collect();

        let outputs = loss.outputs();
        let (rows, validation) = (train_rows.len(), validation_rows.len());
        let baseline = loss.baseline(&train_targets);
        let repeat = |count: usize| -> Vec<f64> {
            baseline
                .iter()
                .flat_map(|&b| std::iter::repeat_n(b, count))
                .collect()
        };
        let mut raw = repeat(rows);
        let mut raw_validation = repeat(validation);
        let mut gradients = vec![0.0; outputs * rows];
        let mut hessians = vec![
            0.0;
            if loss.has_constant_hessian() {
                0
            } else {
                outputs * rows
            }
        ];
        let mut scores = Vec::new();
        if stops_early {
            scores.push(-loss.mean_loss(&raw_validation, &validation_targets));
        }
        let mut trees = Vec::with_capacity(settings.max_iter * outputs);
        let mut rounds = 0;
        for _ in 0..settings.max_iter {
            loss.gradients(&raw, &train_targets, &mut gradients, &mut hessians);
            for k in 0..outputs {
                let span = k * rows..(k + 1) * rows;
                let output_hessians = if loss.has_constant_hessian() {
                    None
                } else {
                    Some(&hessians[span.clone()])
                };
                let tree = grower.grow(&gradients[span.clone()], output_hessians);
                grower.add_leaf_values(&tree, &mut raw[span]);
                for (j, row) in validation_x.chunks_exact(x.ncols()).enumerate() {
                    raw_validation[k * validation + j] += tree_value(&tree.nodes, row);
                }
                trees.push(tree.nodes);
            }
            rounds += 1;
            if stops_early {
                scores.push(-loss.mean_loss(&raw_validation, &validation_targets));
                if should_stop(&scores) {
                    break;
                }
            }
        }
        Booster {
            loss,
            features: x.ncols(),
            baseline,
            trees,
            rounds,
        }
    }

    /// Raw scores, rows × outputs. Rows go in blocks, each block through every tree in
    /// turn: a tree stays in cache for the whole block instead of being fetched per row.
    pub fn raw_scores(&self, x: ArrayView2<f64>) -> Array2<f64> {
        const BLOCK_ROWS: usize = 256;
        let outputs = self.baseline.len();
        let features = x.ncols();
        let mut raw = Array2::<f64>::zeros((x.nrows(), outputs));
        let mut block = Vec::with_capacity(BLOCK_ROWS * features);
        let mut sums = Vec::with_capacity(BLOCK_ROWS * outputs);
        for start in (0..x.nrows()).step_by(BLOCK_ROWS) {
            let end = (start + BLOCK_ROWS).min(x.nrows());
            block.clear();
            for row in x.slice(s![start..end, ..]).rows() {
                block.extend(row.iter().copied());
            }
            sums.clear();
            for _ in start..end {
                sums.extend_from_slice(&self.baseline);
            }
            for round in self.trees.chunks_exact(outputs) {
                for (k, tree) in round.iter().enumerate() {
                    for (i, row) in block.chunks_exact(features.max(1)).enumerate() {
                        sums[i * outputs + k] += tree_value(tree, row);
                    }
                }
            }
            for (i, mut out) in raw
                .slice_mut(s![start..end, ..])
                .rows_mut()
                .into_iter()
                .enumerate()
            {
                for (o, s) in out.iter_mut().zip(&sums[i * outputs..(i + 1) * outputs]) {
                    *o = *s;
                }
            }
        }
        raw
    }
}

/// scikit-learn's rule: stop when none of the last ten scores beats the one before them by
/// more than the tolerance (scores are negative losses, higher is better).
fn should_stop(scores: &[f64]) -> bool {
    let reference_position = ROUNDS_WITHOUT_IMPROVEMENT + 1;
    if scores.len() < reference_position {
        return false;
    }
    let reference = scores[scores.len() - reference_position] + TOLERANCE;
    !scores[scores.len() - ROUNDS_WITHOUT_IMPROVEMENT..]
        .iter()
        .any(|&s| s > reference)
}

fn select(targets: &Targets, rows: &[usize]) -> Targets {
    match targets {
        Targets::Values(v) => Targets::Values(rows.iter().map(|&r| v[r]).collect()),
        Targets::Classes(c) => Targets::Classes(rows.iter().map(|&r| c[r]).collect()),
    }
}

/// (training rows, validation rows), each ascending. The validation part is `ceil(10%)` of the
/// rows, as scikit-learn's `train_test_split`; for classes it is stratified: each class gets
/// its proportional share, the rounding remainders going to the largest fractions.
fn validation_split(targets: &Targets, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let n = targets.len();
    let n_validation = ((n as f64 * VALIDATION_FRACTION).ceil() as usize).min(n.saturating_sub(1));
    let mut rng = SeededRng::derive(seed, VALIDATION_STREAM);
    let mut validation = Vec::with_capacity(n_validation);
    match targets {
        Targets::Values(_) => {
            let mut rows: Vec<usize> = (0..n).collect();
            rng.shuffle(&mut rows);
            validation.extend_from_slice(&rows[..n_validation]);
        }
        Targets::Classes(labels) => {
            let classes = labels.iter().max().map_or(0, |m| m + 1);
            let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); classes];
            for (r, &l) in labels.iter().enumerate() {
                by_class[l].push(r);
            }
            let exact: Vec<f64> = by_class
                .iter()
                .map(|rows| n_validation as f64 * rows.len() as f64 / n as f64)
                .collect();
            let mut shares: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
            let mut by_remainder: Vec<usize> = (0..classes).collect();
            by_remainder.sort_by(|&a, &b| {
                (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor()))
            });
            let mut missing = n_validation - shares.iter().sum::<usize>();
            for &k in by_remainder.iter().cycle().take(classes * 2) {
                if missing == 0 {
                    break;
                }
                if shares[k] < by_class[k].len() {
                    shares[k] += 1;
                    missing -= 1;
                }
            }
            for (rows, share) in by_class.iter_mut().zip(shares) {
                rng.shuffle(rows);
                validation.extend_from_slice(&rows[..share]);
            }
        }
    }
    validation.sort_unstable();
    let mut is_validation = vec![false; n];
    for &r in &validation {
        is_validation[r] = true;
    }
    let train = (0..n).filter(|&r| !is_validation[r]).collect();
    (train, validation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn early_stopping_rule_follows_scikit_learn() {
        // Eleven scores: the reference is the first; a later one beating it by > 1e-7 continues.
        let mut scores = vec![-1.0; 11];
        assert!(should_stop(&scores));
        scores[10] = -1.0 + 1e-6;
        assert!(!should_stop(&scores));
        assert!(!should_stop(&[-1.0; 10]));
    }

    #[test]
    fn validation_split_is_stratified_seeded_and_disjoint() {
        // 90 rows of class 0, 10 of class 1: 10 validation rows, 9 and 1.
        let labels: Vec<usize> = (0..100).map(|i| usize::from(i >= 90)).collect();
        let targets = Targets::Classes(labels.clone());
        let (train, validation) = validation_split(&targets, 5);
        assert_eq!(validation.len(), 10);
        assert_eq!(train.len() + validation.len(), 100);
        assert_eq!(validation.iter().filter(|&&r| labels[r] == 1).count(), 1);
        assert!(train.iter().all(|r| !validation.contains(r)));
        assert_eq!(validation_split(&targets, 5).1, validation);
        assert_ne!(validation_split(&targets, 6).1, validation);
        // A one-row class among 80 rows gets no validation share (9 rows: 4.44, 4.44, 0.11
        // by proportion, the remainder to a large class): present in training only.
        let rare: Vec<usize> = (0..81).map(|i| if i == 80 { 2 } else { i / 40 }).collect();
        let (_, validation) = validation_split(&Targets::Classes(rare), 1);
        assert_eq!(validation.len(), 9);
        assert!(!validation.contains(&80));
    }
}
