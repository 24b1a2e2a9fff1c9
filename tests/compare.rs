//! End-to-end tests of `modelbench compare`: isolation of failing and hanging models,
//! reproducibility across `--jobs`, and the results files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const FAST_MODELS: &str = "majority,knn,naive-bayes,decision-tree";

fn modelbench(args: &[&str], fault_models: bool) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_modelbench"));
    command.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    if fault_models {
        command.env("MODELBENCH_FAULT_MODELS", "1");
    }
    command.output().expect("the modelbench binary runs")
}

fn read_results(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("results.json")).expect("results.json is written");
    serde_json::from_str(&text).expect("results.json is JSON")
}

fn cells(results: &Value) -> &Vec<Value> {
    results["cells"].as_array().expect("cells is an array")
}

/// Removes what legitimately differs between two runs: timings, memory and the command line.
fn without_timings(mut results: Value) -> Value {
    results["header"]["command_line"] = Value::Null;
    for cell in results["cells"].as_array_mut().expect("cells is an array") {
        if let Some(m) = cell.get_mut("measurement").and_then(Value::as_object_mut) {
            m.remove("fit_ms");
            m.remove("predict_ms");
            m.remove("fit_peak_bytes");
            m.remove("fit_heap_peak_bytes");
        }
    }
    results
}

fn out_dir(root: &tempfile::TempDir, name: &str) -> PathBuf {
    root.path().join(name)
}

