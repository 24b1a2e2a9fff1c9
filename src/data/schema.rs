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
    match decimal_prefix(bytes, point) {
        (Some(value), length) if length == bytes.len() => Some(value),
        _ => None,
    }
}

/// Reads the longest `[+-]digits[.digits]` at the start of `bytes`: its value as
/// [`short_decimal`] gives it (`None` without a digit or over 15 digits) and its length in
/// bytes. The record splitter reads a field with it and checks that a delimiter follows, so
/// fields are split and read in one walk; `short_decimal` is this with nothing after.
#[inline(always)]
pub(crate) fn decimal_prefix(bytes: &[u8], point: u8) -> (Option<f64>, usize) {
    const POWERS_OF_TEN: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    const MAX_DIGITS: usize = 15;
    let (negative, sign_length) = match bytes.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    // Whole digits, then (after one `point`) fraction digits. Past 15 digits the mantissa
    // wraps, harmlessly: the value is refused below.
    let mut mantissa: u64 = 0;
    let mut i = sign_length;
    let mut digits_in = |i: &mut usize| {
        let from = *i;
        while let Some(&b) = bytes.get(*i) {
            let digit = b.wrapping_sub(b'0');
            if digit >= 10 {
                break;
            }
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(digit));
            *i += 1;
        }
        *i - from
    };
    let whole_digits = digits_in(&mut i);
    let mut fraction_digits = 0;
    if bytes.get(i) == Some(&point) {
        i += 1;
        fraction_digits = digits_in(&mut i);
    }
    let n_digits = whole_digits + fraction_digits;
    if n_digits == 0 || n_digits > MAX_DIGITS {
        return (None, i);
    }
    // Below 10^15, so exact through i64 (one conversion instruction; from u64 it is several).
    let value = mantissa as i64 as f64 / POWERS_OF_TEN[fraction_digits];
    // `-value` (the value is +0.0 or more) without a branch: in a column of signed numbers a
    // branch on the sign was mispredicted about every other field.
    let signed = f64::from_bits(value.to_bits() | (u64::from(negative) << 63));
    (Some(signed), i)
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
    let mut column = ParsedColumn::new();
    let values = cells.map(|cell| column.read(cell, decimal)).collect();
    let (kind, share) = column.kind();
    (kind, share, values)
}

/// For several columns of a table, each column's kind, percent of present cells that are
/// numbers (numeric when most present cells are numbers), and whether all its numbers are finite. Cells
/// that are not plain decimals (NaN in [`RawTable::number`]) are read in full here and their
/// value (NaN when missing or not a number) written back in the table, so that afterwards
/// `table.number` is every cell of these columns as a number.
pub(crate) fn parse_columns(
    table: &mut RawTable,
    columns: &[usize],
    decimal: DecimalMark,
) -> Vec<(ColumnKind, u32, bool)> {
    let mut parsed: Vec<ParsedColumn> = columns.iter().map(|_| ParsedColumn::new()).collect();
    let mut rows_to_read = table.n_rows();
    if table.nan_numbers() == 0 {
        // Every cell is a plain decimal (the common numeric file): present, a number, finite;
        // nothing to read.
        for column in &mut parsed {
            column.present = rows_to_read;
            column.numeric = rows_to_read;
        }
        rows_to_read = 0;
    }
    // Row after row, as the numbers lie in memory.
    for row in 0..rows_to_read {
        for (column, &index) in parsed.iter_mut().zip(columns) {
            let number = table.number(row, index);
            if number.is_nan() {
                let value = column.read(table.cell(row, index), decimal);
                table.set_number(row, index, value);
            } else {
                // A plain decimal: present, a number, finite.
                column.present += 1;
                column.numeric += 1;
            }
        }
    }
    parsed
        .into_iter()
        .map(|column| {
            let (kind, share) = column.kind();
            (kind, share, column.all_finite)
        })
        .collect()
}

/// Counts of a column's cells as they are read.
struct ParsedColumn {
    present: usize,
    numeric: usize,
    all_finite: bool,
}

impl ParsedColumn {
    fn new() -> Self {
        ParsedColumn {
            present: 0,
            numeric: 0,
            all_finite: true,
        }
    }

    /// Reads a cell, counting it: its number, or NaN when it is missing or not a number.
    #[inline]
    fn read(&mut self, cell: &str, decimal: DecimalMark) -> f64 {
        // A plain decimal is a number and not a missing token (those have no digits).
        if let Some(value) = short_decimal(cell.as_bytes(), b'.') {
            self.present += 1;
            self.numeric += 1;
            return value;
        }
        if is_missing_token(cell) {
            self.all_finite = false;
            return f64::NAN;
        }
        self.present += 1;
        match parse_number_with(cell, decimal) {
            Some(value) => {
                self.numeric += 1;
                self.all_finite &= value.is_finite();
                value
            }
            None => {
                self.all_finite = false;
                f64::NAN
            }
        }
    }

    fn kind(&self) -> (ColumnKind, u32) {
        if self.present == 0 {
            return (ColumnKind::Numeric, 100);
        }
        let share = (100 * self.numeric / self.present) as u32;
        let kind = if 2 * self.numeric > self.present {
            ColumnKind::Numeric
        } else {
            ColumnKind::Categorical
        };
        (kind, share)
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
