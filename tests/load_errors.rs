//! Bad inputs to the CSV loader: one test per kind of bad file, each checking the error kind and
//! the message the user sees (file name, and line and column where they apply).
//!
//! Fixtures live in `tests/fixtures/bad/`; inputs that are awkward as files (non-UTF-8, UTF-16,
//! generated tables) are built here as bytes and go through `load_csv_bytes`. Also a property
//! test: the loader returns `Ok` or `Err`, and never panics, on arbitrary input.

use std::path::{Path, PathBuf};

use modelbench::data::{
    load_csv, load_csv_bytes, DataError, DataErrorKind, LoadOptions, MissingPolicy, Task,
};
use proptest::prelude::*;

fn bad(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad")
        .join(name)
}

/// Loads a fixture that must fail, and returns the error with its rendered message.
fn load_err(name: &str, options: &LoadOptions) -> (DataError, String) {
    match load_csv(&bad(name), options) {
        Ok(dataset) => panic!(
            "{name} loaded, but should have failed: {} rows, features {:?}",
            dataset.n_rows(),
            dataset.feature_names
        ),
        Err(error) => {
            let message = error.to_string();
            (error, message)
        }
    }
}

fn bytes_err(name: &str, bytes: &[u8], options: &LoadOptions) -> (DataError, String) {
    match load_csv_bytes(Path::new(name), bytes, options) {
        Ok(dataset) => panic!(
            "{name} loaded, but should have failed: {} rows, features {:?}",
            dataset.n_rows(),
            dataset.feature_names
        ),
        Err(error) => {
            let message = error.to_string();
            (error, message)
        }
    }
}

fn assert_contains(message: &str, wanted: &str) {
    assert!(
        message.contains(wanted),
        "message does not contain {wanted:?}:\n  {message}"
    );
}

#[test]
fn missing_file_names_the_path() {
    let (error, message) = load_err("no_such_file.csv", &LoadOptions::default());
    assert!(matches!(error.kind, DataErrorKind::NotFound), "{error:?}");
    assert_eq!(error.path, bad("no_such_file.csv"));
    assert_eq!(error.line, None);
    assert_contains(&message, "no_such_file.csv: file not found");
    assert_contains(&message, "check the path");
}

#[test]
fn empty_file_says_it_needs_a_header_and_a_row() {
    let (error, message) = load_err("empty.csv", &LoadOptions::default());
    assert!(matches!(error.kind, DataErrorKind::Empty), "{error:?}");
    assert_contains(&message, "empty.csv: file is empty");
    assert_contains(&message, "a header row and at least one data row");
}

#[test]
fn whitespace_only_file_is_empty() {
    let (error, message) = bytes_err("blank.csv", b"  \n\r\n\t\n", &LoadOptions::default());
    assert!(matches!(error.kind, DataErrorKind::Empty), "{error:?}");
    assert_contains(&message, "blank.csv: file is empty");
}

#[test]
fn header_only_file_says_there_are_no_data_rows() {
    let (error, message) = load_err("header_only.csv", &LoadOptions::default());
    assert!(matches!(error.kind, DataErrorKind::HeaderOnly), "{error:?}");
    assert_contains(
        &message,
        "header_only.csv: file has a header row but no data rows",
    );
}

