//! The report's charts as SVG strings, drawn with plotters' SVG backend: score against fit
//! time (log scale), learning curves, the fitted decision tree, and the critical-difference
//! diagram. Each returns `Err` instead of panicking; the HTML shows the error as a note.
//!
//! Text goes to plotters unescaped: its SVG backend escapes `<`, `>`, `&` and quotes in text
//! and attributes itself (a test below holds it to that), so escaping here would double it.
//! Without the `ttf` feature plotters estimates text widths and the browser draws the text.

use std::panic::{catch_unwind, AssertUnwindSafe};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::format::shorten;
use crate::analysis::document::{
    CrossDatasetRanking, LearningCurves, OvertakingAnswer, TreeNode, TreeView,
};
use crate::analysis::summary::ModelSummary;
use crate::eval::results::ModelRole;
use crate::stats::nemenyi_groups;

/// The tree drawing shows this many levels of splits; deeper nodes are summarised.
pub const TREE_DRAWN_DEPTH: usize = 4;

const FONT: &str = "sans-serif";

/// Tableau's ten colours: distinct, and readable on white (plotters' palette has yellows).
const COLORS: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

fn color(i: usize) -> RGBColor {
    COLORS[i % COLORS.len()]
}

/// Light grid lines that do not compete with the data.
fn light_grid() -> ShapeStyle {
    RGBColor(238, 238, 238).stroke_width(1)
}

/// Why a chart could not be drawn, in words for the reader.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ChartError(pub String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for ChartError {
    fn from(e: DrawingAreaErrorKind<E>) -> Self {
        ChartError(format!("plotting failed: {e}"))
    }
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Runs a drawing into a fresh SVG string; a panic inside the plotting library becomes an
/// error too, so one odd chart cannot take the whole report down.
fn draw_svg(
    size: (u32, u32),
    draw: impl FnOnce(&Area<'_>) -> Result<(), ChartError>,
) -> Result<String, ChartError> {
    let mut svg = String::new();
    let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<(), ChartError> {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE)?;
        draw(&root)?;
        root.present()?;
        Ok(())
    }));
    match outcome {
        Ok(Ok(())) => Ok(svg),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(ChartError(
            "the plotting library stopped with an internal error".into(),
        )),
    }
}

/// A finite range around `values` with some room; `None` without finite values.
fn padded_range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (low, high) =
        values
            .filter(|v| v.is_finite())
            .fold(None, |acc: Option<(f64, f64)>, v| match acc {
                None => Some((v, v)),
                Some((l, h)) => Some((l.min(v), h.max(v))),
            })?;
    let pad = ((high - low) * 0.08).max(0.02);
    Some((low - pad, high + pad))
}

