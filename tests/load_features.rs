//! Things real CSV files do that the loader must read correctly: quoting, CRLF, a UTF-8 BOM,
//! `;` and tab delimiters, a target that is not the last column, string and integer class
//! labels, categorical features (one-hot), missing values in their many spellings and the three
//! missing policies, task inference and its override, and huge but finite numbers. Also that
//! every bundled dataset loads with the expected shape and classes.
//!
//! Fixtures live in `tests/fixtures/good/`; small variations are built here as bytes.

use std::path::{Path, PathBuf};

use modelbench::data::{
    load_csv, load_csv_bytes, Dataset, FeatureColumn, LoadOptions, MissingPolicy, Target, Task,
};
use ndarray::array;

fn good(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/good")
        .join(name)
}

fn load(name: &str, options: &LoadOptions) -> Dataset {
    load_csv(&good(name), options).unwrap_or_else(|e| panic!("{name} should load: {e}"))
}

fn load_bytes(text: &str, options: &LoadOptions) -> Dataset {
    load_csv_bytes(Path::new("inline.csv"), text.as_bytes(), options)
        .unwrap_or_else(|e| panic!("should load: {e}\n{text}"))
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn labels(dataset: &Dataset) -> &[usize] {
    match &dataset.target {
        Target::Classes { labels, .. } => labels,
        Target::Values(_) => panic!("{} loaded as regression", dataset.name),
    }
}

fn values(dataset: &Dataset) -> &[f64] {
    match &dataset.target {
        Target::Values(values) => values,
        Target::Classes { .. } => panic!("{} loaded as classification", dataset.name),
    }
}

#[test]
fn quoted_fields_keep_embedded_delimiters_and_quotes() {
    let dataset = load("quoted.csv", &LoadOptions::default());
    assert_eq!(dataset.n_rows(), 4);
    // Levels sort by bytes: upper case before lower case.
    let levels = ["Smith, J.", "a \"quoted\" word, and a comma", "plain"];
    let mut names: Vec<String> = levels.iter().map(|l| format!("comment={l}")).collect();
    names.push("size, cm".to_string());
    assert_eq!(dataset.feature_names, names);
    assert_eq!(
        dataset.features,
        array![
            [1.0, 0.0, 0.0, 1.5],
            [0.0, 0.0, 1.0, 2.5],
            [0.0, 1.0, 0.0, 3.5],
            [1.0, 0.0, 0.0, 4.5]
        ]
    );
    assert_eq!(dataset.class_names(), strings(&["other", "says \"hi\""]));
    assert_eq!(labels(&dataset), [1, 1, 0, 0]);
}

#[test]
fn crlf_line_ends_leave_no_carriage_returns() {
    let bytes = std::fs::read(good("crlf.csv")).expect("fixture exists");
    assert!(
        bytes.windows(2).any(|w| w == b"\r\n"),
        "the fixture must keep its CRLF line ends"
    );
    let dataset = load("crlf.csv", &LoadOptions::default());
    assert_eq!(dataset.feature_names, strings(&["x1", "x2"]));
    assert_eq!(dataset.target_name, "y");
    assert_eq!(dataset.class_names(), strings(&["a", "b"]));
    assert_eq!(dataset.features, array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]);
}

#[test]
fn utf8_bom_is_not_part_of_the_first_column_name() {
    let bytes = std::fs::read(good("bom.csv")).expect("fixture exists");
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "the fixture must keep its BOM"
    );
    let dataset = load("bom.csv", &LoadOptions::default());
    assert_eq!(dataset.feature_names, strings(&["x1", "x2"]));
    assert_eq!(dataset.features, array![[1.0, 2.0], [3.0, 4.0]]);
}

#[test]
fn semicolon_and_tab_delimiters_are_sniffed() {
    for name in ["semicolon.csv", "tab.tsv"] {
        let dataset = load(name, &LoadOptions::default());
        assert_eq!(dataset.feature_names, strings(&["x1", "x2"]), "{name}");
        assert_eq!(dataset.target_name, "y", "{name}");
        assert_eq!(dataset.features, array![[1.5, 2.0], [3.0, 4.0]], "{name}");
        assert_eq!(dataset.class_names(), strings(&["a", "b"]), "{name}");
    }
}

