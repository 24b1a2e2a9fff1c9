//! What each column of a real export becomes: R's row names, pandas' `Unnamed: 0` index, a
//! numeric identifier (left out unless `--keep`), a decimal-comma file, a mostly-numeric code
//! column (`--categorical`, `--numeric`, `--drop`), and the checks on those options. Also the
//! refusal of a forced classification target made mostly of one-row classes.
//!
//! Each case has its committed file in `tests/fixtures/good/`.

use std::path::{Path, PathBuf};

use modelbench::data::{
    load_csv, load_csv_bytes, ColumnOptionError, DataError, DataErrorKind, Dataset, DecimalMark,
    FeatureColumn, LoadOptions, MissingPolicy, Task,
};

fn good(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/good")
        .join(name)
}

fn load(name: &str, options: &LoadOptions) -> Dataset {
    load_csv(&good(name), options).unwrap_or_else(|e| panic!("{name} should load: {e}"))
}

fn load_err(name: &str, options: &LoadOptions) -> DataError {
    match load_csv(&good(name), options) {
        Ok(_) => panic!("{name} should be refused"),
        Err(e) => e,
    }
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn has_warning(dataset: &Dataset, part: &str) -> bool {
    dataset.report.warnings.iter().any(|w| w.contains(part))
}

const IRIS_FEATURES_R: [&str; 4] = ["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"];

#[test]
fn r_write_csv_row_names_are_kept_apart_not_a_feature() {
    let dataset = load("r_write_csv.csv", &LoadOptions::default());
    assert_eq!(dataset.feature_names, names(&IRIS_FEATURES_R));
    assert_eq!(dataset.target_name, "Species");
    assert_eq!(dataset.class_counts(), vec![8, 8, 8]);
    let row_names = dataset.row_names.as_ref().expect("row names");
    assert_eq!(row_names.len(), 24);
    assert_eq!(row_names[..3], names(&["1", "2", "3"]));
    assert_eq!(dataset.report.row_names_column.as_deref(), Some(""));
    assert!(
        has_warning(&dataset, "read as row names"),
        "{:?}",
        dataset.report.warnings
    );
}

#[test]
fn pandas_unnamed_index_is_read_as_row_names() {
    let dataset = load("pandas_unnamed_index.csv", &LoadOptions::default());
    assert_eq!(dataset.features.ncols(), 4);
    assert!(!dataset.feature_names.iter().any(|n| n.contains("Unnamed")));
    assert_eq!(dataset.row_names.as_ref().map(|r| r[0].as_str()), Some("0"));
    assert!(has_warning(&dataset, "'Unnamed: 0'"));
}

#[test]
fn row_names_follow_the_rows_that_are_kept() {
    let text = "\"\",\"x\",\"y\"\n\"r1\",1.5,a\n\"r2\",NA,b\n\"r3\",2.5,a\n\"r4\",3.5,b\n";
    let options = LoadOptions {
        missing: MissingPolicy::Drop,
        ..LoadOptions::default()
    };
    let dataset = load_csv_bytes(Path::new("r.csv"), text.as_bytes(), &options).expect("loads");
    assert_eq!(dataset.row_names, Some(names(&["r1", "r3", "r4"])));
}

#[test]
fn an_unnamed_first_column_with_repeated_values_is_still_an_error() {
    let text = ",x,y\na,1.5,a\na,2.5,b\n";
    let error = load_csv_bytes(Path::new("r.csv"), text.as_bytes(), &LoadOptions::default())
        .expect_err("not row names: 'a' repeats");
    assert!(
        matches!(error.kind, DataErrorKind::EmptyColumnName),
        "{error:?}"
    );
    assert_eq!(error.column.as_ref().map(|c| c.number), Some(1));
    assert_eq!(error.line, Some(1));
}

#[test]
fn integer_identifier_is_left_out_with_a_warning_and_kept_on_request() {
    let dataset = load("integer_id.csv", &LoadOptions::default());
    assert_eq!(dataset.feature_names, names(&["age", "visits", "spend"]));
    let identifiers = &dataset.report.identifier_columns;
    assert_eq!(identifiers.len(), 1);
    assert_eq!(identifiers[0].name, "customer_id");
    assert_eq!(identifiers[0].in_order_from, None, "shuffled IDs");
    assert!(
        has_warning(&dataset, "left out 'customer_id' as an identifier")
            && has_warning(&dataset, "--keep customer_id"),
        "{:?}",
        dataset.report.warnings
    );

    let keep = LoadOptions {
        keep: names(&["customer_id"]),
        ..LoadOptions::default()
    };
    let kept = load("integer_id.csv", &keep);
    assert_eq!(kept.feature_names[0], "customer_id");
    assert!(kept.report.identifier_columns.is_empty());
}

#[test]
fn small_integer_features_are_not_identifiers() {
    // `age` (20..70) and `visits` (0..9) repeat across 30 rows: never unique, so kept.
    let dataset = load("integer_id.csv", &LoadOptions::default());
    assert!(dataset.feature_names.contains(&"visits".to_string()));
    assert!(dataset.feature_names.contains(&"age".to_string()));
    // And the bundled datasets' integer columns (diabetes age, sex, bp...) all stay features.
    let diabetes = load_csv(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/diabetes.csv"),
        &LoadOptions::default(),
    )
    .expect("diabetes loads");
    assert_eq!(diabetes.features.ncols(), 10);
    assert!(diabetes.report.identifier_columns.is_empty());
}

#[test]
fn a_row_number_column_is_named_as_one() {
    let mut text = String::from("row,x,y\n");
    for i in 1..=30 {
        text.push_str(&format!(
            "{i},{}.5,{}\n",
            i % 7,
            if i % 2 == 0 { "a" } else { "b" }
        ));
    }
    let dataset = load_csv_bytes(
        Path::new("rows.csv"),
        text.as_bytes(),
        &LoadOptions::default(),
    )
    .expect("loads");
    assert_eq!(dataset.feature_names, names(&["x"]));
    assert_eq!(dataset.report.identifier_columns[0].in_order_from, Some(1));
    assert!(
        has_warning(&dataset, "1..30 in file order"),
        "{:?}",
        dataset.report.warnings
    );
}

#[test]
fn decimal_comma_file_is_read_as_numbers() {
    let dataset = load("decimal_comma.csv", &LoadOptions::default());
    assert_eq!(
        dataset.features.ncols(),
        4,
        "four numeric columns, no one-hot"
    );
    assert!(dataset
        .columns
        .iter()
        .all(|c| matches!(c, FeatureColumn::Numeric { .. })));
    assert_eq!(dataset.features[[0, 0]], 5.1);
    assert_eq!(dataset.features[[0, 1]], 3.5);
    assert_eq!(dataset.report.decimal, DecimalMark::Comma);
    assert!(dataset.report.decimal_sniffed);
    assert!(dataset
        .report
        .notes
        .iter()
        .any(|n| n.contains("decimal comma")));

    // Forced off, the same cells are text: four categorical columns.
    let point = LoadOptions {
        decimal: Some(DecimalMark::Point),
        ..LoadOptions::default()
    };
    let as_text = load("decimal_comma.csv", &point);
    assert!(as_text
        .columns
        .iter()
        .all(|c| matches!(c, FeatureColumn::Categorical { .. })));
}

#[test]
fn decimal_comma_in_a_regression_target_is_read_too() {
    let text = "x;y\n1,5;2,25\n2,5;3,75\n3,5;4,5\n";
    let dataset = load_csv_bytes(
        Path::new("eu.csv"),
        text.as_bytes(),
        &LoadOptions::default(),
    )
    .expect("loads");
    assert_eq!(dataset.task(), Task::Regression);
    assert_eq!(dataset.features.column(0).to_vec(), vec![1.5, 2.5, 3.5]);
}

#[test]
fn mostly_numeric_code_column_error_names_the_options_that_fix_it() {
    let error = load_err("mostly_numeric_codes.csv", &LoadOptions::default());
    assert!(
        matches!(error.kind, DataErrorKind::NonNumeric { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("'136A' is not a number"), "{message}");
    assert!(message.contains("--categorical"), "{message}");
    assert!(message.contains("--drop"), "{message}");
}

#[test]
fn categorical_option_reads_the_codes_as_levels() {
    let options = LoadOptions {
        categorical: names(&["code"]),
        ..LoadOptions::default()
    };
    let dataset = load("mostly_numeric_codes.csv", &options);
    let levels = dataset.columns.iter().find_map(|c| match c {
        FeatureColumn::Categorical { name, levels, .. } if name == "code" => Some(levels.clone()),
        _ => None,
    });
    assert_eq!(levels, Some(names(&["101", "136", "136A", "205", "310"])));
}

#[test]
fn numeric_option_turns_non_numbers_into_counted_missing_cells() {
    let options = LoadOptions {
        numeric: names(&["code"]),
        ..LoadOptions::default()
    };
    let dataset = load("mostly_numeric_codes.csv", &options);
    assert_eq!(dataset.feature_names, names(&["x", "code"]));
    assert_eq!(
        dataset.report.not_numbers_made_missing,
        vec![("code".to_string(), 1)]
    );
    assert!(
        dataset.features[[17, 1]].is_nan(),
        "'136A' on data row 18 is missing"
    );
    assert!(has_warning(&dataset, "1 cells of 'code' are not numbers"));
}

#[test]
fn drop_option_leaves_the_column_out() {
    let options = LoadOptions {
        drop: names(&["code"]),
        ..LoadOptions::default()
    };
    let dataset = load("mostly_numeric_codes.csv", &options);
    assert_eq!(dataset.feature_names, names(&["x"]));
    assert_eq!(dataset.report.dropped_columns, names(&["code"]));
}

#[test]
fn column_options_are_checked_against_the_header() {
    let cases: Vec<(LoadOptions, &str)> = vec![
        (
            LoadOptions {
                drop: names(&["nope"]),
                ..LoadOptions::default()
            },
            "--drop names 'nope', but there is no such column; the columns are: x, code, label",
        ),
        (
            LoadOptions {
                categorical: names(&["label"]),
                ..LoadOptions::default()
            },
            "--categorical names 'label', which is the target column",
        ),
        (
            LoadOptions {
                categorical: names(&["code"]),
                numeric: names(&["code"]),
                ..LoadOptions::default()
            },
            "'code' is named in both --categorical and --numeric",
        ),
        (
            LoadOptions {
                drop: names(&["x", "code"]),
                ..LoadOptions::default()
            },
            "every feature column was left out ('x' by --drop, 'code' by --drop)",
        ),
    ];
    for (options, expected) in cases {
        let error = load_err("mostly_numeric_codes.csv", &options);
        assert!(
            error.to_string().contains(expected),
            "{error}\nexpected: {expected}"
        );
    }
    let error = load_err(
        "mostly_numeric_codes.csv",
        &LoadOptions {
            keep: names(&["missing_column"]),
            ..LoadOptions::default()
        },
    );
    assert!(
        matches!(&error.kind, DataErrorKind::ColumnOption(e) if matches!(**e, ColumnOptionError::UnknownColumn { .. })),
        "{error:?}"
    );
}

#[test]
fn forced_classification_of_mostly_one_row_classes_is_refused_with_the_rule() {
    // 30 distinct float targets: 30 classes of one row each.
    let mut text = String::from("x,y\n");
    for i in 0..30 {
        text.push_str(&format!("{}.5,{}.25\n", i % 5, i));
    }
    let forced = LoadOptions {
        task: Some(Task::Classification),
        ..LoadOptions::default()
    };
    let error = load_csv_bytes(Path::new("floats.csv"), text.as_bytes(), &forced)
        .expect_err("mostly one-row classes");
    match &error.kind {
        DataErrorKind::MostlySingleRowClasses {
            classes,
            single_row,
        } => assert_eq!((*classes, *single_row), (30, 30)),
        other => panic!("expected MostlySingleRowClasses, got {other:?}"),
    }
    let message = error.to_string();
    assert!(
        message.contains("more than half the classes with one row"),
        "{message}"
    );
    assert!(message.contains("--task regression"), "{message}");

    // Half the classes with one row is not more than half: allowed.
    let half = "x,y\n0.5,a\n1.5,a\n2.5,b\n3.5,c\n4.5,c\n5.5,d\n";
    load_csv_bytes(Path::new("half.csv"), half.as_bytes(), &forced).expect("2 of 4 classes single");
}
