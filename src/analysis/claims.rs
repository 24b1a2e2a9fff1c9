//! The article's reasons a network is often the wrong choice, each answered with a number from
//! this run, and the verdict that weighs them: does the network earn its cost on this data?

use std::collections::BTreeMap;

use super::analyse::{fold_scores, fold_sizes, main_cells, BASELINES, NETWORKS};
use super::document::{
    Claims, Curve, DatasetAnalysis, FitTimeRatio, GridPoint, LearningCurves, ModelInterval,
    NamedText, NamedValue, TreeNode, TreeView, TuningSpread,
};
use super::summary::{describe_size, ModelSummary};
use crate::eval::cell::{CellResult, FoldScores};
use crate::eval::experiments::{tuning_grid, LEARNING_CURVE_PERCENTS};
use crate::eval::results::{DatasetRecord, RunResults};
use crate::models::TreeStructureNode;
use crate::stats;

/// The tree's rules are printed down to this depth.
const RULES_MAX_DEPTH: usize = 6;

/// Measures the seven claims on one dataset.
pub fn measure(results: &RunResults, record: &DatasetRecord, summaries: &[ModelSummary]) -> Claims {
    let ran: Vec<&ModelSummary> = summaries.iter().filter(|s| s.headline.is_some()).collect();
    let tree = first_tree(results, record);
    Claims {
        sizes: ran
            .iter()
            .filter_map(|s| {
                s.size.as_ref().map(|size| NamedText {
                    model: s.model.clone(),
                    text: describe_size(size),
                })
            })
            .collect(),
        tree_rules: tree.as_ref().map(|t| rules_text(t, RULES_MAX_DEPTH)),
        tree,
        overfitting: ran
            .iter()
            .filter_map(|s| {
                Some(NamedValue {
                    model: s.model.clone(),
                    value: s.train_headline?.mean - s.headline?.mean,
                })
            })
            .collect(),
        intervals: ran
            .iter()
            .filter_map(|s| interval(results, record, s))
            .collect(),
        fit_time_ratios: fit_time_ratios(&ran),
        tuning: tuning(results, record),
        learning_curves: learning_curves(results, record, &ran),
    }
}

/// The 95% interval of a model's mean score on the corrected (Nadeau-Bengio) scale.
fn interval(
    results: &RunResults,
    record: &DatasetRecord,
    summary: &ModelSummary,
) -> Option<ModelInterval> {
    let scores: Vec<f64> = fold_scores(results, &record.name, &summary.model)
        .into_values()
        .collect();
    let (n_train, n_test) = fold_sizes(record);
    let test = stats::corrected_t_test(&scores, n_train, n_test, 0.95)?;
    let briers: Vec<f64> = main_cells(results, &record.name, &summary.model)
        .filter_map(|c| match &c.measurement.as_ref()?.scores {
            FoldScores::Classification { test, .. } => test.brier,
            FoldScores::Regression { .. } => None,
        })
        .collect();
    Some(ModelInterval {
        model: summary.model.clone(),
        mean: test.mean_difference,
        low: test.ci_low,
        high: test.ci_high,
        brier: (!briers.is_empty()).then(|| briers.iter().sum::<f64>() / briers.len() as f64),
    })
}

fn fit_time_ratios(ran: &[&ModelSummary]) -> Vec<FitTimeRatio> {
    let mut ratios = Vec::new();
    for network in ran.iter().filter(|s| NETWORKS.contains(&s.model.as_str())) {
        let Some(network_ms) = network.fit_ms.map(|m| m.mean) else {
            continue;
        };
        for other in ran.iter().filter(|s| {
            !NETWORKS.contains(&s.model.as_str()) && !BASELINES.contains(&s.model.as_str())
        }) {
            if let Some(other_ms) = other.fit_ms.map(|m| m.mean).filter(|&ms| ms > 0.0) {
                ratios.push(FitTimeRatio {
                    network: network.model.clone(),
                    other: other.model.clone(),
                    ratio: network_ms / other_ms,
                });
            }
        }
    }
    ratios
}

/// Mean score of the cells matching `keep` (first repeat only, as the experiments run).
fn mean_of<'a>(cells: impl Iterator<Item = &'a CellResult>) -> Option<(f64, usize)> {
    let measured: Vec<(f64, usize)> = cells
        .filter(|c| c.key.repeat == 0)
        .filter_map(|c| {
            c.measurement
                .as_ref()
                .map(|m| (m.scores.headline(), m.train_rows))
        })
        .collect();
    if measured.is_empty() {
        return None;
    }
    let n = measured.len() as f64;
    let score = measured.iter().map(|m| m.0).sum::<f64>() / n;
    let rows = (measured.iter().map(|m| m.1).sum::<usize>() as f64 / n).round() as usize;
    Some((score, rows))
}

fn cells_of<'a>(
    results: &'a RunResults,
    dataset: &'a str,
    model: &'a str,
) -> impl Iterator<Item = &'a CellResult> + 'a {
    results
        .cells
        .iter()
        .filter(move |c| c.key.dataset == dataset && c.key.model == model)
}

