//! Running one cell in a separate worker process, so that a fit which panics, aborts
//! (a stack overflow in a library), or runs past its time limit costs only its own cell.
//!
//! The parent writes a [`WorkerJob`] as JSON to the worker's stdin (`modelbench worker`); the
//! worker loads the dataset itself, runs the cell and writes a [`WorkerReply`] to stdout. The
//! parent kills a worker that passes the timeout, which also frees its CPU at once.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::cell::{self, Measurement};
use super::folds::FoldPlan;
use crate::data::{self, LoadOptions};
use crate::models;

/// Everything a worker needs to run one cell.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkerJob {
    pub dataset_path: PathBuf,
    pub load_options: LoadOptions,
    /// The worker refuses to run if the file changed since the run started.
    pub sha256: String,
    pub folds: usize,
    /// Fold of every row in this cell's repeat.
    pub fold_of_row: Vec<usize>,
    pub fold: usize,
    pub model: String,
    /// Changed settings for the tuning grid (see `Model::with_settings`).
    #[serde(default)]
    pub setting: Option<String>,
    /// Share of the training fold to use, for learning curves.
    #[serde(default)]
    pub train_percent: Option<u8>,
    pub seed: u64,
    /// `--max-memory`: the worker caps its own address space at this many MB first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_memory_mb: Option<u64>,
}

/// The worker's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum WorkerReply {
    Measured(Box<Measurement>),
    Failed(String),
}

/// How a cell run in a worker ended, as the parent saw it.
#[derive(Debug, Clone)]
pub enum WorkerOutcome {
    Measured(Box<Measurement>),
    Failed(String),
    TimedOut,
    /// Stopped because the run was interrupted (Ctrl-C); the cell is not recorded.
    Interrupted,
}

/// Runs a job in this process; a panic becomes a failure with its message.
pub fn run_job(job: &WorkerJob) -> WorkerReply {
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_job_unguarded(job)));
    match attempt {
        Ok(Ok(measurement)) => WorkerReply::Measured(Box::new(measurement)),
        Ok(Err(message)) => WorkerReply::Failed(message),
        Err(panic) => WorkerReply::Failed(format!("panicked: {}", panic_message(&panic))),
    }
}