/// Mean score against the median fit + predict time per fold, one labelled point per model,
/// ±1 sd as a vertical bar. Baselines are left out: the axis is fitted to the real models.
pub fn score_vs_fit_time(
    summaries: &[ModelSummary],
    score_name: &str,
) -> Result<String, ChartError> {
    // Log scale: costs are clamped to a microsecond so a 0 ms model still shows.
    let points: Vec<(f64, f64, f64, &str)> = summaries
        .iter()
        .filter(|s| s.role != ModelRole::Baseline)
        .filter_map(|s| {
            let score = s.headline?;
            let cost = s.cost_ms?;
            (score.mean.is_finite() && cost.is_finite()).then_some((
                cost.max(1e-3),
                score.mean,
                if score.sd.is_finite() { score.sd } else { 0.0 },
                s.model.as_str(),
            ))
        })
        .collect();
    if points.is_empty() {
        return Err(ChartError(
            "no model has both a score and a fit time".into(),
        ));
    }
    let (y_low, y_high) = padded_range(points.iter().flat_map(|&(_, y, sd, _)| [y - sd, y + sd]))
        .ok_or_else(|| ChartError("no finite scores".into()))?;
    let x_min = points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let x_max = points.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let (x_low, x_high) = (x_min / 3.0, x_max * 6.0);
    draw_svg((720, 420), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(66)
            .build_cartesian_2d((x_low..x_high).log_scale(), y_low..y_high)?;
        chart
            .configure_mesh()
            .x_desc("median fit + predict time per fold (ms, log scale)")
            .y_desc(format!("{score_name} (mean ± sd)"))
            .axis_desc_style((FONT, 17))
            .label_style((FONT, 15))
            .light_line_style(light_grid())
            .draw()?;
        chart.draw_series(points.iter().map(|&(x, y, sd, _)| {
            PathElement::new(
                vec![(x, y - sd), (x, y + sd)],
                BLUE.mix(0.35).stroke_width(2),
            )
        }))?;
        // Each point carries a number; the names are in the legend, so no two labels overlap
        // however close the points are.
        for (i, &(x, y, _, name)) in points.iter().enumerate() {
            let color = color(i);
            let number = (i + 1).to_string();
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((x, y))
                        + Circle::new((0, 0), 5, color.filled())
                        + Text::new(number.clone(), (7, -16), (FONT, 14).into_font()),
                ))?
                .label(format!("{number} {}", shorten(name, 24)))
                .legend(move |(lx, ly)| Circle::new((lx + 5, ly), 5, color.filled()));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .label_font((FONT, 14))
            .draw()?;
        Ok(())
    })
}

/// Mean test score against the share of the training fold used, one line per model; a
/// dashed line marks where the network overtakes, when it does.
pub fn learning_curves(curves: &LearningCurves, score_name: &str) -> Result<String, ChartError> {
    let x_values: Vec<f64> = curves.fractions.iter().map(|f| f * 100.0).collect();
    if x_values.iter().filter(|x| x.is_finite()).count() < 2 {
        return Err(ChartError("fewer than two training sizes".into()));
    }
    let (x_low, x_high) = padded_range(x_values.iter().copied())
        .ok_or_else(|| ChartError("no finite training sizes".into()))?;
    let (y_low, y_high) = padded_range(
        curves
            .curves
            .iter()
            .flat_map(|c| c.scores.iter().flatten().copied()),
    )
    .ok_or_else(|| ChartError("no learning-curve point ran".into()))?;
    // Where the network overtakes: the fraction whose row count is the one reported.
    let overtakes_at = curves.overtaking.as_ref().and_then(|o| match o.answer {
        OvertakingAnswer::OvertakesFrom { rows } => Some(rows),
        _ => None,
    });
    let overtakes_at = overtakes_at.and_then(|rows| {
        curves.curves.iter().find_map(|c| {
            c.rows
                .iter()
                .position(|&r| r == rows)
                .and_then(|i| x_values.get(i).copied())
        })
    });
    draw_svg((720, 420), |root| {
        let mut chart = ChartBuilder::on(root)
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(66)
            .build_cartesian_2d(x_low.max(0.0)..x_high, y_low..y_high)?;
        chart
            .configure_mesh()
            .x_desc("share of the training fold (%)")
            .y_desc(format!("mean test {score_name}"))
            .axis_desc_style((FONT, 17))
            .label_style((FONT, 15))
            .light_line_style(light_grid())
            .draw()?;
        if let Some(x) = overtakes_at {
            chart.draw_series(DashedLineSeries::new(
                vec![(x, y_low), (x, y_high)],
                6,
                4,
                BLACK.mix(0.6).stroke_width(1),
            ))?;
            chart.draw_series(std::iter::once(Text::new(
                "network ahead from here",
                (x, y_high),
                TextStyle::from((FONT, 15).into_font()).pos(Pos::new(HPos::Left, VPos::Top)),
            )))?;
        }
        for (i, curve) in curves.curves.iter().enumerate() {
            let color = color(i);
            let points: Vec<(f64, f64)> = x_values
                .iter()
                .zip(&curve.scores)
                .filter_map(|(&x, score)| score.filter(|s| s.is_finite()).map(|s| (x, s)))
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))?
                .label(shorten(&curve.model, 28))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
            chart.draw_series(
                points
                    .into_iter()
                    .map(|p| Circle::new(p, 3, color.filled())),
            )?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::LowerRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.4))
            .label_font((FONT, 15))
            .draw()?;
        Ok(())
    })
}

