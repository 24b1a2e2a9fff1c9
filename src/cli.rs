//! Command-line definitions (clap). Arguments are turned into validated settings here, once;
//! nothing past this module knows about clap's types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::data::{DecimalMark, LoadOptions, MissingPolicy, Task};

/// The folder of bundled datasets used when no file is given.
pub const DEFAULT_DATASET_DIR: &str = "datasets";

/// Cross-validation folds when `--folds` is not given.
pub const DEFAULT_FOLDS: u32 = 5;

/// `--experiment-folds` when not given (see [`crate::eval::experiments`] for why).
pub const DEFAULT_EXPERIMENT_FOLDS: u32 = crate::eval::experiments::DEFAULT_EXPERIMENT_FOLDS as u32;

/// `compare --jobs` when not given: one cell per CPU core this process may use (1 when that
/// cannot be told). The main job's cells are independent, so this is what a user wants to wait
/// for; the cost is timing noise, measured in BENCHMARKS.md ("End to end: the main job").
pub fn default_jobs() -> u32 {
    std::thread::available_parallelism()
        .map_or(1, |n| u32::try_from(n.get()).unwrap_or(256))
        .clamp(1, 256)
}

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
        #[arg(long, value_name = "DIR", value_parser = parse_out_dir)]
        out: Option<PathBuf>,
    },
    /// List the models with their settings.
    Models {
        /// Print the list as JSON on stdout
        #[arg(long)]
        json: bool,
    },
    /// Show how CSV files are read: rows, features, task, classes with counts, missing values.
    Inspect {
        /// CSV files to inspect; `-` reads standard input [default: every CSV in ./datasets]
        files: Vec<PathBuf>,
        /// Print what was read as JSON on stdout (one entry per file)
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        load: LoadArgs,
    },
    /// Print a shell completion script: `modelbench completions bash > ~/.local/share/bash-completion/completions/modelbench`
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Plan a run to hand out cell by cell (to Slurm, Kubernetes or a loop): writes the
    /// protocol, the datasets' absolute paths and SHA-256 and the numbered cells to DIR.
    ///
    /// Then: `modelbench slurm DIR --submit` (or `k8s`, or `run-cell DIR --index I` for each
    /// index), and `modelbench collect DIR`.
    Plan(PlanArgs),
    /// Run cells of a plan by index, each result written atomically to DIR/cells/.
    ///
    /// The index comes from --index, else from SLURM_ARRAY_TASK_ID (a Slurm job array) or
    /// JOB_COMPLETION_INDEX (a Kubernetes Indexed Job). Cells that already have a result are
    /// skipped.
    RunCell(RunCellArgs),
    /// Merge the cell results of a plan into DIR/results.json and write every report; list the
    /// cells still missing or failed with the command that reruns exactly those.
    ///
    /// Exits with 3 when some cells are missing, failed or timed out (the reports are written
    /// with the cells there are).
    Collect {
        /// The plan folder
        dir: PathBuf,
    },
    /// Write (and with --submit, submit) a Slurm job array that runs a plan's cells, and a
    /// collect job that runs after it.
    Slurm(SlurmArgs),
    /// Write a Kubernetes Indexed Job manifest that runs a plan's cells.
    K8s(K8sArgs),
    /// Train one model on every row of a CSV file and save it (with its preprocessing) to a
    /// model file for `predict` and `export`.
    Fit(FitArgs),
    /// Predict a CSV file with a saved model: one row per input row (row name or number,
    /// prediction, one probability column per class), and the score when the file has the
    /// target column.
    Predict(PredictArgs),
    /// Export a saved model to ONNX, preprocessing included (logistic, linear, sigmoid-net,
    /// sigmoid-mlp, mlp).
    Export {
        /// A model file from `fit --out` or `pick --save`
        model: PathBuf,
        /// Where to write the ONNX file
        #[arg(long, value_name = "FILE")]
        onnx: PathBuf,
    },
    /// Internal: run one cell sent as JSON on stdin (used by `compare`).
    #[command(hide = true)]
    Worker,
}

/// The models and the cross-validation of a study: the flags `compare`, `plan` and `pick`
/// share, declared once so that their defaults cannot drift apart.
#[derive(Debug, Clone, Args)]
pub struct StudyArgs {
    /// Models to run, comma-separated [default: the default set; see `modelbench models`]
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub models: Option<Vec<String>>,
    /// Models to leave out, comma-separated
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub exclude: Vec<String>,
    /// Folds of the cross-validation (stratified for classification)
    #[arg(long, default_value_t = DEFAULT_FOLDS, value_parser = clap::value_parser!(u32).range(2..=100))]
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
}

impl StudyArgs {
    /// The models `--models` and `--exclude` ask for.
    pub fn selection(&self) -> crate::eval::protocol::ModelSelection {
        crate::eval::protocol::ModelSelection {
            include: self.models.clone(),
            exclude: self.exclude.clone(),
        }
    }
}

