//! `modelbench inspect`: what modelbench reads from each CSV file.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::data::{self, Dataset, FeatureColumn, LoadOptions, Target};

pub fn run(files: &[PathBuf], options: &LoadOptions) -> anyhow::Result<ExitCode> {
    let files = super::files_or_bundled(files)?;
    let mut failed = 0;
    for (i, path) in files.iter().enumerate() {
        if i > 0 {
            println!();
        }
        // One unreadable file does not stop the others; it changes the exit code.
        match data::load_csv(path, options) {
            Ok(dataset) => print!("{}", super::terminal_safe(&describe(&dataset))),
            Err(error) => {
                eprintln!("Error: {}", super::terminal_safe(&error.to_string()));
                failed += 1;
            }
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
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
    for warning in &report.warnings {
        line(&mut out, "warning", warning.clone());
    }
    out
}
