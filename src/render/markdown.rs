//! `report.md`: the report as Markdown, rendered from the [`ReportDocument`] alone.
//!
//! Per dataset a table (mean ± sd, the difference to the best with its 95% interval, p-value,
//! ROPE probabilities, a significance mark, fit time, size), the article's seven claims with
//! numbers, and the verdict; then the ranking across datasets and the manifest. Every string
//! that came from user data goes through [`escape_markdown`] (or, for the tree's rules, a code
//! block whose fence is longer than any run of backticks inside). No charts: see `report.html`.

use super::format::describe_size;
use super::format::{self, Mark};
use super::tree_rules::{rules_text, RULES_MAX_DEPTH};
use super::{markup, words};
use crate::analysis::document::{DatasetAnalysis, ReportDocument};
use crate::data::Task;

/// Renders the whole report.
pub fn render(doc: &ReportDocument) -> String {
    let mut out = String::new();
    out.push_str("# modelbench report\n\n");
    out.push_str(&format!(
        "Report format {}, modelbench {}. Marks: ",
        doc.format_version,
        escape_markdown(&doc.manifest.modelbench_version)
    ));
    let marks: Vec<String> = [
        Mark::Best,
        Mark::SignificantlyWorse,
        Mark::NotDistinguishable,
        Mark::Untested,
    ]
    .iter()
    .map(|m| format!("**{}** {}", m.symbol(), m.meaning()))
    .collect();
    out.push_str(&marks.join("; "));
    out.push_str(".\n\n");

    for analysis in &doc.datasets {
        dataset_section(&mut out, doc, analysis);
    }
    for record in &doc.results.datasets {
        if let Some(reason) = &record.skipped {
            out.push_str(&format!(
                "## Dataset: {}\n\nSkipped: {}\n\n",
                escape_markdown(&record.name),
                escape_markdown(reason)
            ));
        }
    }
    match &doc.ranking {
        Some(ranking) => out.push_str(&markup::ranking_section(&markup::MarkdownSyntax, ranking)),
        None => out.push_str(
            "## Ranking across datasets\n\nNot computed: it needs at least two datasets of \
             the same task.\n\n",
        ),
    }
    out.push_str(&markup::manifest_section(
        &markup::MarkdownSyntax,
        &doc.manifest,
    ));
    out
}

/// Escapes text from user data for Markdown: characters that start formatting, links or
/// table cells are backslash-escaped, `<`, `>` and `&` become entities (so no HTML gets
/// through), and line breaks become spaces (a name cannot end a table row or start a block).
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut previous_was_cr = false;
    for (i, c) in text.chars().enumerate() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' if previous_was_cr => {}
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            // A leading list or heading marker would start a block.
            '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
        previous_was_cr = c == '\r';
    }
    out
}

/// A fenced code block whose fence is longer than any run of backticks in `text`, so the
/// text cannot close it early.
fn code_block(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}text\n{}\n{fence}\n\n", text.trim_end())
}

fn dataset_section(out: &mut String, doc: &ReportDocument, analysis: &DatasetAnalysis) {
    out.push_str(&format!(
        "## Dataset: {}\n\n",
        escape_markdown(&analysis.dataset)
    ));
    if let Some(record) = doc
        .results
        .datasets
        .iter()
        .find(|d| d.name == analysis.dataset)
    {
        let mut facts = vec![
            analysis.task.to_string(),
            format!("{} rows", record.rows),
            format!("{} features", record.features),
            format!("target {}", escape_markdown(&record.target)),
        ];
        if analysis.task == Task::Classification {
            let names: Vec<String> = record
                .class_names
                .iter()
                .map(|n| escape_markdown(n))
                .collect();
            facts.push(format!("{} classes: {}", names.len(), names.join(", ")));
        }
        facts.push(format!(
            "{} folds × {} repeats",
            doc.manifest.folds, doc.manifest.repeats
        ));
        out.push_str(&facts.join(" · "));
        out.push_str("\n\n");
        for warning in &record.warnings {
            out.push_str(&format!("> warning: {}\n", escape_markdown(warning)));
        }
        if !record.warnings.is_empty() {
            out.push('\n');
        }
    }
    answer_section(out, analysis);
    summary_table(out, analysis);
    out.push_str("### Claims\n\n");
    claims_section(out, analysis);
}

