//! Picking one model by the Occam rule: among the models neither significantly nor practically
//! worse than the best, the cheapest (time to train and predict, then how easy it is to read),
//! with the reasons in words and numbers.

use serde::{Deserialize, Serialize};

use super::analyse::{BASELINES, NETWORKS};
use super::document::{DatasetAnalysis, ModelComparison};
use super::summary::{describe_size, ModelSummary};

/// Most readable first: used to break near-ties in cost.
const READABILITY: [&str; 12] = [
    "decision-tree",
    "linear",
    "logistic",
    "naive-bayes",
    "knn",
    "svm-linear",
    "random-forest",
    "svm-rbf",
    "svr",
    "sigmoid-net",
    "sigmoid-mlp",
    "decision-tree-linfa",
];
/// Costs within this factor of each other count as a tie, broken by readability.
const COST_TIE_FACTOR: f64 = 1.5;
/// Confidence intervals wider than this (in score units) mean the data cannot separate models.
const WIDE_INTERVAL: f64 = 0.10;

/// The recommendation for one dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub dataset: String,
    pub model: String,
    /// One sentence with the numbers.
    pub reason: String,
    /// The next candidates, cheapest first, each with its reason.
    pub runner_ups: Vec<Candidate>,
    pub warnings: Vec<String>,
    /// Models that did not complete, with why (refused, timed out, failed, out of budget).
    pub skipped: Vec<Candidate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub model: String,
    pub reason: String,
}

/// Applies the Occam rule to one dataset's analysis; `None` when no model completed.
pub fn recommend(analysis: &DatasetAnalysis) -> Option<Recommendation> {
    let best = analysis.best.as_deref()?;
    let comparison = |model: &str| analysis.comparisons.iter().find(|c| c.model == model);
    let summary = |model: &str| analysis.summaries.iter().find(|s| s.model == model);
    let mut candidates: Vec<&ModelSummary> = analysis
        .summaries
        .iter()
        .filter(|s| !BASELINES.contains(&s.model.as_str()))
        .filter(|s| {
            s.model == best
                || comparison(&s.model)
                    .is_some_and(|c| !c.significantly_worse && c.not_practically_worse)
        })
        .collect();
    candidates.sort_by(|a, b| order(a, b));
    let chosen = *candidates.first().or(summary(best).as_ref())?;

    let mut warnings = Vec::new();
    let baseline_matches = analysis.summaries.iter().any(|s| {
        BASELINES.contains(&s.model.as_str())
            && comparison(&s.model)
                .is_some_and(|c| !c.significantly_worse && c.not_practically_worse)
    });
    if baseline_matches {
        warnings.push(
            "the majority/mean baseline is not distinguishable from the best model: the features may not predict the target"
                .to_string(),
        );
    }
    let widths: Vec<f64> = analysis
        .comparisons
        .iter()
        .filter_map(|c| c.test.map(|t| t.ci_high - t.ci_low))
        .filter(|w| w.is_finite())
        .collect();
    if let Some(widest) = widths.iter().copied().reduce(f64::max) {
        let median = median(&widths);
        if median > WIDE_INTERVAL {
            warnings.push(format!(
                "the data is too small to separate most models: the typical 95% interval of a difference is {} wide (widest {}); treat this pick as provisional",
                points(median, analysis),
                points(widest, analysis)
            ));
        }
    }

    let skipped = analysis
        .summaries
        .iter()
        .filter(|s| s.folds_ok < s.folds_total)
        .map(|s| Candidate {
            model: s.model.clone(),
            reason: s.status.clone(),
        })
        .collect();
    Some(Recommendation {
        dataset: analysis.dataset.clone(),
        model: chosen.model.clone(),
        reason: explain(analysis, chosen, best),
        runner_ups: candidates
            .iter()
            .filter(|s| s.model != chosen.model)
            .take(2)
            .map(|s| Candidate {
                model: s.model.clone(),
                reason: explain(analysis, s, best),
            })
            .collect(),
        warnings,
        skipped,
    })
}

fn cost_ms(summary: &ModelSummary) -> f64 {
    summary.fit_ms.map_or(f64::INFINITY, |m| m.mean) + summary.predict_ms.map_or(0.0, |m| m.mean)
}

fn readability(model: &str) -> usize {
    READABILITY
        .iter()
        .position(|m| *m == model)
        .unwrap_or(READABILITY.len())
}

/// Cheaper first; costs within [`COST_TIE_FACTOR`] of each other go by readability.
fn order(a: &ModelSummary, b: &ModelSummary) -> std::cmp::Ordering {
    let (ca, cb) = (cost_ms(a), cost_ms(b));
    // Below a millisecond, timing noise dominates: treat as equal.
    let tie = (ca.max(cb) <= 1.0)
        || (ca.is_finite() && cb.is_finite() && ca.max(cb) <= COST_TIE_FACTOR * ca.min(cb));
    if tie {
        readability(&a.model)
            .cmp(&readability(&b.model))
            .then(ca.total_cmp(&cb))
    } else {
        ca.total_cmp(&cb)
    }
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

fn points(value: f64, analysis: &DatasetAnalysis) -> String {
    if analysis.score_name == "accuracy" {
        format!("{:.1} pp", 100.0 * value)
    } else {
        format!("{value:.3}")
    }
}

/// "decision-tree: within 0.4 pp of the best (p = 0.41, 88% inside ±1 pp), 35x faster to
/// train than sigmoid-mlp, 21 nodes, depth 6".
fn explain(analysis: &DatasetAnalysis, summary: &ModelSummary, best: &str) -> String {
    let mut parts = Vec::new();
    let score = summary.headline.map_or(f64::NAN, |h| h.mean);
    if summary.model == best {
        parts.push(format!("the best {} ({score:.3})", analysis.score_name));
    } else if let Some(ModelComparison {
        test: Some(test),
        rope,
        rope_half_width,
        ..
    }) = analysis
        .comparisons
        .iter()
        .find(|c| c.model == summary.model)
    {
        let mut text = format!(
            "{} of the best ({score:.3} vs {best}; p = {:.2}",
            within(test.mean_difference, analysis),
            test.p_value
        );
        if let Some(rope) = rope {
            text.push_str(&format!(
                ", {:.0}% inside ±{}",
                100.0 * rope.inside,
                points(*rope_half_width, analysis)
            ));
        }
        text.push(')');
        parts.push(text);
    }
    let fit = summary.fit_ms.map_or(f64::NAN, |m| m.mean);
    let slowest_network = analysis
        .summaries
        .iter()
        .filter(|s| NETWORKS.contains(&s.model.as_str()) && s.model != summary.model)
        .filter_map(|s| s.fit_ms.map(|m| (s.model.as_str(), m.mean)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    match slowest_network {
        Some((network, network_ms)) if fit > 0.0 && network_ms > fit => parts.push(format!(
            "{:.0}x faster to train than {network}",
            network_ms / fit
        )),
        _ => parts.push(format!("{fit:.1} ms to train")),
    }
    if let Some(size) = &summary.size {
        parts.push(describe_size(size));
    }
    format!("{}: {}", summary.model, parts.join(", "))
}

fn within(difference: f64, analysis: &DatasetAnalysis) -> String {
    if difference >= 0.0 {
        format!("{} above", points(difference, analysis))
    } else {
        format!("within {}", points(-difference, analysis))
    }
}
