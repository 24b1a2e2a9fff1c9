//! One function per subcommand: each takes validated settings, does the work and prints.

mod article;
mod collect;
mod compare;
mod inspect;
mod k8s;
mod models;
mod pick;
mod plan;
mod report;
mod run_cell;
mod slurm;

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
        Command::Plan(args) => plan::run(&args),
        Command::RunCell(args) => run_cell::run(&args),
        Command::Collect { dir } => collect::run(&dir),
        Command::Slurm(args) => slurm::run(&args),
        Command::K8s(args) => k8s::run(&args),
        Command::Worker => {
            crate::eval::worker::serve(std::io::stdin().lock(), std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Exit status of a run that completed with failed or timed-out cells (or, for `collect`,
/// with cells missing): its results and reports are written, but not every cell has a score.
pub(crate) const EXIT_INCOMPLETE: u8 = 3;

/// `text` as one word for a POSIX shell: unchanged when it holds only safe characters, else
/// in single quotes (with any single quote written as '\'').
pub(crate) fn shell_word(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "_-./:=,+@%".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
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
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("/tmp/run-1"), "/tmp/run-1");
        assert_eq!(shell_word("/tmp/my run"), "'/tmp/my run'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn terminal_escape_sequences_are_shown_not_run() {
        assert_eq!(terminal_safe("a\u{1b}[2Jb\nc"), "a\\u{1b}[2Jb\nc");
    }
}
