//! From a run's results to the report document: summaries, each model against the best with
//! the corrected t-test and Bayesian ROPE, the article's seven claims answered with this run's
//! numbers, a verdict per dataset, and the ranking across datasets. Pure: no I/O, no training.

use super::decision::{self, Standing, Versus};
use super::document::{
    CrossDatasetRanking, DatasetAnalysis, Manifest, ManifestDataset, ModelComparison,
    ReportDocument, REPORT_FORMAT_VERSION,
};
use super::summary::{summarize, ModelSummary};
use super::{claims, warnings};
use crate::data::Task;
use crate::eval::results::{DatasetRecord, RunResults};
use crate::stats;

/// Half-width of the region of practical equivalence: ±1 percentage point (or ±0.01 R²).
pub const ROPE_HALF_WIDTH: f64 = 0.01;
/// Significance level of the corrected t-test (after Holm's adjustment) and of Friedman's.
pub const ALPHA: f64 = 0.05;

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
    let comparisons = match &best {
        Some(best) => compare_all(results, record, &summaries, best),
        None => Vec::new(),
    };
    let standings: Vec<Standing> = summaries
        .iter()
        .map(|s| standing(s, comparisons.iter().find(|c| c.model == s.model)))
        .collect();
    let best_name = best.as_deref();
    let ranked_candidates = best_name.map_or_else(Vec::new, |b| {
        decision::rank_candidates(&standings, b)
            .into_iter()
            .map(|s| s.model.clone())
            .collect()
    });
    let pick = best_name.and_then(|b| decision::pick(&standings, b));
    let verdict = decision::verdict(&standings, best_name);
    let tuned_on_bundled = summaries
        .iter()
        .filter(|s| results.facts_of(&s.model).defaults_chosen_on_bundled_data)
        .map(|s| s.model.clone())
        .collect();
    let warnings = warnings::warnings(
        record,
        &standings,
        &comparisons,
        best_name,
        tuned_on_bundled,
    );
    let claims = claims::measure(results, record, &summaries);
    DatasetAnalysis {
        dataset: record.name.clone(),
        task: record.task,
        score_name: match record.task {
            Task::Classification => "accuracy".to_string(),
            Task::Regression => "R^2".to_string(),
        },
        summaries,
        best,
        comparisons,
        standings,
        ranked_candidates,
        pick,
        verdict,
        warnings,
        claims,
    }
}

fn standing(summary: &ModelSummary, comparison: Option<&ModelComparison>) -> Standing {
    Standing {
        model: summary.model.clone(),
        role: summary.role,
        readability_rank: summary.readability_rank,
        folds_ok: summary.folds_ok,
        folds_total: summary.folds_total,
        status: summary.status.clone(),
        score: summary.headline.map(|h| h.mean),
        cost_ms: summary.cost_ms,
        versus_best: comparison.and_then(|c| {
            let test = c.test?;
            Some(Versus {
                difference: test.mean_difference,
                ci_low: test.ci_low,
                ci_high: test.ci_high,
                p_holm: c.p_holm.unwrap_or(f64::NAN),
                significantly_worse: c.significantly_worse,
                practically_worse: c.practically_worse,
            })
        }),
    }
}

/// Every complete model other than the best against the best, on the same folds, with the
/// p-values Holm-adjusted over the whole family (the best is chosen after looking, so every
/// comparison with it is one of many).
fn compare_all(
    results: &RunResults,
    record: &DatasetRecord,
    summaries: &[ModelSummary],
    best: &str,
) -> Vec<ModelComparison> {
    let (n_train, n_test) = fold_sizes(record);
    let best_scores = results.fold_scores(&record.name, best);
    let mut comparisons: Vec<ModelComparison> = summaries
        .iter()
        .filter(|s| complete(s) && s.model != best)
        .map(|s| {
            let scores = results.fold_scores(&record.name, &s.model);
            let differences: Vec<f64> = scores
                .iter()
                .filter_map(|(key, score)| best_scores.get(key).map(|b| score - b))
                .collect();
            let test = stats::corrected_t_test(&differences, n_train, n_test, 1.0 - ALPHA);
            let rope = stats::bayesian_rope(&differences, n_train, n_test, ROPE_HALF_WIDTH);
            ModelComparison {
                model: s.model.clone(),
                test,
                p_holm: None,
                rope,
                rope_half_width: ROPE_HALF_WIDTH,
                significantly_worse: false,
                practically_worse: rope.is_some_and(|r| r.below > 0.5),
            }
        })
        .collect();
    let raw: Vec<f64> = comparisons
        .iter()
        .map(|c| c.test.map_or(f64::NAN, |t| t.p_value))
        .collect();
    for (comparison, adjusted) in comparisons.iter_mut().zip(stats::holm_adjust(&raw)) {
        if adjusted.is_nan() {
            continue;
        }
        comparison.p_holm = Some(adjusted);
        comparison.significantly_worse =
            adjusted < ALPHA && comparison.test.is_some_and(|t| t.mean_difference < 0.0);
    }
    comparisons
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
    let friedman = stats::friedman(&scores);
    // Demšar (2006): the Iman-Davenport F is the less conservative form of Friedman's test.
    let rejects = friedman.is_some_and(|f| f.f_p_value < ALPHA);
    Some(CrossDatasetRanking {
        task,
        datasets: chosen.iter().map(|d| d.dataset.clone()).collect(),
        average_ranks: stats::average_ranks(&scores)?,
        friedman,
        critical_difference: rejects
            .then(|| stats::nemenyi_critical_difference(models.len(), chosen.len()))
            .flatten(),
        models,
    })
}
