//! Resource limits end to end: a model that allocates past `--max-memory`, and one that
//! overflows its stack, each fail their own cells with the reason while the other models' cells
//! run; a resumed run keeps the memory limit of the run it continues; and a dataset whose name
//! is `..` writes nothing outside `--out`.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn modelbench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_modelbench"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("MODELBENCH_FAULT_MODELS", "1")
        .output()
        .expect("the modelbench binary runs")
}

fn read_results(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("results.json")).expect("results.json is written");
    serde_json::from_str(&text).expect("results.json is JSON")
}

/// (status, reason) of every cell of `model`.
fn outcomes(results: &Value, model: &str) -> Vec<(String, String)> {
    results["cells"]
        .as_array()
        .expect("cells is an array")
        .iter()
        .filter(|c| c["model"] == model)
        .map(|c| {
            (
                c["status"].as_str().unwrap_or("").to_string(),
                c["reason"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn assert_all(results: &Value, model: &str, status: &str, reason_parts: &[&str]) {
    let cells = outcomes(results, model);
    assert_eq!(cells.len(), 2, "{model}: two folds, one repeat");
    for (s, reason) in &cells {
        assert_eq!(s, status, "{model}: {reason}");
        for part in reason_parts {
            assert!(reason.contains(part), "{model}: '{reason}' lacks '{part}'");
        }
    }
}

fn compare_args<'a>(models: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "compare",
        "datasets/iris.csv",
        "--models",
        models,
        "--folds",
        "2",
        "--repeats",
        "1",
        "--quick",
        "--max-memory",
        "300",
        "--timeout",
        "60",
        "--out",
        out,
    ]
}

#[test]
fn memory_hog_and_stack_overflow_fail_their_own_cells_only() {
    let root = tempfile::tempdir().expect("a temporary folder");
    let out = root.path().join("limits");
    let out_text = out.to_str().expect("a UTF-8 path");
    let output = modelbench(&compare_args(
        "majority,knn,fault-alloc,fault-stack-overflow",
        out_text,
    ));
    // Completed, with failed cells: exit status 3.
    assert_eq!(
        output.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results = read_results(&out);
    assert_eq!(results["header"]["max_memory_mb"], 300);
    assert_all(&results, "majority", "ok", &[]);
    assert_all(&results, "knn", "ok", &[]);
    assert_all(
        &results,
        "fault-alloc",
        "failed",
        &["exceeded --max-memory of 300 MB", "memory allocation of"],
    );
    assert_all(
        &results,
        "fault-stack-overflow",
        "failed",
        &["SIGABRT", "stack overflow"],
    );
}

#[test]
fn a_resumed_run_keeps_the_memory_limit() {
    let root = tempfile::tempdir().expect("a temporary folder");
    let out = root.path().join("resumable");
    let out_text = out.to_str().expect("a UTF-8 path");
    let first = modelbench(&compare_args("majority,fault-alloc", out_text));
    assert_eq!(
        first.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    // As if killed before any cell finished: keep the header and the dataset records only.
    let log_path = out.join("results.jsonl");
    let log = std::fs::read_to_string(&log_path).expect("the log");
    let kept: String = log
        .lines()
        .filter(|l| !l.contains("\"record\":\"cell\""))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&log_path, kept).expect("rewrite the log");
    std::fs::remove_file(out.join("results.json")).expect("remove results.json");

    // Without the limit, fault-alloc would allocate 2 GiB and fail with another reason.
    let resumed = modelbench(&["compare", "--resume", out_text]);
    assert_eq!(
        resumed.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    let results = read_results(&out);
    assert_eq!(results["header"]["max_memory_mb"], 300);
    assert_all(&results, "majority", "ok", &[]);
    assert_all(
        &results,
        "fault-alloc",
        "failed",
        &["exceeded --max-memory of 300 MB"],
    );
}

#[test]
fn a_memory_limit_too_small_to_start_is_refused_by_the_parser() {
    let output = modelbench(&["compare", "datasets/iris.csv", "--max-memory", "0"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--max-memory"), "{stderr}");
    assert!(stderr.contains("0 is not in 16.."), "{stderr}");
}

/// Every file below `dir`, relative to it.
fn files_below(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).expect("a readable folder") {
            let path = entry.expect("a readable entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).expect("below dir");
                found.push(relative.display().to_string());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn a_dataset_named_dot_dot_writes_only_into_the_output_folder() {
    // `...csv` has the stem `..`: a dataset name that, joined to a path, would climb out.
    let root = tempfile::tempdir().expect("a temporary folder");
    let data = root.path().join("data");
    std::fs::create_dir(&data).expect("a data folder");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/constant_feature.csv");
    std::fs::copy(source, data.join("...csv")).expect("copy the dataset");
    let out = data.join("out");
    let output = Command::new(env!("CARGO_BIN_EXE_modelbench"))
        .arg("compare")
        .arg(data.join("...csv"))
        .args([
            "--models",
            "majority",
            "--folds",
            "2",
            "--repeats",
            "1",
            "--quick",
            "--out",
        ])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the modelbench binary runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(read_results(&out)["datasets"][0]["name"], "..");
    let outside: Vec<String> = files_below(root.path())
        .into_iter()
        .filter(|f| !f.starts_with("data/out/") && f != "data/...csv")
        .collect();
    assert!(outside.is_empty(), "written outside --out: {outside:?}");
    assert!(files_below(&out).contains(&"results.json".to_string()));
}