fn tuning(results: &RunResults, record: &DatasetRecord) -> Option<TuningSpread> {
    let grid = |model: &str, default_label: &str| -> Vec<GridPoint> {
        let mut points = Vec::new();
        if let Some((mean, _)) =
            mean_of(cells_of(results, &record.name, model).filter(|c| c.key.is_main()))
        {
            points.push(GridPoint {
                label: default_label.to_string(),
                mean,
            });
        }
        for spec in tuning_grid(model) {
            let matching = cells_of(results, &record.name, model)
                .filter(|c| c.key.setting.as_deref() == Some(spec));
            if let Some((mean, _)) = mean_of(matching) {
                points.push(GridPoint {
                    label: spec.replace(';', ", "),
                    mean,
                });
            }
        }
        points
    };
    let network = grid("sigmoid-mlp", "defaults (hidden=32, lr_scale=1)");
    let tree = grid("decision-tree", "defaults (no depth limit)");
    // Only the defaults ran: no grid to speak of.
    (network.len() > 1 || tree.len() > 1).then_some(TuningSpread { network, tree })
}

fn learning_curves(
    results: &RunResults,
    record: &DatasetRecord,
    ran: &[&ModelSummary],
) -> Option<LearningCurves> {
    let mut fractions: Vec<f64> = LEARNING_CURVE_PERCENTS
        .iter()
        .map(|&p| f64::from(p) / 100.0)
        .collect();
    fractions.push(1.0);
    let mut curves = Vec::new();
    for summary in ran {
        let mut scores = Vec::new();
        let mut rows = Vec::new();
        for &percent in &LEARNING_CURVE_PERCENTS {
            let point = mean_of(
                cells_of(results, &record.name, &summary.model)
                    .filter(|c| c.key.train_percent == Some(percent)),
            );
            scores.push(point.map(|p| p.0));
            rows.push(point.map_or(0, |p| p.1));
        }
        let full = mean_of(main_cells(results, &record.name, &summary.model));
        scores.push(full.map(|p| p.0));
        rows.push(full.map_or(0, |p| p.1));
        if scores[..LEARNING_CURVE_PERCENTS.len()]
            .iter()
            .any(Option::is_some)
        {
            curves.push(Curve {
                model: summary.model.clone(),
                scores,
                rows,
            });
        }
    }
    if curves.is_empty() {
        return None;
    }
    let network_overtakes_at_rows = overtaking_point(&curves);
    Some(LearningCurves {
        fractions,
        curves,
        network_overtakes_at_rows,
    })
}

/// The smallest training size at which the best network beats the simple model that is best
/// on the whole training fold; `None` if it never does.
fn overtaking_point(curves: &[Curve]) -> Option<usize> {
    let is_simple = |c: &&Curve| {
        !NETWORKS.contains(&c.model.as_str()) && !BASELINES.contains(&c.model.as_str())
    };
    let best_simple = curves.iter().filter(is_simple).max_by(|a, b| {
        a.scores
            .last()
            .copied()
            .flatten()
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(
                &b.scores
                    .last()
                    .copied()
                    .flatten()
                    .unwrap_or(f64::NEG_INFINITY),
            )
    })?;
    let networks: Vec<&Curve> = curves
        .iter()
        .filter(|c| NETWORKS.contains(&c.model.as_str()))
        .collect();
    (0..best_simple.scores.len()).find_map(|i| {
        let simple = best_simple.scores[i]?;
        let network = networks
            .iter()
            .filter_map(|c| c.scores[i])
            .fold(f64::NEG_INFINITY, f64::max);
        (network > simple).then_some(best_simple.rows[i])
    })
}

/// The decision tree of the first fold of the first repeat, with names.
fn first_tree(results: &RunResults, record: &DatasetRecord) -> Option<TreeView> {
    let cell = main_cells(results, &record.name, "decision-tree")
        .find(|c| c.key.repeat == 0 && c.key.fold == 0)?;
    let nodes = cell.measurement.as_ref()?.tree.as_ref()?;
    let feature = |i: usize| {
        record
            .feature_names
            .get(i)
            .cloned()
            .unwrap_or_else(|| format!("feature {i}"))
    };
    let prediction = |value: f64| -> String {
        if record.class_names.is_empty() {
            format!("{value:.4}")
        } else {
            record
                .class_names
                .get(value as usize)
                .cloned()
                .unwrap_or_else(|| format!("class {value}"))
        }
    };
    Some(TreeView {
        nodes: nodes
            .iter()
            .map(|n| match n {
                TreeStructureNode::Split {
                    feature: f,
                    threshold,
                    left,
                    right,
                } => TreeNode::Split {
                    feature: feature(*f),
                    threshold: *threshold,
                    left: *left,
                    right: *right,
                },
                TreeStructureNode::Leaf { value } => TreeNode::Leaf {
                    prediction: prediction(*value),
                },
            })
            .collect(),
    })
}

/// The tree as nested if/else rules, down to `max_depth` levels.
pub fn rules_text(tree: &TreeView, max_depth: usize) -> String {
    let mut out = String::new();
    let mut truncated = false;
    write_rules(tree, 0, 0, max_depth, &mut out, &mut truncated);
    if truncated {
        out.push_str(&format!("(rules below depth {max_depth} are left out)\n"));
    }
    out
}

