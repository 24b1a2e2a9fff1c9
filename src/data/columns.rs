//! What each column of a file becomes: the target, row names, a feature (numeric or
//! categorical), or left out (`--drop`, or an identifier). Also the file's decimal mark.
//!
//! Not here: reading cells into numbers and levels, which `dataset` does with this plan.

use std::collections::HashSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::error::ColumnOptionError;
use super::read::RawTable;
use super::schema::{
    has_decimal_comma, has_decimal_point, is_missing_token, parse_columns, ColumnKind,
};
use super::{ColumnRef, DataError, DataErrorKind, DecimalMark, LoadOptions};

/// The header pandas gives an unnamed first column when it reads a file with an index.
const PANDAS_INDEX_NAME: &str = "Unnamed: 0";

/// Below this many rows, distinct integers are weak evidence of an identifier (a handful of
/// measurements are easily all different), so no column is left out as one.
pub const MIN_ROWS_FOR_IDENTIFIER: usize = 20;

/// A feature column and how its cells are read.
#[derive(Debug, Clone)]
pub(crate) struct FeaturePlan {
    /// Index of the column in the file.
    pub column: usize,
    pub kind: ColumnKind,
    /// Percent of present cells that are numbers (for the "not a number" error).
    pub numeric_share: u32,
    /// `--numeric`: non-numbers become missing instead of an error.
    pub forced_numeric: bool,
    /// Numeric columns: whether every file row's value is a finite number (then no row needs
    /// a check). The values themselves are `RawTable::number` of the column.
    pub all_finite: bool,
}

/// A numeric column left out because it identifies rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentifierColumn {
    pub name: String,
    /// Rows, each with its own value.
    pub rows: usize,
    /// `Some(first)` when the values are `first, first + 1, …` in file order (a row number).
    pub in_order_from: Option<i64>,
}

/// What every column of the file becomes.
#[derive(Debug)]
pub(crate) struct ColumnPlan {
    pub target: usize,
    /// The column read as row names (always the first).
    pub row_names: Option<usize>,
    pub features: Vec<FeaturePlan>,
    /// Columns left out by `--drop`.
    pub dropped: Vec<usize>,
    pub identifiers: Vec<IdentifierColumn>,
    pub decimal: DecimalMark,
    /// Whether the decimal mark was sniffed (not given with `--decimal`).
    pub decimal_sniffed: bool,
}

/// Decides what each column is, checking the column options against the header.
/// Numeric columns' cells are read into `table`'s numbers (`schema::parse_columns`).
pub(crate) fn plan_columns(
    path: &Path,
    table: &mut RawTable,
    options: &LoadOptions,
) -> Result<ColumnPlan, DataError> {
    let err = |kind| DataError::file(path, kind);
    let headers = &table.headers.clone();
    let target = match &options.target {
        None => headers.len() - 1,
        Some(name) => headers.iter().position(|h| h == name).ok_or_else(|| {
            err(DataErrorKind::UnknownTarget {
                name: name.clone(),
                available: headers.join(", "),
            })
        })?,
    };
    if headers.len() < 2 {
        return Err(err(DataErrorKind::NoFeatures).at_line(table.header_line));
    }
    check_option_columns(path, headers, target, options)?;
    let named = |list: &[String], index: usize| list.iter().any(|n| *n == headers[index]);

    let (decimal, decimal_sniffed) = match options.decimal {
        Some(mark) => (mark, false),
        None => (sniff_decimal(table), true),
    };

    let row_names = (target != 0 && is_row_names(table)).then_some(0);
    if row_names.is_none() && headers[0].is_empty() {
        // Not unique row labels, so a real column someone forgot to name.
        return Err(err(DataErrorKind::EmptyColumnName)
            .at_line(table.header_line)
            .at_column(ColumnRef::new(0, "")));
    }

    let mut plan = ColumnPlan {
        target,
        row_names,
        features: Vec::new(),
        dropped: Vec::new(),
        identifiers: Vec::new(),
        decimal,
        decimal_sniffed,
    };
    // Which columns are features, and which of them need their cells parsed as numbers.
    let mut candidates = Vec::new();
    for column in 0..headers.len() {
        if column == target || Some(column) == row_names {
            continue;
        }
        if named(&options.drop, column) {
            plan.dropped.push(column);
        } else {
            candidates.push(column);
        }
    }
    let to_parse: Vec<usize> = candidates
        .iter()
        .copied()
        .filter(|&c| !named(&options.categorical, c))
        .collect();
    let mut parsed = parse_columns(table, &to_parse, decimal).into_iter();
    let table = &*table;
    for column in candidates {
        let forced_numeric = named(&options.numeric, column);
        let (kind, numeric_share, all_finite) = if named(&options.categorical, column) {
            (ColumnKind::Categorical, 0, false)
        } else {
            let (kind, share, all_finite) = parsed
                .next()
                .expect("one parsed column per column that is not forced categorical");
            match kind {
                _ if forced_numeric => (ColumnKind::Numeric, 100, all_finite),
                _ => (kind, share, all_finite),
            }
        };
        if kind == ColumnKind::Numeric && !named(&options.keep, column) {
            let values = (0..table.n_rows()).map(|row| table.number(row, column));
            if let Some(identifier) = identifier_evidence(&headers[column], values) {
                plan.identifiers.push(identifier);
                continue;
            }
        }
        plan.features.push(FeaturePlan {
            column,
            kind,
            numeric_share,
            forced_numeric,
            all_finite,
        });
    }
    if plan.features.is_empty() {
        let mut left_out: Vec<String> = plan
            .dropped
            .iter()
            .map(|&c| format!("'{}' by --drop", headers[c]))
            .collect();
        left_out.extend(
            plan.identifiers
                .iter()
                .map(|i| format!("'{}' as an identifier", i.name)),
        );
        if row_names.is_some() {
            left_out.push("the first column as row names".to_string());
        }
        return Err(err(DataErrorKind::AllFeaturesLeftOut {
            left_out: left_out.join(", "),
        }));
    }
    Ok(plan)
}