/// The extra experiments behind the article's claims, for `compare` and `plan`.
#[derive(Debug, Clone, Args)]
pub struct ExperimentArgs {
    /// Skip the extra experiments behind the article's claims (the tuning grids of the
    /// networks and the tree, and learning curves at 10, 25 and 50% of each training fold)
    #[arg(long)]
    pub quick: bool,
    /// Folds of the first repeat the tuning grid and learning curves run on (at most --folds)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_EXPERIMENT_FOLDS, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub experiment_folds: u32,
}

/// Arguments of `modelbench pick`.
#[derive(Debug, Clone, Args)]
pub struct PickArgs {
    /// The CSV file to pick a model for; `-` reads standard input
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
    #[command(flatten)]
    pub study: StudyArgs,
    /// Cells run in parallel
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub jobs: u32,
    /// Output folder for the results and reports [default: reports/pick-UNIXTIME]
    #[arg(long, value_name = "DIR", value_parser = parse_out_dir)]
    pub out: Option<PathBuf>,
    /// Train the recommended model on every row and save it to this model file
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
}

/// Arguments of `modelbench fit`.
#[derive(Debug, Clone, Args)]
pub struct FitArgs {
    /// The CSV file to train on (every row)
    pub file: PathBuf,
    #[command(flatten)]
    pub load: LoadArgs,
    /// The model to train (see `modelbench models`)
    #[arg(long, value_name = "NAME")]
    pub model: String,
    /// Where to write the model file
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Seed of every random choice of the fit
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

/// Arguments of `modelbench predict`.
#[derive(Debug, Clone, Args)]
pub struct PredictArgs {
    /// A model file from `fit --out` or `pick --save`
    pub model: PathBuf,
    /// The CSV file to predict; columns are matched by name, the target column is optional
    pub file: PathBuf,
    /// Where to write the predictions as CSV; `-` is standard output
    #[arg(long, value_name = "FILE", default_value = "-")]
    pub out: PathBuf,
    /// A category never seen in training: all-zero one-hot with a warning, or an error
    #[arg(long, value_enum, default_value_t = crate::persist::UnseenPolicy::Zero)]
    pub unseen: crate::persist::UnseenPolicy,
    /// Field delimiter: ',', ';', 'tab' or any single ASCII character [default: sniffed from the header]
    #[arg(long, value_name = "CHAR", value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Decimal mark of the numbers: '.' or ',' [default: the training file's]
    #[arg(long, value_name = "MARK", value_parser = parse_decimal)]
    pub decimal: Option<DecimalMark>,
    /// Refuse files larger than this many bytes
    #[arg(long, value_name = "BYTES", default_value_t = LoadOptions::default().max_bytes)]
    pub max_bytes: u64,
}

/// Arguments of `modelbench compare`.
#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    /// CSV files to compare models on; `-` reads standard input [default: every CSV in ./datasets]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub load: LoadArgs,
    #[command(flatten)]
    pub study: StudyArgs,
    /// Megabytes of memory (address space) each worker process may use, on Linux; a fit that
    /// needs more fails with "exceeded --max-memory" and the run goes on [default: no limit]
    #[arg(long, value_name = "MB", value_parser = clap::value_parser!(u64).range(16..))]
    pub max_memory: Option<u64>,
    /// Cells run in parallel, one worker process each [default: the number of CPU cores; the
    /// README says how much noisier timings get than with --jobs 1]
    #[arg(long, default_value_t = default_jobs(), hide_default_value = true, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub jobs: u32,
    /// Output folder [default: reports/run-UNIXTIME]
    #[arg(long, value_name = "DIR", conflicts_with = "resume", value_parser = parse_out_dir)]
    pub out: Option<PathBuf>,
    /// Print only the answer (pick, verdict, warnings per dataset; the ranking), not the tables
    #[arg(long)]
    pub quiet: bool,
    /// Print the analysis document as JSON on stdout (nothing else on stdout)
    #[arg(long, conflicts_with = "quiet")]
    pub json: bool,
    #[command(flatten)]
    pub experiments: ExperimentArgs,
    /// Continue the interrupted run in DIR (from any folder): its settings are reused and every
    /// cell already recorded there is kept, not run again. A dataset file that moved since is
    /// found among the FILES given, by its SHA-256
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
}

/// An output folder; `-` (stdout) is refused because these commands write several files.
fn parse_out_dir(text: &str) -> Result<PathBuf, String> {
    if text == "-" {
        return Err("--out names a folder for several report files, so '-' (standard output) cannot be used; for JSON on stdout use `pick --json`, `inspect --json` or `models --json`".to_string());
    }
    Ok(PathBuf::from(text))
}

