//! What people read, snapshot-tested (insta): `report.md`, the terminal answer and
//! `results.csv`, rendered from a committed results file (`tests/fixtures/hostile/`) run
//! through the real analysis. A change to a decision rule or a sentence shows up here as a
//! diff to review (`cargo insta review`, or `INSTA_UPDATE=always cargo test --test snapshots`).

use std::path::Path;

use modelbench::analysis::analyse;
use modelbench::analysis::document::ReportDocument;
use modelbench::eval::results::RunResults;
use modelbench::render::{answer, csv_export, markdown};

fn fixture() -> ReportDocument {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile/results.json");
    let text = std::fs::read_to_string(&path).expect("the committed fixture is readable");
    let results: RunResults = serde_json::from_str(&text).expect("the fixture is a results file");
    analyse(results, "test CPU".to_string())
}

#[test]
fn report_markdown() {
    insta::assert_snapshot!("report_md", markdown::render(&fixture()));
}

#[test]
fn terminal_answer() {
    insta::assert_snapshot!("terminal_answer", answer::render(&fixture()));
}

#[test]
fn results_csv() {
    let csv = csv_export::render(&fixture()).expect("the CSV renders");
    insta::assert_snapshot!("results_csv", csv);
}

/// `pick --from` must give the same answer whatever the order of the models in the results.
#[test]
fn the_answer_does_not_depend_on_the_order_of_models_in_the_results() {
    let reference = fixture();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile/results.json");
    let text = std::fs::read_to_string(&path).expect("the committed fixture is readable");
    let mut results: RunResults = serde_json::from_str(&text).expect("a results file");
    results.header.models.reverse();
    for dataset in &mut results.datasets {
        dataset.models.reverse();
    }
    results.cells.reverse();
    let reordered = analyse(results, "test CPU".to_string());
    for (a, b) in reference.datasets.iter().zip(&reordered.datasets) {
        assert_eq!(a.best, b.best, "{}", a.dataset);
        assert_eq!(a.pick, b.pick, "{}", a.dataset);
        assert_eq!(a.verdict, b.verdict, "{}", a.dataset);
        assert_eq!(a.ranked_candidates, b.ranked_candidates, "{}", a.dataset);
    }
}
