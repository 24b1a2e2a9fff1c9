//! The answer in words, written once: the verdict, the pick, the warnings, claim 7 and the
//! tree's caption as plain text, which the terminal, Markdown and HTML renderers escape for
//! their format. Every ratio is stated the right way round ("3.2x the cost", never "0x faster").

use super::format;
use crate::analysis::decision::{
    Outcome, Pick, Standing, Undecided, Verdict, COST_BAND, COST_FLOOR_MS,
};
use crate::analysis::document::{DatasetAnalysis, Overtaking, OvertakingAnswer, TreeView};
use crate::analysis::warnings::Warning;

/// A difference in the score's own units: percentage points for accuracy, R² units for R².
pub fn difference(value: f64, score_name: &str) -> String {
    if score_name == "accuracy" {
        format!("{} pp", format::signed(100.0 * value, 1))
    } else {
        format!("{} {score_name}", format::signed(value, 3))
    }
}

/// A width or distance (no sign) in the score's own units.
pub fn amount(value: f64, score_name: &str) -> String {
    if score_name == "accuracy" {
        format!("{:.1} pp", 100.0 * value)
    } else {
        format!("{value:.3} {score_name}")
    }
}

/// "3.2x the cost of", or for a ratio below one "1/2.5 the cost of" stated as "2.5x cheaper
/// than"; NaN gives "an unmeasured cost ratio to".
fn cost_relation(ratio: f64) -> String {
    if !ratio.is_finite() || ratio <= 0.0 {
        "of unmeasured cost relative to".to_string()
    } else if ratio >= 1.0 {
        format!("{} the cost (fit + predict per fold) of", times(ratio))
    } else {
        format!(
            "{} cheaper (fit + predict per fold) than",
            times(1.0 / ratio)
        )
    }
}

/// 3.2 → "3.2x", 120 → "120x".
pub fn times(ratio: f64) -> String {
    if ratio >= 100.0 {
        format!("{ratio:.0}x")
    } else {
        format!("{ratio:.1}x")
    }
}

/// A cost in milliseconds per fold.
pub fn cost(ms: Option<f64>) -> String {
    ms.map_or("-".to_string(), |ms| format!("{} ms", format::ms(ms)))
}

/// The verdict in one or two sentences, with its numbers.
pub fn verdict(verdict: &Verdict, analysis: &DatasetAnalysis) -> String {
    let score = &analysis.score_name;
    let standing = |model: &str| analysis.standings.iter().find(|s| s.model == model);
    let mut text = match &verdict.outcome {
        Outcome::NoNetwork => {
            "No network was run on this dataset, so there is nothing to weigh.".to_string()
        }
        Outcome::NetworkIncomplete => {
            "No network completed every fold, so its cost cannot be weighed here.".to_string()
        }
        Outcome::CannotDecide { reasons } => {
            let why: Vec<String> = reasons.iter().map(|r| undecided(r, score)).collect();
            format!(
                "The data cannot decide whether a network earns its cost here: {}.",
                why.join("; ")
            )
        }
        Outcome::EarnsItsCost {
            network,
            score: value,
            best_other,
            difference: d,
        } => format!(
            "{network} earns its cost here: it scores {value:.3} {score}, {} against the best \
             other model, {best_other}, and every non-network is significantly or practically \
             worse.",
            difference(*d, score)
        ),
        Outcome::NetworkWins {
            network,
            other,
            cost_ratio,
        } => format!(
            "{network} wins here: it is as good as the best, and {other}, the cheapest equally \
             good non-network, costs {} as much ({} against {}).",
            times(*cost_ratio),
            cost(standing(other).and_then(|s| s.cost_ms)),
            cost(standing(network).and_then(|s| s.cost_ms)),
        ),
        Outcome::NotWorthIt {
            network,
            pick,
            cost_ratio,
        } => {
            let (n, p) = (standing(network), standing(pick));
            let readable = if *cost_ratio < 1.0 {
                " and, in the same cost band, easier to read"
            } else {
                ""
            };
            let standing_of_network = if analysis.best.as_deref() == Some(network.as_str()) {
                "has the best mean score"
            } else {
                "is as good as the best"
            };
            format!(
                "The network is not worth it here: {network} {standing_of_network} but is {} \
                 {pick} ({} against {}), which is as good{readable}.",
                cost_relation(*cost_ratio),
                cost(n.and_then(|s| s.cost_ms)),
                cost(p.and_then(|s| s.cost_ms)),
            )
        }
        Outcome::NetworksLose {
            network,
            best,
            difference: d,
            p_holm,
            significantly,
        } => format!(
            "Networks lose here: the best one, {network}, is {} against {best} ({}, \
             Holm-adjusted): {}.",
            difference(*d, score),
            format::p_value(*p_holm),
            if *significantly {
                "significantly worse".to_string()
            } else {
                format!(
                    "not significantly, but practically worse (more likely than not more than {} \
                     below)",
                    amount(crate::analysis::analyse::ROPE_HALF_WIDTH, score)
                )
            }
        ),
    };
    for incomplete in &verdict.incomplete_networks {
        text.push_str(&format!(
            " {} did not complete ({} of {} folds ran: {}), so it is neither best nor picked.",
            incomplete.model, incomplete.folds_ok, incomplete.folds_total, incomplete.status
        ));
    }
    text
}