fn run_job_unguarded(job: &WorkerJob) -> Result<Measurement, String> {
    let dataset =
        data::load_csv(&job.dataset_path, &job.load_options).map_err(|e| e.to_string())?;
    if dataset.sha256 != job.sha256 {
        return Err(format!(
            "{} changed since the run started (SHA-256 differs); rerun the comparison",
            job.dataset_path.display()
        ));
    }
    if job.fold_of_row.len() != dataset.n_rows() {
        return Err(format!(
            "fold assignment has {} rows but the dataset has {}",
            job.fold_of_row.len(),
            dataset.n_rows()
        ));
    }
    let model =
        models::resolve_model(&job.model, job.setting.as_deref()).map_err(|e| e.to_string())?;
    let plan = FoldPlan {
        folds: job.folds,
        assignments: vec![job.fold_of_row.clone()],
    };
    cell::evaluate(
        &dataset,
        &plan,
        0,
        job.fold,
        job.train_percent,
        model.as_ref(),
        job.seed,
    )
    .map_err(|e| e.to_string())
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

/// The worker side: read a job from `input`, run it, write the reply to `output`.
pub fn serve(input: impl Read, mut output: impl Write) -> anyhow::Result<()> {
    let job: WorkerJob = serde_json::from_reader(input)?;
    let reply = match job.max_memory_mb.map(limit_address_space) {
        Some(Err(reason)) => WorkerReply::Failed(reason),
        _ => run_job(&job),
    };
    serde_json::to_writer(&mut output, &reply)?;
    output.flush()?;
    Ok(())
}

/// The parent side: runs `job` in `executable worker`, stopping it after `timeout`.
pub fn run_in_worker(
    executable: &std::path::Path,
    job: &WorkerJob,
    timeout: Duration,
) -> WorkerOutcome {
    match spawn_and_wait(executable, job, timeout) {
        Ok(outcome) => outcome,
        Err(e) => WorkerOutcome::Failed(format!("could not run the worker process: {e}")),
    }
}

fn spawn_and_wait(
    executable: &std::path::Path,
    job: &WorkerJob,
    timeout: Duration,
) -> std::io::Result<WorkerOutcome> {
    let mut command = Command::new(executable);
    command
        .arg("worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own process group: a Ctrl-C at the terminal reaches the parent only, which stops
    // the workers itself and records none of the cells they were running.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command.spawn()?;
    let job_json = serde_json::to_vec(job).map_err(std::io::Error::other)?;
    if let Some(mut stdin) = child.stdin.take() {
        // A worker that dies at once closes the pipe; its exit status tells why.
        let _ = stdin.write_all(&job_json);
    }
    let stdout = read_in_background(child.stdout.take());
    let stderr = read_in_background(child.stderr.take());

    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() >= timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(WorkerOutcome::TimedOut);
        }
        if super::interrupt::requested() {
            let _ = child.kill();
            let _ = child.wait();
            return Ok(WorkerOutcome::Interrupted);
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    if let Ok(reply) = serde_json::from_slice::<WorkerReply>(&stdout) {
        return Ok(match reply {
            WorkerReply::Measured(m) => WorkerOutcome::Measured(m),
            WorkerReply::Failed(reason) => WorkerOutcome::Failed(reason),
        });
    }
    Ok(WorkerOutcome::Failed(describe_crash(
        status,
        &stderr,
        job.max_memory_mb,
    )))
}

fn read_in_background(
    pipe: Option<impl Read + Send + 'static>,
) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// Caps this process's address space (`RLIMIT_AS`) at `mb` megabytes, so that an allocation
/// past it fails (Rust then aborts with "memory allocation of N bytes failed", which the parent
/// reports as exceeding `--max-memory`) instead of exhausting the machine.
#[cfg(target_os = "linux")]
fn limit_address_space(mb: u64) -> Result<(), String> {
    let bytes = mb.saturating_mul(1024 * 1024) as libc::rlim_t;
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read or write the struct passed by reference.
    let set = unsafe {
        libc::getrlimit(libc::RLIMIT_AS, &mut limit) == 0 && {
            // The soft limit only, and never above the hard limit (raising that needs root).
            limit.rlim_cur = bytes.min(limit.rlim_max);
            libc::setrlimit(libc::RLIMIT_AS, &limit) == 0
        }
    };
    if set {
        Ok(())
    } else {
        Err(format!(
            "could not apply --max-memory of {mb} MB: {}",
            std::io::Error::last_os_error()
        ))
    }
}

#[cfg(not(target_os = "linux"))]
fn limit_address_space(mb: u64) -> Result<(), String> {
    Err(format!(
        "--max-memory ({mb} MB) is supported on Linux only; run without it"
    ))
}

/// A reason for a worker that died without answering: its signal and its last words. An
/// allocation failure under `--max-memory` is reported as exceeding it.
fn describe_crash(
    status: std::process::ExitStatus,
    stderr: &[u8],
    max_memory_mb: Option<u64>,
) -> String {
    let text = String::from_utf8_lossy(stderr);
    // Rust prints "memory allocation of N bytes failed", then maybe a note on backtraces.
    let allocation_failed = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("memory allocation of") && l.ends_with("failed"));
    if let (Some(mb), Some(line)) = (max_memory_mb, allocation_failed) {
        return format!("exceeded --max-memory of {mb} MB ({line})");
    }
    let last_line = allocation_failed
        .or_else(|| text.lines().map(str::trim).rev().find(|l| !l.is_empty()))
        .map(str::to_string);
    #[cfg(unix)]
    let how = {
        use std::os::unix::process::ExitStatusExt;
        match status.signal() {
            Some(6) => "aborted (SIGABRT)".to_string(),
            Some(9) => "was killed (SIGKILL; out of memory?)".to_string(),
            Some(11) => "crashed (SIGSEGV)".to_string(),
            Some(signal) => format!("died from signal {signal}"),
            None => format!("exited with {status} without an answer"),
        }
    };
    #[cfg(not(unix))]
    let how = format!("exited with {status} without an answer");
    match last_line {
        Some(line) => format!("worker {how}: {line}"),
        None => format!("worker {how}"),
    }
}
