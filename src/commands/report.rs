//! `modelbench report`: re-render every report from a results or report file, and the helpers
//! `compare` and `pick` share to analyse a finished run and write its reports.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use super::output::outln;

use crate::analysis::analyse as analysis;
use crate::analysis::document::{ReportDocument, REPORT_FORMAT_VERSION};
use crate::eval::results::{read_log, RunResults};
use crate::render::{manifest, write};

pub fn run(file: &Path, out: Option<&Path>) -> anyhow::Result<ExitCode> {
    let document = load_document(file)?;
    let dir = out
        .map(Path::to_path_buf)
        .or_else(|| file.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."));
    let written = write_reports(&document, &dir)?;
    for path in written {
        outln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Analyses a run and writes report.json, report.md, results.csv, report.html and the manifest.
pub fn analyse_and_write(
    results: RunResults,
    dir: &Path,
) -> anyhow::Result<(ReportDocument, Vec<PathBuf>)> {
    let document = analysis::analyse(results, manifest::cpu_model());
    let written = write_reports(&document, dir)?;
    Ok((document, written))
}

fn write_reports(document: &ReportDocument, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("Could not create '{}'", dir.display()))?;
    write::write_reports(document, dir)
}

/// The analysis of an earlier run: its folder (results.json, else results.jsonl, else
/// report.json inside it) or one of those files.
pub(crate) fn load_run(path: &Path) -> anyhow::Result<ReportDocument> {
    if path.is_dir() {
        for name in ["results.json", "results.jsonl", "report.json"] {
            let candidate = path.join(name);
            if candidate.is_file() {
                return load_document(&candidate);
            }
        }
        anyhow::bail!(
            "'{}' holds no results.json, results.jsonl or report.json; give the folder of a \
             `compare` or `pick` run",
            path.display()
        );
    }
    load_document(path)
}

/// A report document from `report.json`, or analysed from `results.json` / `results.jsonl`.
fn load_document(file: &Path) -> anyhow::Result<ReportDocument> {
    if file.extension().is_some_and(|e| e == "jsonl") {
        return Ok(analysis::analyse(read_log(file)?, manifest::cpu_model()));
    }
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("Could not read '{}'", file.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not JSON; give a results.json, results.jsonl or report.json",
            file.display()
        )
    })?;
    if value.get("manifest").is_some() {
        let version = value.get("format_version").and_then(|v| v.as_u64());
        if version != Some(u64::from(REPORT_FORMAT_VERSION)) {
            anyhow::bail!(
                "{} is report format {:?}; this modelbench reads format {REPORT_FORMAT_VERSION}",
                file.display(),
                version
            );
        }
        return serde_json::from_value(value)
            .with_context(|| format!("{} is not a modelbench report", file.display()));
    }
    let results: RunResults = serde_json::from_value(value).with_context(|| {
        format!(
            "{} is neither a modelbench results file nor a report",
            file.display()
        )
    })?;
    Ok(analysis::analyse(results, manifest::cpu_model()))
}
