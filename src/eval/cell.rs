//! One cell of a comparison (a dataset, a model, one fold of one repeat): preprocess on the
//! training rows, fit, predict, score, time. This runs inside the worker process.

use std::time::Instant;

use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use super::folds::FoldPlan;
use super::metrics::{self, ClassificationMetrics, RegressionMetrics};
use super::{heap, memory};
use crate::data::impute::Imputer;
use crate::data::scale::Standardizer;
use crate::data::{Dataset, Target};
use crate::models::{Model, ModelError, Prediction, TargetSlice, TrainSet};
use crate::rng::SeededRng;

/// The model-side types a measurement holds, re-exported so that the analysis and the
/// renderers read them from the results model without knowing `models/`.
pub use crate::models::{ModelSize, TreeStructureNode};

/// Where a cell is in the run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CellKey {
    pub dataset: String,
    pub model: String,
    pub repeat: usize,
    pub fold: usize,
    /// Changed settings (`key=value;...`) for the tuning grid; `None` for the model's defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<String>,
    /// Percentage of the training fold used, for learning curves; `None` for all of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub train_percent: Option<u8>,
}

impl CellKey {
    /// Whether this is a cell of the main comparison (default settings, whole training fold),
    /// rather than an extra experiment.
    pub fn is_main(&self) -> bool {
        self.setting.is_none() && self.train_percent.is_none()
    }
}

/// How a cell ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CellStatus {
    Ok,
    /// The fit or prediction returned an error, panicked or crashed the worker.
    Failed,
    /// The fit ran past `--timeout` and was stopped.
    TimedOut,
    /// Not attempted: the model cannot work at this size (the reason says why).
    Refused,
}

/// Test-fold scores, with the training score for the overfitting gap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "task")]
pub enum FoldScores {
    Classification {
        test: ClassificationMetrics,
        train_accuracy: f64,
    },
    Regression {
        test: RegressionMetrics,
        train_r2: f64,
    },
}

impl FoldScores {
    /// The headline score: accuracy for classification, R² for regression.
    pub fn headline(&self) -> f64 {
        match self {
            FoldScores::Classification { test, .. } => test.accuracy,
            FoldScores::Regression { test, .. } => test.r2,
        }
    }
}

/// What the worker measured for a cell that ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    pub scores: FoldScores,
    pub fit_ms: f64,
    pub predict_ms: f64,
    /// Resident-set growth during the fit: peak resident size (VmHWM) above the resident size
    /// just before it. Often 0 for a small fit that reuses pages the process already holds;
    /// see `fit_heap_peak_bytes`.
    pub fit_peak_bytes: Option<u64>,
    /// Peak live heap bytes during the fit above those live just before (counting allocator);
    /// `None` where the allocator is not installed or in results from before it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fit_heap_peak_bytes: Option<u64>,
    pub size: ModelSize,
    pub train_rows: usize,
    pub test_rows: usize,
    /// A single tree's structure, kept for the first fold only (for its rules and drawing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tree: Option<Vec<TreeStructureNode>>,
}

/// One finished cell as recorded in the results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellResult {
    #[serde(flatten)]
    pub key: CellKey,
    pub status: CellStatus,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub measurement: Option<Measurement>,
    /// The machine that ran the cell (absent for refused cells and older results).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub host: Option<super::host::HostInfo>,
}

/// Preprocesses, fits, predicts and scores one fold, in this process. With `train_percent`,
/// only that share of the training fold is used (per class, for classification), drawn with
/// `seed`.
pub fn evaluate(
    dataset: &Dataset,
    plan: &FoldPlan,
    repeat: usize,
    fold: usize,
    train_percent: Option<u8>,
    model: &dyn Model,
    seed: u64,
) -> Result<Measurement, ModelError> {
    let (mut train_rows, test_rows) = plan.split(repeat, fold);
    if let Some(percent) = train_percent {
        train_rows = subsample(&train_rows, dataset, percent, seed);
    }
    if train_rows.is_empty() || test_rows.is_empty() {
        return Err(ModelError::new(format!(
            "fold {fold} of repeat {repeat} has {} training and {} test rows",
            train_rows.len(),
            test_rows.len()
        )));
    }
    let mut train_x = dataset.features.select(Axis(0), &train_rows);
    let mut test_x = dataset.features.select(Axis(0), &test_rows);
    if dataset.has_missing() {
        let imputer = Imputer::fit(train_x.view(), &dataset.columns);
        imputer.apply(&mut train_x);
        imputer.apply(&mut test_x);
    }
    if model.wants_standardized_features() {
        let scaler = Standardizer::fit(train_x.view());
        train_x = scaler.transform(train_x.view());
        test_x = scaler.transform(test_x.view());
    }

    let pick = |rows: &[usize]| -> Target {
        match &dataset.target {
            Target::Classes { names, labels } => Target::Classes {
                names: names.clone(),
                labels: rows.iter().map(|&r| labels[r]).collect(),
            },
            Target::Values(values) => Target::Values(rows.iter().map(|&r| values[r]).collect()),
        }
    };
    let train_y = pick(&train_rows);
    let test_y = pick(&test_rows);
    let train_set = TrainSet::new(train_x.view(), slice(&train_y), seed)?;

    let before = memory::reset_peak().then(memory::read).flatten();
    let heap_start = heap::start();
    let started = Instant::now();
    let fitted = model.fit(&train_set)?;
    let fit_ms = started.elapsed().as_secs_f64() * 1e3;
    let fit_heap_peak_bytes = heap_start.map(heap::peak_since);
    let after = memory::read();
    let fit_peak_bytes = before
        .zip(after)
        .map(|(b, a)| a.peak_bytes.saturating_sub(b.current_bytes));

    let started = Instant::now();
    let test_prediction = fitted.predict(test_x.view())?;
    let predict_ms = started.elapsed().as_secs_f64() * 1e3;
    let train_prediction = fitted.predict(train_x.view())?;

    let scores = score(&test_y, &test_prediction, &train_y, &train_prediction)?;
    Ok(Measurement {
        scores,
        fit_ms,
        predict_ms,
        fit_peak_bytes,
        fit_heap_peak_bytes,
        size: fitted.size(),
        train_rows: train_rows.len(),
        test_rows: test_rows.len(),
        tree: if fold == 0 {
            fitted.tree_structure()
        } else {
            None
        },
    })
}

