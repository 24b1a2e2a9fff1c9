//! Runs a comparison on this machine: loads every dataset (stopping before anything is
//! written if one cannot be read), plans the cells ([`super::plan`]), claims a run folder
//! that no other run uses, and runs the cells on a pool of executors
//! ([`super::executor`]), logging each finished cell before moving on ([`super::results`]).
//! The order cells finish in never changes the results: each cell's seed comes from its key,
//! and results are sorted into plan order. A run stopped by Ctrl-C, a crash or a kill is
//! continued with [`resume`], from any folder.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::cell::{CellKey, CellResult};
use super::executor::{self, Executor, InProcess, WorkerProcesses};
use super::interrupt;
use super::plan::{self, Plan};
use super::protocol::Protocol;
pub use super::protocol::{select_models, ModelSelection};
use super::results::{
    read_log, write_atomically, DatasetRecord, ResultsLog, RunHeader, RunResults,
    RESULTS_FORMAT_VERSION,
};
pub use super::run_folder::{claim_run_folder, default_out_dir};
use super::sources;
use crate::data::{self, Dataset, LoadOptions};
use crate::models::Model;

/// Where each cell runs.
#[derive(Debug, Clone)]
pub enum Isolation {
    /// In a worker process started from this executable (`EXE worker`): contains panics,
    /// aborts and timeouts. The normal mode.
    Worker(PathBuf),
    /// In this process: no timeout, an abort ends the run. For library use and tests.
    InProcess,
}

impl Isolation {
    fn executor(&self) -> Box<dyn Executor> {
        match self {
            Isolation::Worker(executable) => Box::new(WorkerProcesses {
                executable: executable.clone(),
            }),
            Isolation::InProcess => Box::new(InProcess),
        }
    }
}

/// A validated comparison request.
#[derive(Debug, Clone)]
pub struct CompareSettings {
    pub files: Vec<PathBuf>,
    pub load: LoadOptions,
    pub models: ModelSelection,
    pub folds: usize,
    pub repeats: usize,
    pub seed: u64,
    pub timeout: Duration,
    /// `--max-memory`: address-space limit of each worker process in MB (no limit in process).
    pub max_memory_mb: Option<u64>,
    pub jobs: usize,
    /// The run folder; when it already holds a run, the next free `DIR-2`, `DIR-3`, ... is used.
    pub out_dir: PathBuf,
    pub isolation: Isolation,
    pub command_line: Vec<String>,
    /// Also run the tuning grid and learning curves behind the article's claims.
    pub experiments: bool,
    /// `--experiment-folds`: folds of the first repeat the experiments run on (`None`: all).
    pub experiment_folds: Option<usize>,
    /// No cell starts after this instant, and none runs past it (`pick --budget`).
    pub deadline: Option<Instant>,
}

impl CompareSettings {
    /// The protocol of this request, with its models resolved.
    pub fn protocol(&self, models: &[Box<dyn Model>]) -> Protocol {
        Protocol {
            folds: self.folds,
            repeats: self.repeats,
            seed: self.seed,
            models: models.iter().map(|m| m.name().to_string()).collect(),
            experiments: self.experiments,
            experiment_folds: self.experiment_folds,
            load: self.load.clone(),
            timeout_s: self.timeout.as_secs_f64(),
            max_memory_mb: self.max_memory_mb,
        }
    }
}

/// A file that could not be loaded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnreadableFile {
    pub path: PathBuf,
    pub error: String,
}

/// What the runner tells its caller as it goes (for progress bars and messages).
pub enum RunEvent<'a> {
    /// A file could not be loaded (the run then stops before writing anything).
    Unreadable(&'a UnreadableFile),
    /// A dataset is loaded; `skipped` says why it will not be run, if so.
    Dataset(&'a DatasetRecord),
    /// All cells are planned.
    Planned { cells: usize },
    /// A resumed run: `kept` cells come from the earlier run, `remaining` are still to run.
    Resumed { kept: usize, remaining: usize },
    /// A cell finished (in any status); `done` of `total`.
    CellDone {
        result: &'a CellResult,
        done: usize,
        total: usize,
    },
}

/// How far an interrupted run got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interruption {
    /// Cells recorded in the run folder (earlier and this session's).
    pub kept: usize,
    pub total: usize,
}