/// The answer first: the verdict, the pick, the warnings.
fn answer_section(out: &mut String, analysis: &DatasetAnalysis) {
    out.push_str(&markup::answer_block(&markup::MarkdownSyntax, analysis));
}

fn summary_table(out: &mut String, analysis: &DatasetAnalysis) {
    let rope = escape_markdown(&words::amount(
        analysis
            .comparisons
            .first()
            .map_or(0.01, |c| c.rope_half_width),
        &analysis.score_name,
    ));
    let unit = format::difference_unit(&analysis.score_name);
    out.push_str(&format!(
        "| model | {} (mean ± sd) | Δ to best, {} [95% CI] | p (Holm) | P(worse / within ±{rope} / better) | mark | fit + predict ms (median per fold) | size |\n",
        escape_markdown(&analysis.score_name),
        escape_markdown(unit)
    ));
    out.push_str("|---|---:|---:|---:|---:|:---:|---:|---|\n");
    let rows = format::rows(analysis);
    for row in &rows {
        let s = row.summary;
        let test = row.comparison.and_then(|c| c.test.as_ref());
        let rope = row.comparison.and_then(|c| c.rope.as_ref());
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            escape_markdown(&s.model),
            format::mean_sd(s.headline),
            test.map_or("-".into(), |t| format::difference_interval(
                t,
                &analysis.score_name
            )),
            row.comparison
                .and_then(|c| c.p_holm)
                .map_or("-".into(), format::p_value),
            rope.map_or("-".into(), format::rope),
            row.mark.symbol(),
            s.cost_ms.map_or("-".into(), format::ms),
            escape_markdown(&s.size.as_ref().map_or("-".into(), describe_size)),
        ));
    }
    out.push('\n');
    let troubled: Vec<String> = rows
        .iter()
        .filter(|r| r.summary.status != "ok")
        .map(|r| {
            format!(
                "- {} ({}/{} folds ran): {}\n",
                escape_markdown(&r.summary.model),
                r.summary.folds_ok,
                r.summary.folds_total,
                escape_markdown(&r.summary.status)
            )
        })
        .collect();
    if !troubled.is_empty() {
        out.push_str("Not every fold ran:\n\n");
        out.push_str(&troubled.concat());
        out.push('\n');
    }
}

