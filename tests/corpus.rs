//! The hostile-input corpus: every file in `tests/corpus/` with the exact outcome it must have.
//! Either a clear error (the file, the line and column where they apply, and what to do), or a
//! dataset of the expected shape with the expected warning. Inputs too big to commit (10,000
//! columns, a megabyte-long field) are generated here.
//!
//! The files that load are also run through `modelbench compare` with the fast models, to show
//! that preparation (imputation, standardization, folds) never hands a model something it
//! crashes on: every cell ends `ok`, or `failed`/`refused` with a reason, never a panic or a
//! signal.

use std::path::{Path, PathBuf};
use std::process::Command;

use modelbench::data::{load_csv, load_csv_bytes, DataErrorKind, LoadOptions, Task};
use serde_json::Value;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// What loading a corpus file must give.
enum Outcome {
    /// Refused. `line` and `column` (rendered as `column N 'name'`) are where the error points;
    /// `says` are parts of the message, the last of them what the user can do.
    Error {
        line: Option<u64>,
        column: Option<&'static str>,
        says: &'static [&'static str],
    },
    /// Loaded: rows, encoded features, task, classes (0 for regression), and a warning that
    /// must be among the load warnings (`None`: no warnings at all).
    Loads {
        rows: usize,
        features: usize,
        task: Task,
        classes: usize,
        warning: Option<&'static str>,
    },
}

struct Case {
    file: &'static str,
    outcome: Outcome,
}

fn error(
    file: &'static str,
    line: Option<u64>,
    column: Option<&'static str>,
    says: &'static [&'static str],
) -> Case {
    Case {
        file,
        outcome: Outcome::Error { line, column, says },
    }
}

fn loads(
    file: &'static str,
    rows: usize,
    features: usize,
    classes: usize,
    warning: Option<&'static str>,
) -> Case {
    let task = if classes == 0 {
        Task::Regression
    } else {
        Task::Classification
    };
    Case {
        file,
        outcome: Outcome::Loads {
            rows,
            features,
            task,
            classes,
            warning,
        },
    }
}

const FIELD_COUNT_HINT: &str = "look for a missing or extra delimiter or an unclosed quote";
const NOT_A_NUMBER_HINT: &str = "fix the value, or mark it missing (empty, NA or ?)";
const INFINITE_HINT: &str = "replace it with a finite number or mark it missing (empty, NA or ?)";

