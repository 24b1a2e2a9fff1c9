//! The answer in the terminal: per dataset the pick and the verdict with their numbers and
//! warnings, then the ranking across datasets; and `pick`'s longer recommendation. Plain text
//! (the command makes it terminal-safe before printing).

use super::words;
use crate::analysis::document::{CrossDatasetRanking, DatasetAnalysis, ReportDocument};
use crate::analysis::recommend::Recommendation;

/// The answer of a whole run: one block per dataset, then the ranking.
pub fn render(doc: &ReportDocument) -> String {
    let mut out = String::new();
    for analysis in &doc.datasets {
        out.push_str(&dataset_answer(analysis));
        out.push('\n');
    }
    if let Some(ranking) = &doc.ranking {
        out.push_str(&ranking_answer(ranking));
    }
    out
}

/// One dataset: its pick, the verdict, the warnings.
pub fn dataset_answer(analysis: &DatasetAnalysis) -> String {
    let mut out = format!("== {} ==\n", analysis.dataset);
    match &analysis.pick {
        Some(pick) => out.push_str(&format!("{}\n", words::pick(pick, analysis))),
        None => out.push_str("Pick: none (no model completed every fold).\n"),
    }
    out.push_str(&format!(
        "Verdict: {}\n",
        words::verdict(&analysis.verdict, analysis)
    ));
    for warning in &analysis.warnings {
        out.push_str(&format!(
            "warning: {}\n",
            words::warning(warning, &analysis.score_name)
        ));
    }
    out
}

/// The ranking across datasets: average ranks, Friedman, and the critical difference only
/// when Friedman rejects.
pub fn ranking_answer(ranking: &CrossDatasetRanking) -> String {
    let mut order: Vec<(&String, f64)> = ranking
        .models
        .iter()
        .zip(ranking.average_ranks.iter().copied())
        .collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    let ranks: Vec<String> = order
        .iter()
        .map(|(model, rank)| format!("{model} {rank:.2}"))
        .collect();
    let mut out = format!(
        "Ranking across {} {} datasets (average rank, 1 = best): {}\n",
        ranking.datasets.len(),
        ranking.task,
        ranks.join(", ")
    );
    match (&ranking.friedman, ranking.critical_difference) {
        (Some(f), Some(cd)) => out.push_str(&format!(
            "Friedman (Iman-Davenport) {}: the ranks differ; models whose average ranks differ \
             by less than {cd:.2} (Nemenyi critical difference) are not significantly \
             different.\n",
            super::format::p_value(f.f_p_value)
        )),
        // The analysis leaves the critical difference out when Friedman does not reject, or
        // (past 20 models) when no Nemenyi quantile is tabulated.
        (Some(f), None) if f.f_p_value < 0.05 => out.push_str(&format!(
            "Friedman (Iman-Davenport) {}: the ranks differ, but no Nemenyi critical difference \
             is tabulated for {} models.\n",
            super::format::p_value(f.f_p_value),
            ranking.models.len()
        )),
        (Some(f), None) => out.push_str(&format!(
            "Friedman (Iman-Davenport) {}: the ranks are not distinguishable at α = 0.05.\n",
            super::format::p_value(f.f_p_value)
        )),
        _ => out.push_str("Friedman test: could not run.\n"),
    }
    out
}

/// `pick`'s answer: the pick with its numbers, the runner-ups, the verdict, what was not
/// considered, the warnings.
pub fn recommendation(r: &Recommendation, analysis: &DatasetAnalysis) -> String {
    let mut out = format!("Recommended for {}: {}\n", r.dataset, r.pick.model);
    out.push_str(&format!("  {}\n", words::pick(&r.pick, analysis)));
    if !r.runner_ups.is_empty() {
        out.push_str("Runner-ups:\n");
        for s in &r.runner_ups {
            out.push_str(&format!(
                "  {}: {}\n",
                s.model,
                words::standing_numbers(s, Some(&r.best), &r.score_name)
            ));
        }
    }
    out.push_str(&format!(
        "Verdict: {}\n",
        words::verdict(&r.verdict, analysis)
    ));
    for warning in &r.warnings {
        out.push_str(&format!(
            "warning: {}\n",
            words::warning(warning, &r.score_name)
        ));
    }
    if !r.not_considered.is_empty() {
        out.push_str("Not considered:\n");
        for c in &r.not_considered {
            out.push_str(&format!(
                "  {} ({} of {} folds ran): {}\n",
                c.model, c.folds_ok, c.folds_total, c.status
            ));
        }
    }
    out
}
