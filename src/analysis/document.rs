//! The report document: the canonical, versioned JSON that every report is rendered from.
//!
//! It holds the harness's results unchanged plus what was derived from them: per-dataset
//! summaries, each model's comparison with the best (corrected t-test, confidence interval,
//! Bayesian ROPE probabilities), the article's claims measured, a verdict, and the ranking
//! across datasets. `modelbench report report.json` re-renders every format from this alone.

use serde::{Deserialize, Serialize};

use super::decision::{Pick, Standing, Verdict};
use super::summary::ModelSummary;
use super::warnings::Warning;
use crate::data::Task;
use crate::eval::results::RunResults;
use crate::stats::{CorrectedTTest, FriedmanTest, RopeProbabilities};

/// Bumped whenever the document's format changes incompatibly.
pub const REPORT_FORMAT_VERSION: u32 = 2;

/// Everything a report shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDocument {
    pub format_version: u32,
    pub manifest: Manifest,
    pub results: RunResults,
    pub datasets: Vec<DatasetAnalysis>,
    /// Across datasets of the same task; `None` with fewer than two comparable datasets.
    pub ranking: Option<CrossDatasetRanking>,
}

/// How the numbers were produced: enough to reproduce them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub modelbench_version: String,
    pub command_line: Vec<String>,
    pub seed: u64,
    pub folds: usize,
    pub repeats: usize,
    /// Library name → version (linfa, smartcore, ndarray, ...).
    pub library_versions: std::collections::BTreeMap<String, String>,
    /// CPU model as the operating system names it.
    pub cpu: String,
    pub datasets: Vec<ManifestDataset>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestDataset {
    pub name: String,
    pub path: String,
    pub sha256: String,
}

/// One dataset: summaries, comparisons with the best, the article's claims, the verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetAnalysis {
    pub dataset: String,
    pub task: Task,
    /// Accuracy for classification, R² for regression.
    pub score_name: String,
    pub summaries: Vec<ModelSummary>,
    /// Complete model with the best mean score, if any model completed.
    pub best: Option<String>,
    /// Every other complete model against the best, on the same folds.
    pub comparisons: Vec<ModelComparison>,
    /// What the decision rules look at, per model.
    pub standings: Vec<Standing>,
    /// The candidates in the order of the Occam rule (the pick first).
    pub ranked_candidates: Vec<String>,
    /// The recommendation; `None` when no model is a candidate.
    pub pick: Option<Pick>,
    /// Does a network earn its cost here?
    pub verdict: Verdict,
    pub warnings: Vec<Warning>,
    pub claims: Claims,
}

/// A model against the best model of its dataset (difference = model − best).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelComparison {
    pub model: String,
    /// Nadeau-Bengio corrected resampled t-test with its 95% confidence interval.
    pub test: Option<CorrectedTTest>,
    /// The test's p-value after Holm's adjustment over every comparison with the best.
    pub p_holm: Option<f64>,
    /// Probabilities that the difference is below, inside or above ±rope.
    pub rope: Option<RopeProbabilities>,
    /// Half-width of the region of practical equivalence (0.01 = ±1 percentage point).
    pub rope_half_width: f64,
    /// Holm-adjusted p < α and worse than the best.
    pub significantly_worse: bool,
    /// Practically worse: P(difference < −rope) > 0.5, more likely than not below the region
    /// of practical equivalence.
    pub practically_worse: bool,
}

/// The article's reasons a network is often the wrong choice, each answered with numbers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// 1. Hard to interpret: each model's size (of its model fitted on its first fold).
    pub sizes: Vec<NamedSize>,
    /// 2. Hard to visualise: a single tree as fitted on one fold, to be drawn and read.
    pub tree: Option<TreeView>,
    /// 3. Overfits easily: training minus test score per model.
    pub overfitting: Vec<NamedValue>,
    /// 4. Confidence intervals: each model's 95% interval of its mean score (corrected scale),
    ///    and the Brier score where the model gives probabilities.
    pub intervals: Vec<ModelInterval>,
    /// 5. Training time: cost ratio (median fit + predict per fold) of each network to each
    ///    non-baseline non-network.
    pub cost_ratios: Vec<CostRatio>,
    /// 6. Tuning: the network's score over a small grid, next to the tree's over depths.
    pub tuning: Option<TuningSpread>,
    /// 7. Data needs: learning curves and where (if anywhere) the network overtakes.
    pub learning_curves: Option<LearningCurves>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedSize {
    pub model: String,
    pub size: crate::eval::cell::ModelSize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedValue {
    pub model: String,
    pub value: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInterval {
    pub model: String,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    pub brier: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostRatio {
    pub network: String,
    pub other: String,
    /// The network's median fit + predict time per fold divided by the other model's.
    pub ratio: f64,
}

/// Scores over a hyperparameter grid (labels like "hidden 16, lr 0.5" or "depth 4").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TuningSpread {
    pub network: Vec<GridPoint>,
    pub tree: Vec<GridPoint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GridPoint {
    pub label: String,
    pub mean: f64,
}

/// Mean test score per model at each fraction of the training fold (every repeat that ran).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearningCurves {
    pub fractions: Vec<f64>,
    pub curves: Vec<Curve>,
    /// The best network against the best non-network at each size, and the answer.
    pub overtaking: Option<Overtaking>,
}

/// Claim 7: does the network overtake the best non-network as the training set grows?
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overtaking {
    pub network: String,
    /// The non-baseline non-network with the best score on the whole training fold.
    pub other: String,
    /// network − other at each size, smallest first; the last is the whole training fold.
    pub points: Vec<CurveDifference>,
    pub answer: OvertakingAnswer,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurveDifference {
    pub rows: usize,
    /// Mean of the paired per-fold differences, and its 95% interval (corrected t); the
    /// interval is `None` with fewer than two folds.
    pub mean_difference: f64,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Paired folds behind the mean.
    pub folds: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "kebab-case")]
pub enum OvertakingAnswer {
    /// Ahead (mean difference > 0) at this size and at every larger one, through the full set.
    OvertakesFrom { rows: usize },
    /// Ahead at some smaller size but not at the full training set.
    AheadOnlyAtSmallSizes { largest_ahead_rows: usize },
    /// Never ahead at any size tried.
    NeverOvertakes,
    /// Ahead at the full training set and at every size, including the smallest tried.
    AheadAtEverySize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    pub model: String,
    /// One score per fraction; `None` where that point did not run.
    pub scores: Vec<Option<f64>>,
    /// Training rows at each fraction.
    pub rows: Vec<usize>,
}

/// A fitted decision tree, flattened: node 0 is the root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TreeView {
    pub model: String,
    /// The fold it was fitted on (0-based in the results; rendered 1-based).
    pub repeat: usize,
    pub fold: usize,
    pub train_rows: usize,
    pub nodes: Vec<TreeNode>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TreeNode {
    /// `feature <= threshold` goes to `left`, otherwise `right`.
    Split {
        feature: String,
        threshold: f64,
        left: usize,
        right: usize,
    },
    /// A leaf predicting `prediction` (a class name or a number as text).
    Leaf { prediction: String },
}

/// Ranks across datasets of one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrossDatasetRanking {
    pub task: Task,
    pub datasets: Vec<String>,
    pub models: Vec<String>,
    /// Average rank per model, in `models` order (1 = best).
    pub average_ranks: Vec<f64>,
    pub friedman: Option<FriedmanTest>,
    /// Nemenyi critical difference at α = 0.05; only when Friedman rejects equal ranks (its
    /// p < α), since the post-hoc test means nothing otherwise.
    pub critical_difference: Option<f64>,
}