/// Every file of the corpus and its outcome.
fn cases() -> Vec<Case> {
    vec![
        // Structure.
        error(
            "truncated_row.csv",
            Some(4),
            None,
            &["row has 2 fields but the header has 3", FIELD_COUNT_HINT],
        ),
        error(
            "extra_field.csv",
            Some(3),
            None,
            &["row has 4 fields but the header has 3", FIELD_COUNT_HINT],
        ),
        error(
            "mixed_delimiters.csv",
            Some(3),
            None,
            &["row has 1 fields but the header has 3", FIELD_COUNT_HINT],
        ),
        error(
            "semicolon_header_comma_rows.csv",
            Some(2),
            None,
            &["row has 1 fields but the header has 3", FIELD_COUNT_HINT],
        ),
        // The quote opened on line 3 swallows the rest of the file into one field.
        error(
            "unterminated_quote.csv",
            Some(3),
            None,
            &["row has 1 fields but the header has 3", "an unclosed quote"],
        ),
        error(
            "empty.csv",
            None,
            None,
            &["file is empty; modelbench needs a header row and at least one data row"],
        ),
        error(
            "whitespace_only.csv",
            None,
            None,
            &["file is empty", "needs a header row and at least one data row"],
        ),
        error(
            "bom_only.csv",
            None,
            None,
            &["file is empty", "needs a header row and at least one data row"],
        ),
        error(
            "header_only.csv",
            None,
            None,
            &[
                "file has a header row but no data rows",
                "add the data below the header",
            ],
        ),
        error(
            "only_target_column.csv",
            Some(1),
            None,
            &[
                "no feature columns",
                "add feature columns (or, if the columns did not split, name the delimiter with --delimiter)",
            ],
        ),
        // Header names.
        error(
            "duplicate_headers.csv",
            Some(1),
            Some("column 3 'x'"),
            &["column name appears twice (columns 1 and 3)", "rename one of them"],
        ),
        error(
            "header_whitespace_duplicates.csv",
            Some(1),
            Some("column 2 'a'"),
            &["column name appears twice (columns 1 and 2)", "rename one of them"],
        ),
        error(
            "empty_column_name.csv",
            Some(1),
            Some("column 2 ''"),
            &["column has an empty name", "give every column a name in the header row"],
        ),
        loads("long_column_name.csv", 12, 2, 2, None),
        // Terminal escape sequences and a bell in column names are just names.
        loads("control_characters.csv", 4, 2, 2, None),
        // Encodings and bytes.
        error(
            "binary_garbage.csv",
            Some(1),
            None,
            &["invalid UTF-8 at byte 1 of the line", "save the file as UTF-8"],
        ),
        error(
            "garbage_after_header.csv",
            Some(3),
            None,
            &["invalid UTF-8 at byte 5 of the line", "save the file as UTF-8"],
        ),
        error(
            "utf16le_bom.csv",
            None,
            None,
            &["file is UTF-16 encoded", "save it as UTF-8 (for example `iconv -f UTF-16 -t UTF-8`)"],
        ),
        error(
            "utf16be_no_bom.csv",
            None,
            None,
            &["file is UTF-16 encoded", "save it as UTF-8"],
        ),
        error(
            "nul_bytes.csv",
            Some(3),
            Some("column 2 'b'"),
            &["'4\0' is not a number", NOT_A_NUMBER_HINT],
        ),
        // Values.
        error(
            "infinities.csv",
            Some(3),
            Some("column 2 'b'"),
            &["'inf' is infinite", INFINITE_HINT],
        ),
        error(
            "infinity_spelled.csv",
            Some(3),
            Some("column 1 'a'"),
            &["'-Infinity' is infinite", INFINITE_HINT],
        ),
        error(
            "overflow_1e309.csv",
            Some(3),
            Some("column 2 'b'"),
            &["'1e309' is infinite", INFINITE_HINT],
        ),
        error(
            "regression_inf_target.csv",
            Some(6),
            Some("column 2 'y'"),
            &["'inf' is infinite", INFINITE_HINT],
        ),
        loads("huge_values_1e308.csv", 20, 3, 2, None),
        error(
            "nonnumeric_typo.csv",
            Some(8),
            Some("column 2 'y'"),
            &[
                "'twelve' is not a number, but this column is numeric (90% of its values are numbers)",
                NOT_A_NUMBER_HINT,
            ],
        ),
        error(
            "hex_and_underscores.csv",
            Some(3),
            Some("column 2 'b'"),
            &["'0x1F' is not a number", NOT_A_NUMBER_HINT],
        ),
        error(
            "dash_as_missing.csv",
            Some(3),
            Some("column 2 'b'"),
            &["'-' is not a number", NOT_A_NUMBER_HINT],
        ),
        loads("blank_lines_crlf.csv", 4, 2, 2, None),
        loads("quoted_newlines.csv", 4, 4, 2, None),
        loads("integer_labels_mixed_spelling.csv", 6, 1, 2, None),
        // Missing values.
        error(
            "only_missing.csv",
            None,
            Some("column 3 'label'"),
            &[
                "the target is missing in every row (3 rows)",
                "fill the target column, or pick another column with --target",
            ],
        ),
        error(
            "empty_target_column.csv",
            None,
            Some("column 3 'label'"),
            &[
                "the target is missing in every row (3 rows)",
                "fill the target column, or pick another column with --target",
            ],
        ),
        loads(
            "feature_all_missing.csv",
            20,
            2,
            2,
            Some("20 missing feature cells will be imputed (mean for numeric, most frequent level for categorical, fitted on training rows): empty (20)"),
        ),
        loads(
            "missing_target_some.csv",
            4,
            2,
            2,
            Some("dropped 2 of 6 rows whose target is missing"),
        ),
        // Classes.
        error(
            "single_class.csv",
            None,
            Some("column 3 'label'"),
            &[
                "the target has a single class ('yes')",
                "classification needs at least two classes",
            ],
        ),
        loads("class_with_one_row.csv", 20, 2, 3, None),
        loads("many_classes_one_row_each.csv", 12, 2, 12, None),
        loads("two_rows.csv", 2, 1, 2, None),
        // Columns.
        loads("constant_feature.csv", 20, 2, 2, None),
        error(
            "identifier_column.csv",
            None,
            Some("column 1 'id'"),
            &[
                "categorical column has 150 distinct values in 150 rows",
                "remove the column (or raise --max-categories)",
            ],
        ),
    ]
}

