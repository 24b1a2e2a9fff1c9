//! Analysis → text: the terminal table and answer, `report.md`, `report.html`, `results.csv`,
//! the manifest and the charts. Renderers decide nothing: every verdict, pick and mark comes
//! typed from [`crate::analysis`]; here it is only put into words and escaped per format.

pub mod answer;
pub mod charts;
pub mod csv_export;
pub mod format;
pub mod html;
pub mod manifest;
pub mod markdown;
pub mod markup;
pub mod paths;
pub mod table;
pub mod tree_rules;
pub mod words;
pub mod write;

/// The committed results file of the renderer tests, run through the real analysis.
#[cfg(test)]
pub(crate) mod test_fixture {
    use crate::analysis::document::ReportDocument;
    use crate::eval::results::RunResults;

    /// A name that runs script if a renderer forgets to escape it for HTML.
    pub const HOSTILE_HTML: &str = "<img src=x onerror=alert(1)>";
    /// A name that a spreadsheet runs as a formula if the CSV forgets to neutralise it.
    pub const HOSTILE_FORMULA: &str = "=HYPERLINK(\"x\")";

    pub fn sample_document() -> ReportDocument {
        let results: RunResults =
            serde_json::from_str(include_str!("../../tests/fixtures/hostile/results.json"))
                .expect("the committed fixture is a results file");
        crate::analysis::analyse(results, "test CPU".to_string())
    }
}