#[test]
fn row_with_wrong_field_count_names_its_line() {
    // Line 1 is the header; "5,6,7,a" is on line 4.
    let (error, message) = load_err("wrong_field_count.csv", &LoadOptions::default());
    assert!(
        matches!(
            error.kind,
            DataErrorKind::WrongFieldCount {
                expected: 3,
                found: 4
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.line, Some(4));
    assert_contains(
        &message,
        "wrong_field_count.csv, line 4: row has 4 fields but the header has 3",
    );
}

#[test]
fn wrong_field_count_after_a_multiline_quoted_field_names_the_file_line() {
    // The quoted "two\nlines" cell spans lines 3 and 4, so the short row "4,c" is on line 5.
    let (error, message) = load_err(
        "wrong_field_count_after_multiline.csv",
        &LoadOptions::default(),
    );
    assert!(
        matches!(
            error.kind,
            DataErrorKind::WrongFieldCount {
                expected: 3,
                found: 2
            }
        ),
        "{error:?}"
    );
    assert_contains(
        &message,
        "wrong_field_count_after_multiline.csv, line 5: row has 2 fields but the header has 3",
    );
}

#[test]
fn line_numbers_count_crlf_lone_cr_and_blank_lines() {
    // Header on line 1, a row, two blank lines, then the short row "5,a" on line 5.
    for end in ["\n", "\r\n", "\r"] {
        let text = ["x1,x2,y", "1,2,a", "", "", "5,a", "3,4,b", ""].join(end);
        let (error, message) = bytes_err("ends.csv", text.as_bytes(), &LoadOptions::default());
        assert!(
            matches!(error.kind, DataErrorKind::WrongFieldCount { .. }),
            "{end:?}: {error:?}"
        );
        assert_eq!(error.line, Some(5), "line ends {end:?}: {message}");
    }
}

#[test]
fn non_numeric_value_in_a_crlf_file_names_its_line() {
    let bytes = b"x1,x2,y\r\n1,2,a\r\n3,4,b\r\n5,oops,a\r\n7,8,b\r\n";
    let (error, message) = bytes_err("windows.csv", bytes, &LoadOptions::default());
    assert!(
        matches!(error.kind, DataErrorKind::NonNumeric { .. }),
        "{error:?}"
    );
    assert_contains(
        &message,
        "windows.csv, line 4, column 2 'x2': 'oops' is not a number",
    );
}

#[test]
fn header_errors_name_the_header_line_after_leading_blank_lines() {
    let (error, message) = bytes_err(
        "late_header.csv",
        b"\n\nx,x,y\n1,2,a\n",
        &LoadOptions::default(),
    );
    assert!(
        matches!(error.kind, DataErrorKind::DuplicateColumn { .. }),
        "{error:?}"
    );
    assert_contains(&message, "late_header.csv, line 3, column 2 'x'");
}

#[test]
fn non_numeric_value_names_line_column_and_value() {
    let (error, message) = load_err("non_numeric.csv", &LoadOptions::default());
    match &error.kind {
        DataErrorKind::NonNumeric {
            value,
            numeric_share,
        } => {
            assert_eq!(value, "4..5");
            assert_eq!(*numeric_share, 75);
        }
        other => panic!("expected NonNumeric, got {other:?}"),
    }
    assert_eq!(error.line, Some(4));
    let column = error.column.as_ref().expect("a column");
    assert_eq!((column.number, column.name.as_str()), (2, "x2"));
    assert_contains(
        &message,
        "non_numeric.csv, line 4, column 2 'x2': '4..5' is not a number",
    );
    assert_contains(&message, "75% of its values are numbers");
}

#[test]
fn unknown_target_lists_the_columns() {
    let options = LoadOptions {
        target: Some("label".to_string()),
        ..LoadOptions::default()
    };
    let (error, message) = load_err("string_target.csv", &options);
    match &error.kind {
        DataErrorKind::UnknownTarget { name, available } => {
            assert_eq!(name, "label");
            assert_eq!(available, "x1, x2, species");
        }
        other => panic!("expected UnknownTarget, got {other:?}"),
    }
    assert_contains(
        &message,
        "string_target.csv: no column named 'label'; the columns are: x1, x2, species",
    );
    assert_contains(&message, "--target");
}

#[test]
fn duplicate_column_names_both_positions() {
    let (error, message) = load_err("duplicate_columns.csv", &LoadOptions::default());
    assert!(
        matches!(
            error.kind,
            DataErrorKind::DuplicateColumn {
                first: 1,
                second: 3
            }
        ),
        "{error:?}"
    );
    assert_contains(
        &message,
        "duplicate_columns.csv, line 1, column 3 'x1': column name appears twice (columns 1 and 3)",
    );
}

#[test]
fn single_class_target_names_the_class() {
    let (error, message) = load_err("single_class.csv", &LoadOptions::default());
    match &error.kind {
        DataErrorKind::SingleClass { class } => assert_eq!(class, "yes"),
        other => panic!("expected SingleClass, got {other:?}"),
    }
    assert_contains(
        &message,
        "single_class.csv, column 3 'y': the target has a single class ('yes')",
    );
    assert_contains(&message, "at least two classes");
}

#[test]
fn non_utf8_bytes_name_the_line() {
    // Latin-1 "é" (0xE9) on line 3, as the second byte of that line.
    let bytes = b"x1,x2,y\n1,2,a\nc\xe9,4,b\n";
    let (error, message) = bytes_err("latin1.csv", bytes, &LoadOptions::default());
    assert!(
        matches!(error.kind, DataErrorKind::NotUtf8 { byte: 2 }),
        "{error:?}"
    );
    assert_eq!(error.line, Some(3));
    assert_contains(
        &message,
        "latin1.csv, line 3: invalid UTF-8 at byte 2 of the line",
    );
    assert_contains(&message, "save the file as UTF-8");
}

#[test]
fn non_utf8_after_a_bom_still_counts_lines_from_one() {
    let bytes = b"\xef\xbb\xbfx1,x2,y\n\xff,2,a\n";
    let (error, message) = bytes_err("bom_latin1.csv", bytes, &LoadOptions::default());
    assert!(
        matches!(error.kind, DataErrorKind::NotUtf8 { byte: 1 }),
        "{error:?}"
    );
    assert_contains(&message, "bom_latin1.csv, line 2: invalid UTF-8 at byte 1");
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut bytes = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for unit in text.encode_utf16() {
        let pair = if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        };
        bytes.extend_from_slice(&pair);
    }
    bytes
}

#[test]
fn utf16_little_and_big_endian_say_how_to_convert() {
    for big_endian in [false, true] {
        let bytes = utf16("x1,x2,y\n1,2,a\n3,4,b\n", big_endian);
        let (error, message) = bytes_err("excel.csv", &bytes, &LoadOptions::default());
        assert!(matches!(error.kind, DataErrorKind::Utf16), "{error:?}");
        assert_contains(
            &message,
            "excel.csv: file is UTF-16 encoded; save it as UTF-8",
        );
        assert_contains(&message, "iconv");
    }
}

#[test]
fn utf16_without_a_byte_order_mark_is_recognised() {
    for big_endian in [false, true] {
        let bytes = utf16("x1,x2,y\n1,2,a\n3,4,b\n", big_endian);
        let (error, message) = bytes_err("no_bom.csv", &bytes[2..], &LoadOptions::default());
        assert!(matches!(error.kind, DataErrorKind::Utf16), "{error:?}");
        assert_contains(&message, "no_bom.csv: file is UTF-16 encoded");
    }
}

#[test]
fn inf_in_a_feature_names_line_column_and_value() {
    let (error, message) = load_err("infinite_inf.csv", &LoadOptions::default());
    match &error.kind {
        DataErrorKind::Infinite { value } => assert_eq!(value, "inf"),
        other => panic!("expected Infinite, got {other:?}"),
    }
    assert_contains(
        &message,
        "infinite_inf.csv, line 3, column 2 'x2': 'inf' is infinite",
    );
}

#[test]
fn overflowing_number_is_refused_as_infinite() {
    let (error, message) = load_err("infinite_overflow.csv", &LoadOptions::default());
    match &error.kind {
        DataErrorKind::Infinite { value } => assert_eq!(value, "1e999"),
        other => panic!("expected Infinite, got {other:?}"),
    }
    assert_contains(
        &message,
        "infinite_overflow.csv, line 5, column 1 'x1': '1e999' is infinite",
    );
}

#[test]
fn infinite_regression_target_is_refused() {
    let bytes = b"x,y\n1,0.5\n2,-Infinity\n3,1.5\n";
    let options = LoadOptions {
        task: Some(Task::Regression),
        ..LoadOptions::default()
    };
    let (error, message) = bytes_err("target_inf.csv", bytes, &options);
    assert!(
        matches!(error.kind, DataErrorKind::Infinite { .. }),
        "{error:?}"
    );
    assert_contains(
        &message,
        "target_inf.csv, line 3, column 2 'y': '-Infinity' is infinite",
    );
}

#[test]
fn c_style_negative_nan_is_not_a_number_rather_than_infinite() {
    // C's printf writes "-nan"; Rust parses it as NaN, which is neither finite nor infinite.
    let bytes = b"x1,x2,y\n1,2,a\n3,-nan,b\n5,6,a\n";
    let (error, message) = bytes_err("printf.csv", bytes, &LoadOptions::default());
    match &error.kind {
        DataErrorKind::NonNumeric { value, .. } => assert_eq!(value, "-nan"),
        other => panic!("expected NonNumeric, got {other:?}"),
    }
    assert_contains(
        &message,
        "printf.csv, line 3, column 2 'x2': '-nan' is not a number",
    );
}

#[test]
fn missing_value_with_missing_error_policy_names_the_cell() {
    let options = LoadOptions {
        missing: MissingPolicy::Error,
        ..LoadOptions::default()
    };
    let (error, message) = load_err("missing_value.csv", &options);
    match &error.kind {
        DataErrorKind::Missing { value } => assert_eq!(value, "NA"),
        other => panic!("expected Missing, got {other:?}"),
    }
    assert_contains(
        &message,
        "missing_value.csv, line 3, column 2 'x2': missing value 'NA' and --missing error is set",
    );
    assert_contains(&message, "--missing impute");
}

#[test]
fn missing_target_with_missing_error_policy_names_the_target() {
    let options = LoadOptions {
        missing: MissingPolicy::Error,
        ..LoadOptions::default()
    };
    let bytes = b"x1,x2,y\n1,2,a\n3,4,\n";
    let (error, message) = bytes_err("no_label.csv", bytes, &options);
    assert!(
        matches!(error.kind, DataErrorKind::Missing { .. }),
        "{error:?}"
    );
    assert_contains(
        &message,
        "no_label.csv, line 3, column 3 'y': missing value ''",
    );
}

#[test]
fn identifier_column_over_max_categories_is_refused() {
    // 12 distinct customer ids in 12 rows, over a limit of 10.
    let options = LoadOptions {
        max_categories: 10,
        ..LoadOptions::default()
    };
    let (error, message) = load_err("identifier.csv", &options);
    assert!(
        matches!(
            error.kind,
            DataErrorKind::Identifier {
                distinct: 12,
                rows: 12
            }
        ),
        "{error:?}"
    );
    assert_contains(
        &message,
        "identifier.csv, column 1 'customer_id': categorical column has 12 distinct values in 12 rows",
    );
    assert_contains(&message, "looks like an identifier");
    assert_contains(&message, "--max-categories");
}

#[test]
fn identifier_column_over_the_default_limit_is_refused() {
    let mut text = String::from("id,x,y\n");
    for i in 0..150 {
        text.push_str(&format!("row-{i},{i},{}\n", i % 2));
    }
    let (error, message) = bytes_err("ids.csv", text.as_bytes(), &LoadOptions::default());
    assert!(
        matches!(
            error.kind,
            DataErrorKind::Identifier {
                distinct: 150,
                rows: 150
            }
        ),
        "{error:?}"
    );
    assert_contains(
        &message,
        "ids.csv, column 1 'id': categorical column has 150",
    );
}

#[test]
fn regression_on_a_string_target_names_the_value() {
    let options = LoadOptions {
        task: Some(Task::Regression),
        ..LoadOptions::default()
    };
    let (error, message) = load_err("string_target.csv", &options);
    match &error.kind {
        DataErrorKind::NonNumericTarget { value } => assert_eq!(value, "setosa"),
        other => panic!("expected NonNumericTarget, got {other:?}"),
    }
    assert_contains(
        &message,
        "string_target.csv, line 2, column 3 'species': regression needs a numeric target, but 'setosa' is not a number",
    );
    assert_contains(&message, "--task classification");
}

#[test]
fn empty_header_name_names_its_column() {
    let (error, message) = load_err("empty_header_name.csv", &LoadOptions::default());
    assert!(
        matches!(error.kind, DataErrorKind::EmptyColumnName),
        "{error:?}"
    );
    assert_eq!(error.column.as_ref().map(|c| c.number), Some(2));
    assert_contains(
        &message,
        "empty_header_name.csv, line 1, column 2 '': column has an empty name",
    );
}

#[test]
fn file_with_only_the_target_column_has_no_features() {
    let (error, message) = load_err("only_target.csv", &LoadOptions::default());
    assert!(matches!(error.kind, DataErrorKind::NoFeatures), "{error:?}");
    assert_contains(
        &message,
        "only_target.csv, line 1: no feature columns: the file has only the target column",
    );
}

#[test]
fn dropping_every_row_says_how_many_went() {
    let options = LoadOptions {
        missing: MissingPolicy::Drop,
        ..LoadOptions::default()
    };
    let bytes = b"x1,x2,y\n1,NA,a\n?,2,b\n3,4,\n";
    let (error, message) = bytes_err("all_gaps.csv", bytes, &options);
    assert!(
        matches!(error.kind, DataErrorKind::NoRowsLeft { dropped: 3 }),
        "{error:?}"
    );
    assert_contains(
        &message,
        "all_gaps.csv: no rows left after removing 3 rows with missing values",
    );
}

#[test]
fn file_over_max_bytes_is_refused_before_reading() {
    let options = LoadOptions {
        max_bytes: 10,
        ..LoadOptions::default()
    };
    let (error, message) = load_err("non_numeric.csv", &options);
    assert!(
        matches!(error.kind, DataErrorKind::TooLarge { limit: 10, .. }),
        "{error:?}"
    );
    assert_contains(&message, "non_numeric.csv: file is ");
    assert_contains(&message, "over the limit of 10 bytes");
}

/// Cells and pieces that real and broken CSV files are made of.
fn csv_like_piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "0", "1", "7", "2.5", "-3", "1e308", "1e999", "a", "b", "x", "yes", ",", ";", "\t", "\"",
        "\"\"", "\r", "\n", "\r\n", "NA", "?", "inf", "-inf", "nan", " ", "\u{feff}", "é",
    ])
}

