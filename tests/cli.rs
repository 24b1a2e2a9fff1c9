//! The built binary as a shell user meets it: exit codes (2 for every user error, whatever the
//! command; 141 quietly when stdout is closed), `-` for standard input, `--json` on stdout,
//! shell completions, and the column options from the command line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_modelbench");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/good").join(name)
}

fn modelbench(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs")
}

fn with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdin = child.stdin.take().expect("piped stdin");
    stdin.write_all(input).expect("write stdin");
    drop(stdin);
    child.wait_with_output().expect("the binary finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[track_caller]
fn assert_status(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        text(&output.stdout),
        text(&output.stderr)
    );
}

#[track_caller]
fn assert_no_panic(output: &Output) {
    let stderr = text(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

#[test]
fn a_missing_file_is_exit_2_in_every_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("run");
    let out = out.to_str().expect("utf-8 path");
    for args in [
        vec!["inspect", "no_such_file.csv"],
        vec![
            "compare",
            "no_such_file.csv",
            "--models",
            "majority",
            "--quick",
            "--out",
            out,
        ],
        vec![
            "pick",
            "no_such_file.csv",
            "--models",
            "majority",
            "--out",
            out,
        ],
    ] {
        let output = modelbench(&args);
        assert_status(&output, 2);
        let stderr = text(&output.stderr);
        assert!(
            stderr.contains("no_such_file.csv: file not found"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn argument_errors_are_exit_2() {
    for args in [
        vec!["inspect", "--no-such-flag"],
        vec!["compare", "--folds", "1"],
        vec!["completions", "tcsh"],
        vec!["inspect", "datasets/iris.csv", "--decimal", ";"],
    ] {
        assert_status(&modelbench(&args), 2);
    }
}

#[test]
fn out_dash_is_refused_for_report_folders() {
    let output = modelbench(&["compare", "datasets/iris.csv", "--out", "-"]);
    assert_status(&output, 2);
    assert!(
        text(&output.stderr).contains("'-' (standard output) cannot be used"),
        "{}",
        text(&output.stderr)
    );
    assert!(!root().join("-").exists(), "no folder named '-'");
}

#[test]
fn unknown_column_in_an_option_lists_the_columns() {
    let output = modelbench(&["inspect", "datasets/iris.csv", "--drop", "sepal"]);
    assert_status(&output, 2);
    assert!(text(&output.stderr).contains(
        "--drop names 'sepal', but there is no such column; the columns are: sepal_length_cm"
    ));
}

#[test]
fn not_a_number_error_suggests_the_option_and_the_option_fixes_it() {
    let file = fixture("mostly_numeric_codes.csv");
    let file = file.to_str().expect("utf-8 path");
    let refused = modelbench(&["inspect", file]);
    assert_status(&refused, 2);
    assert!(text(&refused.stderr).contains("name it in --categorical"));
    let read = modelbench(&["inspect", file, "--categorical", "code"]);
    assert_status(&read, 0);
    assert!(text(&read.stdout).contains("code: one-hot over 5 levels"));
    assert!(text(&read.stdout).contains("read as categorical by --categorical: code"));
}

#[test]
fn inspect_says_how_an_export_was_read() {
    let r = fixture("r_write_csv.csv");
    let output = modelbench(&["inspect", r.to_str().expect("utf-8 path")]);
    assert_status(&output, 0);
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("row names  first column (''), not a feature"),
        "{stdout}"
    );

    let eu = fixture("decimal_comma.csv");
    let output = modelbench(&["inspect", eu.to_str().expect("utf-8 path")]);
    let stdout = text(&output.stdout);
    assert!(stdout.contains("decimal    comma (5,1 is 5.1)"), "{stdout}");
    assert!(
        stdout.contains("4 columns (4 numeric, 0 categorical)"),
        "{stdout}"
    );

    let ids = fixture("integer_id.csv");
    let output = modelbench(&["inspect", ids.to_str().expect("utf-8 path")]);
    assert!(text(&output.stdout).contains("left out 'customer_id' as an identifier"));
}

#[test]
fn inspect_warns_about_classes_smaller_than_the_default_folds() {
    let output = modelbench(&["inspect", "tests/corpus/class_with_one_row.csv"]);
    assert_status(&output, 0);
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("with the default --folds 5: class")
            && stdout.contains("fewer rows than the 5 folds"),
        "{stdout}"
    );
    let iris = modelbench(&["inspect", "datasets/iris.csv"]);
    assert!(!text(&iris.stdout).contains("fewer rows than"));
}

#[test]
fn dash_reads_standard_input() {
    let iris = std::fs::read(root().join("datasets/iris.csv")).expect("iris");
    let output = with_stdin(&["inspect", "-"], &iris);
    assert_status(&output, 0);
    let stdout = text(&output.stdout);
    assert!(
        stdout.starts_with("<stdin>  (sha256 b6b8efc86732)"),
        "{stdout}"
    );
    assert!(stdout.contains("150 used of 150"), "{stdout}");

    let bad = with_stdin(&["inspect", "-"], b"x,y\n1,a\n2,b\n3,\xff\n");
    assert_status(&bad, 2);
    assert!(
        text(&bad.stderr).contains("<stdin>, line 4: invalid UTF-8"),
        "{}",
        text(&bad.stderr)
    );

    let limited = with_stdin(&["inspect", "-", "--max-bytes", "100"], &iris);
    assert_status(&limited, 2);
    assert!(text(&limited.stderr).contains("<stdin>: file is 101 bytes, over the limit of 100"));
}

#[test]
fn compare_reads_standard_input_and_runs_on_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("run");
    let iris = std::fs::read(root().join("datasets/iris.csv")).expect("iris");
    let args = [
        "compare",
        "-",
        "--models",
        "majority",
        "--quick",
        "--folds",
        "2",
        "--repeats",
        "1",
        "--out",
        out.to_str().expect("utf-8 path"),
    ];
    let output = with_stdin(&args, &iris);
    assert_status(&output, 0);
    assert!(
        text(&output.stdout).contains("stdin"),
        "{}",
        text(&output.stdout)
    );
    let results = std::fs::read_to_string(out.join("results.json")).expect("results.json");
    assert!(results.contains("\"status\": \"ok\"") || results.contains("\"ok\""));
}

#[test]
fn json_outputs_parse() {
    let models = modelbench(&["models", "--json"]);
    assert_status(&models, 0);
    let list: serde_json::Value = serde_json::from_slice(&models.stdout).expect("models JSON");
    let names: Vec<&str> = list
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|m| m["name"].as_str())
        .collect();
    assert!(
        names.contains(&"sigmoid-net") && names.contains(&"majority"),
        "{names:?}"
    );
    assert!(list[0]["role"].is_string() && list[0]["tasks"].is_array());

    let eu = fixture("decimal_comma.csv");
    let inspect = modelbench(&[
        "inspect",
        "--json",
        eu.to_str().expect("utf-8 path"),
        "nope.csv",
    ]);
    assert_status(&inspect, 2);
    let files: serde_json::Value = serde_json::from_slice(&inspect.stdout).expect("inspect JSON");
    assert_eq!(files[0]["rows"], 24);
    assert_eq!(files[0]["load"]["decimal"], "comma");
    assert_eq!(files[0]["classes"][0][0], "setosa");
    assert!(files[1]["error"]
        .as_str()
        .is_some_and(|e| e.contains("file not found")));
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let output = modelbench(&["completions", shell]);
        assert_status(&output, 0);
        let script = text(&output.stdout);
        assert!(
            script.contains("modelbench") && script.contains("inspect"),
            "{shell}"
        );
        assert!(
            script.contains("categorical"),
            "{shell}: the load options complete"
        );
    }
}

