//! Command-line definitions (clap). Arguments are turned into validated settings here, once;
//! nothing past this module knows about clap's types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::data::{LoadOptions, MissingPolicy, Task};

/// The folder of bundled datasets used when no file is given.
pub const DEFAULT_DATASET_DIR: &str = "datasets";

#[derive(Debug, Parser)]
#[command(
    name = "modelbench",
    version,
    about = "Is a neural network worth it on your data? Compare the article's sigmoid network with simple models.",
    long_about = "modelbench trains the sigmoid network of \"The Truth about Neural Networks\" beside \
decision trees, SVMs and other simple models on the same cross-validation folds of your CSV data, \
and reports accuracy, training time and model size so that choosing a model is a measurement.\n\n\
Start with `modelbench inspect your.csv` to see how the file is read."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Reproduce the article's worked examples and print them beside the article's figures.
    Article,
    /// Cross-validate every model on every dataset and print a table per dataset.
    ///
    /// Each fit runs in its own worker process, so a model that crashes or passes --timeout
    /// costs only its own cell. Results are written as cells finish to OUT/results.jsonl, and
    /// OUT/results.json at the end.
    Compare(CompareArgs),
    /// Recommend one model for a CSV file, with the reasons in numbers.
    ///
    /// Runs the comparison on the file (or reads an earlier run with --from), then applies the
    /// Occam rule: among the models that completed and are neither significantly (corrected
    /// t-test, Holm-adjusted p < 0.05) nor practically (more likely than not more than 1 point
    /// below) worse than the best, those costing at most 1.5x the cheapest (median fit +
    /// predict per fold, at least 1 ms), the most readable, then the cheapest.
    Pick(PickArgs),
    /// Re-render the reports (Markdown, CSV, HTML, manifest) from a results or report file,
    /// without training anything.
    Report {
        /// A `results.json` or `results.jsonl` from `compare`, or a `report.json`
        file: PathBuf,
        /// Folder for the reports [default: the file's folder]
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// List the models with their settings.
    Models,
    /// Show how CSV files are read: rows, features, task, classes with counts, missing values.
    Inspect {
        /// CSV files to inspect [default: every CSV in ./datasets]
        files: Vec<PathBuf>,
        #[command(flatten)]
        load: LoadArgs,
    },
    /// Internal: run one cell sent as JSON on stdin (used by `compare`).
    #[command(hide = true)]
    Worker,
}

/// Arguments of `modelbench pick`.
#[derive(Debug, Clone, Args)]
pub struct PickArgs {
    /// The CSV file to pick a model for
    #[arg(required_unless_present = "from")]
    pub file: Option<PathBuf>,
    /// Answer from an earlier run (its folder, or a results.json / results.jsonl /
    /// report.json) instead of training anything
    #[arg(long, value_name = "DIR_OR_FILE", conflicts_with_all = ["file", "budget"])]
    pub from: Option<PathBuf>,
    #[command(flatten)]
    pub load: LoadArgs,
    /// Seconds the whole comparison may take; models that cannot finish in time are skipped
    /// (cheap models run first) and named in the answer
    #[arg(long, value_name = "SECONDS", value_parser = parse_positive_seconds)]
    pub budget: Option<f64>,
    /// Print the recommendation as JSON on stdout (nothing else on stdout)
    #[arg(long)]
    pub json: bool,
    /// Models to consider, comma-separated [default: the default set]
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub models: Option<Vec<String>>,
    /// Models to leave out, comma-separated
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub exclude: Vec<String>,
    /// Folds of the cross-validation
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..=100))]
    pub folds: u32,
    /// Repeats of the cross-validation
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub repeats: u32,
    /// Seed of every random choice
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Seconds one fit may take
    #[arg(long, default_value_t = 300.0, value_name = "SECONDS", value_parser = parse_positive_seconds)]
    pub timeout: f64,
    /// Cells run in parallel
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub jobs: u32,
    /// Output folder for the results and reports [default: reports/pick-UNIXTIME]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// Arguments of `modelbench compare`.