/// A table of CSV-like cells under a valid header, joined by a delimiter and line ends, so that
/// most inputs get past the reader into typing, encoding and the target; the cells' own
/// quotes and delimiters still break some rows.
fn csv_like_table() -> impl Strategy<Value = String> {
    (2usize..5).prop_flat_map(|columns| {
        let value = prop::sample::select(vec![
            "0", "1", "2", "10", "2.5", "-3", "1e308", "1e999", "a", "b", "NA", "?", "inf", "",
        ]);
        let piece = prop_oneof![12 => value, 1 => csv_like_piece()];
        let cell = prop::collection::vec(piece, 1..3).prop_map(|p| p.concat());
        let row = prop::collection::vec(cell, columns);
        (
            prop::sample::select(vec![",", ";", "\t"]),
            prop::sample::select(vec!["\n", "\r\n", "\r"]),
            prop::collection::vec(row, 1..8),
        )
            .prop_map(move |(delimiter, end, rows)| {
                let header: Vec<String> = (0..columns).map(|c| format!("c{c}")).collect();
                std::iter::once(header.join(delimiter))
                    .chain(rows.iter().map(|row| row.join(delimiter)))
                    .collect::<Vec<_>>()
                    .join(end)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        // Either result is fine; a panic fails the test.
        let _ = load_csv_bytes(Path::new("fuzz.csv"), &bytes, &LoadOptions::default());
    }

    #[test]
    fn csv_like_text_never_panics(
        bom in any::<bool>(),
        pieces in prop::collection::vec(csv_like_piece(), 0..80),
        missing in prop::sample::select(vec![MissingPolicy::Impute, MissingPolicy::Drop, MissingPolicy::Error]),
        task in prop::option::of(prop::sample::select(vec![Task::Classification, Task::Regression])),
    ) {
        let mut text = String::new();
        if bom {
            text.push('\u{feff}');
        }
        text.extend(pieces);
        let options = LoadOptions { missing, task, ..LoadOptions::default() };
        if let Err(error) = load_csv_bytes(Path::new("fuzz.csv"), text.as_bytes(), &options) {
            // Every error, whatever the input, starts with the file name.
            prop_assert!(error.to_string().starts_with("fuzz.csv"), "{}", error);
        }
    }

    #[test]
    fn csv_like_tables_never_panic(
        text in csv_like_table(),
        max_categories in 1usize..4,
        task in prop::option::of(prop::sample::select(vec![Task::Classification, Task::Regression])),
    ) {
        let options = LoadOptions { max_categories, task, ..LoadOptions::default() };
        if let Err(error) = load_csv_bytes(Path::new("fuzz.csv"), text.as_bytes(), &options) {
            prop_assert!(error.to_string().starts_with("fuzz.csv"), "{}", error);
        }
    }
}
