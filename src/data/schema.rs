//! Recognising missing cells and numbers (with a decimal point or a decimal comma), and
//! deciding whether a column is numeric or categorical.

use super::DecimalMark;

/// The spellings of a missing cell, compared without case; an empty cell is missing too.
const MISSING_TOKENS: [&str; 5] = ["na", "n/a", "nan", "?", "null"];

/// Whether a (trimmed) cell stands for a missing value.
pub fn is_missing_token(cell: &str) -> bool {
    cell.is_empty() || MISSING_TOKENS.iter().any(|t| cell.eq_ignore_ascii_case(t))
}

/// How a feature column is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnKind {
    Numeric,
    Categorical,
}

/// Parses a cell as a number; infinities parse (and are refused later with a location). NaN
/// spellings the missing tokens do not cover (`-nan`, as C's printf writes it) are not numbers.
pub(crate) fn parse_number(cell: &str) -> Option<f64> {
    cell.parse::<f64>().ok().filter(|v| !v.is_nan())
}

/// [`parse_number`] with the file's decimal mark: with a decimal comma, one `,` is read as the
/// point (`5,1` is 5.1). Cells without a comma parse as usual; thousands separators are not read.
pub(crate) fn parse_number_with(cell: &str, decimal: DecimalMark) -> Option<f64> {
    match decimal {
        DecimalMark::Comma if cell.contains(',') => {
            if cell.contains('.') || cell.matches(',').count() != 1 {
                return None;
            }
            parse_number(&cell.replacen(',', ".", 1))
        }
        _ => parse_number(cell),
    }
}

/// Whether a cell is a number written with a decimal comma: digits, one `,`, digits.
pub(crate) fn has_decimal_comma(cell: &str) -> bool {
    let unsigned = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    match unsigned.split_once(',') {
        Some((whole, fraction)) => {
            !whole.is_empty()
                && !fraction.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit())
                && fraction.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// Whether a cell is a number written with a decimal point (`5.1`, `.5`).
pub(crate) fn has_decimal_point(cell: &str) -> bool {
    let unsigned = cell.strip_prefix(['-', '+']).unwrap_or(cell);
    match unsigned.split_once('.') {
        Some((whole, fraction)) => {
            !fraction.is_empty()
                && whole.bytes().all(|b| b.is_ascii_digit())
                && fraction.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// Numeric when most present cells are numbers: then the others are typos to report, not
/// categories. A column with no present cells is numeric (it will be imputed).
#[cfg(test)]
pub(crate) fn infer_kind<'a>(
    cells: impl Iterator<Item = &'a str>,
    decimal: DecimalMark,
) -> (ColumnKind, u32) {
    let (kind, share, _) = parse_column(cells, decimal);
    (kind, share)
}

/// Every cell of a column parsed once (NaN where a cell is missing or not a number; parsed
/// numbers are never NaN), with the column's kind and the percent of present cells that are
/// numbers, decided as `infer_kind` documents.
#[cfg(test)]
pub(crate) fn parse_column<'a>(
    cells: impl Iterator<Item = &'a str>,
    decimal: DecimalMark,
) -> (ColumnKind, u32, Vec<f64>) {
    let mut column = ParsedColumn::default();
    cells.for_each(|cell| column.push(cell, decimal));
    column.finish()
}

/// [`parse_column`] for several columns of the same rows at once, walking the rows in order:
/// each record's fields sit together in memory, so this reads them once, front to back,
/// instead of jumping between 100,000 records once per column.
pub(crate) fn parse_columns(
    rows: &[csv::StringRecord],
    columns: &[usize],
    decimal: DecimalMark,
) -> Vec<(ColumnKind, u32, Vec<f64>)> {
    let mut parsed: Vec<ParsedColumn> = columns
        .iter()
        .map(|_| ParsedColumn {
            values: Vec::with_capacity(rows.len()),
            ..ParsedColumn::default()
        })
        .collect();
    for row in rows {
        for (column, &index) in parsed.iter_mut().zip(columns) {
            column.push(&row[index], decimal);
        }
    }
    parsed.into_iter().map(ParsedColumn::finish).collect()
}

#[derive(Default)]
struct ParsedColumn {
    present: usize,
    numeric: usize,
    values: Vec<f64>,
}

impl ParsedColumn {
    fn push(&mut self, cell: &str, decimal: DecimalMark) {
        if is_missing_token(cell) {
            self.values.push(f64::NAN);
            return;
        }
        self.present += 1;
        match parse_number_with(cell, decimal) {
            Some(value) => {
                self.numeric += 1;
                self.values.push(value);
            }
            None => self.values.push(f64::NAN),
        }
    }

    fn finish(self) -> (ColumnKind, u32, Vec<f64>) {
        if self.present == 0 {
            return (ColumnKind::Numeric, 100, self.values);
        }
        let share = (100 * self.numeric / self.present) as u32;
        let kind = if 2 * self.numeric > self.present {
            ColumnKind::Numeric
        } else {
            ColumnKind::Categorical
        };
        (kind, share, self.values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_missing_spellings_in_any_case() {
        for cell in [
            "", "NA", "na", "N/A", "n/a", "NaN", "nan", "?", "NULL", "Null",
        ] {
            assert!(is_missing_token(cell), "{cell}");
        }
        for cell in ["0", "none", "-", "NAN1"] {
            assert!(!is_missing_token(cell), "{cell}");
        }
    }

    #[test]
    fn majority_numeric_is_numeric_otherwise_categorical() {
        let point = DecimalMark::Point;
        assert_eq!(
            infer_kind(["1", "2", "x"].into_iter(), point).0,
            ColumnKind::Numeric
        );
        assert_eq!(
            infer_kind(["a", "b", "1"].into_iter(), point).0,
            ColumnKind::Categorical
        );
        assert_eq!(
            infer_kind(["", "NA"].into_iter(), point).0,
            ColumnKind::Numeric
        );
        assert_eq!(
            infer_kind(["5,1", "4,9", "x"].into_iter(), point).0,
            ColumnKind::Categorical
        );
        assert_eq!(
            infer_kind(["5,1", "4,9", "x"].into_iter(), DecimalMark::Comma).0,
            ColumnKind::Numeric
        );
    }

    #[test]
    fn decimal_comma_reads_one_comma_as_the_point() {
        let comma = DecimalMark::Comma;
        assert_eq!(parse_number_with("5,1", comma), Some(5.1));
        assert_eq!(parse_number_with("-0,25", comma), Some(-0.25));
        assert_eq!(parse_number_with("7", comma), Some(7.0));
        // Thousands separators are not guessed at: refused, not misread.
        assert_eq!(parse_number_with("1.234,5", comma), None);
        assert_eq!(parse_number_with("1,2,3", comma), None);
        assert_eq!(parse_number_with("5,1", DecimalMark::Point), None);
    }

    #[test]
    fn decimal_mark_shapes() {
        for (cell, comma, point) in [
            ("5,1", true, false),
            ("-12,75", true, false),
            ("5.1", false, true),
            (".5", false, true),
            ("5", false, false),
            ("a,b", false, false),
            ("1,", false, false),
            ("1.2.3", false, false),
        ] {
            assert_eq!(has_decimal_comma(cell), comma, "{cell}");
            assert_eq!(has_decimal_point(cell), point, "{cell}");
        }
    }
}