/// Checks one case; `Err` describes how the outcome differs from the expected one.
fn check(case: &Case) -> Result<(), String> {
    let path = corpus_dir().join(case.file);
    let loaded = load_csv(&path, &LoadOptions::default());
    match (&case.outcome, loaded) {
        (Outcome::Error { line, column, says }, Err(error)) => {
            let message = error.to_string();
            let mut prefix = path.display().to_string();
            if let Some(line) = line {
                prefix.push_str(&format!(", line {line}"));
            }
            if let Some(column) = column {
                prefix.push_str(&format!(", {column}"));
            }
            prefix.push_str(": ");
            if !message.starts_with(&prefix) {
                return Err(format!("message does not start with {prefix:?}: {message}"));
            }
            if error.line != *line {
                return Err(format!("line {:?}, expected {line:?}", error.line));
            }
            if let Some(part) = says.iter().find(|part| !message.contains(*part)) {
                return Err(format!("message lacks {part:?}: {message}"));
            }
            Ok(())
        }
        (Outcome::Error { .. }, Ok(dataset)) => Err(format!(
            "loaded ({} rows, {} features), but should have been refused",
            dataset.n_rows(),
            dataset.features.ncols()
        )),
        (Outcome::Loads { .. }, Err(error)) => Err(format!("refused, but should load: {error}")),
        (
            Outcome::Loads {
                rows,
                features,
                task,
                classes,
                warning,
            },
            Ok(dataset),
        ) => {
            let got = (
                dataset.n_rows(),
                dataset.features.ncols(),
                dataset.task(),
                dataset.class_names().len(),
            );
            if got != (*rows, *features, *task, *classes) {
                return Err(format!(
                    "loaded as (rows, features, task, classes) {got:?}, expected {:?}",
                    (rows, features, task, classes)
                ));
            }
            let warnings = &dataset.report.warnings;
            match warning {
                None if !warnings.is_empty() => Err(format!("unexpected warnings {warnings:?}")),
                Some(wanted) if !warnings.iter().any(|w| w == wanted) => {
                    Err(format!("warning {wanted:?} not among {warnings:?}"))
                }
                _ => Ok(()),
            }
        }
    }
}