fn write_rules(
    tree: &TreeView,
    node: usize,
    depth: usize,
    max_depth: usize,
    out: &mut String,
    truncated: &mut bool,
) {
    let indent = "  ".repeat(depth);
    match tree.nodes.get(node) {
        Some(TreeNode::Leaf { prediction }) => {
            out.push_str(&format!("{indent}predict {prediction}\n"))
        }
        Some(TreeNode::Split { .. }) if depth >= max_depth => {
            *truncated = true;
            out.push_str(&format!("{indent}...\n"));
        }
        Some(TreeNode::Split {
            feature,
            threshold,
            left,
            right,
        }) => {
            out.push_str(&format!("{indent}if {feature} <= {threshold:.4}:\n"));
            write_rules(tree, *left, depth + 1, max_depth, out, truncated);
            out.push_str(&format!("{indent}else:\n"));
            write_rules(tree, *right, depth + 1, max_depth, out, truncated);
        }
        None => out.push_str(&format!("{indent}(missing node {node})\n")),
    }
}

/// One paragraph: does the network earn its cost here?
pub fn verdict(analysis: &DatasetAnalysis) -> String {
    let Some(best) = &analysis.best else {
        return "No model completed every fold, so there is nothing to weigh.".to_string();
    };
    let mean_of = |model: &str| {
        analysis
            .summaries
            .iter()
            .find(|s| s.model == model)
            .and_then(|s| s.headline)
            .map(|h| h.mean)
    };
    let fit_of = |model: &str| {
        analysis
            .summaries
            .iter()
            .find(|s| s.model == model)
            .and_then(|s| s.fit_ms)
            .map(|m| m.mean)
    };
    let comparison = |model: &str| analysis.comparisons.iter().find(|c| c.model == model);
    let networks: Vec<&str> = NETWORKS
        .iter()
        .copied()
        .filter(|n| mean_of(n).is_some())
        .collect();
    let Some(network) = networks.iter().copied().max_by(|a, b| {
        mean_of(a)
            .unwrap_or(0.0)
            .total_cmp(&mean_of(b).unwrap_or(0.0))
    }) else {
        return format!(
            "{best} is best; no network completed its folds, so its cost cannot be weighed here."
        );
    };
    let score = &analysis.score_name;
    let pp = |d: f64| {
        if analysis.score_name == "accuracy" {
            format!("{:+.1} pp", 100.0 * d)
        } else {
            format!("{d:+.3}")
        }
    };
    // The cheapest simple model that is neither significantly nor practically worse than the best.
    let simple: Vec<&ModelSummary> = analysis
        .summaries
        .iter()
        .filter(|s| !NETWORKS.contains(&s.model.as_str()) && !BASELINES.contains(&s.model.as_str()))
        .filter(|s| {
            comparison(&s.model).is_some_and(|c| !c.significantly_worse && c.not_practically_worse)
        })
        .collect();
    let cheapest = simple.iter().min_by(|a, b| {
        fit_of(&a.model)
            .unwrap_or(f64::INFINITY)
            .total_cmp(&fit_of(&b.model).unwrap_or(f64::INFINITY))
    });
    let network_note = match comparison(network) {
        Some(c) if network != best => format!(
            "The best network, {network}, scores {} {score}, {} against {best}{}",
            fmt_score(mean_of(network)),
            pp(c.test.map_or(0.0, |t| t.mean_difference)),
            c.test
                .map_or(String::new(), |t| format!(" (p = {:.3})", t.p_value)),
        ),
        _ => format!(
            "{network} is the best model at {} {score}",
            fmt_score(mean_of(network))
        ),
    };
    match cheapest {
        Some(simple_model) => {
            let ratio = match (fit_of(network), fit_of(&simple_model.model)) {
                (Some(n), Some(s)) if s > 0.0 => format!(" and trains {:.0}x faster", n / s),
                _ => String::new(),
            };
            if simple_model.model == *best {
                format!(
                    "{network_note}. {best} is the best model ({} {score}){ratio}, so the network does not earn its cost here.",
                    fmt_score(mean_of(best)),
                )
            } else {
                format!(
                    "{network_note}. {} is not significantly or practically worse than the best ({} {score}){ratio}, so the network does not earn its cost here.",
                    simple_model.model,
                    fmt_score(mean_of(&simple_model.model)),
                )
            }
        }
        None if network == best => format!(
            "{network_note}, and every simple model is significantly or practically worse: the network earns its cost here."
        ),
        None => format!(
            "{network_note}. No simple model matches {best} either, so the choice is {best} on accuracy; the network does not earn its cost here."
        ),
    }
}

fn fmt_score(value: Option<f64>) -> String {
    value.map_or("-".to_string(), |v| format!("{v:.3}"))
}

/// Fit-time ratio lookup used by `pick` (network median / other median).
pub fn ratio_lookup(claims: &Claims) -> BTreeMap<(String, String), f64> {
    claims
        .fit_time_ratios
        .iter()
        .map(|r| ((r.network.clone(), r.other.clone()), r.ratio))
        .collect()
}
