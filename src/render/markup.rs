//! One outline, two syntaxes: the parts of a report written once and rendered to Markdown and
//! HTML through the small [`Markup`] trait (hyperfine's `MarkupExporter` idea), so the two
//! cannot drift apart. Each implementation supplies only syntax and escaping.
//!
//! Covered so far: the answer block of each dataset (verdict, pick, warnings), the ranking
//! across datasets and the manifest. The per-dataset tables and the claims are still written
//! per format in `markdown.rs` and `html.rs`.

use super::{format, words};
use crate::analysis::document::{CrossDatasetRanking, DatasetAnalysis, Manifest};

/// The syntax of one output format.
pub trait Markup {
    /// Escapes plain text (model, dataset and class names come from user data).
    fn escape(&self, text: &str) -> String;
    /// A section heading (level 3 = a dataset's subsection).
    fn heading(&self, level: u8, text: &str) -> String;
    /// A paragraph; `emphasised` marks the one sentence the section exists for.
    fn paragraph(&self, text: &str, emphasised: bool) -> String;
    /// A warning beside the answer.
    fn warning(&self, text: &str) -> String;
    /// A table of plain-text cells; `numeric[i]` right-aligns column `i`.
    fn table(&self, header: &[&str], numeric: &[bool], rows: &[Vec<String>]) -> String;
    /// A bulleted list of `label: value` lines.
    fn list(&self, items: &[(&str, String)]) -> String;
    /// A chart, where the format can show one (Markdown cannot: nothing is written).
    fn chart(&self, caption: &str, chart: Result<String, super::charts::ChartError>) -> String;
}

/// Markdown: `###` headings, blank-line paragraphs, `>` quotes for warnings.
pub struct MarkdownSyntax;

impl Markup for MarkdownSyntax {
    fn escape(&self, text: &str) -> String {
        super::markdown::escape_markdown(text)
    }
    fn heading(&self, level: u8, text: &str) -> String {
        format!(
            "{} {}\n\n",
            "#".repeat(usize::from(level)),
            self.escape(text)
        )
    }
    fn paragraph(&self, text: &str, _emphasised: bool) -> String {
        format!("{}\n\n", self.escape(text))
    }
    fn warning(&self, text: &str) -> String {
        format!("> warning: {}\n\n", self.escape(text))
    }
    fn table(&self, header: &[&str], numeric: &[bool], rows: &[Vec<String>]) -> String {
        let line = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
        let mut out = line(header.iter().map(|h| self.escape(h)).collect());
        let rule = (0..header.len()).map(|i| {
            if numeric.get(i) == Some(&true) {
                "---:"
            } else {
                "---"
            }
        });
        out.push_str(&format!("|{}|\n", rule.collect::<Vec<_>>().join("|")));
        for row in rows {
            out.push_str(&line(row.iter().map(|c| self.escape(c)).collect()));
        }
        out.push('\n');
        out
    }
    fn list(&self, items: &[(&str, String)]) -> String {
        let mut out: String = items
            .iter()
            .map(|(label, value)| format!("- {}: {}\n", self.escape(label), self.escape(value)))
            .collect();
        out.push('\n');
        out
    }
    fn chart(&self, _caption: &str, _chart: Result<String, super::charts::ChartError>) -> String {
        String::new()
    }
}

/// HTML: `<hN>`, `<p>`, the verdict in a highlighted paragraph, warnings as notes.
pub struct HtmlSyntax;