fn undecided(reason: &Undecided, score: &str) -> String {
    match reason {
        Undecided::TooFewFolds {
            fold_scores,
            needed,
        } => format!("only {fold_scores} fold scores (at least {needed} are needed)"),
        Undecided::ChanceLevel { best, baseline } => format!(
            "the best model, {best}, is not significantly better than the {baseline} baseline"
        ),
        Undecided::WideInterval {
            model,
            against,
            width,
        } => format!(
            "the 95% interval of {model} against {against} is {} wide",
            amount(*width, score)
        ),
    }
}

/// The pick in one sentence: which model, why, at what cost.
pub fn pick(pick: &Pick, analysis: &DatasetAnalysis) -> String {
    let score = &analysis.score_name;
    let standing = analysis.standings.iter().find(|s| s.model == pick.model);
    let mut text = format!("Pick: {}", pick.model);
    if let Some(s) = standing {
        text.push_str(&format!(
            " ({})",
            standing_numbers(s, analysis.best.as_deref(), score)
        ));
    }
    if pick.band.len() > 1 {
        text.push_str(&format!(
            ". Most readable of the {} candidates costing at most {} per fold ({}x the \
             cheapest candidate, {}, with costs under {} counted as {}): {}",
            pick.band.len(),
            cost(Some(pick.band_limit_ms)),
            COST_BAND,
            pick.cheapest,
            cost(Some(COST_FLOOR_MS)),
            cost(Some(COST_FLOOR_MS)),
            pick.band.join(", ")
        ));
    } else {
        text.push_str(". The only candidate in the cheapest cost band");
    }
    text.push('.');
    text
}

/// "0.960 accuracy, −0.7 pp against svm-linear, p = 0.610, 1.02 ms per fold".
pub fn standing_numbers(s: &Standing, best: Option<&str>, score: &str) -> String {
    let mut parts = vec![format!("{} {score}", format::number(s.score))];
    match (&s.versus_best, best) {
        (Some(v), Some(best)) => parts.push(format!(
            "{} against {best} (95% interval {} to {}), {} (Holm)",
            difference(v.difference, score),
            difference(v.ci_low, score),
            difference(v.ci_high, score),
            format::p_value(v.p_holm)
        )),
        (None, Some(best)) if best == s.model => parts.push("the best".to_string()),
        _ => {}
    }
    parts.push(format!("{} per fold", cost(s.cost_ms)));
    parts.join(", ")
}

/// A warning as one sentence.
pub fn warning(warning: &Warning, score: &str) -> String {
    match warning {
        Warning::ChanceLevel { best, baseline } => format!(
            "the best model, {best}, is not significantly better than the {baseline} baseline: \
             the features may not predict the target"
        ),
        Warning::SmallClass { class, rows, folds } => format!(
            "class '{class}' has {rows} rows, fewer than the {folds} folds, so some test folds \
             lack it"
        ),
        Warning::WideIntervals {
            median_width,
            widest,
        } => format!(
            "the data is too small to separate most models: the typical 95% interval of a \
             difference to the best is {} wide (widest {}); treat the pick as provisional",
            amount(*median_width, score),
            amount(*widest, score)
        ),
        Warning::DefaultsChosenOnBundledData { models } => format!(
            "the defaults of {} were chosen by trying settings on modelbench's bundled \
             datasets, which favours them there",
            models.join(", ")
        ),
    }
}

/// Claim 7's answer with the difference at the full training set and its interval.
pub fn overtaking(o: &Overtaking, score: &str) -> String {
    let full = o.points.last();
    let at_full = full.map_or(String::new(), |p| {
        let interval = match (p.ci_low, p.ci_high) {
            (Some(low), Some(high)) => format!(
                ", 95% interval {} to {}",
                difference(low, score),
                difference(high, score)
            ),
            _ => String::new(),
        };
        format!(
            " At the full training fold ({} rows) {} is {} against {} over {} folds{interval}.",
            p.rows,
            o.network,
            difference(p.mean_difference, score),
            o.other,
            p.folds
        )
    });
    let answer = match o.answer {
        OvertakingAnswer::OvertakesFrom { rows } => format!(
            "{} overtakes {} from {rows} training rows and stays ahead (mean of paired folds) at \
             every larger size.",
            o.network, o.other
        ),
        OvertakingAnswer::AheadAtEverySize => format!(
            "{} is ahead of {} at every size tried (mean of paired folds).",
            o.network, o.other
        ),
        OvertakingAnswer::AheadOnlyAtSmallSizes { largest_ahead_rows } => format!(
            "{} never overtakes {} for good: it is ahead only at small sizes (up to {largest_ahead_rows} \
             rows) and not ahead at the full training fold.",
            o.network, o.other
        ),
        OvertakingAnswer::NeverOvertakes => format!(
            "{} never overtakes {} at any size tried.",
            o.network, o.other
        ),
    };
    format!("{answer}{at_full}")
}

/// "The decision-tree fitted on fold 1 of repeat 1 (120 training rows)".
pub fn tree_caption(tree: &TreeView) -> String {
    let leaves = tree
        .nodes
        .iter()
        .filter(|n| matches!(n, crate::analysis::document::TreeNode::Leaf { .. }))
        .count();
    format!(
        "The {} fitted on fold {} of repeat {} ({} training rows) has {} nodes ({leaves} leaves).",
        tree.model,
        tree.fold + 1,
        tree.repeat + 1,
        tree.train_rows,
        tree.nodes.len()
    )
}