#[test]
fn failing_panicking_aborting_and_hanging_models_cost_only_their_own_cells() {
    let root = tempfile::tempdir().unwrap();
    let out = out_dir(&root, "faults");
    let output = modelbench(
        &[
            "compare",
            "datasets/iris.csv",
            "--models",
            "majority,knn,fault-error,fault-panic,fault-abort,fault-hang",
            "--folds",
            "3",
            "--repeats",
            "1",
            "--timeout",
            "2",
            "--quick",
            "--out",
            out.to_str().unwrap(),
        ],
        true,
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The run completes, but with failed and timed-out cells: its own exit status, said at the end.
    assert_eq!(
        output.status.code(),
        Some(3),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stderr.contains("9 cell(s) failed and 3 timed out"),
        "{stderr}"
    );

    let results = read_results(&out);
    let status_of = |model: &str| -> Vec<(String, String)> {
        cells(&results)
            .iter()
            .filter(|c| c["model"] == model)
            .map(|c| {
                (
                    c["status"].as_str().unwrap_or("").to_string(),
                    c["reason"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    for good in ["majority", "knn"] {
        let statuses = status_of(good);
        assert_eq!(statuses.len(), 3, "{good}");
        assert!(
            statuses.iter().all(|(s, _)| s == "ok"),
            "{good}: {statuses:?}"
        );
    }
    let expect = |model: &str, status: &str, reason_part: &str| {
        let statuses = status_of(model);
        assert_eq!(statuses.len(), 3, "{model}");
        for (s, reason) in &statuses {
            assert_eq!(s, status, "{model}: {reason}");
            assert!(
                reason.contains(reason_part),
                "{model}: '{reason}' lacks '{reason_part}'"
            );
        }
    };
    expect("fault-error", "failed", "fails on purpose");
    expect("fault-panic", "failed", "panics on purpose");
    expect("fault-abort", "failed", "SIGABRT");
    expect("fault-hang", "timed-out", "--timeout of 2 s");

    // The table still shows the good models with scores, and the bad ones with their status.
    assert!(stdout.contains("knn"), "{stdout}");
    assert!(stdout.contains("timed out 3/3"), "{stdout}");
    // The incremental log holds every cell too.
    let log = std::fs::read_to_string(out.join("results.jsonl")).unwrap();
    assert_eq!(
        log.lines()
            .filter(|l| l.contains("\"record\":\"cell\""))
            .count(),
        18
    );
}

#[test]
fn same_seed_gives_the_same_results_with_one_or_two_jobs() {
    let root = tempfile::tempdir().unwrap();
    let run = |jobs: &str, name: &str| {
        let out = out_dir(&root, name);
        let output = modelbench(
            &[
                "compare",
                "datasets/iris.csv",
                "datasets/diabetes.csv",
                "--models",
                &format!("{FAST_MODELS},mean"),
                "--folds",
                "4",
                "--repeats",
                "2",
                "--seed",
                "9",
                "--jobs",
                jobs,
                "--out",
                out.to_str().unwrap(),
            ],
            false,
        );
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        read_results(&out)
    };
    let one = run("1", "jobs1");
    let two = run("2", "jobs2");
    let is_main = |c: &&Value| c.get("setting").is_none() && c.get("train_percent").is_none();
    assert_eq!(
        cells(&one).iter().filter(is_main).count(),
        4 * 2 * 4 + 4 * 2 * 3,
        "iris x 4 models + diabetes x 3 models"
    );
    // Learning curves (10, 25, 50%) on the first repeat, and the tree's depth grid.
    assert!(cells(&one)
        .iter()
        .any(|c| c["train_percent"] == 10 && c["model"] == "knn"));
    assert!(cells(&one).iter().any(|c| c["setting"] == "max_depth=2"));
    let not_ok: Vec<&Value> = cells(&one).iter().filter(|c| c["status"] != "ok").collect();
    assert!(not_ok.is_empty(), "{not_ok:?}");
    assert_eq!(without_timings(one.clone()), without_timings(two));

    // A different seed gives different folds.
    let other = {
        let out = out_dir(&root, "seed10");
        let output = modelbench(
            &[
                "compare",
                "datasets/iris.csv",
                "--models",
                "majority",
                "--folds",
                "4",
                "--repeats",
                "2",
                "--seed",
                "10",
                "--out",
                out.to_str().unwrap(),
            ],
            false,
        );
        assert!(output.status.success());
        read_results(&out)
    };
    assert_ne!(
        one["datasets"][0]["fold_plan"],
        other["datasets"][0]["fold_plan"]
    );
}

#[test]
fn results_record_folds_versions_and_hashes_and_skip_tiny_datasets() {
    let root = tempfile::tempdir().unwrap();
    let out = out_dir(&root, "record");
    let output = modelbench(
        &[
            "compare",
            "datasets/iris.csv",
            "datasets/toy_article.csv",
            "--models",
            "majority",
            "--quick",
            "--out",
            out.to_str().unwrap(),
        ],
        false,
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results = read_results(&out);
    let iris = &results["datasets"][0];
    assert_eq!(iris["name"], "iris");
    assert_eq!(iris["sha256"].as_str().unwrap().len(), 64);
    let plan = &iris["fold_plan"]["assignments"];
    assert_eq!(plan.as_array().unwrap().len(), 2, "two repeats by default");
    assert_eq!(
        plan[0].as_array().unwrap().len(),
        150,
        "a fold for every row"
    );
    assert!(results["header"]["library_versions"]["linfa"].is_string());
    assert!(results["header"]["models"][0]["settings"].is_object());
    let toy = &results["datasets"][1];
    assert!(
        toy["skipped"].as_str().unwrap().contains("too few"),
        "{toy}"
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("majority (baseline)"), "{stdout}");
}

#[test]
fn unknown_model_and_bad_arguments_are_clear_errors() {
    let output = modelbench(&["compare", "datasets/iris.csv", "--models", "nope"], false);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown model 'nope'") && stderr.contains("modelbench models"),
        "{stderr}"
    );

    let output = modelbench(&["compare", "--folds", "1"], false);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--folds"));
}

#[test]
fn a_run_killed_midway_resumes_to_the_same_results_as_an_uninterrupted_run() {
    let root = tempfile::tempdir().unwrap();
    let args = |out: &Path| -> Vec<String> {
        [
            "compare",
            "datasets/iris.csv",
            "datasets/wine.csv",
            "datasets/breast_cancer.csv",
            "--models",
            FAST_MODELS,
            "--seed",
            "5",
            "--out",
            out.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let killed = out_dir(&root, "killed");
    let mut child = Command::new(env!("CARGO_BIN_EXE_modelbench"))
        .args(args(&killed))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill (SIGKILL) once some, but not all, of the cells are logged.
    let log = killed.join("results.jsonl");
    let started = std::time::Instant::now();
    loop {
        let logged = std::fs::read_to_string(&log)
            .map(|t| t.matches("\"record\":\"cell\"").count())
            .unwrap_or(0);
        if logged >= 15 {
            break;
        }
        assert!(
            started.elapsed().as_secs() < 120,
            "the run logged too few cells"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        !killed.join("results.json").exists(),
        "killed before the end"
    );

    let resumed = modelbench(&["compare", "--resume", killed.to_str().unwrap()], false);
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );

    let whole = out_dir(&root, "whole");
    let args_whole = args(&whole);
    let uninterrupted = modelbench(
        &args_whole.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        false,
    );
    assert!(uninterrupted.status.success());

    let resumed_results = read_results(&killed);
    // Per dataset: 4 models x 10 main cells, 4 models x 3 learning-curve points x 2 folds
    // (the default --experiment-folds), and the tree's 3 depths x 2 folds.
    assert_eq!(cells(&resumed_results).len(), 3 * (40 + 24 + 6));
    assert_eq!(
        without_timings(resumed_results),
        without_timings(read_results(&whole))
    );
}

#[test]
fn resume_of_a_folder_without_a_log_says_what_it_needs() {
    let root = tempfile::tempdir().unwrap();
    let output = modelbench(
        &["compare", "--resume", root.path().to_str().unwrap()],
        false,
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("holds no results.jsonl"), "{stderr}");
}

#[test]
fn pick_recommends_a_model_with_reasons_and_honours_the_budget() {
    let root = tempfile::tempdir().unwrap();
    let out = out_dir(&root, "pick");
    let output = modelbench(
        &[
            "pick",
            "datasets/iris.csv",
            "--models",
            FAST_MODELS,
            "--json",
            "--out",
            out.to_str().unwrap(),
        ],
        false,
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answer: Value = serde_json::from_slice(&output.stdout).expect("--json prints JSON");
    let model = answer["pick"]["model"].as_str().unwrap();
    assert!(
        ["knn", "naive-bayes", "decision-tree"].contains(&model),
        "{answer}"
    );
    assert_eq!(answer["chosen"]["model"].as_str(), Some(model), "{answer}");
    assert!(answer["verdict"]["outcome"].is_object(), "{answer}");
    assert!(out.join("report.html").exists());

    // `pick --from` answers from the run's results without training: the same answer.
    let again = modelbench(&["pick", "--from", out.to_str().unwrap(), "--json"], false);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let from: Value = serde_json::from_slice(&again.stdout).expect("--json prints JSON");
    assert_eq!(from["pick"], answer["pick"]);
    assert_eq!(from["verdict"], answer["verdict"]);

    // A budget that has run out before anything starts: every cell is skipped, and said so.
    let out = out_dir(&root, "budget");
    let output = modelbench(
        &[
            "pick",
            "datasets/iris.csv",
            "--models",
            FAST_MODELS,
            "--budget",
            "0.000001",
            "--out",
            out.to_str().unwrap(),
        ],
        false,
    );
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no model completed"));
}

/// Copies the named bundled datasets into `dir`.
fn copy_datasets(dir: &Path, names: &[&str]) {
    std::fs::create_dir_all(dir).unwrap();
    for name in names {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("datasets")
            .join(name);
        std::fs::copy(from, dir.join(name)).unwrap();
    }
}

fn logged_cells(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .map(|t| t.matches("\"record\":\"cell\"").count())
        .unwrap_or(0)
}

#[cfg(unix)]
#[test]
fn ctrl_c_keeps_the_cells_says_how_to_resume_and_resume_works_from_another_folder() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    copy_datasets(&data, &["iris.csv", "wine.csv"]);
    let out = root.path().join("run");
    let args = |out: &Path| -> Vec<String> {
        [
            "compare",
            "iris.csv",
            "wine.csv",
            "--models",
            FAST_MODELS,
            "--quick",
            "--seed",
            "3",
            "--out",
            out.to_str().unwrap(),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };
    let child = Command::new(env!("CARGO_BIN_EXE_modelbench"))
        .args(args(&out))
        .current_dir(&data)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while logged_cells(&out.join("results.jsonl")) < 5 {
        assert!(
            started.elapsed().as_secs() < 120,
            "the run logged too few cells"
        );
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    // SAFETY: sends SIGINT to the child we started, as a terminal's Ctrl-C would.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
    let stopped = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&stopped.stderr);
    assert_eq!(stopped.status.code(), Some(130), "{stderr}");
    let kept = logged_cells(&out.join("results.jsonl"));
    let total = 2 * 4 * 10;
    assert!(kept >= 5 && kept < total, "kept {kept}");
    assert!(
        stderr.contains(&format!(
            "Interrupted: {kept} of {total} cells are kept in {}",
            out.display()
        )),
        "{stderr}"
    );
    let command = format!(
        "Continue with: modelbench compare --resume {}",
        out.display()
    );
    assert!(stderr.contains(&command), "{stderr}");
    assert!(
        !out.join("results.json").exists(),
        "no results or reports for a stopped run"
    );
    assert!(!out.join("report.md").exists());

    // Move one dataset away, then resume from another folder, naming its new place.
    let moved = root.path().join("elsewhere");
    std::fs::create_dir_all(&moved).unwrap();
    std::fs::rename(data.join("wine.csv"), moved.join("wine-renamed.csv")).unwrap();
    let resume = |extra: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_modelbench"));
        command
            .args(["compare", "--resume", out.to_str().unwrap()])
            .args(extra)
            .current_dir(root.path());
        command.output().unwrap()
    };
    let refused = resume(&[]);
    let refusal = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{refusal}");
    assert!(
        refusal.contains("wine.csv is no longer there") && refusal.contains("--resume"),
        "{refusal}"
    );
    assert!(
        !out.join("report.md").exists(),
        "a failed resume writes no reports"
    );
    assert_eq!(
        logged_cells(&out.join("results.jsonl")),
        kept,
        "nor touches the log"
    );

    let resumed = resume(&["elsewhere/wine-renamed.csv"]);
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert!(resumed.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "resuming: {kept} cells kept from the earlier run, {} to run",
            total - kept
        )),
        "{stderr}"
    );

    // The same numbers as a run that was never stopped.
    copy_datasets(&data, &["wine.csv"]);
    let whole = root.path().join("whole");
    let uninterrupted = Command::new(env!("CARGO_BIN_EXE_modelbench"))
        .args(args(&whole))
        .current_dir(&data)
        .output()
        .unwrap();
    assert!(uninterrupted.status.success());
    let strip = |results: Value| {
        let mut results = without_timings(results);
        results["header"]["files"] = Value::Null;
        for d in results["datasets"].as_array_mut().unwrap() {
            d["path"] = Value::Null;
        }
        results
    };
    assert_eq!(strip(read_results(&out)), strip(read_results(&whole)));
}

#[test]
fn two_runs_started_at_once_get_distinct_folders() {
    let root = tempfile::tempdir().unwrap();
    let out = out_dir(&root, "same");
    let start = || {
        Command::new(env!("CARGO_BIN_EXE_modelbench"))
            .args([
                "compare",
                "datasets/iris.csv",
                "--models",
                "majority",
                "--quick",
                "--out",
                out.to_str().unwrap(),
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (start(), start());
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(a.status.success() && b.status.success());
    let second = out_dir(&root, "same-2");
    for dir in [&out, &second] {
        let results = read_results(dir);
        assert_eq!(cells(&results).len(), 10, "{}", dir.display());
    }
    let notes = [a, b]
        .iter()
        .filter(|o| String::from_utf8_lossy(&o.stderr).contains("already holds a run"))
        .count();
    assert_eq!(notes, 1, "the run that moved aside says where it went");
}

#[test]
fn a_missing_input_file_stops_before_anything_is_written() {
    let root = tempfile::tempdir().unwrap();
    let out = out_dir(&root, "none");
    let output = modelbench(
        &[
            "compare",
            "datasets/iris.csv",
            "no-such-file.csv",
            "--out",
            out.to_str().unwrap(),
        ],
        false,
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no-such-file.csv") && stderr.contains("nothing was run or written"),
        "{stderr}"
    );
    assert!(!stderr.contains("Report:"), "{stderr}");
    assert!(!out.exists(), "no folder, no reports");
}

#[test]
fn out_dash_is_refused_with_a_pointer_to_json() {
    let output = modelbench(&["compare", "datasets/iris.csv", "--out", "-"], false);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--json"), "{stderr}");
    assert!(!Path::new(env!("CARGO_MANIFEST_DIR")).join("-").exists());
}
