//! Aggregates a run's cells into one summary per dataset and model: means and standard
//! deviations over folds, timings, memory, size, and a status line.

use serde::{Deserialize, Serialize};

use crate::eval::cell::ModelSize;
use crate::eval::cell::{CellResult, CellStatus, FoldScores};
use crate::eval::results::{DatasetRecord, ModelRole, RunResults};

/// Mean and sample standard deviation of a list of numbers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MeanSd {
    pub mean: f64,
    pub sd: f64,
}

impl MeanSd {
    /// `None` for an empty list; sd is 0 for a single value.
    pub fn of(values: &[f64]) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let sd = if values.len() > 1 {
            (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        Some(MeanSd { mean, sd })
    }
}

/// One model on one dataset, over all its folds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSummary {
    pub model: String,
    /// From the model's recorded facts.
    pub role: ModelRole,
    pub readability_rank: u8,
    pub folds_ok: usize,
    pub folds_total: usize,
    /// "ok", or what went wrong and how often.
    pub status: String,
    /// Accuracy (classification) or R² (regression) on the test folds.
    pub headline: Option<MeanSd>,
    /// Balanced accuracy (classification) or RMSE (regression).
    pub secondary: Option<MeanSd>,
    /// Training accuracy or training R², for the overfitting gap.
    pub train_headline: Option<MeanSd>,
    pub fit_ms: Option<MeanSd>,
    pub predict_ms: Option<MeanSd>,
    /// Median over folds of fit + predict milliseconds: the cost the decision rules weigh.
    pub cost_ms: Option<f64>,
    /// Largest peak live heap of a fit over the folds (counting allocator).
    pub fit_heap_peak_bytes: Option<u64>,
    /// Largest resident-set growth of a fit over the folds.
    pub fit_rss_growth_bytes: Option<u64>,
    /// Size of the model fitted on the first successful fold.
    pub size: Option<ModelSize>,
}

/// Summaries of every model run on `dataset`, in run order.
pub fn summarize(results: &RunResults, dataset: &DatasetRecord) -> Vec<ModelSummary> {
    dataset
        .models
        .iter()
        .map(|model| {
            let cells: Vec<&CellResult> = results
                .cells
                .iter()
                .filter(|c| {
                    c.key.is_main() && c.key.dataset == dataset.name && &c.key.model == model
                })
                .collect();
            let facts = results.facts_of(model);
            let mut summary = summarize_cells(model, &cells);
            summary.role = facts.role;
            summary.readability_rank = facts.readability_rank;
            summary
        })
        .collect()
}

fn summarize_cells(model: &str, cells: &[&CellResult]) -> ModelSummary {
    let measured: Vec<_> = cells
        .iter()
        .filter_map(|c| c.measurement.as_ref())
        .collect();
    let collect = |f: &dyn Fn(&FoldScores) -> f64| {
        MeanSd::of(&measured.iter().map(|m| f(&m.scores)).collect::<Vec<_>>())
    };
    let headline = collect(&|s| s.headline());
    let secondary = collect(&|s| match s {
        FoldScores::Classification { test, .. } => test.balanced_accuracy,
        FoldScores::Regression { test, .. } => test.rmse,
    });
    let train_headline = collect(&|s| match s {
        FoldScores::Classification { train_accuracy, .. } => *train_accuracy,
        FoldScores::Regression { train_r2, .. } => *train_r2,
    });
    let mut costs: Vec<f64> = measured.iter().map(|m| m.fit_ms + m.predict_ms).collect();
    costs.sort_by(f64::total_cmp);
    ModelSummary {
        model: model.to_string(),
        role: ModelRole::Simple,
        readability_rank: u8::MAX,
        cost_ms: (!costs.is_empty()).then(|| super::warnings::median_sorted(&costs)),
        folds_ok: measured.len(),
        folds_total: cells.len(),
        status: status_line(cells),
        headline,
        secondary,
        train_headline,
        fit_ms: MeanSd::of(&measured.iter().map(|m| m.fit_ms).collect::<Vec<_>>()),
        predict_ms: MeanSd::of(&measured.iter().map(|m| m.predict_ms).collect::<Vec<_>>()),
        fit_heap_peak_bytes: measured.iter().filter_map(|m| m.fit_heap_peak_bytes).max(),
        fit_rss_growth_bytes: measured.iter().filter_map(|m| m.fit_peak_bytes).max(),
        size: measured.first().map(|m| m.size.clone()),
    }
}

/// "ok" when every fold ran; otherwise the first reason of each kind with its count.
fn status_line(cells: &[&CellResult]) -> String {
    let mut parts = Vec::new();
    for (status, word) in [
        (CellStatus::Refused, "refused"),
        (CellStatus::TimedOut, "timed out"),
        (CellStatus::Failed, "failed"),
    ] {
        let matching: Vec<&&CellResult> = cells.iter().filter(|c| c.status == status).collect();
        if let Some(first) = matching.first() {
            let reason = first.reason.as_deref().unwrap_or("no reason given");
            parts.push(format!(
                "{word} {}/{}: {reason}",
                matching.len(),
                cells.len()
            ));
        }
    }
    if parts.is_empty() {
        "ok".to_string()
    } else {
        parts.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn mean_and_sample_sd_by_hand() {
        // 2, 4, 6: mean 4, sample variance (4 + 0 + 4) / 2 = 4, sd 2.
        let m = MeanSd::of(&[2.0, 4.0, 6.0]).unwrap();
        assert_abs_diff_eq!(m.mean, 4.0);
        assert_abs_diff_eq!(m.sd, 2.0);
        assert_eq!(MeanSd::of(&[]), None);
        assert_eq!(MeanSd::of(&[3.0]).unwrap().sd, 0.0);
    }
}
