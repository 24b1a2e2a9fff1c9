//! A real Slurm: plans a small run, submits it with `modelbench slurm --submit`, waits, and
//! checks the collected results equal a local `compare` with the same seed; then cancels one
//! array task of a second submission and checks that `collect` names the missing cell and
//! `slurm --missing-only --submit` completes it.
//!
//! Runs only when a cluster answers (`sinfo` succeeds), or fails when
//! MODELBENCH_REQUIRE_SLURM=1 (as CI sets) and none does. `tests/slurm/start-cluster.sh`
//! starts a single-node cluster on this machine; `tests/slurm/stop-cluster.sh` stops it.

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long one submission may take, queueing included, before the test gives up.
const WAIT_LIMIT: Duration = Duration::from_secs(180);

fn cluster_answers() -> bool {
    Command::new("sinfo")
        .arg("-h")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether to run: a cluster answers, or the environment requires one (then its absence fails).
fn slurm_available() -> bool {
    if cluster_answers() {
        return true;
    }
    if std::env::var("MODELBENCH_REQUIRE_SLURM").as_deref() == Ok("1") {
        panic!(
            "MODELBENCH_REQUIRE_SLURM=1 but no Slurm cluster answers (`sinfo` fails); start one with tests/slurm/start-cluster.sh"
        );
    }
    eprintln!(
        "SKIPPED: no Slurm cluster answers (`sinfo`); start one with tests/slurm/start-cluster.sh, or set MODELBENCH_REQUIRE_SLURM=1 to make this a failure"
    );
    false
}

fn modelbench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_modelbench"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("SLURM_ARRAY_TASK_ID")
        .output()
        .expect("the modelbench binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const PROTOCOL: [&str; 10] = [
    "--models",
    "majority,knn",
    "--folds",
    "2",
    "--repeats",
    "1",
    "--quick",
    "--seed",
    "21",
    "--timeout",
];

fn plan(dir: &Path) {
    let mut args = vec!["plan", "datasets/iris.csv"];
    args.extend(PROTOCOL);
    args.extend(["60", "--out", dir.to_str().unwrap()]);
    let output = modelbench(&args);
    assert!(output.status.success(), "{}", text(&output.stderr));
}

/// Submits the plan in `dir` and returns (array job id, collect job id).
fn submit(dir: &Path, extra: &[&str]) -> (String, String) {
    let mut args = vec!["slurm", dir.to_str().unwrap(), "--submit", "--mem", "500M"];
    args.extend(extra);
    let output = modelbench(&args);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{stdout}{}", text(&output.stderr));
    let id = |name: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} in:\n{stdout}"))
            .to_string()
    };
    (id("array_job"), id("collect_job"))
}

/// Waits until Slurm no longer lists `job` as pending or running.
fn wait_for(job: &str, dir: &Path) {
    let started = Instant::now();
    loop {
        let output = Command::new("squeue")
            .args(["-h", "-j", job, "-o", "%T"])
            .output()
            .expect("squeue runs");
        let states = text(&output.stdout);
        let active = states
            .lines()
            .any(|s| ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING"].contains(&s.trim()));
        if !output.status.success() || !active {
            return;
        }
        if started.elapsed() > WAIT_LIMIT {
            let _ = Command::new("scancel").arg(job).status();
            let logs = std::fs::read_dir(dir.join("slurm/logs"))
                .map(|entries| {
                    entries
                        .filter_map(|e| e.ok())
                        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default();
            panic!("job {job} still {states:?} after {WAIT_LIMIT:?}; logs:\n{logs}");
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Results without what differs between runs: timings, memory, command line, hosts, paths.
fn comparable(path: &Path) -> Value {
    let mut results: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    results["header"]["command_line"] = Value::Null;
    for cell in results["cells"].as_array_mut().unwrap() {
        cell.as_object_mut().unwrap().remove("host");
        if let Some(m) = cell.get_mut("measurement").and_then(Value::as_object_mut) {
            m.remove("fit_ms");
            m.remove("predict_ms");
            m.remove("fit_peak_bytes");
        }
    }
    results
}

#[test]
fn a_slurm_array_gives_the_local_numbers_and_cancelled_cells_are_resubmitted() {
    if !slurm_available() {
        return;
    }
    // Under the crate folder: a cluster's nodes see it when it is on a shared file system.
    let root = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();

    // 1. The whole plan through Slurm equals a local compare with the same seed.
    let dir = root.path().join("plan");
    plan(&dir);
    let (array, collect) = submit(&dir, &["--max-concurrent", "4"]);
    wait_for(&array, &dir);
    wait_for(&collect, &dir);
    assert!(
        dir.join("results.json").exists(),
        "the collect job wrote no results.json"
    );
    let local = root.path().join("local");
    let mut args = vec!["compare", "datasets/iris.csv"];
    args.extend(PROTOCOL);
    args.extend(["60", "--out", local.to_str().unwrap()]);
    let output = modelbench(&args);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let from_slurm = comparable(&dir.join("results.json"));
    assert_eq!(from_slurm["cells"].as_array().unwrap().len(), 4);
    assert_eq!(from_slurm, comparable(&local.join("results.json")));

    // 2. One array task cancelled before it ran: collect names its cell, --missing-only
    //    completes it. One task at a time, so the last one is still pending when cancelled.
    let dir = root.path().join("cancelled");
    plan(&dir);
    let (array, collect) = submit(&dir, &["--max-concurrent", "1"]);
    let cancelled = Command::new("scancel")
        .arg(format!("{array}_3"))
        .status()
        .expect("scancel runs");
    assert!(cancelled.success());
    wait_for(&array, &dir);
    wait_for(&collect, &dir);
    let partial = modelbench(&["collect", dir.to_str().unwrap()]);
    let message = text(&partial.stderr);
    assert_eq!(partial.status.code(), Some(3), "{message}");
    assert!(
        message.contains("1 of 4 cells have no result yet: 3"),
        "{message}"
    );
    assert!(message.contains("--missing-only"), "{message}");

    let (array, collect) = submit(&dir, &["--missing-only"]);
    let script = std::fs::read_to_string(dir.join("slurm/array-missing.sbatch")).unwrap();
    assert!(
        script.contains("--array=0-0%") && script.contains("--cells 3\n"),
        "{script}"
    );
    wait_for(&array, &dir);
    wait_for(&collect, &dir);
    let complete = modelbench(&["collect", dir.to_str().unwrap()]);
    assert!(complete.status.success(), "{}", text(&complete.stderr));
    assert_eq!(
        comparable(&dir.join("results.json")),
        comparable(&local.join("results.json"))
    );
}