/// Every column named in `--drop`, `--keep`, `--categorical` and `--numeric` must exist, not be
/// the target, and not be named in two options that contradict each other.
fn check_option_columns(
    path: &Path,
    headers: &[String],
    target: usize,
    options: &LoadOptions,
) -> Result<(), DataError> {
    let lists: [(&'static str, &[String]); 4] = [
        ("--drop", &options.drop),
        ("--keep", &options.keep),
        ("--categorical", &options.categorical),
        ("--numeric", &options.numeric),
    ];
    for (option, names) in lists {
        for name in names {
            match headers.iter().position(|h| h == name) {
                None => {
                    return Err(DataError::file(
                        path,
                        ColumnOptionError::UnknownColumn {
                            option,
                            name: name.clone(),
                            available: headers.join(", "),
                        }
                        .into(),
                    ))
                }
                Some(index) if index == target => {
                    return Err(DataError::file(
                        path,
                        ColumnOptionError::NamesTarget {
                            option,
                            name: name.clone(),
                        }
                        .into(),
                    ))
                }
                Some(_) => {}
            }
        }
    }
    let contradictions = [(0, 1), (0, 2), (0, 3), (2, 3)];
    for (a, b) in contradictions {
        if let Some(name) = lists[a].1.iter().find(|n| lists[b].1.contains(n)) {
            return Err(DataError::file(
                path,
                ColumnOptionError::Conflicting {
                    name: name.clone(),
                    first: lists[a].0,
                    second: lists[b].0,
                }
                .into(),
            ));
        }
    }
    Ok(())
}

/// The first column holds row names when it is unnamed (R's `write.csv` writes `""`) or named
/// as pandas names an unnamed index, and its values label the rows: present and all different.
fn is_row_names(table: &RawTable) -> bool {
    let header = table.headers[0].as_str();
    if !header.is_empty() && header != PANDAS_INDEX_NAME {
        return false;
    }
    let mut seen = HashSet::with_capacity(table.n_rows());
    (0..table.n_rows()).all(|r| {
        let name = table.cell(r, 0);
        !name.is_empty() && seen.insert(name)
    })
}

/// Whether a numeric column identifies rows: every cell present, an integer, and different from
/// every other, in at least [`MIN_ROWS_FOR_IDENTIFIER`] rows.
///
/// Why this is safe for real features: a feature that repeats any value (a count, a category
/// coded as 0..k, an age in years over more than ~100 rows) fails the distinct test, and a
/// measurement with decimals fails the integer test. What remains are distinct integers on every
/// row, which is what IDs and row numbers are; the rare integer measurement that happens to be
/// all different (amounts in whole currency units in a small file) is left out *with a warning
/// naming it*, and `--keep NAME` brings it back.
fn identifier_evidence(name: &str, values: impl Iterator<Item = f64>) -> Option<IdentifierColumn> {
    // Integers beyond 2^53 are not exact in f64: distinctness could not be trusted.
    const EXACT_LIMIT: f64 = 9_007_199_254_740_992.0;
    let mut seen = HashSet::new();
    let mut previous: Option<i64> = None;
    let mut first = None;
    let mut in_order = true;
    for value in values {
        // NaN (a missing cell or not a number) fails this test too.
        if value.fract() != 0.0 || value.abs() >= EXACT_LIMIT {
            return None;
        }
        let value = value as i64;
        if !seen.insert(value) {
            return None;
        }
        in_order &= previous.is_none_or(|p| value == p + 1);
        first.get_or_insert(value);
        previous = Some(value);
    }
    (seen.len() >= MIN_ROWS_FOR_IDENTIFIER).then(|| IdentifierColumn {
        name: name.to_string(),
        rows: seen.len(),
        in_order_from: if in_order { first } else { None },
    })
}

/// A decimal comma is read when fields are split on `;` or tab (so a comma cannot be the
/// delimiter), some cell is written like `5,1`, and no cell is written like `5.1` (a file that
/// uses both is not guessed at: its comma cells stay text and are reported).
fn sniff_decimal(table: &RawTable) -> DecimalMark {
    if table.delimiter != b';' && table.delimiter != b'\t' {
        return DecimalMark::Point;
    }
    let mut comma = false;
    for cell in table.cells() {
        if is_missing_token(cell) {
            continue;
        }
        if has_decimal_point(cell) {
            return DecimalMark::Point;
        }
        comma = comma || has_decimal_comma(cell);
    }
    if comma {
        DecimalMark::Comma
    } else {
        DecimalMark::Point
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(delimiter: u8, headers: &[&str], rows: &[&[&str]]) -> RawTable<'static> {
        RawTable::from_fields(delimiter, headers, rows)
    }

    fn parsed(cells: &[String]) -> Vec<f64> {
        use crate::data::schema::parse_column;
        parse_column(cells.iter().map(String::as_str), DecimalMark::Point).2
    }

    fn numbers(values: impl IntoIterator<Item = i64>) -> Vec<String> {
        values.into_iter().map(|v| v.to_string()).collect()
    }

    #[test]
    fn identifier_rule_table() {
        let n = MIN_ROWS_FOR_IDENTIFIER as i64;
        let shuffled: Vec<i64> = (0..n).map(|i| (i * 7) % n + 1000).collect();
        let mut repeated: Vec<i64> = (0..n).collect();
        repeated[3] = 4;
        let small_counts: Vec<i64> = (0..100).map(|i| i % 10).collect();
        let with_decimals: Vec<String> = (0..n).map(|i| format!("{i}.5")).collect();
        // Expected: None (a feature), Some(Some(first)) (a row number), Some(None) (an ID).
        type Expected = Option<Option<i64>>;
        let cases: Vec<(&str, Vec<String>, Expected)> = vec![
            ("1..n in order", numbers(1..=n), Some(Some(1))),
            ("0..n-1 in order", numbers(0..n), Some(Some(0))),
            ("distinct integers, shuffled", numbers(shuffled), Some(None)),
            ("one repeat", numbers(repeated), None),
            ("small integer feature", numbers(small_counts), None),
            ("decimals", with_decimals, None),
            ("too few rows", numbers(1..n), None),
        ];
        for (label, cells, expected) in cases {
            let found = identifier_evidence("c", parsed(&cells).into_iter());
            assert_eq!(found.map(|i| i.in_order_from), expected, "{label}");
        }
        let mut with_missing = numbers(1..=n + 1);
        with_missing[5] = String::new();
        let found = identifier_evidence("c", parsed(&with_missing).into_iter());
        assert!(found.is_none(), "a missing cell: not an identifier");
    }

    #[test]
    fn row_names_are_unique_labels_in_an_unnamed_first_column() {
        let r_export = table(b',', &["", "x", "y"], &[&["1", "5", "a"], &["2", "6", "b"]]);
        assert!(is_row_names(&r_export));
        let pandas = table(
            b',',
            &["Unnamed: 0", "x", "y"],
            &[&["0", "5", "a"], &["1", "6", "b"]],
        );
        assert!(is_row_names(&pandas));
        let repeated = table(b',', &["", "x", "y"], &[&["a", "5", "a"], &["a", "6", "b"]]);
        assert!(!is_row_names(&repeated));
        let named = table(
            b',',
            &["id", "x", "y"],
            &[&["1", "5", "a"], &["2", "6", "b"]],
        );
        assert!(!is_row_names(&named));
    }

    #[test]
    fn decimal_comma_is_sniffed_only_between_semicolons_or_tabs() {
        let rows: &[&[&str]] = &[&["5,1", "3"], &["4,9", "NA"]];
        assert_eq!(
            sniff_decimal(&table(b';', &["x", "y"], rows)),
            DecimalMark::Comma
        );
        assert_eq!(
            sniff_decimal(&table(b'\t', &["x", "y"], rows)),
            DecimalMark::Comma
        );
        assert_eq!(
            sniff_decimal(&table(b',', &["x", "y"], rows)),
            DecimalMark::Point
        );
        let mixed: &[&[&str]] = &[&["5,1", "3.5"]];
        assert_eq!(
            sniff_decimal(&table(b';', &["x", "y"], mixed)),
            DecimalMark::Point
        );
        let integers: &[&[&str]] = &[&["5", "3"]];
        assert_eq!(
            sniff_decimal(&table(b';', &["x", "y"], integers)),
            DecimalMark::Point
        );
    }
}
