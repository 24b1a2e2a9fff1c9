//! Runs a comparison: loads the datasets, plans the cells (dataset × model × repeat × fold),
//! runs them on `jobs` threads (each cell in its own worker process), and logs every finished
//! cell before moving on. The order cells finish in never changes the results: each cell's
//! seed comes from its key, and results are sorted into plan order.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::cell::{self, CellKey, CellResult, CellStatus};
use super::experiments;
use super::folds::FoldPlan;
use super::results::{
    library_versions, read_log, write_atomically, DatasetRecord, ModelRecord, ResultsLog,
    RunHeader, RunResults, RESULTS_FORMAT_VERSION,
};
use super::worker::{self, WorkerJob, WorkerOutcome};
use crate::data::{self, Dataset, LoadOptions, Target};
use crate::models::{self, Model};
use crate::rng::SeededRng;

/// Where each cell runs.
#[derive(Debug, Clone)]
pub enum Isolation {
    /// In a worker process started from this executable (`EXE worker`): contains panics,
    /// aborts and timeouts. The normal mode.
    Worker(PathBuf),
    /// In this process: no timeout, an abort ends the run. For library use and tests.
    InProcess,
}

/// Which models to run.
#[derive(Debug, Clone, Default)]
pub struct ModelSelection {
    /// Names to run; `None` runs the default set.
    pub include: Option<Vec<String>>,
    /// Names to leave out.
    pub exclude: Vec<String>,
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
    pub out_dir: PathBuf,
    pub isolation: Isolation,
    pub command_line: Vec<String>,
    /// Also run the tuning grid and learning curves behind the article's claims.
    pub experiments: bool,
    /// No cell starts after this instant, and none runs past it (`pick --budget`).
    pub deadline: Option<std::time::Instant>,
}

/// A file that could not be loaded; the run goes on without it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnreadableFile {
    pub path: PathBuf,
    pub error: String,
}

