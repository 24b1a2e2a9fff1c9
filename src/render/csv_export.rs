//! `results.csv`: one row per dataset × model × repeat × fold, for spreadsheets and pandas;
//! cells of the extra experiments (tuning grid, learning curves) are rows too, told apart by
//! their `setting` and `train_percent` columns (both empty for the main comparison).
//!
//! Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a
//! tab or a carriage return, per OWASP's CSV-injection advice) get a leading `'`. Numbers are
//! written by us, never neutralised: a negative R² stays a number. Columns that do not apply
//! to a row's task (R² for a classification fold) and metrics a model could not give are empty.

use anyhow::Context;

use crate::analysis::document::ReportDocument;
use crate::eval::cell::{CellStatus, FoldScores};

const HEADER: [&str; 23] = [
    "dataset",
    "model",
    "repeat",
    "fold",
    "setting",
    "train_percent",
    "status",
    "reason",
    "accuracy",
    "balanced_accuracy",
    "macro_f1",
    "roc_auc",
    "log_loss",
    "brier",
    "train_accuracy",
    "r2",
    "rmse",
    "mae",
    "train_r2",
    "fit_ms",
    "predict_ms",
    "fit_heap_peak_bytes",
    "fit_rss_growth_bytes",
];

/// Renders every cell of the run, in the order the run recorded them.
pub fn render(doc: &ReportDocument) -> anyhow::Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(HEADER)
        .context("Could not write the CSV header")?;
    for cell in &doc.results.cells {
        let mut record: Vec<String> = vec![
            neutralise(&cell.key.dataset),
            neutralise(&cell.key.model),
            cell.key.repeat.to_string(),
            cell.key.fold.to_string(),
            neutralise(cell.key.setting.as_deref().unwrap_or("")),
            cell.key
                .train_percent
                .map_or_else(String::new, |p| p.to_string()),
            status_word(cell.status).to_string(),
            neutralise(cell.reason.as_deref().unwrap_or("")),
        ];
        let number = |v: Option<f64>| v.map_or_else(String::new, |v| v.to_string());
        let scores: [Option<f64>; 11] = match cell.measurement.as_ref().map(|m| &m.scores) {
            Some(FoldScores::Classification {
                test,
                train_accuracy,
            }) => [
                Some(test.accuracy),
                Some(test.balanced_accuracy),
                Some(test.macro_f1),
                test.roc_auc,
                test.log_loss,
                test.brier,
                Some(*train_accuracy),
                None,
                None,
                None,
                None,
            ],
            Some(FoldScores::Regression { test, train_r2 }) => [
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                Some(test.r2),
                Some(test.rmse),
                Some(test.mae),
                Some(*train_r2),
            ],
            None => [None; 11],
        };
        record.extend(scores.into_iter().map(number));
        let m = cell.measurement.as_ref();
        record.push(number(m.map(|m| m.fit_ms)));
        record.push(number(m.map(|m| m.predict_ms)));
        for bytes in [
            m.and_then(|m| m.fit_heap_peak_bytes),
            m.and_then(|m| m.fit_peak_bytes),
        ] {
            record.push(bytes.map_or_else(String::new, |b| b.to_string()));
        }
        writer.write_record(&record).with_context(|| {
            format!(
                "Could not write the CSV row of {} / {}",
                cell.key.dataset, cell.key.model
            )
        })?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| anyhow::anyhow!("Could not finish the CSV: {}", e.error()))?;
    String::from_utf8(bytes).context("The CSV is not UTF-8")
}

/// Prefixes `'` to text a spreadsheet would read as a formula.
pub fn neutralise(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn status_word(status: CellStatus) -> &'static str {
    match status {
        CellStatus::Ok => "ok",
        CellStatus::Failed => "failed",
        CellStatus::TimedOut => "timed-out",
        CellStatus::Refused => "refused",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::test_fixture::{sample_document, HOSTILE_FORMULA};

    fn parsed(text: &str) -> Vec<csv::StringRecord> {
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .collect::<Result<_, _>>()
            .expect("our own CSV parses")
    }

    #[test]
    fn neutralises_formula_prefixes_only() {
        for hostile in ["=1+1", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(hostile), format!("'{hostile}"));
        }
        assert_eq!(neutralise("iris"), "iris");
        assert_eq!(neutralise("a=b"), "a=b");
        assert_eq!(neutralise(""), "");
    }

    #[test]
    fn one_row_per_cell_with_text_neutralised_and_numbers_kept() {
        let doc = sample_document();
        let text = render(&doc).unwrap();
        let rows = parsed(&text);
        assert_eq!(rows.len(), doc.results.cells.len());
        let header = csv::Reader::from_reader(text.as_bytes())
            .headers()
            .unwrap()
            .clone();
        assert_eq!(header.len(), HEADER.len());
        let column = |name: &str| HEADER.iter().position(|h| *h == name).unwrap();

        // The hostile dataset name is neutralised.
        let formula_rows: Vec<_> = rows
            .iter()
            .filter(|r| r[column("dataset")] == format!("'{HOSTILE_FORMULA}"))
            .collect();
        assert!(!formula_rows.is_empty(), "{text}");
        assert!(!rows
            .iter()
            .any(|r| r[column("dataset")] == *HOSTILE_FORMULA));
        // No text cell starts with a formula character.
        for row in &rows {
            for name in ["dataset", "model", "setting", "status", "reason"] {
                assert!(
                    !row[column(name)].starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{row:?}"
                );
            }
        }
        // The hostile failure reason is neutralised too.
        assert!(rows
            .iter()
            .any(|r| r[column("reason")].starts_with("'=cmd")));
        // A negative R² is written as a plain number.
        let negative = rows
            .iter()
            .find(|r| &r[column("r2")] == "-0.0216862")
            .expect("the fixture's negative R² row");
        assert_eq!(&negative[column("model")], "mean");
        assert_eq!(&negative[column("accuracy")], "");
        // Classification rows carry classification metrics and leave R² empty.
        let classification = &rows[0];
        assert!(classification[column("accuracy")].parse::<f64>().is_ok());
        assert_eq!(&classification[column("r2")], "");
        assert!(classification[column("fit_ms")].parse::<f64>().is_ok());
    }

    #[test]
    fn failed_cells_have_a_reason_and_no_scores() {
        let text = render(&sample_document()).unwrap();
        let rows = parsed(&text);
        let failed = rows
            .iter()
            .find(|r| &r[6] == "failed")
            .expect("the fixture has a failed cell");
        assert!(!failed[7].is_empty());
        assert!(failed.iter().skip(8).all(|v| v.is_empty()), "{failed:?}");
        assert!(rows.iter().any(|r| &r[6] == "timed-out"));
        // Experiment cells are told apart from the main ones.
        assert!(rows.iter().any(|r| &r[4] == "hidden=8;lr_scale=0.25"));
        assert!(rows.iter().any(|r| &r[5] == "25"));
    }
}
