//! Warnings that go with the answer: reasons to trust it less, each a typed value with its
//! numbers (the renderers word them).

use serde::{Deserialize, Serialize};

use super::decision::{Standing, WIDE_INTERVAL};
use super::document::ModelComparison;
use crate::eval::results::{DatasetRecord, ModelRole};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "warning", rename_all = "kebab-case")]
pub enum Warning {
    /// The best model is not significantly better than the majority/mean baseline: the
    /// features may not predict the target.
    ChanceLevel { best: String, baseline: String },
    /// A class has fewer rows than there are folds, so some test folds lack it.
    SmallClass {
        class: String,
        rows: usize,
        folds: usize,
    },
    /// The typical 95% interval of a difference to the best is wider than [`WIDE_INTERVAL`].
    WideIntervals { median_width: f64, widest: f64 },
    /// These models' defaults were chosen on the bundled datasets, which then favour them.
    DefaultsChosenOnBundledData { models: Vec<String> },
}

/// The warnings for one dataset. `tuned_on_bundled` lists the models that ran whose defaults
/// were chosen on the bundled datasets.
pub fn warnings(
    record: &DatasetRecord,
    standings: &[Standing],
    comparisons: &[ModelComparison],
    best: Option<&str>,
    tuned_on_bundled: Vec<String>,
) -> Vec<Warning> {
    let mut out = Vec::new();
    if let Some(best) = best {
        let chance = standings.iter().find(|s| {
            s.role == ModelRole::Baseline
                && s.is_complete()
                && (s.model == best || s.versus_best.is_some_and(|v| !v.significantly_worse))
        });
        if let Some(baseline) = chance {
            out.push(Warning::ChanceLevel {
                best: best.to_string(),
                baseline: baseline.model.clone(),
            });
        }
    }
    if let Some(plan) = &record.fold_plan {
        for (class, &rows) in record.class_names.iter().zip(&record.class_counts) {
            if rows < plan.folds {
                out.push(Warning::SmallClass {
                    class: class.clone(),
                    rows,
                    folds: plan.folds,
                });
            }
        }
    }
    let mut widths: Vec<f64> = comparisons
        .iter()
        .filter_map(|c| c.test.map(|t| t.ci_high - t.ci_low))
        .filter(|w| w.is_finite())
        .collect();
    widths.sort_by(f64::total_cmp);
    if let (Some(&widest), false) = (widths.last(), widths.is_empty()) {
        let median_width = median_sorted(&widths);
        if median_width > WIDE_INTERVAL {
            out.push(Warning::WideIntervals {
                median_width,
                widest,
            });
        }
    }
    if !tuned_on_bundled.is_empty() {
        out.push(Warning::DefaultsChosenOnBundledData {
            models: tuned_on_bundled,
        });
    }
    out
}

/// The median of sorted, non-empty values (the mean of the middle two for an even count).
pub fn median_sorted(sorted: &[f64]) -> f64 {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}