#[test]
fn every_corpus_file_is_refused_clearly_or_loads_as_expected() {
    let cases = cases();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| check(case).err().map(|e| format!("{}: {e}", case.file)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} corpus files:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn corpus_has_thirty_files_each_with_an_expected_outcome() {
    let mut on_disk: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("tests/corpus exists")
        .map(|entry| entry.expect("a readable entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = cases().iter().map(|c| c.file.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "files in tests/corpus vs cases()");
    assert!(listed.len() >= 30, "{} files", listed.len());
    let too_big: Vec<_> = on_disk
        .iter()
        .filter(|name| {
            let size = std::fs::metadata(corpus_dir().join(name)).map_or(0, |m| m.len());
            size > 200 * 1024
        })
        .collect();
    assert!(too_big.is_empty(), "keep corpus files small: {too_big:?}");
}

/// A header `x0,...,x{n-2},label` and `rows` rows of small integers, classes alternating.
fn wide_csv(columns: usize, rows: usize) -> Vec<u8> {
    let mut text: Vec<String> = vec![(0..columns - 1)
        .map(|j| format!("x{j}"))
        .chain(std::iter::once("label".to_string()))
        .collect::<Vec<_>>()
        .join(",")];
    for i in 0..rows {
        let mut row: Vec<String> = (0..columns - 1)
            .map(|j| ((i * 31 + j * 7) % 13).to_string())
            .collect();
        row.push(if i % 2 == 0 { "a" } else { "b" }.to_string());
        text.push(row.join(","));
    }
    (text.join("\n") + "\n").into_bytes()
}

#[test]
fn ten_thousand_columns_load() {
    let dataset = load_csv_bytes(
        Path::new("wide.csv"),
        &wide_csv(10_001, 8),
        &LoadOptions::default(),
    )
    .expect("10,000 feature columns are under the default limit of 20,000");
    assert_eq!(dataset.features.dim(), (8, 10_000));
    assert_eq!(dataset.feature_names[9_999], "x9999");
}

#[test]
fn more_columns_than_the_limit_is_a_clear_error() {
    let error = load_csv_bytes(
        Path::new("too_wide.csv"),
        &wide_csv(20_001, 2),
        &LoadOptions::default(),
    )
    .expect_err("20,001 columns is over the limit");
    assert!(
        matches!(
            error.kind,
            DataErrorKind::TooManyColumns {
                columns: 20_001,
                limit: 20_000
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "too_wide.csv, line 1: 20001 columns is over the limit of 20000; select the columns you need first"
    );
}

#[test]
fn a_file_over_max_bytes_is_refused_before_it_is_read() {
    let path = corpus_dir().join("identifier_column.csv");
    let options = LoadOptions {
        max_bytes: 1000,
        ..LoadOptions::default()
    };
    let error = load_csv(&path, &options).expect_err("1661 bytes is over 1000");
    assert_eq!(
        error.to_string(),
        format!(
            "{}: file is 1661 bytes, over the limit of 1000 bytes; sample the file down or raise the limit with --max-bytes",
            path.display()
        )
    );
}

#[test]
fn a_megabyte_long_field_is_one_category() {
    let long = "z".repeat(1 << 20);
    let text = format!("note,x,label\n{long},1,a\nshort,2,b\n{long},3,a\nshort,4,b\n");
    let dataset = load_csv_bytes(
        Path::new("long_field.csv"),
        text.as_bytes(),
        &LoadOptions::default(),
    )
    .expect("a long field is a value like any other");
    assert_eq!(
        dataset.features.dim(),
        (4, 3),
        "{:?}",
        dataset.feature_names
    );
    assert!(dataset.feature_names.contains(&"note=short".to_string()));
}

/// The models the corpus runs through `compare`: fast ones of every kind (baseline, neighbours,
/// trees, naive Bayes, kernel, linear, boosting: constant features, a class with one row that a
/// fold lacks, one row per class).
const MODELS: &str =
    "majority,knn,decision-tree,naive-bayes,svm-rbf,random-forest,logistic,gradient-boosting";

/// Words that mean a cell crashed instead of failing cleanly.
const CRASH_WORDS: [&str; 6] = [
    "panicked", "SIGABRT", "SIGSEGV", "signal", "crashed", "aborted",
];

#[test]
fn loadable_hostile_files_never_crash_a_model() {
    let root = tempfile::tempdir().expect("a temporary folder");
    let wide = root.path().join("ten_thousand_columns.csv");
    std::fs::write(&wide, wide_csv(10_001, 8)).expect("write the wide file");
    let out = root.path().join("out");
    let mut args: Vec<String> = [
        "constant_feature.csv",
        "class_with_one_row.csv",
        "huge_values_1e308.csv",
        "feature_all_missing.csv",
        "many_classes_one_row_each.csv",
    ]
    .iter()
    .map(|f| format!("tests/corpus/{f}"))
    .collect();
    args.push(wide.display().to_string());
    let output = Command::new(env!("CARGO_BIN_EXE_modelbench"))
        .arg("compare")
        .args(&args)
        .args([
            "--models",
            MODELS,
            "--folds",
            "2",
            "--repeats",
            "1",
            "--quick",
        ])
        .args(["--jobs", "2", "--timeout", "120", "--out"])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the modelbench binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let text = std::fs::read_to_string(out.join("results.json")).expect("results.json");
    let results: Value = serde_json::from_str(&text).expect("results.json is JSON");
    let cells = results["cells"].as_array().expect("cells");
    assert!(!cells.is_empty());
    // Exit status 3 exactly when some cell failed or timed out (0 otherwise).
    let any_failed = cells
        .iter()
        .any(|c| c["status"] == "failed" || c["status"] == "timed-out");
    let expected_code = if any_failed { 3 } else { 0 };
    assert_eq!(output.status.code(), Some(expected_code), "{stderr}");

    let mut problems = Vec::new();
    for cell in cells {
        let dataset = cell["dataset"].as_str().unwrap_or("?");
        let model = cell["model"].as_str().unwrap_or("?");
        let status = cell["status"].as_str().unwrap_or("?");
        let reason = cell["reason"].as_str().unwrap_or("");
        let crashed = CRASH_WORDS.iter().any(|w| reason.contains(w));
        // Naive Bayes cannot estimate the variance of values near ±1.8e308 (it overflows),
        // and says so. Every other cell must run.
        let expected_failure = dataset == "huge_values_1e308"
            && model == "naive-bayes"
            && status == "failed"
            && reason.contains("a feature's values are too large")
            && reason.contains("rescale that feature");
        if crashed || !(status == "ok" || expected_failure) {
            problems.push(format!("{dataset} / {model}: {status}: {reason}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let datasets: Vec<&str> = results["datasets"]
        .as_array()
        .expect("datasets")
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    assert_eq!(datasets.len(), 6, "{datasets:?}");
    for name in datasets {
        for model in MODELS.split(',') {
            assert!(
                cells
                    .iter()
                    .any(|c| c["dataset"] == name && c["model"] == model),
                "no cell for {name} / {model}"
            );
        }
    }
}
