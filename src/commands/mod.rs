//! One function per subcommand: each takes validated settings, does the work and prints.

mod article;
mod compare;
mod export;
mod fit;
mod inspect;
mod models;
mod pick;
mod predict;
mod report;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{Cli, Command, DEFAULT_DATASET_DIR};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Article => article::run(),
        Command::Compare(args) => compare::run(&args),
        Command::Pick(args) => pick::run(&args),
        Command::Report { file, out } => report::run(&file, out.as_deref()),
        Command::Models => models::run(),
        Command::Inspect { files, load } => inspect::run(&files, &load.to_options()),
        Command::Fit(args) => fit::run(&args),
        Command::Predict(args) => predict::run(&args),
        Command::Export { model, onnx } => export::run(&model, &onnx),
        Command::Worker => {
            crate::eval::worker::serve(std::io::stdin().lock(), std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Text from user data made safe for a terminal: control characters (escape sequences that
/// could move the cursor or rewrite the screen) are shown escaped; newlines and tabs stay.
pub fn terminal_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The files given, or every `.csv` in the bundled dataset folder, sorted by name.
pub(crate) fn files_or_bundled(files: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    if !files.is_empty() {
        return Ok(files.to_vec());
    }
    let dir = Path::new(DEFAULT_DATASET_DIR);
    let found = csv_files_in(dir).with_context(|| {
        format!(
            "no file given and cannot list '{}'; run modelbench from the project folder or name CSV files",
            dir.display()
        )
    })?;
    if found.is_empty() {
        anyhow::bail!(
            "no file given and '{}' holds no .csv files; name CSV files to use",
            dir.display()
        );
    }
    Ok(found)
}

fn csv_files_in(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escape_sequences_are_shown_not_run() {
        assert_eq!(terminal_safe("a\u{1b}[2Jb\nc"), "a\\u{1b}[2Jb\nc");
    }
}