fn claims_section(out: &mut String, analysis: &DatasetAnalysis) {
    let (task, claims) = (analysis.task, &analysis.claims);
    out.push_str("#### 1. Hard to interpret: model sizes\n\n");
    if claims.sizes.is_empty() {
        out.push_str("Not measured.\n\n");
    }
    for size in &claims.sizes {
        out.push_str(&format!(
            "- {}: {}\n",
            escape_markdown(&size.model),
            escape_markdown(&describe_size(&size.size))
        ));
    }
    if !claims.sizes.is_empty() {
        out.push('\n');
    }
    if let Some(tree) = &claims.tree {
        out.push_str(&format!(
            "The rules of the {} fitted on fold {} of repeat {}:\n\n",
            escape_markdown(&tree.model),
            tree.fold + 1,
            tree.repeat + 1
        ));
        out.push_str(&code_block(&rules_text(tree, RULES_MAX_DEPTH)));
    }

    out.push_str("#### 2. Hard to visualise: the decision tree\n\n");
    match &claims.tree {
        Some(tree) => {
            out.push_str(&format!(
                "{} `report.html` draws it.\n\n",
                escape_markdown(&words::tree_caption(tree))
            ));
        }
        None => out.push_str("No tree was fitted.\n\n"),
    }

    out.push_str("#### 3. Overfits easily: training minus test score\n\n");
    if claims.overfitting.is_empty() {
        out.push_str("Not measured.\n\n");
    } else {
        for gap in &claims.overfitting {
            out.push_str(&format!(
                "- {}: {}\n",
                escape_markdown(&gap.model),
                format::signed(gap.value, 3)
            ));
        }
        out.push('\n');
    }

    out.push_str("#### 4. Confidence intervals: 95% interval of the mean score, Brier score\n\n");
    if claims.intervals.is_empty() {
        out.push_str("Not measured.\n\n");
    } else {
        let brier = if task == Task::Classification {
            "Brier (lower is better)"
        } else {
            "Brier"
        };
        out.push_str(&format!("| model | mean | 95% interval | {brier} |\n"));
        out.push_str("|---|---:|---:|---:|\n");
        for interval in &claims.intervals {
            out.push_str(&format!(
                "| {} | {:.3} | [{:.3}, {:.3}] | {} |\n",
                escape_markdown(&interval.model),
                interval.mean,
                interval.low,
                interval.high,
                format::number(interval.brier)
            ));
        }
        out.push('\n');
    }

    out.push_str(
        "#### 5. Training time: each network's cost (median fit + predict per fold) against each \
         other model's\n\n",
    );
    if claims.cost_ratios.is_empty() {
        out.push_str("Not measured.\n\n");
    } else {
        for ratio in &claims.cost_ratios {
            out.push_str(&format!(
                "- {} costs {} as much as {}\n",
                escape_markdown(&ratio.network),
                format::ratio(ratio.ratio),
                escape_markdown(&ratio.other),
            ));
        }
        out.push('\n');
    }

    out.push_str("#### 6. Tuning: score over a small grid\n\n");
    match &claims.tuning {
        None => out.push_str("Not measured.\n\n"),
        Some(tuning) => {
            for (name, grid) in [("network", &tuning.network), ("tree", &tuning.tree)] {
                let means: Vec<f64> = grid
                    .iter()
                    .map(|p| p.mean)
                    .filter(|v| v.is_finite())
                    .collect();
                let spread = match (
                    means.iter().copied().reduce(f64::min),
                    means.iter().copied().reduce(f64::max),
                ) {
                    (Some(low), Some(high)) => {
                        format!("{low:.3} to {high:.3} (spread {:.3})", high - low)
                    }
                    _ => "no points".into(),
                };
                let points: Vec<String> = grid
                    .iter()
                    .map(|p| format!("{}: {:.3}", escape_markdown(&p.label), p.mean))
                    .collect();
                out.push_str(&format!(
                    "- {name}: {spread} over {} settings ({})\n",
                    grid.len(),
                    points.join("; ")
                ));
            }
            out.push('\n');
        }
    }

    out.push_str("#### 7. Data needs: learning curves\n\n");
    match &claims.learning_curves {
        None => out.push_str("Not measured.\n\n"),
        Some(curves) => {
            let mut header = String::from("| model |");
            let mut rule = String::from("|---|");
            for fraction in &curves.fractions {
                header.push_str(&format!(" {} |", format::percent(*fraction)));
                rule.push_str("---:|");
            }
            out.push_str(&format!("{header}\n{rule}\n"));
            for curve in &curves.curves {
                out.push_str(&format!("| {} |", escape_markdown(&curve.model)));
                for (i, score) in curve.scores.iter().enumerate() {
                    let rows = curve
                        .rows
                        .get(i)
                        .map_or_else(String::new, |r| format!(" ({r} rows)"));
                    match score {
                        Some(v) => out.push_str(&format!(" {v:.3}{rows} |")),
                        None => out.push_str(" - |"),
                    }
                }
                out.push('\n');
            }
            out.push('\n');
            match &curves.overtaking {
                Some(o) => out.push_str(&format!(
                    "{}\n\n",
                    escape_markdown(&words::overtaking(o, &analysis.score_name))
                )),
                None => out.push_str(
                    "No network and non-network pair ran at every size, so there is no answer.\n\n",
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::test_fixture::{sample_document, HOSTILE_FORMULA, HOSTILE_HTML};

    /// The lines outside fenced code blocks (where Markdown would interpret text).
    fn outside_code_blocks(markdown: &str) -> String {
        let mut inside = false;
        let mut kept = String::new();
        for line in markdown.lines() {
            if line.starts_with("```") {
                inside = !inside;
                continue;
            }
            if !inside {
                kept.push_str(line);
                kept.push('\n');
            }
        }
        kept
    }

    #[test]
    fn escaping_by_hand() {
        assert_eq!(
            escape_markdown("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(escape_markdown("a|b*c_d`e"), "a\\|b\\*c\\_d\\`e");
        assert_eq!(escape_markdown("[x](y)"), "\\[x\\](y)");
        assert_eq!(escape_markdown("# a\r\nb\nc"), "\\# a b c");
        assert_eq!(escape_markdown("-1 - 2"), "\\-1 - 2");
        assert_eq!(escape_markdown("a &amp; b"), "a &amp;amp; b");
    }

    #[test]
    fn hostile_names_show_as_text() {
        let md = render(&sample_document());
        let prose = outside_code_blocks(&md);
        assert!(
            !prose.contains("<img"),
            "raw HTML in the Markdown:\n{prose}"
        );
        assert!(prose.contains("## Dataset: &lt;img src=x onerror=alert(1)&gt;"));
        // Inside the tree's code block the name is literal text, which is safe.
        assert!(md.contains("if <img src=x onerror=alert(1)> <= "), "{md}");
        assert!(prose.contains(&escape_markdown(HOSTILE_FORMULA)));
        assert!(!prose.contains(HOSTILE_HTML));
    }

    #[test]
    fn code_fence_outlasts_backticks_in_the_rules() {
        // The fixture's class name ends in three backticks: the fence must be longer.
        let md = render(&sample_document());
        assert!(md.contains("````text\n"), "{md}");
        assert_eq!(code_block("a ````` b").lines().next(), Some("``````text"));
    }

    #[test]
    fn table_marks_and_sections() {
        let doc = sample_document();
        let md = render(&doc);
        // Best model first, marked; a significantly worse model gets ▼, a close one ≈.
        assert!(
            md.contains("| sigmoid-mlp | 0.960 ± 0.031 | - | - | - | best |"),
            "{md}"
        );
        assert!(md.contains("| best |"));
        assert!(md.contains("| ▼ |"));
        assert!(md.contains("| ≈ |"));
        for heading in [
            "#### 1. Hard to interpret",
            "#### 2. Hard to visualise",
            "#### 3. Overfits easily",
            "#### 4. Confidence intervals",
            "#### 5. Training time",
            "#### 6. Tuning",
            "#### 7. Data needs",
            "### Verdict",
            "## Ranking across datasets (classification)",
            "Iman-Davenport F",
            "Nemenyi critical difference (α = 0.05): ",
            "## Manifest",
        ] {
            assert!(md.contains(heading), "missing {heading:?} in\n{md}");
        }
        // The verdict comes before the table and the claims.
        assert!(md.find("### Verdict") < md.find("| model |"));
        let overtaking = doc.datasets[0].claims.learning_curves.as_ref().unwrap();
        let sentence = words::overtaking(overtaking.overtaking.as_ref().unwrap(), "accuracy");
        assert!(md.contains(&escape_markdown(&sentence)), "{sentence}");
    }

    #[test]
    fn table_rows_keep_their_column_count_despite_pipes_in_names() {
        let md = render(&sample_document());
        let mut columns = None;
        for line in md.lines() {
            if line.starts_with("| model | ") && line.contains("mean ± sd") {
                columns = Some(unescaped_pipes(line));
                continue;
            }
            if !line.starts_with('|') {
                columns = None;
                continue;
            }
            if let Some(expected) = columns {
                assert_eq!(unescaped_pipes(line), expected, "{line}");
            }
        }
    }

    fn unescaped_pipes(line: &str) -> usize {
        let mut count = 0;
        let mut escaped = false;
        for c in line.chars() {
            if c == '|' && !escaped {
                count += 1;
            }
            escaped = c == '\\' && !escaped;
        }
        count
    }
}