/// What the runner tells its caller as it goes (for progress bars and messages).
pub enum RunEvent<'a> {
    /// A file could not be loaded.
    Unreadable(&'a UnreadableFile),
    /// A dataset is loaded; `skipped` says why it will not be run, if so.
    Dataset(&'a DatasetRecord),
    /// All cells are planned.
    Planned { cells: usize },
    /// A cell finished (in any status); `done` of `total`.
    CellDone {
        result: &'a CellResult,
        done: usize,
        total: usize,
    },
}

/// A comparison's results plus the files it could not read.
pub struct Comparison {
    pub results: RunResults,
    pub unreadable: Vec<UnreadableFile>,
    pub results_path: PathBuf,
}

/// A cell waiting to run.
struct PlannedCell {
    order: usize,
    dataset: usize,
    key: CellKey,
    seed: u64,
}

/// Resolves `--models` and `--exclude` against the registry.
pub fn select_models(selection: &ModelSelection) -> anyhow::Result<Vec<Box<dyn Model>>> {
    let known: Vec<String> = models::all_models()
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    let check = |name: &String| -> anyhow::Result<()> {
        if known.contains(name) {
            Ok(())
        } else {
            anyhow::bail!(
                "unknown model '{name}'; the models are: {} (see `modelbench models`)",
                known.join(", ")
            )
        }
    };
    selection.exclude.iter().try_for_each(check)?;
    let chosen = match &selection.include {
        Some(names) => {
            names.iter().try_for_each(check)?;
            names.iter().filter_map(|n| models::find_model(n)).collect()
        }
        None => models::default_models(),
    };
    let chosen: Vec<Box<dyn Model>> = chosen
        .into_iter()
        .filter(|m| !selection.exclude.iter().any(|e| e == m.name()))
        .collect();
    if chosen.is_empty() {
        anyhow::bail!("no model left to run after --models and --exclude");
    }
    Ok(chosen)
}

/// Runs the whole comparison, logging to `settings.out_dir/results.jsonl` as cells finish and
/// writing `results.json` at the end.
pub fn run(
    settings: &CompareSettings,
    on_event: &mut dyn FnMut(RunEvent),
) -> anyhow::Result<Comparison> {
    run_with(settings, None, on_event)
}

/// Continues a run whose log is in `dir` (killed, or stopped by a crash): the settings come
/// from the log's header, and every cell already in the log is kept, not run again.
pub fn resume(
    dir: &Path,
    isolation: Isolation,
    jobs: usize,
    on_event: &mut dyn FnMut(RunEvent),
) -> anyhow::Result<Comparison> {
    let log_path = dir.join("results.jsonl");
    if !log_path.exists() {
        anyhow::bail!(
            "'{}' holds no results.jsonl; --resume takes the folder of an earlier `compare` run",
            dir.display()
        );
    }
    let previous = read_log(&log_path)?;
    let header = &previous.header;
    if header.format_version != RESULTS_FORMAT_VERSION {
        anyhow::bail!(
            "{} was written in results format {}, this modelbench writes format {}; start a new run",
            log_path.display(),
            header.format_version,
            RESULTS_FORMAT_VERSION
        );
    }
    let settings = CompareSettings {
        files: header.files.clone(),
        load: header.load_options.clone(),
        models: ModelSelection {
            include: Some(header.models.iter().map(|m| m.name.clone()).collect()),
            exclude: Vec::new(),
        },
        folds: header.folds,
        repeats: header.repeats,
        seed: header.seed,
        timeout: Duration::from_secs_f64(header.timeout_s),
        max_memory_mb: header.max_memory_mb,
        jobs,
        out_dir: dir.to_path_buf(),
        isolation,
        command_line: header.command_line.clone(),
        experiments: header.experiments,
        deadline: None,
    };
    run_with(&settings, Some(previous), on_event)
}

fn run_with(
    settings: &CompareSettings,
    previous: Option<RunResults>,
    on_event: &mut dyn FnMut(RunEvent),
) -> anyhow::Result<Comparison> {
    let models = select_models(&settings.models)?;
    std::fs::create_dir_all(&settings.out_dir).with_context(|| {
        format!(
            "Could not create the output folder '{}'",
            settings.out_dir.display()
        )
    })?;
    let log_path = settings.out_dir.join("results.jsonl");
    let (mut log, header, logged_datasets, done_before) = match previous {
        Some(previous) => (
            ResultsLog::rewrite(&log_path, &previous)?,
            previous.header,
            previous.datasets,
            previous.cells,
        ),
        None => {
            let header = new_header(settings, &models);
            let mut log = ResultsLog::create(&log_path)?;
            log.header(&header)?;
            (log, header, Vec::new(), Vec::new())
        }
    };
    let mut done_before: HashMap<CellKey, CellResult> = done_before
        .into_iter()
        .map(|c| (c.key.clone(), c))
        .collect();

    // Load every dataset; one unreadable file does not stop the others.
    let mut datasets: Vec<Dataset> = Vec::new();
    let mut records: Vec<DatasetRecord> = Vec::new();
    let mut unreadable = Vec::new();
    for path in &settings.files {
        match data::load_csv(path, &settings.load) {
            Ok(mut dataset) => {
                dataset.name = unique_name(&dataset.name, &records);
                let record = plan_dataset(&dataset, &models, settings);
                match logged_datasets.iter().find(|d| d.name == record.name) {
                    // A resumed run must see the same file and folds as the run it continues.
                    Some(logged)
                        if logged.sha256 != record.sha256
                            || logged.fold_plan != record.fold_plan =>
                    {
                        anyhow::bail!(
                            "{} changed since the run started (its SHA-256 or folds differ); start a new run instead of --resume",
                            dataset.path.display()
                        )
                    }
                    Some(_) => {}
                    None => log.dataset(&record)?,
                }
                on_event(RunEvent::Dataset(&record));
                records.push(record);
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

    // Plan the cells; refused models are settled now, without running.
    let mut planned = Vec::new();
    let mut settled = Vec::new();
    let mut resumed = Vec::new();
    for (d, (dataset, record)) in datasets.iter().zip(&records).enumerate() {
        let Some(plan) = &record.fold_plan else {
            continue;
        };
        for model_name in &record.models {
            let model = models
                .iter()
                .find(|m| m.name() == model_name)
                .expect("planned models come from the selection");
            let train_rows = dataset.n_rows() - dataset.n_rows() / settings.folds;
            let refusal = model
                .check_feasible(train_rows, dataset.features.ncols())
                .err();
            for variant in experiments::variants(model_name, settings.experiments) {
                let repeats = if variant.all_repeats {
                    plan.repeats()
                } else {
                    1
                };
                for repeat in 0..repeats {
                    for fold in 0..plan.folds {
                        let key = CellKey {
                            dataset: dataset.name.clone(),
                            model: model_name.clone(),
                            repeat,
                            fold,
                            setting: variant.setting.clone(),
                            train_percent: variant.train_percent,
                        };
                        let order = planned.len() + settled.len() + resumed.len();
                        if let Some(result) = done_before.remove(&key) {
                            resumed.push((order, result));
                            continue;
                        }
                        match &refusal {
                            Some(reason) => settled.push((
                                order,
                                CellResult {
                                    key,
                                    status: CellStatus::Refused,
                                    reason: Some(reason.clone()),
                                    measurement: None,
                                },
                            )),
                            None => planned.push(PlannedCell {
                                order,
                                dataset: d,
                                seed: cell_seed(settings.seed, &key),
                                key,
                            }),
                        }
                    }
                }
            }
        }
    }
    let total = planned.len() + settled.len() + resumed.len();
    on_event(RunEvent::Planned { cells: total });

    let mut finished: Vec<(usize, CellResult)> = Vec::with_capacity(total);
    // Cells from an earlier run are in the log already; refusals are logged now.
    let already_logged = resumed.len();
    for (index, (order, result)) in resumed.into_iter().chain(settled).enumerate() {
        if index >= already_logged {
            log.cell(&result)?;
        }
        finished.push((order, result));
        on_event(RunEvent::CellDone {
            result: &finished[finished.len() - 1].1,
            done: finished.len(),
            total,
        });
    }

    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel::<(usize, CellResult)>();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        for _ in 0..settings.jobs.max(1) {
            let sender = sender.clone();
            let (next, planned, datasets, records) = (&next, &planned, &datasets, &records);
            scope.spawn(move || loop {
                let index = next.fetch_add(1, Ordering::SeqCst);
                let Some(cell) = planned.get(index) else {
                    break;
                };
                let result = run_cell(
                    cell,
                    &datasets[cell.dataset],
                    &records[cell.dataset],
                    settings,
                );
                if sender.send((cell.order, result)).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        for (order, result) in receiver {
            log.cell(&result)?;
            finished.push((order, result));
            on_event(RunEvent::CellDone {
                result: &finished[finished.len() - 1].1,
                done: finished.len(),
                total,
            });
        }
        Ok(())
    })?;

    finished.sort_by_key(|(order, _)| *order);
    let results = RunResults {
        header,
        datasets: records,
        cells: finished.into_iter().map(|(_, r)| r).collect(),
    };
    let results_path = settings.out_dir.join("results.json");
    let json = serde_json::to_vec_pretty(&results).context("Could not encode the results")?;
    write_atomically(&results_path, &json)?;
    Ok(Comparison {
        results,
        unreadable,
        results_path,
    })
}

/// The dataset's record: which models apply, its folds, or why it is skipped.
fn plan_dataset(
    dataset: &Dataset,
    models: &[Box<dyn Model>],
    settings: &CompareSettings,
) -> DatasetRecord {
    let task = dataset.task();
    let applicable: Vec<String> = models
        .iter()
        .filter(|m| m.tasks().contains(&task))
        .map(|m| m.name().to_string())
        .collect();
    let min_rows = 2 * settings.folds;
    let skipped = if dataset.n_rows() < min_rows {
        Some(format!(
            "{} rows is too few for {}-fold cross-validation (needs at least {min_rows}); lower --folds",
            dataset.n_rows(),
            settings.folds
        ))
    } else if applicable.is_empty() {
        Some(format!("none of the selected models handles {task}"))
    } else {
        None
    };
    let fold_seed = SeededRng::derive(settings.seed, fnv1a(dataset.name.as_bytes())).next_u64();
    let fold_plan = skipped.is_none().then(|| match &dataset.target {
        Target::Classes { names, labels } => FoldPlan::stratified(
            labels,
            names.len(),
            settings.folds,
            settings.repeats,
            fold_seed,
        ),
        Target::Values(values) => {
            FoldPlan::plain(values.len(), settings.folds, settings.repeats, fold_seed)
        }
    });
    DatasetRecord {
        name: dataset.name.clone(),
        path: dataset.path.clone(),
        sha256: dataset.sha256.clone(),
        task,
        rows: dataset.n_rows(),
        features: dataset.features.ncols(),
        feature_names: dataset.feature_names.clone(),
        target: dataset.target_name.clone(),
        class_names: dataset.class_names().to_vec(),
        class_counts: dataset.class_counts(),
        warnings: dataset.report.warnings.clone(),
        skipped,
        models: applicable,
        fold_plan,
    }
}

fn new_header(settings: &CompareSettings, models: &[Box<dyn Model>]) -> RunHeader {
    RunHeader {
        format_version: RESULTS_FORMAT_VERSION,
        modelbench_version: env!("CARGO_PKG_VERSION").to_string(),
        command_line: settings.command_line.clone(),
        files: settings.files.clone(),
        experiments: settings.experiments,
        seed: settings.seed,
        folds: settings.folds,
        repeats: settings.repeats,
        timeout_s: settings.timeout.as_secs_f64(),
        max_memory_mb: settings.max_memory_mb,
        load_options: settings.load.clone(),
        library_versions: library_versions(),
        models: models.iter().map(|m| ModelRecord::of(m.as_ref())).collect(),
    }
}

fn run_cell(
    cell: &PlannedCell,
    dataset: &Dataset,
    record: &DatasetRecord,
    settings: &CompareSettings,
) -> CellResult {
    let plan = record
        .fold_plan
        .as_ref()
        .expect("cells are planned only for datasets with folds");
    let mut timeout = settings.timeout;
    if let Some(deadline) = settings.deadline {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return CellResult {
                key: cell.key.clone(),
                status: CellStatus::Refused,
                reason: Some(
                    "skipped: the time budget ran out before this cell started".to_string(),
                ),
                measurement: None,
            };
        }
        timeout = timeout.min(left);
    }
    let outcome = match &settings.isolation {
        Isolation::Worker(executable) => {
            let job = WorkerJob {
                dataset_path: dataset.path.clone(),
                load_options: settings.load.clone(),
                sha256: dataset.sha256.clone(),
                folds: plan.folds,
                fold_of_row: plan.assignments[cell.key.repeat].clone(),
                fold: cell.key.fold,
                model: cell.key.model.clone(),
                setting: cell.key.setting.clone(),
                train_percent: cell.key.train_percent,
                seed: cell.seed,
                max_memory_mb: settings.max_memory_mb,
            };
            worker::run_in_worker(executable, &job, timeout)
        }
        Isolation::InProcess => in_process(cell, dataset, plan),
    };
    let (status, reason, measurement) = match outcome {
        WorkerOutcome::Measured(m) => (CellStatus::Ok, None, Some(*m)),
        WorkerOutcome::Failed(reason) => (CellStatus::Failed, Some(reason), None),
        WorkerOutcome::TimedOut if timeout < settings.timeout => (
            CellStatus::TimedOut,
            Some("stopped when the time budget ran out".to_string()),
            None,
        ),
        WorkerOutcome::TimedOut => (
            CellStatus::TimedOut,
            Some(format!(
                "stopped after the --timeout of {} s",
                settings.timeout.as_secs_f64()
            )),
            None,
        ),
    };
    CellResult {
        key: cell.key.clone(),
        status,
        reason,
        measurement,
    }
}

fn in_process(cell: &PlannedCell, dataset: &Dataset, plan: &FoldPlan) -> WorkerOutcome {
    let model = match models::resolve_model(&cell.key.model, cell.key.setting.as_deref()) {
        Ok(model) => model,
        Err(e) => return WorkerOutcome::Failed(e.to_string()),
    };
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        cell::evaluate(
            dataset,
            plan,
            cell.key.repeat,
            cell.key.fold,
            cell.key.train_percent,
            model.as_ref(),
            cell.seed,
        )
    }));
    match attempt {
        Ok(Ok(m)) => WorkerOutcome::Measured(Box::new(m)),
        Ok(Err(e)) => WorkerOutcome::Failed(e.to_string()),
        Err(_) => WorkerOutcome::Failed("panicked".to_string()),
    }
}

/// A name not used by an earlier dataset of this run (two files may share a stem).
fn unique_name(name: &str, earlier: &[DatasetRecord]) -> String {
    let taken = |n: &str| earlier.iter().any(|r| r.name == n);
    if !taken(name) {
        return name.to_string();
    }
    (2..)
        .map(|i| format!("{name}-{i}"))
        .find(|n| !taken(n))
        .expect("some suffix is free")
}

/// The seed of one cell, from the run's seed and the cell's key alone.
fn cell_seed(seed: u64, key: &CellKey) -> u64 {
    let label = format!("{}/{}/{}/{}", key.dataset, key.model, key.repeat, key.fold);
    SeededRng::derive(seed, fnv1a(label.as_bytes())).next_u64()
}

/// FNV-1a: a stable hash for deriving seeds from names (std's hasher may change between
/// Rust releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// The default output folder for a run: `reports/<prefix>-<unix seconds>`.
pub fn default_out_dir(reports: &Path, prefix: &str) -> PathBuf {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    reports.join(format!("{prefix}-{seconds}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_seeds_depend_on_the_key_only() {
        let key = |fold| CellKey {
            dataset: "iris".into(),
            model: "knn".into(),
            repeat: 0,
            fold,
            setting: None,
            train_percent: None,
        };
        assert_eq!(cell_seed(7, &key(1)), cell_seed(7, &key(1)));
        assert_ne!(cell_seed(7, &key(1)), cell_seed(7, &key(2)));
        assert_ne!(cell_seed(7, &key(1)), cell_seed(8, &key(1)));
    }

    #[test]
    fn unknown_model_names_are_refused_with_the_list() {
        let selection = ModelSelection {
            include: Some(vec!["no-such-model".into()]),
            exclude: Vec::new(),
        };
        let err = select_models(&selection).err().unwrap().to_string();
        assert!(
            err.contains("unknown model 'no-such-model'") && err.contains("majority"),
            "{err}"
        );
    }
}
