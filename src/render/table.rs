//! The terminal table of one dataset: a row per model, best first, with its significance mark
//! against the best and the baselines marked.

use super::format::{self, describe_size};
use crate::analysis::document::DatasetAnalysis;
use crate::data::Task;
use crate::eval::results::{DatasetRecord, ModelRole};

/// Renders the table of one dataset, sorted by the headline score (best first); `analysis` is
/// `None` for a dataset that was skipped.
pub fn render(dataset: &DatasetRecord, analysis: Option<&DatasetAnalysis>) -> String {
    let mut out = String::new();
    let plan = dataset.fold_plan.as_ref();
    let protocol = plan.map_or_else(String::new, |p| {
        format!("; {} folds x {} repeats", p.folds, p.repeats())
    });
    let shape = match dataset.task {
        Task::Classification => format!("{} classes", dataset.class_names.len()),
        Task::Regression => format!("regression on '{}'", dataset.target),
    };
    out.push_str(&format!(
        "{} ({} rows, {} features, {shape}{protocol})\n",
        dataset.name, dataset.rows, dataset.features
    ));
    if let Some(reason) = &dataset.skipped {
        out.push_str(&format!("  skipped: {reason}\n"));
        return out;
    }
    let Some(analysis) = analysis else {
        return out;
    };
    let (score, second, train) = match dataset.task {
        Task::Classification => ("accuracy", "bal. acc", "train acc"),
        Task::Regression => ("R^2", "RMSE", "train R^2"),
    };
    let header = [
        "model",
        "mark",
        score,
        second,
        train,
        "fit ms",
        "predict ms",
        "fit heap peak",
        "size",
        "status",
    ];
    let mut rows: Vec<Vec<String>> = Vec::new();
    for row in format::rows(analysis) {
        let s = row.summary;
        let name = if s.role == ModelRole::Baseline {
            format!("{} (baseline)", s.model)
        } else {
            s.model.clone()
        };
        rows.push(vec![
            name,
            row.mark.symbol().to_string(),
            s.headline
                .map_or("-".into(), |m| format!("{:.3} ± {:.3}", m.mean, m.sd)),
            s.secondary.map_or("-".into(), |m| format!("{:.3}", m.mean)),
            s.train_headline
                .map_or("-".into(), |m| format!("{:.3}", m.mean)),
            s.fit_ms.map_or("-".into(), |m| format::ms(m.mean)),
            s.predict_ms.map_or("-".into(), |m| format::ms(m.mean)),
            s.fit_heap_peak_bytes.map_or("-".into(), format::bytes),
            s.size.as_ref().map_or("-".into(), describe_size),
            format::shorten(&s.status, 70),
        ]);
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| -> String {
        let mut text = String::from(" ");
        for (c, cell) in cells.iter().enumerate() {
            // Names and text left-aligned, numbers right-aligned.
            if c <= 1 || c >= 8 {
                text.push_str(&format!(" {cell:<w$}", w = widths[c]));
            } else {
                text.push_str(&format!(" {cell:>w$}", w = widths[c]));
            }
        }
        text.trim_end().to_string() + "\n"
    };
    out.push_str(&line(header.to_vec()));
    out.push_str(&line(
        widths
            .iter()
            .map(|&w| "-".repeat(w))
            .collect::<Vec<_>>()
            .iter()
            .map(|s| s.as_str())
            .collect(),
    ));
    for row in &rows {
        out.push_str(&line(row.iter().map(|s| s.as_str()).collect()));
    }
    out
}