/// `percent` of `rows` (at least one per class present), keeping class ratios.
fn subsample(rows: &[usize], dataset: &Dataset, percent: u8, seed: u64) -> Vec<usize> {
    let mut rng = SeededRng::derive(seed, 0x5eed_c0de);
    let share = f64::from(percent.clamp(1, 100)) / 100.0;
    let groups: Vec<Vec<usize>> = match &dataset.target {
        Target::Classes { names, labels } => {
            let mut groups = vec![Vec::new(); names.len()];
            rows.iter().for_each(|&r| groups[labels[r]].push(r));
            groups
        }
        Target::Values(_) => vec![rows.to_vec()],
    };
    let mut kept = Vec::new();
    for mut group in groups.into_iter().filter(|g| !g.is_empty()) {
        rng.shuffle(&mut group);
        let take = ((group.len() as f64 * share).round() as usize).clamp(1, group.len());
        kept.extend_from_slice(&group[..take]);
    }
    kept.sort_unstable();
    kept
}

fn slice(target: &Target) -> TargetSlice<'_> {
    match target {
        Target::Classes { names, labels } => TargetSlice::Classes {
            labels,
            n_classes: names.len(),
        },
        Target::Values(values) => TargetSlice::Values(values),
    }
}

fn score(
    test_y: &Target,
    test_prediction: &Prediction,
    train_y: &Target,
    train_prediction: &Prediction,
) -> Result<FoldScores, ModelError> {
    match (test_y, test_prediction, train_y, train_prediction) {
        (
            Target::Classes {
                names,
                labels: truth,
            },
            Prediction::Classes {
                labels: predicted,
                scores,
            },
            Target::Classes {
                labels: train_truth,
                ..
            },
            Prediction::Classes {
                labels: train_predicted,
                ..
            },
        ) => {
            let n_classes = names.len();
            check_prediction(
                truth.len(),
                predicted.len(),
                predicted.iter().all(|&p| p < n_classes),
            )?;
            check_prediction(train_truth.len(), train_predicted.len(), true)?;
            let shape_ok = |s: &Array2<f64>| s.nrows() == truth.len() && s.ncols() == n_classes;
            let scores = scores.as_ref().filter(|s| shape_ok(&s.values));
            let probabilities = scores
                .filter(|s| s.are_probabilities)
                .map(|s| s.values.view());
            Ok(FoldScores::Classification {
                test: ClassificationMetrics {
                    accuracy: metrics::accuracy(truth, predicted),
                    balanced_accuracy: metrics::balanced_accuracy(truth, predicted, n_classes),
                    macro_f1: metrics::macro_f1(truth, predicted, n_classes),
                    roc_auc: scores.and_then(|s| metrics::roc_auc(truth, s.values.view())),
                    log_loss: probabilities.map(|p| metrics::log_loss(truth, p)),
                    brier: probabilities.map(|p| metrics::brier(truth, p)),
                },
                train_accuracy: metrics::accuracy(train_truth, train_predicted),
            })
        }
        (
            Target::Values(truth),
            Prediction::Values(predicted),
            Target::Values(train_truth),
            Prediction::Values(train_predicted),
        ) => {
            let finite = predicted
                .iter()
                .chain(train_predicted)
                .all(|v| v.is_finite());
            check_prediction(truth.len(), predicted.len(), finite)?;
            check_prediction(train_truth.len(), train_predicted.len(), true)?;
            Ok(FoldScores::Regression {
                test: metrics::regression_metrics(truth, predicted),
                train_r2: metrics::regression_metrics(train_truth, train_predicted).r2,
            })
        }
        _ => Err(ModelError::new(
            "the model's prediction does not match the task",
        )),
    }
}

fn check_prediction(expected: usize, got: usize, values_ok: bool) -> Result<(), ModelError> {
    if expected != got {
        return Err(ModelError::new(format!(
            "model predicted {got} rows for {expected}"
        )));
    }
    if !values_ok {
        return Err(ModelError::new(
            "model predicted a class out of range or a non-finite value",
        ));
    }
    Ok(())
}
