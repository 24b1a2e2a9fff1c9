//! End-to-end tests of the plan folder without a cluster: `plan`, `run-cell` by index (from
//! --index, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX, as Slurm and Kubernetes set them),
//! `collect`, the scripts of `slurm` and the manifest of `k8s`, and every fault the issue
//! names: another version's plan, a changed dataset, an index out of range, a truncated cell
//! file, a collect with no results.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn modelbench(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_modelbench"));
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("the modelbench binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Plans iris (copied into `root/data`) with two cheap models, 2 folds, 1 repeat, --quick:
/// 4 cells.
fn plan(root: &Path, name: &str) -> PathBuf {
    let data = root.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let iris = data.join("iris.csv");
    if !iris.exists() {
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/iris.csv"),
            &iris,
        )
        .unwrap();
    }
    let dir = root.join(name);
    let output = modelbench(
        &[
            "plan",
            iris.to_str().unwrap(),
            "--models",
            "majority,knn",
            "--folds",
            "2",
            "--repeats",
            "1",
            "--quick",
            "--seed",
            "11",
            "--out",
            dir.to_str().unwrap(),
        ],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(String::from_utf8_lossy(&output.stdout).contains("Planned 4 cells"));
    dir
}

/// Results without what differs between runs: timings, memory, command line, hosts.
fn comparable(mut results: Value) -> Value {
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

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn cells_run_by_scheduler_index_collect_to_the_same_results_as_compare() {
    let root = tempfile::tempdir().unwrap();
    let dir = plan(root.path(), "plan");
    let d = dir.to_str().unwrap();
    // Batches of 3: index 0 as a Slurm array task, index 1 as a Kubernetes pod.
    let first = modelbench(
        &["run-cell", d, "--batch-size", "3"],
        &[("SLURM_ARRAY_TASK_ID", "0")],
    );
    assert!(first.status.success(), "{}", stderr(&first));
    let second = modelbench(
        &["run-cell", d, "--batch-size", "3"],
        &[("JOB_COMPLETION_INDEX", "1")],
    );
    assert!(second.status.success(), "{}", stderr(&second));
    for i in 0..4 {
        assert!(dir.join(format!("cells/{i:06}.json")).exists(), "cell {i}");
    }
    // Running an index again skips its done cells.
    let again = modelbench(&["run-cell", d, "--index", "1", "--batch-size", "3"], &[]);
    assert!(
        stderr(&again).contains("skipped (already done): 3"),
        "{}",
        stderr(&again)
    );

    let collected = modelbench(&["collect", d], &[]);
    assert!(collected.status.success(), "{}", stderr(&collected));
    assert!(dir.join("report.html").exists() && dir.join("report.md").exists());
    let from_cells = read_json(&dir.join("results.json"));
    assert!(from_cells["cells"][0]["host"]["cpu"].is_string());

    let out = root.path().join("compare");
    let iris = root.path().join("data/iris.csv");
    let local = modelbench(
        &[
            "compare",
            iris.to_str().unwrap(),
            "--models",
            "majority,knn",
            "--folds",
            "2",
            "--repeats",
            "1",
            "--quick",
            "--seed",
            "11",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert!(local.status.success(), "{}", stderr(&local));
    let from_compare = read_json(&out.join("results.json"));
    assert_eq!(comparable(from_cells), comparable(from_compare));
}

#[test]
fn collect_names_missing_and_truncated_cells_with_the_command_that_reruns_them() {
    let root = tempfile::tempdir().unwrap();
    let dir = plan(root.path(), "plan");
    let d = dir.to_str().unwrap();

    let nothing = modelbench(&["collect", d], &[]);
    assert_eq!(nothing.status.code(), Some(2));
    assert!(
        stderr(&nothing).contains("no cell of the plan") && stderr(&nothing).contains("run-cell"),
        "{}",
        stderr(&nothing)
    );
    assert!(!dir.join("results.json").exists());

    let ran = modelbench(&["run-cell", d, "--cells", "0-2"], &[]);
    assert!(ran.status.success(), "{}", stderr(&ran));
    // A file cut short by a crash: ignored, reported missing.
    let cut = dir.join("cells/000001.json");
    let text = std::fs::read_to_string(&cut).unwrap();
    std::fs::write(&cut, &text[..text.len() / 3]).unwrap();

    let partial = modelbench(&["collect", d], &[]);
    let message = stderr(&partial);
    assert_eq!(partial.status.code(), Some(3), "{message}");
    assert!(
        message.contains("000001.json is not a complete cell result"),
        "{message}"
    );
    assert!(
        message.contains("2 of 4 cells have no result yet: 1,3"),
        "{message}"
    );
    let rerun = format!("modelbench run-cell {d} --cells 1,3");
    assert!(message.contains(&rerun), "{message}");
    assert!(
        message.contains("slurm") && message.contains("--missing-only"),
        "{message}"
    );
    assert_eq!(
        read_json(&dir.join("results.json"))["cells"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // The named command completes the plan.
    let fix = modelbench(&["run-cell", d, "--cells", "1,3"], &[]);
    assert!(fix.status.success(), "{}", stderr(&fix));
    let complete = modelbench(&["collect", d], &[]);
    assert!(complete.status.success(), "{}", stderr(&complete));
    assert_eq!(
        read_json(&dir.join("results.json"))["cells"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
}

#[test]
fn bad_indexes_changed_datasets_and_other_versions_are_refused_clearly() {
    let root = tempfile::tempdir().unwrap();
    let dir = plan(root.path(), "plan");
    let d = dir.to_str().unwrap();

    let out_of_range = modelbench(&["run-cell", d, "--index", "2", "--batch-size", "2"], &[]);
    assert_eq!(out_of_range.status.code(), Some(2));
    assert!(
        stderr(&out_of_range).contains("index 2 is out of range")
            && stderr(&out_of_range).contains("indexes 0 to 1"),
        "{}",
        stderr(&out_of_range)
    );
    let no_index = modelbench(&["run-cell", d], &[]);
    assert!(
        stderr(&no_index).contains("SLURM_ARRAY_TASK_ID"),
        "{}",
        stderr(&no_index)
    );
    let bad_env = modelbench(&["run-cell", d], &[("SLURM_ARRAY_TASK_ID", "x")]);
    assert!(
        stderr(&bad_env).contains("not an index"),
        "{}",
        stderr(&bad_env)
    );

    let again = modelbench(&["plan", "datasets/iris.csv", "--out", d], &[]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("already holds a plan"),
        "{}",
        stderr(&again)
    );

    // The dataset changed since planning: refused, the file named, nothing written.
    let iris = root.path().join("data/iris.csv");
    let original = std::fs::read_to_string(&iris).unwrap();
    std::fs::write(&iris, original.replacen("5.1", "5.2", 1)).unwrap();
    let changed = modelbench(&["run-cell", d, "--index", "0"], &[]);
    assert_eq!(changed.status.code(), Some(2));
    assert!(
        stderr(&changed).contains(iris.to_str().unwrap())
            && stderr(&changed).contains("changed since it was planned"),
        "{}",
        stderr(&changed)
    );
    assert_eq!(std::fs::read_dir(dir.join("cells")).unwrap().count(), 0);
    std::fs::write(&iris, original).unwrap();

    // A plan written by another modelbench version.
    let plan_path = dir.join("plan.json");
    let mut plan = read_json(&plan_path);
    plan["modelbench_version"] = Value::from("0.0.1");
    std::fs::write(&plan_path, serde_json::to_string(&plan).unwrap()).unwrap();
    for args in [
        vec!["run-cell", d, "--index", "0"],
        vec!["collect", d],
        vec!["slurm", d],
    ] {
        let output = modelbench(&args, &[]);
        assert_eq!(output.status.code(), Some(2));
        assert!(
            stderr(&output).contains("planned by modelbench 0.0.1")
                && stderr(&output).contains("plan again"),
            "{}",
            stderr(&output)
        );
    }
    assert_eq!(std::fs::read_dir(dir.join("cells")).unwrap().count(), 0);
}

#[test]
fn a_missing_input_file_writes_no_plan() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("plan");
    let output = modelbench(
        &[
            "plan",
            "datasets/iris.csv",
            "nope.csv",
            "--out",
            dir.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("nope.csv"), "{}", stderr(&output));
    assert!(!dir.exists());
}

#[test]
fn cells_that_ran_on_different_cpus_are_warned_about_in_the_report() {
    let root = tempfile::tempdir().unwrap();
    let dir = plan(root.path(), "plan");
    let d = dir.to_str().unwrap();
    let ran = modelbench(&["run-cell", d, "--cells", "0-3"], &[]);
    assert!(ran.status.success(), "{}", stderr(&ran));
    // As if knn's second fold had run on another node.
    let path = dir.join("cells/000003.json");
    let mut cell = read_json(&path);
    cell["result"]["host"]["cpu"] = Value::from("Other CPU 9000");
    std::fs::write(&path, serde_json::to_string(&cell).unwrap()).unwrap();
    let collected = modelbench(&["collect", d], &[]);
    assert!(collected.status.success(), "{}", stderr(&collected));
    assert!(
        stderr(&collected).contains("knn's cells ran on 2 different CPU models"),
        "{}",
        stderr(&collected)
    );
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(report.contains("knn's cells ran on 2 different CPU models"));
    assert!(!report.contains("majority's cells ran on"));
}

#[test]
fn slurm_scripts_and_the_k8s_manifest_are_written_for_the_plan() {
    let root = tempfile::tempdir().unwrap();
    let dir = plan(root.path(), "plan");
    let d = dir.to_str().unwrap();
    let output = modelbench(
        &[
            "slurm",
            d,
            "--partition",
            "debug",
            "--max-concurrent",
            "2",
            "--batch-size",
            "3",
        ],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let script = std::fs::read_to_string(dir.join("slurm/array.sbatch")).unwrap();
    assert!(script.contains("#SBATCH --array=0-1%2\n"), "{script}");
    assert!(script.contains("#SBATCH --partition=debug\n"), "{script}");
    assert!(
        script.contains(&format!("run-cell {d} --batch-size 3\n")),
        "{script}"
    );
    let collect = std::fs::read_to_string(dir.join("slurm/collect.sbatch")).unwrap();
    assert!(collect.contains(&format!("collect {d}\n")), "{collect}");

    // After two cells ran, --missing-only covers the other two.
    modelbench(&["run-cell", d, "--cells", "0,2"], &[]);
    let missing = modelbench(&["slurm", d, "--missing-only"], &[]);
    assert!(missing.status.success(), "{}", stderr(&missing));
    let script = std::fs::read_to_string(dir.join("slurm/array-missing.sbatch")).unwrap();
    assert!(script.contains("--array=0-1%100\n"), "{script}");
    assert!(script.contains("--batch-size 1 --cells 1,3\n"), "{script}");

    let k8s = modelbench(
        &[
            "k8s",
            d,
            "--image",
            "example/modelbench:1",
            "--parallelism",
            "2",
        ],
        &[],
    );
    assert!(k8s.status.success(), "{}", stderr(&k8s));
    let manifest = std::fs::read_to_string(dir.join("k8s/job.yaml")).unwrap();
    assert!(manifest.contains("completionMode: Indexed"), "{manifest}");
    assert!(manifest.contains("completions: 4\n"), "{manifest}");
    assert!(
        manifest.contains(&format!("mountPath: \"{}\"", root.path().display())),
        "{manifest}"
    );
    // What each pod runs, with the index Kubernetes sets.
    let pod = modelbench(
        &["run-cell", d, "--batch-size", "1"],
        &[("JOB_COMPLETION_INDEX", "3")],
    );
    assert!(pod.status.success(), "{}", stderr(&pod));
    assert!(
        stderr(&pod).contains("cell 3 (iris / knn, repeat 0, fold 1): ok"),
        "{}",
        stderr(&pod)
    );
}

#[cfg(unix)]
#[test]
fn sigterm_stops_run_cell_and_writes_nothing_for_the_running_cell() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("plan");
    let d = dir.to_str().unwrap();
    let faults = [("MODELBENCH_FAULT_MODELS", "1")];
    let planned = modelbench(
        &[
            "plan",
            "datasets/iris.csv",
            "--models",
            "fault-hang,majority",
            "--folds",
            "2",
            "--repeats",
            "1",
            "--quick",
            "--timeout",
            "60",
            "--out",
            d,
        ],
        &faults,
    );
    assert!(planned.status.success(), "{}", stderr(&planned));
    // Cells 0 and 1 hang until their 60 s timeout; a scheduler's SIGTERM (scancel) stops them.
    let child = Command::new(env!("CARGO_BIN_EXE_modelbench"))
        .args(["run-cell", d, "--cells", "0-3"])
        .env("MODELBENCH_FAULT_MODELS", "1")
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    // SAFETY: sends SIGTERM to the child we started.
    assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGTERM) }, 0);
    let stopped = child.wait_with_output().unwrap();
    let message = stderr(&stopped);
    assert_eq!(stopped.status.code(), Some(130), "{message}");
    assert!(
        message.contains(&format!(
            "Interrupted: 0 cell(s) written; rerun the rest with: modelbench run-cell {d} --cells 0-3"
        )),
        "{message}"
    );
    assert_eq!(
        std::fs::read_dir(dir.join("cells")).unwrap().count(),
        0,
        "no result, not even a failed one, for the stopped cell"
    );
}