/// A comparison's results and where they are.
pub struct Comparison {
    pub results: RunResults,
    /// The run folder (absolute).
    pub out_dir: PathBuf,
    /// `out_dir/results.json`; written only when the run completed.
    pub results_path: PathBuf,
    /// Set when a stop was requested (Ctrl-C): `results` then holds only the recorded cells.
    pub interrupted: Option<Interruption>,
}

/// The log file of a run folder.
pub const LOG_FILE: &str = "results.jsonl";
/// The results of a completed run.
pub const RESULTS_FILE: &str = "results.json";

/// Runs the whole comparison, logging to `OUT/results.jsonl` as cells finish and writing
/// `results.json` at the end. Nothing is written when a file cannot be read.
pub fn run(
    settings: &CompareSettings,
    on_event: &mut dyn FnMut(RunEvent),
) -> anyhow::Result<Comparison> {
    let models = select_models(&settings.models)?;
    let protocol = settings.protocol(&models);
    let files = sources::absolute_paths(&settings.files)?;
    let datasets = load_all(&files, &protocol.load, on_event)?;
    let plan = plan::plan(&protocol, &datasets, &models);
    for record in &plan.datasets {
        on_event(RunEvent::Dataset(record));
    }
    let out_dir = claim_run_folder(&settings.out_dir)?;
    let header = RunHeader::new(&protocol, files, settings.command_line.clone(), &models);
    let started = RunResults {
        header,
        datasets: plan.datasets.clone(),
        cells: Vec::new(),
    };
    let log = ResultsLog::rewrite(&out_dir.join(LOG_FILE), &started)?;
    on_event(RunEvent::Planned {
        cells: plan.cells.len(),
    });
    execute(
        settings.isolation.executor().as_ref(),
        settings.jobs,
        settings.deadline,
        Session {
            plan,
            protocol,
            header: started.header,
            kept: Vec::new(),
            log,
            out_dir,
        },
        on_event,
    )
}

