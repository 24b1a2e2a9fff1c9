//! One outline, two syntaxes: the parts of a report written once and rendered to Markdown and
//! HTML through the small [`Markup`] trait (hyperfine's `MarkupExporter` idea), so the two
//! cannot drift apart. Each implementation supplies only syntax and escaping.
//!
//! Covered so far: the answer block of each dataset (verdict, pick, warnings). The tables and
//! the claims are still written per format in `markdown.rs` and `html.rs`.

use super::words;
use crate::analysis::document::DatasetAnalysis;

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