#[test]
fn explicit_delimiter_option_reads_a_pipe_separated_file() {
    let options = LoadOptions {
        delimiter: Some(b'|'),
        ..LoadOptions::default()
    };
    let dataset = load("pipe.csv", &options);
    assert_eq!(dataset.feature_names, strings(&["x1", "x2"]));
    assert_eq!(dataset.features, array![[1.5, 2.0], [3.0, 4.0]]);
    // Without the option, '|' is not sniffed: the header is one column.
    let error = load_csv(&good("pipe.csv"), &LoadOptions::default())
        .expect_err("a pipe file without --delimiter has no features");
    assert!(error.to_string().contains("no feature columns"), "{error}");
}

#[test]
fn target_chosen_by_name_need_not_be_last() {
    let options = LoadOptions {
        target: Some("species".to_string()),
        ..LoadOptions::default()
    };
    let dataset = load("target_first.csv", &options);
    assert_eq!(dataset.target_name, "species");
    assert_eq!(dataset.feature_names, strings(&["x1", "x2"]));
    assert_eq!(
        dataset.features,
        array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]
    );
    assert_eq!(dataset.task(), Task::Classification);
    // String labels keep their names, sorted.
    assert_eq!(
        dataset.class_names(),
        strings(&["setosa", "versicolor", "virginica"])
    );
    assert_eq!(labels(&dataset), [0, 2, 0, 1]);
    assert_eq!(dataset.class_counts(), [2, 1, 1]);
}

#[test]
fn integer_labels_sort_numerically() {
    // Labels 9 10 1 2 10 9 1 2: "10" sorts after "9", not after "1".
    let dataset = load("integer_labels.csv", &LoadOptions::default());
    assert_eq!(dataset.task(), Task::Classification);
    assert_eq!(dataset.class_names(), strings(&["1", "2", "9", "10"]));
    assert_eq!(labels(&dataset), [2, 3, 0, 1, 3, 2, 0, 1]);
}

#[test]
fn integer_labels_written_as_floats_are_one_class() {
    let dataset = load_bytes("x,y\n1,1.0\n2,2\n3,1\n4,2.0\n", &LoadOptions::default());
    assert_eq!(dataset.class_names(), strings(&["1", "2"]));
    assert_eq!(labels(&dataset), [0, 1, 0, 1]);
}

#[test]
fn categorical_features_are_one_hot_encoded() {
    let dataset = load("categorical.csv", &LoadOptions::default());
    assert_eq!(
        dataset.feature_names,
        strings(&["color=blue", "color=green", "color=red", "size"])
    );
    assert_eq!(
        dataset.columns,
        vec![
            FeatureColumn::Categorical {
                name: "color".to_string(),
                levels: strings(&["blue", "green", "red"]),
                first_index: 0,
            },
            FeatureColumn::Numeric {
                name: "size".to_string(),
                index: 3,
            },
        ]
    );
    // Rows: red 1, blue 2, green 3, red 4.
    assert_eq!(
        dataset.features,
        array![
            [0.0, 0.0, 1.0, 1.0],
            [1.0, 0.0, 0.0, 2.0],
            [0.0, 1.0, 0.0, 3.0],
            [0.0, 0.0, 1.0, 4.0]
        ]
    );
}

#[test]
fn every_missing_spelling_is_left_as_nan_and_counted() {
    let dataset = load("missing_spellings.csv", &LoadOptions::default());
    assert_eq!(
        dataset.n_rows(),
        8,
        "no row is dropped by the impute policy"
    );
    // a: NA, N/A, NaN, ?, null, n/a; b: empty, na, NULL; c: nan, Null.
    let nan = f64::NAN;
    let expected = array![
        [1.0, nan, 3.0],
        [nan, 2.0, 3.0],
        [nan, nan, 3.0],
        [nan, 2.0, nan],
        [nan, 2.0, 3.0],
        [nan, nan, nan],
        [nan, 2.0, 3.0],
        [4.0, 5.0, 6.0]
    ];
    for ((i, j), want) in expected.indexed_iter() {
        let got = dataset.features[[i, j]];
        assert!(
            got == *want || (got.is_nan() && want.is_nan()),
            "row {i} column {j}: {got} != {want}"
        );
    }
    assert_eq!(
        dataset.report.missing_by_column,
        vec![
            ("a".to_string(), 6),
            ("b".to_string(), 3),
            ("c".to_string(), 2)
        ]
    );
    assert!(dataset.has_missing());
    assert_eq!(dataset.report.dropped_missing_target, 0);
    let warning = dataset
        .report
        .warnings
        .iter()
        .find(|w| w.contains("imputed"))
        .expect("a warning about imputation");
    assert!(warning.starts_with("11 missing feature cells"), "{warning}");
    assert!(warning.contains("a (6), b (3), c (2)"), "{warning}");
}