/// Continues a run whose log is in `dir` (stopped by Ctrl-C, a crash or a kill), from any
/// folder: the protocol comes from the log's header, every cell already logged is kept, and a
/// dataset file that moved is found among `moved_files` by its SHA-256. Nothing in `dir` is
/// changed until every check has passed.
pub fn resume(
    dir: &Path,
    moved_files: &[PathBuf],
    isolation: Isolation,
    jobs: usize,
    on_event: &mut dyn FnMut(RunEvent),
) -> anyhow::Result<Comparison> {
    let out_dir = std::path::absolute(dir)
        .with_context(|| format!("Could not resolve the folder '{}'", dir.display()))?;
    let log_path = out_dir.join(LOG_FILE);
    if !log_path.exists() {
        anyhow::bail!(
            "'{}' holds no results.jsonl; --resume takes the folder of an earlier `compare` run",
            dir.display()
        );
    }
    let previous = read_log(&log_path)?;
    let header = previous.header.clone();
    if header.format_version != RESULTS_FORMAT_VERSION {
        anyhow::bail!(
            "{} was written in results format {}, this modelbench writes format {}; start a new run",
            log_path.display(),
            header.format_version,
            RESULTS_FORMAT_VERSION
        );
    }
    let protocol = header.protocol();
    let models = protocol.resolve_models()?;

    // Each logged dataset from its recorded path, or from a moved copy with the same hash.
    let mut datasets = Vec::with_capacity(previous.datasets.len());
    for logged in &previous.datasets {
        let path = sources::locate(&logged.path, &logged.sha256, moved_files, &out_dir)?;
        let mut dataset = data::load_csv(&path, &protocol.load)
            .with_context(|| format!("Could not reload the dataset '{}'", logged.name))?;
        sources::check_hash(&path, &dataset.sha256, &logged.sha256, &out_dir)?;
        dataset.name = logged.name.clone();
        datasets.push(dataset);
    }
    let plan = plan::plan(&protocol, &datasets, &models);
    for (planned, logged) in plan.datasets.iter().zip(&previous.datasets) {
        // The same file must give the same folds; anything else is a different run.
        if planned.fold_plan != logged.fold_plan {
            anyhow::bail!(
                "{} gives different folds than when the run started (was it planned by another modelbench version?); start a new run instead of --resume",
                planned.path.display()
            );
        }
    }
    let mut earlier: HashMap<CellKey, CellResult> = previous
        .cells
        .into_iter()
        .map(|c| (c.key.clone(), c))
        .collect();
    let kept: Vec<(usize, CellResult)> = plan
        .cells
        .iter()
        .filter_map(|c| earlier.remove(&c.key).map(|r| (c.index, r)))
        .collect();
    on_event(RunEvent::Resumed {
        kept: kept.len(),
        remaining: plan.cells.len() - kept.len(),
    });
    for record in &plan.datasets {
        on_event(RunEvent::Dataset(record));
    }
    // Every check passed: rewrite the log (new dataset paths, no partial last line).
    let rewritten = RunResults {
        header: header.clone(),
        datasets: plan.datasets.clone(),
        cells: kept.iter().map(|(_, c)| c.clone()).collect(),
    };
    let log = ResultsLog::rewrite(&log_path, &rewritten)?;
    on_event(RunEvent::Planned {
        cells: plan.cells.len(),
    });
    execute(
        isolation.executor().as_ref(),
        jobs,
        None,
        Session {
            plan,
            protocol,
            header,
            kept,
            log,
            out_dir,
        },
        on_event,
    )
}

/// A run ready to execute: its plan, its log, and the cells recorded before.
struct Session {
    plan: Plan,
    protocol: Protocol,
    header: RunHeader,
    /// Cells already in the log, with their plan index.
    kept: Vec<(usize, CellResult)>,
    log: ResultsLog,
    out_dir: PathBuf,
}

fn execute(
    executor: &dyn Executor,
    jobs: usize,
    deadline: Option<Instant>,
    session: Session,
    on_event: &mut dyn FnMut(RunEvent),
) -> anyhow::Result<Comparison> {
    let Session {
        plan,
        protocol,
        header,
        kept,
        mut log,
        out_dir,
    } = session;
    let total = plan.cells.len();
    let index_of: HashMap<&CellKey, usize> = plan.cells.iter().map(|c| (&c.key, c.index)).collect();
    let mut finished: Vec<(usize, CellResult)> = Vec::with_capacity(total);
    for (index, result) in kept {
        finished.push((index, result));
        on_event(RunEvent::CellDone {
            result: &finished[finished.len() - 1].1,
            done: finished.len(),
            total,
        });
    }
    let done: std::collections::HashSet<usize> = finished.iter().map(|(i, _)| *i).collect();
    let remaining: Vec<&plan::PlannedCell> = plan
        .cells
        .iter()
        .filter(|c| !done.contains(&c.index))
        .collect();
    executor::run_pool(
        executor,
        jobs,
        &remaining,
        &plan.datasets,
        &protocol,
        deadline,
        &mut |result| {
            log.cell(&result)?;
            let index = index_of[&result.key];
            finished.push((index, result));
            on_event(RunEvent::CellDone {
                result: &finished[finished.len() - 1].1,
                done: finished.len(),
                total,
            });
            Ok(())
        },
    )?;
    finished.sort_by_key(|(index, _)| *index);
    let interrupted = (finished.len() < total && interrupt::requested()).then_some(Interruption {
        kept: finished.len(),
        total,
    });
    let results = RunResults {
        header,
        datasets: plan.datasets,
        cells: finished.into_iter().map(|(_, r)| r).collect(),
    };
    let results_path = out_dir.join(RESULTS_FILE);
    if interrupted.is_none() {
        let json = serde_json::to_vec_pretty(&results).context("Could not encode the results")?;
        write_atomically(&results_path, &json)?;
    }
    Ok(Comparison {
        results,
        out_dir,
        results_path,
        interrupted,
    })
}

