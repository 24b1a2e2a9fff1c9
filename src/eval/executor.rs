//! Executors: how a planned cell is run. One small trait, [`Executor`], with two
//! implementations: worker processes (the normal mode, used by `compare` and by `run-cell` in
//! a Slurm array or Kubernetes job) and in-process (for tests and library use). [`run_pool`]
//! runs a list of cells on `jobs` threads with any executor; [`run_cell`] turns one planned
//! cell into its recorded result.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::cell::{CellResult, CellStatus};
use super::host::HostInfo;
use super::interrupt;
use super::plan::PlannedCell;
use super::protocol::Protocol;
use super::results::DatasetRecord;
use super::worker::{self, WorkerJob, WorkerOutcome, WorkerReply};

/// Runs one cell's job and says how it ended.
pub trait Executor: Sync {
    fn execute(&self, job: &WorkerJob, timeout: Duration) -> WorkerOutcome;
}

/// Each cell in a worker process started from `executable` (`EXE worker`): a panic, an abort
/// or a fit past its timeout costs only that cell.
pub struct WorkerProcesses {
    pub executable: PathBuf,
}

impl Executor for WorkerProcesses {
    fn execute(&self, job: &WorkerJob, timeout: Duration) -> WorkerOutcome {
        worker::run_in_worker(&self.executable, job, timeout)
    }
}

/// Each cell in this process: no timeout and no memory limit, and an abort ends the run.
pub struct InProcess;

impl Executor for InProcess {
    fn execute(&self, job: &WorkerJob, _timeout: Duration) -> WorkerOutcome {
        match worker::run_job(job) {
            WorkerReply::Measured(m) => WorkerOutcome::Measured(m),
            WorkerReply::Failed(reason) => WorkerOutcome::Failed(reason),
        }
    }
}

/// What a worker needs to run `cell` of the dataset `record`.
pub fn worker_job(cell: &PlannedCell, record: &DatasetRecord, protocol: &Protocol) -> WorkerJob {
    let folds = record
        .fold_plan
        .as_ref()
        .expect("cells are planned only for datasets with folds");
    WorkerJob {
        dataset_path: record.path.clone(),
        load_options: protocol.load.clone(),
        sha256: record.sha256.clone(),
        folds: folds.folds,
        fold_of_row: folds.assignments[cell.key.repeat].clone(),
        fold: cell.key.fold,
        model: cell.key.model.clone(),
        setting: cell.key.setting.clone(),
        train_percent: cell.key.train_percent,
        seed: cell.seed,
        max_memory_mb: protocol.max_memory_mb,
    }
}

/// Runs one planned cell (a refused one is settled without running); `None` when a stop was
/// requested before or while it ran, so that nothing half-done is recorded.
pub fn run_cell(
    executor: &dyn Executor,
    cell: &PlannedCell,
    record: &DatasetRecord,
    protocol: &Protocol,
    deadline: Option<Instant>,
) -> Option<CellResult> {
    if let Some(refused) = cell.refused_result() {
        return Some(refused);
    }
    if interrupt::requested() {
        return None;
    }
    let mut timeout = protocol.timeout();
    if let Some(deadline) = deadline {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Some(CellResult {
                key: cell.key.clone(),
                status: CellStatus::Refused,
                reason: Some(
                    "skipped: the time budget ran out before this cell started".to_string(),
                ),
                measurement: None,
                host: None,
            });
        }
        timeout = timeout.min(left);
    }
    let outcome = executor.execute(&worker_job(cell, record, protocol), timeout);
    // A worker that fails while a stop is requested may have been killed by the same signal
    // (`scancel` signals every process of the job): not a result of the cell.
    if interrupt::requested() && !matches!(outcome, WorkerOutcome::Measured(_)) {
        return None;
    }
    let (status, reason, measurement) = match outcome {
        WorkerOutcome::Interrupted => return None,
        WorkerOutcome::Measured(m) => (CellStatus::Ok, None, Some(*m)),
        WorkerOutcome::Failed(reason) => (CellStatus::Failed, Some(reason), None),
        WorkerOutcome::TimedOut if timeout < protocol.timeout() => (
            CellStatus::TimedOut,
            Some("stopped when the time budget ran out".to_string()),
            None,
        ),
        WorkerOutcome::TimedOut => (
            CellStatus::TimedOut,
            Some(format!(
                "stopped after the --timeout of {} s",
                protocol.timeout_s
            )),
            None,
        ),
    };
    Some(CellResult {
        key: cell.key.clone(),
        status,
        reason,
        measurement,
        host: Some(HostInfo::current()),
    })
}

/// Runs `cells` on `jobs` threads, calling `on_done` on this thread with each finished cell
/// (in the order they finish) and its plan index. Stops taking new cells when a stop is
/// requested; cells cut short then are dropped, not reported.
pub fn run_pool(
    executor: &dyn Executor,
    jobs: usize,
    cells: &[&PlannedCell],
    records: &[DatasetRecord],
    protocol: &Protocol,
    deadline: Option<Instant>,
    on_done: &mut dyn FnMut(CellResult) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let (sender, receiver) = mpsc::channel::<CellResult>();
    std::thread::scope(|scope| -> anyhow::Result<()> {
        for _ in 0..jobs.max(1) {
            let sender = sender.clone();
            let (next, failed) = (&next, &failed);
            scope.spawn(move || loop {
                if interrupt::requested() || failed.load(Ordering::SeqCst) {
                    break;
                }
                let index = next.fetch_add(1, Ordering::SeqCst);
                let Some(cell) = cells.get(index) else {
                    break;
                };
                let record = &records[cell.dataset_index];
                let Some(result) = run_cell(executor, cell, record, protocol, deadline) else {
                    continue;
                };
                if sender.send(result).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        for result in receiver {
            if let Err(error) = on_done(result) {
                // No new cells once the results cannot be recorded.
                failed.store(true, Ordering::SeqCst);
                return Err(error);
            }
        }
        Ok(())
    })
}