/// Arguments of `modelbench plan`.
#[derive(Debug, Clone, Args)]
pub struct PlanArgs {
    /// CSV files to plan cells on [default: every CSV in ./datasets]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub load: LoadArgs,
    #[command(flatten)]
    pub study: StudyArgs,
    /// Megabytes of memory (address space) each worker process may use, on Linux
    #[arg(long, value_name = "MB", value_parser = clap::value_parser!(u64).range(16..))]
    pub max_memory: Option<u64>,
    #[command(flatten)]
    pub experiments: ExperimentArgs,
    /// The plan folder to create (it must not hold a plan already)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Arguments of `modelbench run-cell`.
#[derive(Debug, Clone, Args)]
pub struct RunCellArgs {
    /// The plan folder
    pub dir: PathBuf,
    /// Which batch to run [default: $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX]
    #[arg(long, value_name = "I")]
    pub index: Option<usize>,
    /// Cells per index: index I runs cells I*B to I*B+B-1
    #[arg(long, value_name = "B", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    pub batch_size: u64,
    /// Only these cells (e.g. 3,7-9): the index and batch then count within this list; without
    /// an index, all of them
    #[arg(long, value_name = "LIST", value_parser = parse_cell_list)]
    pub cells: Option<CellList>,
    /// Run the cells again even when they have a result (which is replaced)
    #[arg(long)]
    pub rerun: bool,
}

/// Plan indexes given as `3,7-9`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellList(pub Vec<usize>);

fn parse_cell_list(text: &str) -> Result<CellList, String> {
    crate::eval::cell_selection::parse_index_list(text).map(CellList)
}

/// Arguments of `modelbench slurm`.
#[derive(Debug, Clone, Args)]
pub struct SlurmArgs {
    /// The plan folder
    pub dir: PathBuf,
    /// Slurm partition [default: the cluster's default]
    #[arg(long)]
    pub partition: Option<String>,
    /// Time limit of one array task, as Slurm takes it (e.g. 01:30:00) [default: the batch's
    /// cells at their --timeout plus 30 s each]
    #[arg(long, value_name = "TIME")]
    pub time: Option<String>,
    /// Memory of one array task, as Slurm takes it
    #[arg(long, default_value = "2G")]
    pub mem: String,
    /// Array tasks running at once (`--array=0-N%M`)
    #[arg(long, value_name = "M", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_concurrent: u32,
    /// Cells per array task [default: the fewest that keep the array within 1,000 tasks]
    #[arg(long, value_name = "B", value_parser = clap::value_parser!(u64).range(1..))]
    pub batch_size: Option<u64>,
    /// Only the cells without a result (after a cancelled or failed task)
    #[arg(long)]
    pub missing_only: bool,
    /// Submit the array and the collect job with sbatch, and print their job ids
    #[arg(long)]
    pub submit: bool,
}

/// Arguments of `modelbench k8s`.
#[derive(Debug, Clone, Args)]
pub struct K8sArgs {
    /// The plan folder
    pub dir: PathBuf,
    /// Container image with modelbench on its PATH
    #[arg(long)]
    pub image: String,
    /// Persistent volume claim holding the plan folder and the datasets
    #[arg(long, default_value = "modelbench-data")]
    pub claim: String,
    /// Where the claim is mounted in the container; the plan folder and the datasets must be
    /// under it at the paths they were planned with [default: their deepest common folder]
    #[arg(long, value_name = "PATH")]
    pub mount: Option<PathBuf>,
    /// Pods running at once
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub parallelism: u32,
    /// Cells per pod [default: the fewest that keep the job within 1,000 pods]
    #[arg(long, value_name = "B", value_parser = clap::value_parser!(u64).range(1..))]
    pub batch_size: Option<u64>,
    /// Memory of one pod, as Kubernetes takes it
    #[arg(long, default_value = "2Gi")]
    pub mem: String,
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
    /// Decimal mark: '.' or ',' [default: ',' when fields are split on ';' or tab and numbers
    /// are written like 5,1; '.' otherwise]
    #[arg(long, value_name = "MARK", value_parser = parse_decimal)]
    pub decimal: Option<DecimalMark>,
    /// Columns to leave out, comma-separated
    #[arg(long, value_delimiter = ',', value_name = "COLUMNS")]
    pub drop: Vec<String>,
    /// Columns to use even though they look like identifiers (distinct integers on every row)
    #[arg(long, value_delimiter = ',', value_name = "COLUMNS")]
    pub keep: Vec<String>,
    /// Columns to read as categorical (one-hot), even when most values are numbers
    #[arg(long, value_delimiter = ',', value_name = "COLUMNS")]
    pub categorical: Vec<String>,
    /// Columns to read as numeric; cells that are not numbers become missing (counted in a warning)
    #[arg(long, value_delimiter = ',', value_name = "COLUMNS")]
    pub numeric: Vec<String>,
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
            decimal: self.decimal,
            drop: self.drop.clone(),
            keep: self.keep.clone(),
            categorical: self.categorical.clone(),
            numeric: self.numeric.clone(),
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

fn parse_decimal(text: &str) -> Result<DecimalMark, String> {
    match text {
        "." | "point" => Ok(DecimalMark::Point),
        "," | "comma" => Ok(DecimalMark::Comma),
        _ => Err(format!("decimal mark must be '.' or ',', but was '{text}'")),
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