/// Loads every file, or stops with every loading error reported (through `on_event`) before
/// anything is written. Datasets get distinct names.
pub fn load_all(
    files: &[PathBuf],
    load: &LoadOptions,
    on_event: &mut dyn FnMut(RunEvent),
) -> anyhow::Result<Vec<Dataset>> {
    let mut datasets: Vec<Dataset> = Vec::with_capacity(files.len());
    let mut unreadable = Vec::new();
    for path in files {
        match data::load_csv(path, load) {
            Ok(mut dataset) => {
                let names: Vec<String> = datasets.iter().map(|d| d.name.clone()).collect();
                dataset.name = plan::unique_name(&dataset.name, &names);
                datasets.push(dataset);
            }
            Err(error) => {
                let file = UnreadableFile {
                    path: path.clone(),
                    error: error.to_string(),
                };
                on_event(RunEvent::Unreadable(&file));
                unreadable.push(file);
            }
        }
    }
    match unreadable.as_slice() {
        [] => Ok(datasets),
        [one] => anyhow::bail!("{}; nothing was run or written", one.error),
        many => anyhow::bail!(
            "{} of {} files could not be read (see the errors above); nothing was run or written",
            many.len(),
            files.len()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(out: &Path) -> CompareSettings {
        CompareSettings {
            files: vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("datasets/iris.csv")],
            load: LoadOptions::default(),
            models: ModelSelection {
                include: Some(vec!["majority".into(), "knn".into()]),
                exclude: Vec::new(),
            },
            folds: 3,
            repeats: 1,
            seed: 3,
            timeout: Duration::from_secs(60),
            max_memory_mb: None,
            jobs: 2,
            out_dir: out.to_path_buf(),
            isolation: Isolation::InProcess,
            command_line: Vec::new(),
            experiments: false,
            experiment_folds: None,
            deadline: None,
        }
    }

    #[test]
    fn in_process_run_records_every_cell_in_plan_order_with_its_host() {
        let root = tempfile::tempdir().unwrap();
        let comparison = run(&settings(&root.path().join("a")), &mut |_| {}).unwrap();
        let cells = &comparison.results.cells;
        assert_eq!(cells.len(), 2 * 3);
        assert!(comparison.results_path.exists());
        assert_eq!(cells[0].key.model, "majority");
        assert_eq!(cells[3].key.model, "knn");
        assert!(cells.iter().all(|c| c.host.is_some()));
        // The header stores the protocol the run used, with absolute file paths.
        let protocol = comparison.results.header.protocol();
        assert_eq!(protocol.models, vec!["majority", "knn"]);
        assert!(comparison.results.header.files[0].is_absolute());
    }

    #[test]
    fn a_missing_file_stops_before_anything_is_written() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("never");
        let mut s = settings(&out);
        s.files.push(root.path().join("missing.csv"));
        let mut reported = Vec::new();
        let err = match run(&s, &mut |e| {
            if let RunEvent::Unreadable(f) = e {
                reported.push(f.path.clone())
            }
        }) {
            Ok(_) => panic!("a missing file must stop the run"),
            Err(e) => e.to_string(),
        };
        assert!(
            err.contains("missing.csv") && err.contains("nothing was"),
            "{err}"
        );
        assert_eq!(reported, vec![root.path().join("missing.csv")]);
        assert!(!out.exists(), "no folder is created");
    }
}
