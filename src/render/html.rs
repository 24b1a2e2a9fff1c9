//! `report.html`: one self-contained page rendered from the [`ReportDocument`] alone.
//!
//! Inline CSS (from `template.html`) and inline SVG charts from [`super::charts`]; no
//! JavaScript, no external URL, and a Content-Security-Policy that forbids fetching anything.
//! Every string from user data (dataset, model, column and class names, file paths, the
//! command line) goes through [`escape_html`]; text inside the charts is escaped by plotters.
//! A chart that cannot be drawn becomes a visible note, never a panic.

use super::charts::{self, ChartError, TREE_DRAWN_DEPTH};
use super::format::describe_size;
use super::format::{self, Mark};
use super::tree_rules::{rules_text, RULES_MAX_DEPTH};
use super::{markup, words};
use crate::analysis::document::{DatasetAnalysis, ReportDocument};
use crate::data::Task;

const TEMPLATE: &str = include_str!("template.html");

/// Renders the whole page.
pub fn render(doc: &ReportDocument) -> String {
    let mut body = String::new();
    body.push_str("<h1>modelbench report</h1>\n");
    body.push_str(&format!(
        "<p class=\"meta\">Report format {}, modelbench {}, seed {}, {} folds × {} repeats.</p>\n",
        doc.format_version,
        escape_html(&doc.manifest.modelbench_version),
        doc.manifest.seed,
        doc.manifest.folds,
        doc.manifest.repeats
    ));
    body.push_str("<nav><ul>\n");
    for (i, analysis) in doc.datasets.iter().enumerate() {
        body.push_str(&format!(
            "<li><a href=\"#dataset-{i}\">{}</a></li>\n",
            escape_html(&analysis.dataset)
        ));
    }
    if doc.ranking.is_some() {
        body.push_str("<li><a href=\"#ranking\">Ranking across datasets</a></li>\n");
    }
    body.push_str("<li><a href=\"#manifest\">Manifest</a></li>\n</ul></nav>\n");
    let marks: Vec<String> = [
        Mark::Best,
        Mark::SignificantlyWorse,
        Mark::NotDistinguishable,
        Mark::Untested,
    ]
    .iter()
    .map(|m| format!("<b>{}</b> {}", m.symbol(), escape_html(m.meaning())))
    .collect();
    body.push_str(&format!(
        "<p class=\"note\">Marks: {}.</p>\n",
        marks.join("; ")
    ));
    answer_table(&mut body, doc);

    for (i, analysis) in doc.datasets.iter().enumerate() {
        dataset_section(&mut body, doc, i, analysis);
    }
    for record in doc.results.datasets.iter().filter(|d| d.skipped.is_some()) {
        body.push_str(&format!(
            "<section><h2>Dataset: {}</h2>\n<p>Skipped: {}</p></section>\n",
            escape_html(&record.name),
            escape_html(record.skipped.as_deref().unwrap_or(""))
        ));
    }
    if let Some(ranking) = &doc.ranking {
        body.push_str("<section id=\"ranking\">\n");
        body.push_str(&markup::ranking_section(&markup::HtmlSyntax, ranking));
        body.push_str("</section>\n");
    }
    body.push_str("<section id=\"manifest\">\n");
    body.push_str(&markup::manifest_section(
        &markup::HtmlSyntax,
        &doc.manifest,
    ));
    body.push_str("</section>\n");

    // The template has one `{{body}}` marker; splitting once means nothing in the body (which
    // holds user text) is ever searched for markers.
    match TEMPLATE.split_once("{{body}}") {
        Some((head, tail)) => format!("{head}{body}{tail}"),
        None => body,
    }
}