/// A node placed for drawing: its box centre and what it shows.
struct PlacedNode {
    x: i32,
    y: i32,
    lines: [String; 2],
    is_leaf: bool,
    children: Vec<(usize, &'static str)>,
}

const NODE_WIDTH: i32 = 132;
const NODE_HEIGHT: i32 = 38;
const LEVEL_HEIGHT: i32 = 84;
const SLOT_WIDTH: i32 = 142;

/// Places the top [`TREE_DRAWN_DEPTH`] levels: leaves (and cut-off subtrees) get slots from
/// left to right, a split sits above the middle of its children.
fn place_tree(tree: &TreeView) -> Result<(Vec<PlacedNode>, usize), ChartError> {
    /// Nodes reachable from `index`, each counted once (so a malformed, cyclic tree ends).
    fn subtree_size(tree: &TreeView, index: usize) -> usize {
        let mut seen = vec![false; tree.nodes.len()];
        let mut stack = vec![index];
        let mut count = 0;
        while let Some(i) = stack.pop() {
            match seen.get_mut(i) {
                Some(seen) if !*seen => *seen = true,
                _ => continue,
            }
            count += 1;
            if let Some(TreeNode::Split { left, right, .. }) = tree.nodes.get(i) {
                stack.extend([*left, *right]);
            }
        }
        count
    }
    fn place(
        tree: &TreeView,
        index: usize,
        depth: usize,
        next_slot: &mut i32,
        placed: &mut Vec<PlacedNode>,
    ) -> Result<usize, ChartError> {
        let node = tree.nodes.get(index).ok_or_else(|| {
            ChartError(format!(
                "the tree refers to node {index}, which it does not have"
            ))
        })?;
        let y = 30 + depth as i32 * LEVEL_HEIGHT;
        let own = placed.len();
        match node {
            TreeNode::Split {
                feature,
                threshold,
                left,
                right,
            } if depth < TREE_DRAWN_DEPTH => {
                placed.push(PlacedNode {
                    x: 0,
                    y,
                    lines: [
                        shorten(feature, 18),
                        format!("≤ {}", short_number(*threshold)),
                    ],
                    is_leaf: false,
                    children: Vec::new(),
                });
                let l = place(tree, *left, depth + 1, next_slot, placed)?;
                let r = place(tree, *right, depth + 1, next_slot, placed)?;
                placed[own].x = (placed[l].x + placed[r].x) / 2;
                placed[own].children = vec![(l, "yes"), (r, "no")];
            }
            TreeNode::Split { .. } => {
                // Depth bounds the recursion, so even a malformed (cyclic) tree ends here.
                let hidden = subtree_size(tree, index);
                placed.push(PlacedNode {
                    x: *next_slot * SLOT_WIDTH + SLOT_WIDTH / 2,
                    y,
                    lines: ["…".into(), format!("{hidden} more nodes")],
                    is_leaf: false,
                    children: Vec::new(),
                });
                *next_slot += 1;
            }
            TreeNode::Leaf { prediction } => {
                placed.push(PlacedNode {
                    x: *next_slot * SLOT_WIDTH + SLOT_WIDTH / 2,
                    y,
                    lines: ["predict".into(), shorten(prediction, 18)],
                    is_leaf: true,
                    children: Vec::new(),
                });
                *next_slot += 1;
            }
        }
        Ok(own)
    }
    if tree.nodes.is_empty() {
        return Err(ChartError("the tree has no nodes".into()));
    }
    let mut placed = Vec::new();
    let mut slots = 0;
    place(tree, 0, 0, &mut slots, &mut placed)?;
    Ok((placed, slots.max(1) as usize))
}

fn short_number(v: f64) -> String {
    if v.is_finite() && v.abs() >= 1000.0 {
        format!("{v:.0}")
    } else {
        let text = format!("{v:.3}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Whether [`tree`] cuts the tree off (it has splits below the drawn depth).
pub fn tree_is_cut(tree: &TreeView) -> bool {
    place_tree(tree).is_ok_and(|(placed, _)| placed.iter().any(|p| p.lines[0] == "…"))
}

/// The fitted tree as a node-link diagram of its top [`TREE_DRAWN_DEPTH`] levels.
pub fn tree(tree: &TreeView) -> Result<String, ChartError> {
    let (placed, slots) = place_tree(tree)?;
    let levels = placed.iter().map(|p| p.y).max().unwrap_or(30);
    let width = (slots as i32 * SLOT_WIDTH).max(400);
    let height = levels + NODE_HEIGHT + 20;
    draw_svg((width as u32, height as u32), |root| {
        let edge = BLACK.mix(0.5).stroke_width(1);
        for node in &placed {
            for &(child, label) in &node.children {
                let c = &placed[child];
                let from = (node.x, node.y + NODE_HEIGHT / 2);
                let to = (c.x, c.y - NODE_HEIGHT / 2);
                root.draw(&PathElement::new(vec![from, to], edge))?;
                let middle = ((from.0 + to.0) / 2, (from.1 + to.1) / 2);
                root.draw(&Text::new(
                    label,
                    middle,
                    TextStyle::from((FONT, 13).into_font())
                        .color(&BLACK.mix(0.7))
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                ))?;
            }
        }
        for node in &placed {
            let fill = if node.is_leaf {
                RGBColor(226, 240, 217)
            } else if node.children.is_empty() {
                // A subtree cut off below the drawn depth.
                RGBColor(240, 240, 240)
            } else {
                RGBColor(222, 235, 247)
            };
            let corner_a = (node.x - NODE_WIDTH / 2, node.y - NODE_HEIGHT / 2);
            let corner_b = (node.x + NODE_WIDTH / 2, node.y + NODE_HEIGHT / 2);
            root.draw(&Rectangle::new([corner_a, corner_b], fill.filled()))?;
            root.draw(&Rectangle::new([corner_a, corner_b], BLACK.mix(0.5)))?;
            for (i, line) in node.lines.iter().enumerate() {
                root.draw(&Text::new(
                    line.as_str(),
                    (node.x, node.y - 8 + 16 * i as i32),
                    TextStyle::from((FONT, 15).into_font())
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                ))?;
            }
        }
        Ok(())
    })
}

/// The critical-difference diagram: models on an axis of average ranks (1 = best, on the
/// left), a bar as long as the Nemenyi critical difference, and a thick line under each group
/// of models that are not significantly different.
pub fn critical_difference(ranking: &CrossDatasetRanking) -> Result<String, ChartError> {
    let mut models: Vec<(&str, f64)> = ranking
        .models
        .iter()
        .map(String::as_str)
        .zip(ranking.average_ranks.iter().copied())
        .filter(|(_, r)| r.is_finite())
        .collect();
    if models.len() < 2 {
        return Err(ChartError("fewer than two ranked models".into()));
    }
    models.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    let k = ranking.models.len().max(2);
    let sorted_ranks: Vec<f64> = models.iter().map(|m| m.1).collect();
    let cd = ranking
        .critical_difference
        .filter(|cd| cd.is_finite() && *cd > 0.0);
    // Groups as (first, last) positions in the rank order.
    let groups: Vec<(usize, usize)> = cd
        .and_then(|cd| nemenyi_groups(&sorted_ranks, cd))
        .unwrap_or_default()
        .iter()
        .filter_map(|g| Some((*g.first()?, *g.last()?)))
        .collect();

    let (width, left, right) = (780_i32, 230_i32, 550_i32);
    let axis_y = 70;
    let x_of = |rank: f64| {
        left + ((rank.clamp(1.0, k as f64) - 1.0) / (k as f64 - 1.0) * f64::from(right - left))
            .round() as i32
    };
    let groups_bottom = axis_y + 14 + 8 * groups.len() as i32;
    let half = models.len().div_ceil(2);
    let label_y = |i: usize| {
        groups_bottom + 18 + 22 * (if i < half { i } else { models.len() - 1 - i }) as i32
    };
    let height = label_y(0).max(label_y(half.saturating_sub(1))) + 30;
    draw_svg((width as u32, height as u32), |root| {
        let line = BLACK.stroke_width(1);
        let small = |anchor: HPos, v: VPos| {
            TextStyle::from((FONT, 15).into_font()).pos(Pos::new(anchor, v))
        };
        // The axis with a tick per rank.
        root.draw(&PathElement::new(
            vec![(left, axis_y), (right, axis_y)],
            line,
        ))?;
        for rank in 1..=k {
            let x = x_of(rank as f64);
            root.draw(&PathElement::new(vec![(x, axis_y - 6), (x, axis_y)], line))?;
            root.draw(&Text::new(
                rank.to_string(),
                (x, axis_y - 9),
                small(HPos::Center, VPos::Bottom),
            ))?;
        }
        root.draw(&Text::new(
            "average rank (1 = best)",
            ((left + right) / 2, 12),
            small(HPos::Center, VPos::Top),
        ))?;
        // The critical difference as a bar from rank 1.
        if let Some(cd) = cd {
            let end = x_of(1.0 + cd);
            root.draw(&PathElement::new(
                vec![(left, 36), (end, 36)],
                BLACK.stroke_width(2),
            ))?;
            for x in [left, end] {
                root.draw(&PathElement::new(vec![(x, 31), (x, 41)], line))?;
            }
            root.draw(&Text::new(
                format!("CD = {cd:.2}"),
                (end + 6, 36),
                small(HPos::Left, VPos::Center),
            ))?;
        }
        // Groups not significantly different.
        for (g, &(start, end)) in groups.iter().enumerate() {
            let y = axis_y + 14 + 8 * g as i32;
            root.draw(&PathElement::new(
                vec![
                    (x_of(sorted_ranks[start]) - 4, y),
                    (x_of(sorted_ranks[end]) + 4, y),
                ],
                RGBColor(200, 40, 40).stroke_width(4),
            ))?;
        }
        // Each model: a line down from its rank, then out to its label.
        for (i, &(name, rank)) in models.iter().enumerate() {
            let x = x_of(rank);
            let y = label_y(i);
            let (end_x, anchor, text_x) = if i < half {
                (left - 20, HPos::Right, left - 24)
            } else {
                (right + 20, HPos::Left, right + 24)
            };
            root.draw(&PathElement::new(
                vec![(x, axis_y), (x, y), (end_x, y)],
                line,
            ))?;
            root.draw(&Text::new(
                format!("{} ({rank:.2})", shorten(name, 22)),
                (text_x, y),
                small(anchor, VPos::Center),
            ))?;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::test_fixture::{sample_document, HOSTILE_HTML};

    #[test]
    fn plotters_escapes_text_in_svg() {
        let doc = sample_document();
        let svg = score_vs_fit_time(&doc.datasets[0].summaries, HOSTILE_HTML).unwrap();
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains("&lt;img src=x onerror=alert(1)&gt;"), "{svg}");
        assert!(!svg.contains("<img"), "{svg}");
    }

    #[test]
    fn charts_of_the_sample_draw() {
        let mut doc = sample_document();
        let hostile = &mut doc.datasets[1];
        let curves = hostile.claims.learning_curves.as_mut().unwrap();
        let svg = learning_curves(curves, "accuracy").unwrap();
        // The real run: the network never overtakes for good, so no marker is drawn.
        assert!(!svg.contains("network ahead from here"));
        let overtaking = curves.overtaking.as_mut().unwrap();
        overtaking.answer = OvertakingAnswer::OvertakesFrom {
            rows: overtaking.points[1].rows,
        };
        let rows = overtaking.points[1].rows;
        for curve in &mut curves.curves {
            curve.rows[1] = rows;
        }
        let svg = learning_curves(curves, "accuracy").unwrap();
        assert!(svg.contains("network ahead from here"));
        let tree_svg = tree(hostile.claims.tree.as_ref().unwrap()).unwrap();
        // The hostile feature name is a split's first line, escaped by plotters.
        assert!(tree_svg.contains("&lt;img src=x onerro…"), "{tree_svg}");
        let ranking = doc.ranking.as_ref().unwrap();
        let cd = critical_difference(ranking).unwrap();
        let expected = format!("CD = {:.2}", ranking.critical_difference.unwrap());
        assert!(cd.contains(&expected), "{cd}");
    }

    #[test]
    fn degenerate_input_is_an_error_not_a_panic() {
        assert!(score_vs_fit_time(&[], "accuracy").is_err());
        let mut doc = sample_document();
        let curves = doc.datasets[0].claims.learning_curves.as_mut().unwrap();
        for curve in &mut curves.curves {
            curve.scores.iter_mut().for_each(|s| *s = None);
        }
        assert!(learning_curves(curves, "accuracy").is_err());
        let cyclic = TreeView {
            model: "tree".into(),
            repeat: 0,
            fold: 0,
            train_rows: 10,
            nodes: vec![TreeNode::Split {
                feature: "x".into(),
                threshold: 1.0,
                left: 0,
                right: 7,
            }],
        };
        assert!(tree(&cyclic).unwrap_err().0.contains("node 7"));
        let looping = TreeView {
            model: "tree".into(),
            repeat: 0,
            fold: 0,
            train_rows: 10,
            nodes: vec![TreeNode::Split {
                feature: "x".into(),
                threshold: f64::NAN,
                left: 0,
                right: 0,
            }],
        };
        assert!(tree(&looping).is_ok(), "a cycle is cut at the drawn depth");
        // Equal fit times and one model: still a chart.
        let one: Vec<ModelSummary> = doc.datasets[0]
            .summaries
            .iter()
            .filter(|s| s.role != ModelRole::Baseline)
            .take(1)
            .cloned()
            .collect();
        assert!(score_vs_fit_time(&one, "accuracy").is_ok());
        // Baselines alone: nothing on the fitted axis.
        let baselines: Vec<ModelSummary> = doc.datasets[0]
            .summaries
            .iter()
            .filter(|s| s.role == ModelRole::Baseline)
            .cloned()
            .collect();
        assert!(score_vs_fit_time(&baselines, "accuracy").is_err());
    }

    #[test]
    fn big_trees_are_cut_at_the_drawn_depth() {
        let doc = sample_document();
        // diabetes: 687 nodes, depth 17.
        let big = doc.datasets[2].claims.tree.as_ref().unwrap();
        assert!(tree_is_cut(big));
        let svg = tree(big).unwrap();
        assert!(svg.contains("more nodes"));
        let small = TreeView {
            model: "tree".into(),
            repeat: 0,
            fold: 0,
            train_rows: 10,
            nodes: vec![
                TreeNode::Split {
                    feature: "x".into(),
                    threshold: 1.0,
                    left: 1,
                    right: 2,
                },
                TreeNode::Leaf {
                    prediction: "a".into(),
                },
                TreeNode::Leaf {
                    prediction: "b".into(),
                },
            ],
        };
        assert!(!tree_is_cut(&small));
    }
}
