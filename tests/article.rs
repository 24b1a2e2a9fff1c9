//! The article's two golden results through the library, and the built binary end to end:
//! `modelbench article`, `modelbench inspect` on a bundled dataset, and `inspect` on a bad file
//! (non-zero exit, "Error:" and the file name on stderr).

use std::process::{Command, Output};

use modelbench::article;

/// What the article prints after 10000 iterations of its two-layer example.
const TWO_LAYER_GOLDEN: [f64; 4] = [
    0.0096644916879683,
    0.007865059671309264,
    0.9935889804970555,
    0.992119573219358,
];

/// What the article prints (to 8 digits) after 60000 iterations of its XOR example.
const XOR_GOLDEN: [f64; 4] = [0.00260572, 0.99672209, 0.99701711, 0.00386759];

fn assert_close(computed: &[f64], golden: &[f64], tolerance: f64) {
    assert_eq!(computed.len(), golden.len(), "{computed:?}");
    for (i, (c, g)) in computed.iter().zip(golden).enumerate() {
        assert!(
            (c - g).abs() <= tolerance,
            "output {i}: computed {c:.17}, article {g:.17}, difference {:.1e} over {tolerance:.0e}",
            (c - g).abs()
        );
    }
}

#[test]
fn two_layer_example_matches_the_article_to_1e_9() {
    let result = article::two_layer().expect("the two-layer example trains");
    assert_eq!(result.iterations, 10_000);
    assert_eq!(result.targets, [0.0, 0.0, 1.0, 1.0]);
    assert_close(&result.computed, &TWO_LAYER_GOLDEN, 1e-9);
}

#[test]
fn xor_example_matches_the_article_to_1e_6() {
    let result = article::xor().expect("the XOR example trains");
    assert_eq!(result.iterations, 60_000);
    assert_eq!(result.targets, [0.0, 1.0, 1.0, 0.0]);
    assert_close(&result.computed, &XOR_GOLDEN, 1e-6);
}

/// Runs the built binary from the crate root, where `datasets/` is.
fn modelbench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_modelbench"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the modelbench binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn cli_article_reports_both_examples_match() {
    let output = modelbench(&["article"]);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{:?}\n{stdout}", output.status);
    assert_eq!(stdout.matches(": matches").count(), 2, "{stdout}");
    assert!(!stdout.contains("DOES NOT MATCH"), "{stdout}");
    assert!(
        stdout.contains("Both examples match the article's figures."),
        "{stdout}"
    );
}

#[test]
fn cli_inspect_iris_shows_rows_and_classes() {
    let output = modelbench(&["inspect", "datasets/iris.csv"]);
    let stdout = text(&output.stdout);
    assert!(
        output.status.success(),
        "{:?}\n{stdout}\n{}",
        output.status,
        text(&output.stderr)
    );
    assert!(stdout.contains("150 used of 150"), "{stdout}");
    for class in ["setosa", "versicolor", "virginica"] {
        let line = stdout
            .lines()
            .find(|l| l.contains(class))
            .unwrap_or_else(|| panic!("no line for {class}:\n{stdout}"));
        assert!(line.contains(" 50 "), "{line}");
    }
    assert!(stdout.contains("'species', classification"), "{stdout}");
}

#[test]
fn cli_inspect_bad_file_fails_with_the_file_name_on_stderr() {
    let output = modelbench(&["inspect", "tests/fixtures/bad/non_numeric.csv"]);
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "{:?}", output.status);
    assert!(
        stderr.contains("Error: tests/fixtures/bad/non_numeric.csv, line 4, column 2 'x2'"),
        "{stderr}"
    );
}

#[test]
fn cli_inspect_missing_file_fails_and_still_inspects_the_others() {
    let output = modelbench(&["inspect", "no_such_file.csv", "datasets/toy_article.csv"]);
    let stderr = text(&output.stderr);
    assert!(!output.status.success(), "{:?}", output.status);
    assert!(
        stderr.contains("Error: no_such_file.csv: file not found"),
        "{stderr}"
    );
    assert!(text(&output.stdout).contains("4 used of 4"));
}