/// The answers first: per dataset the best model, the pick, the network verdict and the cost
/// ratio it rests on.
fn answer_table(out: &mut String, doc: &ReportDocument) {
    if doc.datasets.is_empty() {
        return;
    }
    out.push_str(
        "<table class=\"answers\">\n<tr><th>dataset</th><th>best</th><th>pick</th>\
         <th>network verdict</th></tr>\n",
    );
    for (i, a) in doc.datasets.iter().enumerate() {
        out.push_str(&format!(
            "<tr><td class=\"name\"><a href=\"#dataset-{i}\">{}</a></td><td class=\"name\">{}</td>\
             <td class=\"name\">{}</td><td>{}</td></tr>\n",
            escape_html(&a.dataset),
            escape_html(a.best.as_deref().unwrap_or("-")),
            escape_html(a.pick.as_ref().map_or("-", |p| p.model.as_str())),
            escape_html(&words::verdict(&a.verdict, a)),
        ));
    }
    out.push_str("</table>\n");
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A chart inside a figure, or the reason it could not be drawn.
pub(super) fn figure(caption: &str, chart: Result<String, ChartError>, class: &str) -> String {
    let content = match chart {
        Ok(svg) => svg,
        Err(e) => format!(
            "<p class=\"chart-error\">chart could not be drawn: {}</p>",
            escape_html(&e.to_string())
        ),
    };
    format!(
        "<figure class=\"{class}\"><figcaption>{}</figcaption>\n{content}</figure>\n",
        escape_html(caption)
    )
}

fn dataset_section(out: &mut String, doc: &ReportDocument, index: usize, a: &DatasetAnalysis) {
    out.push_str(&format!(
        "<section id=\"dataset-{index}\">\n<h2>Dataset: {}</h2>\n",
        escape_html(&a.dataset)
    ));
    if let Some(record) = doc.results.datasets.iter().find(|d| d.name == a.dataset) {
        let mut facts = vec![
            a.task.to_string(),
            format!("{} rows", record.rows),
            format!("{} features", record.features),
            format!("target <code>{}</code>", escape_html(&record.target)),
        ];
        if a.task == Task::Classification {
            let names: Vec<String> = record
                .class_names
                .iter()
                .map(|n| format!("<code>{}</code>", escape_html(n)))
                .collect();
            facts.push(format!("{} classes: {}", names.len(), names.join(", ")));
        }
        out.push_str(&format!("<p class=\"facts\">{}</p>\n", facts.join(" · ")));
        for warning in &record.warnings {
            out.push_str(&format!(
                "<p class=\"note\">warning: {}</p>\n",
                escape_html(warning)
            ));
        }
    }
    out.push_str(&markup::answer_block(&markup::HtmlSyntax, a));
    summary_table(out, a);
    out.push_str(&figure(
        "Mean score against median fit + predict time per fold (log scale)",
        charts::score_vs_fit_time(&a.summaries, &a.score_name),
        "chart",
    ));
    out.push_str("<h3>Claims</h3>\n");
    claims_section(out, a);
    out.push_str("</section>\n");
}

fn summary_table(out: &mut String, a: &DatasetAnalysis) {
    let rope = escape_html(&words::amount(
        a.comparisons.first().map_or(0.01, |c| c.rope_half_width),
        &a.score_name,
    ));
    out.push_str(&format!(
        "<table class=\"summary\">\n<tr><th>model</th><th>{} (mean ± sd)</th>\
         <th>Δ to best, {} [95% CI]</th><th>p (Holm)</th>\
         <th>P(worse / within ±{rope} / better)</th><th>mark</th>\
         <th>fit + predict ms (median per fold)</th><th>size</th><th>folds</th></tr>\n",
        escape_html(&a.score_name),
        escape_html(format::difference_unit(&a.score_name))
    ));
    let rows = format::rows(a);
    for row in &rows {
        let s = row.summary;
        let test = row.comparison.and_then(|c| c.test.as_ref());
        let rope = row.comparison.and_then(|c| c.rope.as_ref());
        let (row_class, mark_class) = match row.mark {
            Mark::Best => (" class=\"best\"", "mark"),
            Mark::SignificantlyWorse => ("", "mark mark-worse"),
            Mark::NotDistinguishable | Mark::Untested => ("", "mark mark-same"),
        };
        out.push_str(&format!(
            "<tr{row_class}><td class=\"name\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"{mark_class}\" title=\"{}\">{}</td><td class=\"num\">{}</td>\
             <td>{}</td><td class=\"num\">{}/{}</td></tr>\n",
            escape_html(&s.model),
            format::mean_sd(s.headline),
            test.map_or("-".into(), |t| format::difference_interval(
                t,
                &a.score_name
            )),
            row.comparison
                .and_then(|c| c.p_holm)
                .map_or("-".into(), format::p_value),
            rope.map_or("-".into(), format::rope),
            escape_html(row.mark.meaning()),
            row.mark.symbol(),
            s.cost_ms.map_or("-".into(), format::ms),
            escape_html(&s.size.as_ref().map_or("-".into(), describe_size)),
            s.folds_ok,
            s.folds_total,
        ));
    }
    out.push_str("</table>\n");
    for row in rows.iter().filter(|r| r.summary.status != "ok") {
        out.push_str(&format!(
            "<p class=\"note\">{}: {}</p>\n",
            escape_html(&row.summary.model),
            escape_html(&row.summary.status)
        ));
    }
}

/// A `<ul>` of "name: value" lines, or "Not measured."
fn list<'a>(items: impl Iterator<Item = (&'a str, String)>) -> String {
    let lines: Vec<String> = items
        .map(|(name, value)| format!("<li>{}: {value}</li>", escape_html(name)))
        .collect();
    if lines.is_empty() {
        "<p class=\"note\">Not measured.</p>\n".into()
    } else {
        format!("<ul>\n{}\n</ul>\n", lines.join("\n"))
    }
}

