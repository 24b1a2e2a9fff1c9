//! `modelbench inspect`: what modelbench reads from each CSV file (or standard input, `-`), as
//! text or as JSON (`--json`).

use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::exit_code;
use super::output::{errln, out, outln};
use crate::cli::DEFAULT_FOLDS;
use crate::data::{
    self, Dataset, DecimalMark, FeatureColumn, LoadOptions, LoadReport, Target, Task,
};
use crate::eval::folds::small_classes_text;

/// One file as `inspect --json` gives it: what was read, or why it could not be.
#[derive(Serialize)]
#[serde(untagged)]
enum FileEntry<'a> {
    Read(Box<DatasetEntry<'a>>),
    Error { file: String, error: String },
}

#[derive(Serialize)]
struct DatasetEntry<'a> {
    file: String,
    sha256: &'a str,
    rows: usize,
    task: Task,
    target: &'a str,
    /// Model inputs after one-hot encoding.
    inputs: usize,
    columns: &'a [FeatureColumn],
    /// Class names and rows per class (empty for regression).
    classes: Vec<(&'a str, usize)>,
    load: &'a LoadReport,
}

pub fn run(files: &[PathBuf], options: &LoadOptions, json: bool) -> anyhow::Result<ExitCode> {
    let files = super::files_or_bundled(files)?;
    let mut failed = 0;
    let mut entries = Vec::new();
    let mut datasets = Vec::new();
    for (i, path) in files.iter().enumerate() {
        // One unreadable file does not stop the others; it changes the exit code.
        match data::load_input(path, options) {
            Ok(dataset) if json => datasets.push(dataset),
            Ok(dataset) => {
                if i > 0 {
                    outln!();
                }
                out!("{}", super::terminal_safe(&describe(&dataset)));
            }
            Err(error) => {
                failed += 1;
                errln!("Error: {}", super::terminal_safe(&error.to_string()));
                if json {
                    entries.push((
                        i,
                        FileEntry::Error {
                            file: path.display().to_string(),
                            error: error.to_string(),
                        },
                    ));
                }
            }
        }
    }
    if json {
        // In the order the files were given, read or not.
        let mut read = datasets.iter();
        let mut errors = entries.into_iter().peekable();
        let mut all = Vec::new();
        for i in 0..files.len() {
            match errors.next_if(|(at, _)| *at == i) {
                Some((_, error)) => all.push(error),
                None => all.extend(read.next().map(|d| FileEntry::Read(Box::new(entry(d))))),
            }
        }
        outln!("{}", serde_json::to_string_pretty(&all)?);
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        exit_code::code(exit_code::USER_ERROR)
    })
}

fn entry(dataset: &Dataset) -> DatasetEntry<'_> {
    DatasetEntry {
        file: dataset.path.display().to_string(),
        sha256: &dataset.sha256,
        rows: dataset.n_rows(),
        task: dataset.task(),
        target: &dataset.target_name,
        inputs: dataset.feature_names.len(),
        columns: &dataset.columns,
        classes: dataset
            .class_names()
            .iter()
            .map(String::as_str)
            .zip(dataset.class_counts())
            .collect(),
        load: &dataset.report,
    }
}

/// A human-readable summary of a loaded dataset.
pub fn describe(dataset: &Dataset) -> String {
    let mut out = String::new();
    let report = &dataset.report;
    let line = |out: &mut String, label: &str, text: String| {
        out.push_str(&format!("  {label:<10} {text}\n"))
    };
    out.push_str(&format!(
        "{}  (sha256 {})\n",
        dataset.path.display(),
        &dataset.sha256[..12]
    ));
    line(
        &mut out,
        "rows",
        format!(
            "{} used of {} in the file",
            dataset.n_rows(),
            report.rows_in_file
        ),
    );
    let categorical: Vec<&FeatureColumn> = dataset
        .columns
        .iter()
        .filter(|c| matches!(c, FeatureColumn::Categorical { .. }))
        .collect();
    line(
        &mut out,
        "features",
        format!(
            "{} columns ({} numeric, {} categorical) -> {} model inputs",
            dataset.columns.len(),
            dataset.columns.len() - categorical.len(),
            categorical.len(),
            dataset.feature_names.len()
        ),
    );
    for column in categorical {
        if let FeatureColumn::Categorical { name, levels, .. } = column {
            line(
                &mut out,
                "",
                format!("{name}: one-hot over {} levels", levels.len()),
            );
        }
    }
    if let Some(column) = &report.row_names_column {
        line(
            &mut out,
            "row names",
            format!("first column ('{column}'), not a feature"),
        );
    }
    if report.decimal == DecimalMark::Comma {
        line(&mut out, "decimal", "comma (5,1 is 5.1)".to_string());
    }
    line(
        &mut out,
        "target",
        format!("'{}', {}", dataset.target_name, dataset.task()),
    );
    match &dataset.target {
        Target::Classes { names, .. } => {
            let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
            for (name, count) in names.iter().zip(dataset.class_counts()) {
                let share = 100.0 * count as f64 / dataset.n_rows() as f64;
                line(
                    &mut out,
                    "",
                    format!("{name:<width$}  {count:>6}  ({share:.1}%)"),
                );
            }
        }
        Target::Values(values) => {
            let n = values.len() as f64;
            let mean = values.iter().sum::<f64>() / n;
            let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0))
                .sqrt();
            let min = values.iter().copied().fold(f64::INFINITY, f64::min);
            let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            line(
                &mut out,
                "",
                format!("min {min:.4}  max {max:.4}  mean {mean:.4}  sd {sd:.4}"),
            );
        }
    }
    let missing: Vec<String> = report
        .missing_by_column
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(name, n)| format!("{name}: {n}"))
        .collect();
    line(
        &mut out,
        "missing",
        if missing.is_empty()
            && report.dropped_missing_target == 0
            && report.dropped_missing_feature == 0
        {
            "none".to_string()
        } else {
            format!(
                "{} feature cells [{}]; rows dropped: {} (missing target), {} (missing feature)",
                report
                    .missing_by_column
                    .iter()
                    .map(|(_, n)| n)
                    .sum::<usize>(),
                missing.join(", "),
                report.dropped_missing_target,
                report.dropped_missing_feature
            )
        },
    );
    for note in &report.notes {
        line(&mut out, "note", note.clone());
    }
    for warning in &report.warnings {
        line(&mut out, "warning", warning.clone());
    }
    let folds = DEFAULT_FOLDS as usize;
    if let Some(warning) = small_classes_text(dataset.class_names(), &dataset.class_counts(), folds)
    {
        line(
            &mut out,
            "warning",
            format!("with the default --folds {folds}: {warning}"),
        );
    }
    out
}