#[test]
fn padded_and_quoted_missing_cells_are_missing_too() {
    let dataset = load_bytes(
        "x1,x2,y\n\" NA \",1,a\n\"\",2,b\n 3 , n/A ,a\n",
        &LoadOptions::default(),
    );
    assert!(dataset.features[[0, 0]].is_nan());
    assert!(dataset.features[[1, 0]].is_nan());
    assert_eq!(dataset.features[[2, 0]], 3.0);
    assert!(dataset.features[[2, 1]].is_nan());
    assert_eq!(
        dataset.report.missing_by_column,
        vec![("x1".to_string(), 2), ("x2".to_string(), 1)]
    );
}

#[test]
fn missing_categorical_cell_is_nan_in_every_one_hot_column() {
    let dataset = load_bytes("c,y\nred,a\n?,b\nblue,a\n", &LoadOptions::default());
    assert_eq!(dataset.feature_names, strings(&["c=blue", "c=red"]));
    assert!(dataset.features.row(1).iter().all(|v| v.is_nan()));
    assert_eq!(dataset.report.missing_by_column, vec![("c".to_string(), 1)]);
}

#[test]
fn rows_with_a_missing_target_are_dropped_with_a_warning() {
    let dataset = load("missing_target.csv", &LoadOptions::default());
    assert_eq!(dataset.report.rows_in_file, 5);
    assert_eq!(dataset.report.dropped_missing_target, 2);
    assert_eq!(dataset.n_rows(), 3);
    assert_eq!(
        dataset.features,
        array![[1.0, 2.0], [5.0, 6.0], [9.0, 10.0]]
    );
    assert_eq!(labels(&dataset), [0, 1, 0]);
    assert!(
        dataset
            .report
            .warnings
            .iter()
            .any(|w| w == "dropped 2 of 5 rows whose target is missing"),
        "{:?}",
        dataset.report.warnings
    );
}

#[test]
fn missing_drop_policy_drops_rows_with_a_missing_feature() {
    let options = LoadOptions {
        missing: MissingPolicy::Drop,
        ..LoadOptions::default()
    };
    let dataset = load("missing_drop.csv", &options);
    assert_eq!(dataset.report.dropped_missing_feature, 2);
    assert_eq!(
        dataset.features,
        array![[1.0, 2.0], [5.0, 6.0], [9.0, 10.0]]
    );
    assert_eq!(labels(&dataset), [0, 1, 0]);
    assert!(!dataset.has_missing());
    assert!(
        dataset
            .report
            .warnings
            .iter()
            .any(|w| w.starts_with("dropped 2 of 5 rows with a missing feature")),
        "{:?}",
        dataset.report.warnings
    );
    // The same file under the default policy keeps all five rows.
    let imputed = load("missing_drop.csv", &LoadOptions::default());
    assert_eq!(imputed.n_rows(), 5);
    assert_eq!(
        imputed.report.missing_by_column,
        vec![("x1".to_string(), 1), ("x2".to_string(), 1)]
    );
}

#[test]
fn a_string_target_is_classification() {
    let dataset = load_bytes("x,y\n1,cat\n2,dog\n3,cat\n", &LoadOptions::default());
    assert_eq!(dataset.task(), Task::Classification);
    assert_eq!(dataset.class_names(), strings(&["cat", "dog"]));
}

fn integer_target(distinct: usize) -> String {
    let mut text = String::from("x,y\n");
    // The feature is not a row number (that would be left out as an identifier).
    for i in 0..2 * distinct {
        text.push_str(&format!("{i}.5,{}\n", i % distinct));
    }
    text
}

#[test]
fn up_to_twenty_distinct_integers_is_classification_more_is_regression() {
    let twenty = load_bytes(&integer_target(20), &LoadOptions::default());
    assert_eq!(twenty.task(), Task::Classification);
    assert_eq!(twenty.class_names().len(), 20);
    assert_eq!(twenty.class_counts(), vec![2; 20]);

    let twenty_one = load_bytes(&integer_target(21), &LoadOptions::default());
    assert_eq!(twenty_one.task(), Task::Regression);
    assert_eq!(values(&twenty_one)[..3], [0.0, 1.0, 2.0]);
}

#[test]
fn a_float_target_is_regression() {
    let dataset = load_bytes("x,y\n1,0.5\n2,1\n3,0.5\n", &LoadOptions::default());
    assert_eq!(dataset.task(), Task::Regression);
    assert_eq!(values(&dataset), [0.5, 1.0, 0.5]);
}

