//! From a run's results to the report document: summaries, each model against the best with
//! the corrected t-test and Bayesian ROPE, the article's seven claims answered with this run's
//! numbers, a verdict per dataset, and the ranking across datasets. Pure: no I/O, no training.

use std::collections::BTreeMap;

use super::claims;
use super::document::{
    CrossDatasetRanking, DatasetAnalysis, Manifest, ManifestDataset, ModelComparison,
    ReportDocument, REPORT_FORMAT_VERSION,
};
use super::summary::{summarize, ModelSummary};
use crate::data::Task;
use crate::eval::cell::CellResult;
use crate::eval::results::{DatasetRecord, RunResults};
use crate::stats;

/// Half-width of the region of practical equivalence: ±1 percentage point (or ±0.01 R²).
pub const ROPE_HALF_WIDTH: f64 = 0.01;
/// Significance level of the corrected t-test.
pub const ALPHA: f64 = 0.05;
/// The article's networks, whose cost the verdict weighs.
pub const NETWORKS: [&str; 2] = ["sigmoid-net", "sigmoid-mlp"];
/// Baselines: the floor, never recommended as "the simple model".
pub const BASELINES: [&str; 2] = ["majority", "mean"];

/// Builds the report document of a run; `cpu` names the machine for the manifest.
pub fn analyse(results: RunResults, cpu: String) -> ReportDocument {
    let datasets: Vec<DatasetAnalysis> = results
        .datasets
        .iter()
        .filter(|d| d.fold_plan.is_some())
        .map(|d| analyse_dataset(&results, d))
        .collect();
    let ranking = rank_across(&datasets);
    let header = &results.header;
    let manifest = Manifest {
        modelbench_version: header.modelbench_version.clone(),
        command_line: header.command_line.clone(),
        seed: header.seed,
        folds: header.folds,
        repeats: header.repeats,
        library_versions: header.library_versions.clone(),
        cpu,
        datasets: results
            .datasets
            .iter()
            .map(|d| ManifestDataset {
                name: d.name.clone(),
                path: d.path.display().to_string(),
                sha256: d.sha256.clone(),
            })
            .collect(),
    };
    ReportDocument {
        format_version: REPORT_FORMAT_VERSION,
        manifest,
        results,
        datasets,
        ranking,
    }
}

/// The headline score of each main cell of `model` on `dataset`, keyed by (repeat, fold).
pub(crate) fn fold_scores(
    results: &RunResults,
    dataset: &str,
    model: &str,
) -> BTreeMap<(usize, usize), f64> {
    main_cells(results, dataset, model)
        .filter_map(|c| {
            c.measurement
                .as_ref()
                .map(|m| ((c.key.repeat, c.key.fold), m.scores.headline()))
        })
        .collect()
}

pub(crate) fn main_cells<'a>(
    results: &'a RunResults,
    dataset: &'a str,
    model: &'a str,
) -> impl Iterator<Item = &'a CellResult> + 'a {
    results
        .cells
        .iter()
        .filter(move |c| c.key.is_main() && c.key.dataset == dataset && c.key.model == model)
}

/// Rows in a training and a test fold (the test fold's mean size).
pub(crate) fn fold_sizes(record: &DatasetRecord) -> (usize, usize) {
    let folds = record.fold_plan.as_ref().map_or(5, |p| p.folds).max(2);
    let test = record.rows / folds;
    (record.rows - test, test.max(1))
}

fn complete(summary: &ModelSummary) -> bool {
    summary.folds_total > 0 && summary.folds_ok == summary.folds_total && summary.headline.is_some()
}

fn analyse_dataset(results: &RunResults, record: &DatasetRecord) -> DatasetAnalysis {
    let summaries = summarize(results, record);
    let best = summaries
        .iter()
        .filter(|s| complete(s))
        .max_by(|a, b| {
            let score = |s: &ModelSummary| s.headline.map_or(f64::NEG_INFINITY, |h| h.mean);
            score(a)
                .total_cmp(&score(b))
                .then_with(|| b.model.cmp(&a.model))
        })
        .map(|s| s.model.clone());
    let (n_train, n_test) = fold_sizes(record);
    let comparisons = match &best {
        Some(best) => {
            let best_scores = fold_scores(results, &record.name, best);
            summaries
                .iter()
                .filter(|s| complete(s))
                .map(|s| compare_to_best(results, record, &s.model, &best_scores, n_train, n_test))
                .collect()
        }
        None => Vec::new(),
    };
    let claims = claims::measure(results, record, &summaries);
    let mut analysis = DatasetAnalysis {
        dataset: record.name.clone(),
        task: record.task,
        score_name: match record.task {
            Task::Classification => "accuracy".to_string(),
            Task::Regression => "R^2".to_string(),
        },
        summaries,
        best,
        comparisons,
        claims,
        verdict: String::new(),
    };
    analysis.verdict = claims::verdict(&analysis);
    analysis
}

fn compare_to_best(
    results: &RunResults,
    record: &DatasetRecord,
    model: &str,
    best_scores: &BTreeMap<(usize, usize), f64>,
    n_train: usize,
    n_test: usize,
) -> ModelComparison {
    let scores = fold_scores(results, &record.name, model);
    let differences: Vec<f64> = scores
        .iter()
        .filter_map(|(key, score)| best_scores.get(key).map(|b| score - b))
        .collect();
    let test = stats::corrected_t_test(&differences, n_train, n_test, 1.0 - ALPHA);
    let rope = stats::bayesian_rope(&differences, n_train, n_test, ROPE_HALF_WIDTH);
    ModelComparison {
        model: model.to_string(),
        significantly_worse: test.is_some_and(|t| t.p_value < ALPHA && t.mean_difference < 0.0),
        not_practically_worse: rope.is_some_and(|r| r.below <= 0.5),
        test,
        rope,
        rope_half_width: ROPE_HALF_WIDTH,
    }
}

/// Average ranks, Friedman and Nemenyi over the datasets of the most common task, using the
/// models that completed every fold on every one of them.
fn rank_across(datasets: &[DatasetAnalysis]) -> Option<CrossDatasetRanking> {
    let classification = datasets
        .iter()
        .filter(|d| d.task == Task::Classification)
        .count();
    let task = if classification * 2 >= datasets.len() {
        Task::Classification
    } else {
        Task::Regression
    };
    let chosen: Vec<&DatasetAnalysis> = datasets.iter().filter(|d| d.task == task).collect();
    if chosen.len() < 2 {
        return None;
    }
    let models: Vec<String> = chosen[0]
        .summaries
        .iter()
        .filter(|s| complete(s))
        .map(|s| s.model.clone())
        .filter(|m| {
            chosen
                .iter()
                .all(|d| d.summaries.iter().any(|s| &s.model == m && complete(s)))
        })
        .collect();
    if models.len() < 2 {
        return None;
    }
    let scores: Vec<Vec<f64>> = chosen
        .iter()
        .map(|d| {
            models
                .iter()
                .map(|m| {
                    d.summaries
                        .iter()
                        .find(|s| &s.model == m)
                        .and_then(|s| s.headline)
                        .map_or(f64::NEG_INFINITY, |h| h.mean)
                })
                .collect()
        })
        .collect();
    Some(CrossDatasetRanking {
        task,
        datasets: chosen.iter().map(|d| d.dataset.clone()).collect(),
        average_ranks: stats::average_ranks(&scores)?,
        friedman: stats::friedman(&scores),
        critical_difference: stats::nemenyi_critical_difference(models.len(), chosen.len()),
        models,
    })
}