fn claims_section(out: &mut String, a: &DatasetAnalysis) {
    let (task, score_name, claims) = (a.task, a.score_name.as_str(), &a.claims);
    out.push_str("<h4>1. Hard to interpret: model sizes</h4>\n");
    out.push_str(&list(
        claims
            .sizes
            .iter()
            .map(|s| (s.model.as_str(), escape_html(&describe_size(&s.size)))),
    ));
    if let Some(tree) = &claims.tree {
        out.push_str(&format!(
            "<details><summary>The rules of the {} fitted on fold {} of repeat {}, as text\
             </summary>\n<pre>{}</pre></details>\n",
            escape_html(&tree.model),
            tree.fold + 1,
            tree.repeat + 1,
            escape_html(&rules_text(tree, RULES_MAX_DEPTH))
        ));
    }

    out.push_str("<h4>2. Hard to visualise: the decision tree</h4>\n");
    match &claims.tree {
        Some(tree) => {
            let cut = if charts::tree_is_cut(tree) {
                format!(
                    " Only the top {TREE_DRAWN_DEPTH} levels are drawn; each deeper subtree is \
                     one box saying how many nodes it hides."
                )
            } else {
                String::new()
            };
            out.push_str(&format!(
                "<p>{} Left branches are “yes” (feature ≤ threshold).{cut}</p>\n",
                escape_html(&words::tree_caption(tree))
            ));
            out.push_str(&figure(
                "The fitted decision tree",
                charts::tree(tree),
                "chart",
            ));
        }
        None => out.push_str("<p class=\"note\">No tree was fitted.</p>\n"),
    }

    out.push_str("<h4>3. Overfits easily: training minus test score</h4>\n");
    out.push_str(&list(
        claims
            .overfitting
            .iter()
            .map(|g| (g.model.as_str(), format::signed(g.value, 3))),
    ));

    out.push_str("<h4>4. Confidence intervals: 95% interval of the mean score, Brier</h4>\n");
    if claims.intervals.is_empty() {
        out.push_str("<p class=\"note\">Not measured.</p>\n");
    } else {
        let brier = if task == Task::Classification {
            "Brier (lower is better)"
        } else {
            "Brier"
        };
        out.push_str(&format!(
            "<table>\n<tr><th>model</th><th>mean</th><th>95% interval</th><th>{brier}</th></tr>\n"
        ));
        for i in &claims.intervals {
            out.push_str(&format!(
                "<tr><td class=\"name\">{}</td><td class=\"num\">{:.3}</td>\
                 <td class=\"num\">[{:.3}, {:.3}]</td><td class=\"num\">{}</td></tr>\n",
                escape_html(&i.model),
                i.mean,
                i.low,
                i.high,
                format::number(i.brier)
            ));
        }
        out.push_str("</table>\n");
    }

    out.push_str(
        "<h4>5. Training time: each network's cost (median fit + predict per fold) against \
         each other model's</h4>\n",
    );
    let ratios: Vec<(String, String)> = claims
        .cost_ratios
        .iter()
        .map(|r| {
            (
                format!("{} against {}", r.network, r.other),
                format!("{} the cost", format::ratio(r.ratio)),
            )
        })
        .collect();
    out.push_str(&list(ratios.iter().map(|(n, v)| (n.as_str(), v.clone()))));

    out.push_str("<h4>6. Tuning: score over a small grid</h4>\n");
    match &claims.tuning {
        None => out.push_str("<p class=\"note\">Not measured.</p>\n"),
        Some(tuning) => {
            for (name, grid) in [("network", &tuning.network), ("tree", &tuning.tree)] {
                let means = grid.iter().map(|p| p.mean).filter(|v| v.is_finite());
                let spread = match (means.clone().reduce(f64::min), means.reduce(f64::max)) {
                    (Some(low), Some(high)) => {
                        format!("{low:.3} to {high:.3} (spread {:.3})", high - low)
                    }
                    _ => "no points".into(),
                };
                out.push_str(&format!("<p>{name}: {spread}</p>\n"));
                out.push_str(&list(
                    grid.iter()
                        .map(|p| (p.label.as_str(), format!("{:.3}", p.mean))),
                ));
            }
        }
    }

    out.push_str("<h4>7. Data needs: learning curves</h4>\n");
    match &claims.learning_curves {
        None => out.push_str("<p class=\"note\">Not measured.</p>\n"),
        Some(curves) => {
            let overtakes = curves.overtaking.as_ref().map_or_else(
                || {
                    "No network and non-network pair ran at every size, so there is no answer."
                        .to_string()
                },
                |o| words::overtaking(o, score_name),
            );
            out.push_str(&format!("<p>{}</p>\n", escape_html(&overtakes)));
            out.push_str(&figure(
                "Learning curves",
                charts::learning_curves(curves, score_name),
                "chart",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::test_fixture::{sample_document, HOSTILE_FORMULA, HOSTILE_HTML};

    #[test]
    fn escaping_by_hand() {
        assert_eq!(
            escape_html("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(
            escape_html("a & \"b\" 'c'"),
            "a &amp; &quot;b&quot; &#39;c&#39;"
        );
    }

    #[test]
    fn hostile_names_are_escaped_everywhere() {
        let html = render(&sample_document());
        assert!(!html.contains("<img"), "raw <img in the page");
        assert!(!html.contains(HOSTILE_HTML));
        assert!(html.contains("Dataset: &lt;img src=x onerror=alert(1)&gt;</h2>"));
        assert!(html.contains(&escape_html(HOSTILE_FORMULA)));
        assert!(!html.contains("<script"));
    }

    #[test]
    fn every_chart_is_an_inline_svg() {
        let doc = sample_document();
        let html = render(&doc);
        assert!(!html.contains("chart could not be drawn"), "{html}");
        // Per dataset a scatter; the first also has learning curves and a tree, the second a
        // tree; plus the critical-difference diagram.
        let expected = doc.datasets.len()
            + doc
                .datasets
                .iter()
                .filter(|d| d.claims.learning_curves.is_some())
                .count()
            + doc
                .datasets
                .iter()
                .filter(|d| d.claims.tree.is_some())
                .count()
            + 1;
        assert_eq!(html.matches("<svg").count(), expected);
        assert!(html.contains("Only the top 4 levels are drawn"));
    }

    #[test]
    fn nothing_is_fetched_from_the_network() {
        let html = render(&sample_document());
        let svg_namespace = "xmlns=\"http://www.w3.org/2000/svg\"";
        let namespaces = html.matches(svg_namespace).count();
        assert_eq!(html.matches("http://").count(), namespaces);
        assert_eq!(html.matches("https://").count(), 0);
        // (The escaped hostile name reads "src=x" as text; no attribute has a quoted src.)
        assert!(!html.contains("src=\""));
        for link in html.split("href=\"").skip(1) {
            assert!(link.starts_with('#'), "external link {link:.40}");
        }
        assert!(html.contains("Content-Security-Policy"));
    }

    #[test]
    fn a_chart_that_cannot_be_drawn_is_a_visible_note() {
        let mut doc = sample_document();
        for curve in &mut doc.datasets[0]
            .claims
            .learning_curves
            .as_mut()
            .unwrap()
            .curves
        {
            curve.scores.iter_mut().for_each(|s| *s = None);
        }
        let html = render(&doc);
        assert!(html.contains(
            "<p class=\"chart-error\">chart could not be drawn: no learning-curve point ran</p>"
        ));
    }

    #[test]
    fn the_table_marks_the_best_and_the_worse() {
        let html = render(&sample_document());
        assert!(html.contains("<tr class=\"best\"><td class=\"name\">sigmoid-mlp</td>"));
        assert!(html.contains(">▼</td>"));
        assert!(html.contains(">≈</td>"));
    }
}