impl Markup for HtmlSyntax {
    fn escape(&self, text: &str) -> String {
        super::html::escape_html(text)
    }
    fn heading(&self, level: u8, text: &str) -> String {
        format!("<h{level}>{}</h{level}>\n", self.escape(text))
    }
    fn paragraph(&self, text: &str, emphasised: bool) -> String {
        let class = if emphasised { " class=\"verdict\"" } else { "" };
        format!("<p{class}>{}</p>\n", self.escape(text))
    }
    fn warning(&self, text: &str) -> String {
        format!("<p class=\"note\">warning: {}</p>\n", self.escape(text))
    }
    fn table(&self, header: &[&str], numeric: &[bool], rows: &[Vec<String>]) -> String {
        let class = |i: usize| {
            if numeric.get(i) == Some(&true) {
                "num"
            } else {
                "name"
            }
        };
        let mut out = String::from("<table>\n<tr>");
        for h in header {
            out.push_str(&format!("<th>{}</th>", self.escape(h)));
        }
        out.push_str("</tr>\n");
        for row in rows {
            out.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                out.push_str(&format!(
                    "<td class=\"{}\">{}</td>",
                    class(i),
                    self.escape(cell)
                ));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
        out
    }
    fn list(&self, items: &[(&str, String)]) -> String {
        let lines: String = items
            .iter()
            .map(|(label, value)| {
                format!("<li>{}: {}</li>\n", self.escape(label), self.escape(value))
            })
            .collect();
        format!("<ul>\n{lines}</ul>\n")
    }
    fn chart(&self, caption: &str, chart: Result<String, super::charts::ChartError>) -> String {
        super::html::figure(caption, chart, "chart")
    }
}

/// A dataset's answer, before its table and claims: the verdict, the pick, the warnings.
pub fn answer_block(markup: &dyn Markup, analysis: &DatasetAnalysis) -> String {
    let mut out = markup.heading(3, "Verdict");
    out.push_str(&markup.paragraph(&words::verdict(&analysis.verdict, analysis), true));
    let pick = analysis.pick.as_ref().map_or_else(
        || "Pick: none (no model completed every fold).".to_string(),
        |p| words::pick(p, analysis),
    );
    out.push_str(&markup.paragraph(&pick, false));
    for warning in &analysis.warnings {
        out.push_str(&markup.warning(&words::warning(warning, &analysis.score_name)));
    }
    out
}

/// The ranking of models across the datasets of one task, with the Friedman test and, when it
/// rejects, the Nemenyi critical difference (and its diagram where the format has charts).
pub fn ranking_section(markup: &dyn Markup, ranking: &CrossDatasetRanking) -> String {
    let mut out = markup.heading(2, &format!("Ranking across datasets ({})", ranking.task));
    out.push_str(&markup.paragraph(
        &format!(
            "Over {} datasets: {}.",
            ranking.datasets.len(),
            ranking.datasets.join(", ")
        ),
        false,
    ));
    let mut order: Vec<(&String, f64)> = ranking
        .models
        .iter()
        .zip(ranking.average_ranks.iter().copied())
        .collect();
    order.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    let rows: Vec<Vec<String>> = order
        .into_iter()
        .map(|(model, rank)| vec![model.clone(), format!("{rank:.2}")])
        .collect();
    out.push_str(&markup.table(&["model", "average rank (1 = best)"], &[false, true], &rows));
    let friedman = ranking.friedman.as_ref().map_or_else(
        || "Friedman test: not computed.".to_string(),
        |f| {
            format!(
                "Friedman test: χ² = {:.3} (df {}), {}; Iman-Davenport F = {:.3} (df {}, {}), {}.",
                f.chi_squared,
                f.df,
                format::p_value(f.p_value),
                f.iman_davenport_f,
                f.f_df1,
                f.f_df2,
                format::p_value(f.f_p_value)
            )
        },
    );
    out.push_str(&markup.paragraph(&friedman, false));
    match ranking.critical_difference {
        Some(cd) => {
            out.push_str(&markup.paragraph(
                &format!(
                    "Nemenyi critical difference (α = 0.05): {cd:.3}. Two models whose average \
                     ranks differ by less than this are not significantly different."
                ),
                false,
            ));
            out.push_str(&markup.chart(
                "Critical-difference diagram (models joined by a bar are not significantly \
                 different)",
                super::charts::critical_difference(ranking),
            ));
        }
        None => out.push_str(&markup.paragraph(
            "The Friedman test does not reject equal ranks at α = 0.05 (or could not run): the \
             models' ranks are not distinguishable, so no post-hoc (Nemenyi) groups are shown.",
            false,
        )),
    }
    out
}

/// What a run was: version, command line, seed, folds, CPU, libraries, and each dataset's file
/// and SHA-256, so a reader can reproduce it.
pub fn manifest_section(markup: &dyn Markup, manifest: &Manifest) -> String {
    let mut out = markup.heading(2, "Manifest");
    let libraries: Vec<String> = manifest
        .library_versions
        .iter()
        .map(|(name, version)| format!("{name} {version}"))
        .collect();
    out.push_str(&markup.list(&[
        ("modelbench version", manifest.modelbench_version.clone()),
        ("command line", manifest.command_line.join(" ")),
        ("seed", manifest.seed.to_string()),
        (
            "cross-validation",
            format!("{} folds × {} repeats", manifest.folds, manifest.repeats),
        ),
        ("CPU", manifest.cpu.clone()),
        ("libraries", libraries.join(", ")),
    ]));
    if !manifest.datasets.is_empty() {
        let rows: Vec<Vec<String>> = manifest
            .datasets
            .iter()
            .map(|d| vec![d.name.clone(), d.path.clone(), d.sha256.clone()])
            .collect();
        out.push_str(&markup.table(
            &["dataset", "file", "SHA-256"],
            &[false, false, false],
            &rows,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::test_fixture::sample_document;

    #[test]
    fn both_syntaxes_carry_the_same_sentences() {
        let doc = sample_document();
        for analysis in &doc.datasets {
            let md = answer_block(&MarkdownSyntax, analysis);
            let html = answer_block(&HtmlSyntax, analysis);
            let verdict = words::verdict(&analysis.verdict, analysis);
            assert!(md.contains(&MarkdownSyntax.escape(&verdict)), "{md}");
            assert!(html.contains(&HtmlSyntax.escape(&verdict)), "{html}");
            assert_eq!(
                md.matches("> warning: ").count(),
                html.matches("warning: ").count()
            );
        }
    }
}