/// Starts the binary with its stdout a pipe whose reader is already closed, as after `| head`
/// has read enough: the first write fails with EPIPE, every time (closing the reader after
/// the start would race with a fast command that fits its output in the pipe's buffer).
#[cfg(unix)]
fn with_closed_stdout(args: &[&str]) -> Output {
    use std::os::fd::{FromRawFd, OwnedFd};
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe(2) writes.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0, "pipe(2)");
    // SAFETY: both descriptors were just created and are owned here only.
    let (reader, writer) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(reader);
    Command::new(BIN)
        .args(args)
        .current_dir(root())
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .expect("the binary runs")
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_ends_models_quietly_with_141() {
    for args in [
        vec!["models"],
        vec!["models", "--json"],
        vec!["completions", "bash"],
    ] {
        let output = with_closed_stdout(&args);
        assert_no_panic(&output);
        assert_status(&output, 141);
        assert!(
            output.stderr.is_empty(),
            "{args:?}: {}",
            text(&output.stderr)
        );
    }
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_does_not_lose_a_comparison() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("run");
    let output = with_closed_stdout(&[
        "compare",
        "datasets/iris.csv",
        "--models",
        "majority",
        "--quick",
        "--folds",
        "2",
        "--repeats",
        "1",
        "--out",
        out.to_str().expect("utf-8 path"),
    ]);
    assert_no_panic(&output);
    assert_status(&output, 141);
    assert!(
        out.join("results.json").is_file(),
        "the results are written"
    );
    assert!(out.join("report.md").is_file(), "the reports are written");
}

#[test]
fn a_reader_that_closes_after_one_line_sees_no_panic() {
    let mut child = Command::new(BIN)
        .arg("models")
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut first = [0u8; 16];
    std::io::Read::read_exact(&mut stdout, &mut first).expect("some output");
    drop(stdout);
    let output = child.wait_with_output().expect("finishes");
    assert_no_panic(&output);
    // All of `models` may already be in the pipe's buffer when the reader goes (then 0);
    // otherwise the closed pipe ends it quietly (141). Never 101, a panic.
    assert!(
        matches!(output.status.code(), Some(0) | Some(141)),
        "{:?}",
        output.status
    );
}
