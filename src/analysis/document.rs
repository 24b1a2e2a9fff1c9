//! The report document: the canonical, versioned JSON that every report is rendered from.
//!
//! It holds the harness's results unchanged plus what was derived from them: per-dataset
//! summaries, each model's comparison with the best (corrected t-test, confidence interval,
//! Bayesian ROPE probabilities), the article's claims measured, a verdict, and the ranking
//! across datasets. `modelbench report report.json` re-renders every format from this alone.

use serde::{Deserialize, Serialize};

use super::summary::ModelSummary;
use crate::data::Task;
use crate::eval::results::RunResults;
use crate::stats::{CorrectedTTest, FriedmanTest, RopeProbabilities};

/// Bumped whenever the document's format changes incompatibly.
pub const REPORT_FORMAT_VERSION: u32 = 1;

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
    /// Model with the best mean score, if any model ran.
    pub best: Option<String>,
    /// Every other model against the best, on the same folds.
    pub comparisons: Vec<ModelComparison>,
    pub claims: Claims,
    /// One paragraph: does the network earn its cost here?
    pub verdict: String,
}

/// A model against the best model of its dataset (difference = model − best).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelComparison {
    pub model: String,
    /// Nadeau-Bengio corrected resampled t-test with its 95% confidence interval.
    pub test: Option<CorrectedTTest>,
    /// Probabilities that the difference is below, inside or above ±rope.
    pub rope: Option<RopeProbabilities>,
    /// Half-width of the region of practical equivalence (0.01 = ±1 percentage point).
    pub rope_half_width: f64,
    /// p < 0.05 and worse than the best.
    pub significantly_worse: bool,
    /// Not practically worse: P(below −rope) < 0.5, i.e. more likely than not within or above
    /// the region of practical equivalence.
    pub not_practically_worse: bool,
}

/// The article's reasons a network is often the wrong choice, each answered with numbers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// 1. Hard to interpret: each model's size in words, and the tree's rules as text.
    pub sizes: Vec<NamedText>,
    pub tree_rules: Option<String>,
    /// 2. Hard to visualise: the decision tree fitted on all rows, to be drawn.
    pub tree: Option<TreeView>,
    /// 3. Overfits easily: training minus test score per model.
    pub overfitting: Vec<NamedValue>,
    /// 4. Confidence intervals: each model's 95% interval of its mean score (corrected scale),
    ///    and the Brier score where the model gives probabilities.
    pub intervals: Vec<ModelInterval>,
    /// 5. Training time: fit-time ratio of each network to each other model.
    pub fit_time_ratios: Vec<FitTimeRatio>,
    /// 6. Tuning: the network's score over a small grid, next to the tree's over depths.
    pub tuning: Option<TuningSpread>,
    /// 7. Data needs: learning curves and where (if anywhere) the network overtakes.
    pub learning_curves: Option<LearningCurves>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedText {
    pub model: String,
    pub text: String,
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
pub struct FitTimeRatio {
    pub network: String,
    pub other: String,
    /// Network's median fit time divided by the other model's.
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

/// Mean test score per model at each fraction of the training fold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearningCurves {
    pub fractions: Vec<f64>,
    pub curves: Vec<Curve>,
    /// Smallest training size (rows) where the network beats the best simple model, if any.
    pub network_overtakes_at_rows: Option<usize>,
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
    /// Nemenyi critical difference at α = 0.05.
    pub critical_difference: Option<f64>,
}
