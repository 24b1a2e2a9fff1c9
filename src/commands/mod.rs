//! One function per subcommand: each takes validated settings, does the work and prints.

mod article;
mod collect;
mod compare;
mod completions;
pub mod exit_code;
mod export;
mod fit;
mod inspect;
mod k8s;
mod models;
pub mod output;
mod pick;
mod plan;
mod predict;
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
        Command::Models { json } => models::run(json),
        Command::Inspect { files, json, load } => inspect::run(&files, &load.to_options(), json),
        Command::Completions { shell } => completions::run(shell),
        Command::Plan(args) => plan::run(&args),
        Command::RunCell(args) => run_cell::run(&args),
        Command::Collect { dir } => collect::run(&dir),
        Command::Slurm(args) => slurm::run(&args),
        Command::K8s(args) => k8s::run(&args),
        Command::Fit(args) => fit::run(&args),
        Command::Predict(args) => predict::run(&args),
        Command::Export { model, onnx } => export::run(&model, &onnx),
        Command::Worker => {
            crate::eval::worker::serve(std::io::stdin().lock(), std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

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

/// The input files with `-` replaced by a saved copy of standard input.
///
/// Workers re-read every file by its path, and standard input can be read only once: so it is
/// read here (up to `--max-bytes`), loaded once to refuse bad input before anything is written
/// (messages name it `<stdin>`), and saved as `stdin.csv` in a temporary folder named by its
/// SHA-256, where the workers and a later `--resume` find it.
pub(crate) fn stdin_as_file(
    files: Vec<PathBuf>,
    options: &crate::data::LoadOptions,
) -> anyhow::Result<Vec<PathBuf>> {
    if !files.iter().any(|f| crate::data::is_stdin(f)) {
        return Ok(files);
    }
    if files.iter().filter(|f| crate::data::is_stdin(f)).count() > 1 {
        anyhow::bail!("`-` (standard input) is named more than once; it can be read only once");
    }
    let bytes = crate::data::read_stdin(options.max_bytes)?;
    let dataset = crate::data::load_csv_bytes(Path::new(crate::data::STDIN_NAME), &bytes, options)?;
    let dir = std::env::temp_dir().join(format!("modelbench-stdin-{}", &dataset.sha256[..16]));
    std::fs::create_dir_all(&dir).with_context(|| {
        format!(
            "Could not create '{}' for the copy of standard input",
            dir.display()
        )
    })?;
    let path = dir.join("stdin.csv");
    // Written under another name and renamed, so a worker never reads half a file.
    let partial = dir.join(format!("stdin.csv.{}.partial", std::process::id()));
    std::fs::write(&partial, &bytes)
        .and_then(|()| std::fs::rename(&partial, &path))
        .with_context(|| format!("Could not save standard input as '{}'", path.display()))?;
    output::errln!("standard input saved as {} for the workers", path.display());
    Ok(files
        .into_iter()
        .map(|f| {
            if crate::data::is_stdin(&f) {
                path.clone()
            } else {
                f
            }
        })
        .collect())
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
