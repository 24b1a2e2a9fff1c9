//! Recognising missing cells and numbers (with a decimal point or a decimal comma), and
//! deciding whether a column is numeric or categorical.

use super::read::RawTable;
use super::DecimalMark;

/// The spellings of a missing cell, compared without case; an empty cell is missing too.
const MISSING_TOKENS: [&str; 5] = ["na", "n/a", "nan", "?", "null"];

/// Whether a (trimmed) cell stands for a missing value.
#[inline]
pub fn is_missing_token(cell: &str) -> bool {
    // No token is longer than four bytes: most numbers are decided by their length.
    cell.is_empty()
        || (cell.len() <= 4 && MISSING_TOKENS.iter().any(|t| cell.eq_ignore_ascii_case(t)))
}

/// How a feature column is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ColumnKind {
    Numeric,
    Categorical,
}

/// Parses a cell as a number; infinities parse (and are refused later with a location). NaN
/// spellings the missing tokens do not cover (`-nan`, as C's printf writes it) are not numbers.
#[inline]
pub(crate) fn parse_number(cell: &str) -> Option<f64> {
    match short_decimal(cell.as_bytes(), b'.') {
        Some(value) => Some(value),
        None => cell.parse::<f64>().ok().filter(|v| !v.is_nan()),
    }
}

/// The value of a plain decimal (`[+-]digits[.digits]`, at least one digit, at most 15 in
/// all, `point` as the decimal mark), or `None` for anything else, which is left to
/// `f64::from_str`.
///
/// Why this gives `f64::from_str`'s value bit for bit: up to 15 digits, the digits are an
/// integer below 2^53 and so exact as an f64, and so is 10^k for k <= 22; one IEEE division
/// of two exact values is correctly rounded, and so is `from_str`, so both are the f64 nearest
/// to the decimal (Clinger's fast path, which `from_str` itself takes for these inputs). It
/// skips the general parser's bookkeeping, the most of a numeric file's load time.
#[inline]
pub(crate) fn short_decimal(bytes: &[u8], point: u8) -> Option<f64> {
    const POWERS_OF_TEN: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    const MAX_DIGITS: usize = 15;
    let (negative, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > MAX_DIGITS + 1 {
        return None;
    }
    // Whole digits, then (after one `point`) fraction digits: two tight loops.
    let mut mantissa: u64 = 0;
    let mut i = 0;
    while let Some(&b) = digits.get(i) {
        let digit = b.wrapping_sub(b'0');
        if digit >= 10 {
            break;
        }
        mantissa = mantissa * 10 + u64::from(digit);
        i += 1;
    }
    let whole_digits = i;
    let mut fraction_digits = 0;
    if digits.get(i) == Some(&point) {
        i += 1;
        while let Some(&b) = digits.get(i) {
            let digit = b.wrapping_sub(b'0');
            if digit >= 10 {
                break;
            }
            mantissa = mantissa * 10 + u64::from(digit);
            i += 1;
        }
        fraction_digits = i - whole_digits - 1;
    }
    let n_digits = whole_digits + fraction_digits;
    if i != digits.len() || n_digits == 0 || n_digits > MAX_DIGITS {
        return None;
    }
    let value = mantissa as f64 / POWERS_OF_TEN[fraction_digits];
    Some(if negative { -value } else { value })
}

/// [`parse_number`] with the file's decimal mark: with a decimal comma, one `,` is read as the
/// point (`5,1` is 5.1). Cells without a comma parse as usual; thousands separators are not read.
pub(crate) fn parse_number_with(cell: &str, decimal: DecimalMark) -> Option<f64> {
    match decimal {
        DecimalMark::Comma if cell.contains(',') => {
            if cell.contains('.') || cell.matches(',').count() != 1 {
                return None;
            }
            short_decimal(cell.as_bytes(), b',')
                .or_else(|| parse_number(&cell.replacen(',', ".", 1)))
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

/// [`parse_column`] for several columns of a table, starting from the plain decimals read
/// with the file ([`RawTable::plain_decimals`]).
pub(crate) fn parse_columns(
    table: &RawTable,
    columns: &[usize],
    decimal: DecimalMark,
) -> Vec<(ColumnKind, u32, Vec<f64>)> {
    let mut parsed: Vec<ParsedColumn> = columns
        .iter()
        .map(|_| ParsedColumn {
            values: Vec::with_capacity(table.n_rows()),
            ..ParsedColumn::default()
        })
        .collect();
    for (column, &index) in parsed.iter_mut().zip(columns) {
        // Plain decimals were parsed while the file was read; the other cells are read here.
        for (row, &number) in table.plain_decimals(index).iter().enumerate() {
            if number.is_nan() {
                column.push(table.cell(row, index), decimal);
            } else {
                column.push_number(number);
            }
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
    /// A cell that is a number (so present, not a missing token).
    #[inline]
    fn push_number(&mut self, value: f64) {
        self.present += 1;
        self.numeric += 1;
        self.values.push(value);
    }

    #[inline]
    fn push(&mut self, cell: &str, decimal: DecimalMark) {
        // A plain decimal is a number and not a missing token (those have no digits).
        if let Some(value) = short_decimal(cell.as_bytes(), b'.') {
            self.present += 1;
            self.numeric += 1;
            self.values.push(value);
            return;
        }
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

    /// The fast path must give `f64::from_str`'s value bit for bit, and take only what
    /// `from_str` accepts (anything else falls through to it).
    #[test]
    fn short_decimals_are_read_as_from_str_reads_them() {
        let fixed = [
            "0",
            "-0",
            "+0",
            "-0.0",
            "5.",
            ".5",
            "+.5",
            "-.5",
            "007",
            "1.000000000000000",
            "123456789012345",
            "12345678901234.5",
            "0.000000000000001",
            "9007199254740993",
            "1234567890123456",
            "0.1",
            "0.2",
            "0.3",
            "-499.1234",
            "4.9",
            "1e5",
            ".",
            "+",
            "-",
            "",
            "1.2.3",
            "1,5",
            " 1",
            "1 ",
            "--1",
            "+-1",
            "1_0",
            "0x10",
            "inf",
            "NaN",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut cells: Vec<String> = fixed.iter().map(|c| c.to_string()).collect();
        for _ in 0..200_000 {
            let digits = 1 + (next() % 17) as usize;
            let mut cell: String = (0..digits)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            let point = (next() % (digits as u64 + 2)) as usize;
            if point <= digits {
                cell.insert(point, '.');
            }
            match next() % 3 {
                0 => cell.insert(0, '-'),
                1 => cell.insert(0, '+'),
                _ => {}
            }
            cells.push(cell);
        }
        for cell in &cells {
            let expected = cell.parse::<f64>().ok();
            if let Some(value) = short_decimal(cell.as_bytes(), b'.') {
                assert_eq!(Some(value.to_bits()), expected.map(f64::to_bits), "{cell}");
            }
            assert_eq!(
                parse_number(cell).map(f64::to_bits),
                expected.filter(|v| !v.is_nan()).map(f64::to_bits),
                "{cell}"
            );
        }
        assert_eq!(short_decimal(b"-499.1234", b'.'), Some(-499.1234));
        assert_eq!(short_decimal(b"5,25", b','), Some(5.25));
        assert_eq!(
            short_decimal(b"1234567890123456", b'.'),
            None,
            "16 digits: from_str"
        );
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