#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    /// CSV files to compare models on [default: every CSV in ./datasets]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub load: LoadArgs,
    /// Models to run, comma-separated [default: the default set; see `modelbench models`]
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub models: Option<Vec<String>>,
    /// Models to leave out, comma-separated
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub exclude: Vec<String>,
    /// Folds of the cross-validation (stratified for classification)
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(2..=100))]
    pub folds: u32,
    /// Times the cross-validation is repeated with fresh folds
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub repeats: u32,
    /// Seed of every random choice (folds, initial weights, forests): same seed, same numbers
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Seconds one fit may take before it is stopped and reported as timed out
    #[arg(long, default_value_t = 300.0, value_name = "SECONDS", value_parser = parse_positive_seconds)]
    pub timeout: f64,
    /// Megabytes of memory (address space) each worker process may use, on Linux; a fit that
    /// needs more fails with "exceeded --max-memory" and the run goes on [default: no limit]
    #[arg(long, value_name = "MB", value_parser = clap::value_parser!(u64).range(16..))]
    pub max_memory: Option<u64>,
    /// Cells run in parallel (more is faster, but timings get noisier)
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub jobs: u32,
    /// Output folder [default: reports/run-UNIXTIME]
    #[arg(long, value_name = "DIR", conflicts_with = "resume")]
    pub out: Option<PathBuf>,
    /// Print only the answer (pick, verdict, warnings per dataset; the ranking), not the tables
    #[arg(long)]
    pub quiet: bool,
    /// Print the analysis document as JSON on stdout (nothing else on stdout)
    #[arg(long, conflicts_with = "quiet")]
    pub json: bool,
    /// Skip the extra experiments behind the article's claims (the tuning grid of the network
    /// and the tree, and learning curves at 10, 25 and 50% of each training fold)
    #[arg(long)]
    pub quick: bool,
    /// Continue the interrupted run in DIR: its settings are reused and every cell already
    /// recorded there is kept, not run again
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
}

fn parse_positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(v),
        _ => Err(format!(
            "must be a positive number of seconds, but was '{text}'"
        )),
    }
}

/// How to read the CSV files (shared by every subcommand that reads data).
#[derive(Debug, Clone, Args)]
pub struct LoadArgs {
    /// Name of the target column [default: the last column]
    #[arg(long, value_name = "NAME")]
    pub target: Option<String>,
    /// Force the task [default: inferred; a string target or at most 20 distinct integers is classification]
    #[arg(long, value_enum)]
    pub task: Option<Task>,
    /// What to do with missing cells (empty, NA, N/A, NaN, ?, null)
    #[arg(long, value_enum, default_value_t = MissingPolicy::Impute)]
    pub missing: MissingPolicy,
    /// Field delimiter: ',', ';', 'tab' or any single ASCII character [default: sniffed from the header]
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Refuse a categorical column with more distinct values than this (it is an identifier)
    #[arg(long, value_name = "N", default_value_t = LoadOptions::default().max_categories)]
    pub max_categories: usize,
    /// Refuse files larger than this many bytes
    #[arg(long, value_name = "BYTES", default_value_t = LoadOptions::default().max_bytes)]
    pub max_bytes: u64,
}

impl LoadArgs {
    pub fn to_options(&self) -> LoadOptions {
        LoadOptions {
            target: self.target.clone(),
            task: self.task,
            missing: self.missing,
            delimiter: self.delimiter,
            max_categories: self.max_categories,
            max_bytes: self.max_bytes,
            ..LoadOptions::default()
        }
    }
}

fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        _ if text.len() == 1 && text.is_ascii() && text != "\"" => Ok(text.as_bytes()[0]),
        _ => Err(format!(
            "delimiter must be one ASCII character or 'tab', but was '{text}'"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn delimiter_accepts_tab_and_single_characters() {
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert!(parse_delimiter(";;").is_err());
    }
}