#[test]
fn task_option_overrides_the_inference() {
    let regression = LoadOptions {
        task: Some(Task::Regression),
        ..LoadOptions::default()
    };
    let dataset = load("integer_labels.csv", &regression);
    assert_eq!(dataset.task(), Task::Regression);
    assert_eq!(values(&dataset), [9.0, 10.0, 1.0, 2.0, 10.0, 9.0, 1.0, 2.0]);

    let classification = LoadOptions {
        task: Some(Task::Classification),
        ..LoadOptions::default()
    };
    let dataset = load_bytes("x,y\n1,0.5\n2,1.5\n3,0.5\n", &classification);
    assert_eq!(dataset.task(), Task::Classification);
    assert_eq!(dataset.class_names(), strings(&["0.5", "1.5"]));
    assert_eq!(labels(&dataset), [0, 1, 0]);
}

#[test]
fn huge_finite_numbers_are_accepted() {
    let dataset = load("huge_finite.csv", &LoadOptions::default());
    assert_eq!(dataset.features.column(0).to_vec(), [1e308, -1e308, 3.0]);
}

struct Expected {
    file: &'static str,
    rows: usize,
    features: usize,
    /// Rows per class in class order; empty for regression.
    class_counts: &'static [usize],
}

#[test]
fn every_bundled_dataset_loads_with_its_expected_shape() {
    let expected = [
        Expected {
            file: "iris.csv",
            rows: 150,
            features: 4,
            class_counts: &[50, 50, 50],
        },
        Expected {
            file: "wine.csv",
            rows: 178,
            features: 13,
            class_counts: &[59, 71, 48],
        },
        Expected {
            file: "breast_cancer.csv",
            rows: 569,
            features: 30,
            class_counts: &[357, 212],
        },
        Expected {
            file: "digits.csv",
            rows: 1797,
            features: 64,
            class_counts: &[178, 182, 177, 183, 181, 182, 181, 179, 174, 180],
        },
        Expected {
            file: "winequality_red.csv",
            rows: 1599,
            features: 11,
            class_counts: &[10, 53, 681, 638, 199, 18],
        },
        Expected {
            file: "diabetes.csv",
            rows: 442,
            features: 10,
            class_counts: &[],
        },
        Expected {
            file: "toy_article.csv",
            rows: 4,
            features: 3,
            class_counts: &[2, 2],
        },
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets");
    let mut bundled: Vec<String> = std::fs::read_dir(&dir)
        .expect("datasets folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".csv"))
        .collect();
    bundled.sort();
    let mut listed: Vec<String> = expected.iter().map(|e| e.file.to_string()).collect();
    listed.sort();
    assert_eq!(
        bundled, listed,
        "every bundled dataset has expectations here"
    );

    for e in &expected {
        let dataset = load_csv(&dir.join(e.file), &LoadOptions::default())
            .unwrap_or_else(|err| panic!("{err}"));
        let file = e.file;
        assert_eq!(dataset.n_rows(), e.rows, "{file} rows");
        assert_eq!(dataset.report.rows_in_file, e.rows, "{file} rows in file");
        assert_eq!(dataset.feature_names.len(), e.features, "{file} features");
        assert!(!dataset.has_missing(), "{file} has no missing values");
        assert!(
            dataset.report.warnings.is_empty(),
            "{file}: {:?}",
            dataset.report.warnings
        );
        assert_eq!(dataset.class_counts(), e.class_counts, "{file} classes");
        let expected_task = if e.class_counts.is_empty() {
            Task::Regression
        } else {
            Task::Classification
        };
        assert_eq!(dataset.task(), expected_task, "{file} task");
        assert_eq!(dataset.sha256.len(), 64, "{file} hash");
    }
}

#[test]
fn bundled_class_names_are_the_documented_labels() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets");
    let names = |file: &str| {
        load_csv(&dir.join(file), &LoadOptions::default())
            .unwrap_or_else(|err| panic!("{err}"))
            .class_names()
            .to_vec()
    };
    assert_eq!(
        names("iris.csv"),
        strings(&["setosa", "versicolor", "virginica"])
    );
    assert_eq!(
        names("breast_cancer.csv"),
        strings(&["benign", "malignant"])
    );
    assert_eq!(
        names("winequality_red.csv"),
        strings(&["3", "4", "5", "6", "7", "8"])
    );
    assert_eq!(
        names("digits.csv"),
        strings(&["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"])
    );
}
