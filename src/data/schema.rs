//! Recognising missing cells and numbers, and deciding whether a column is numeric or
//! categorical.

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

/// Numeric when most present cells are numbers: then the others are typos to report, not
/// categories. A column with no present cells is numeric (it will be imputed).
pub(crate) fn infer_kind<'a>(cells: impl Iterator<Item = &'a str>) -> (ColumnKind, u32) {
    let (mut present, mut numeric) = (0usize, 0usize);
    for cell in cells.filter(|c| !is_missing_token(c)) {
        present += 1;
        if parse_number(cell).is_some() {
            numeric += 1;
        }
    }
    if present == 0 {
        return (ColumnKind::Numeric, 100);
    }
    let share = (100 * numeric / present) as u32;
    if 2 * numeric > present {
        (ColumnKind::Numeric, share)
    } else {
        (ColumnKind::Categorical, share)
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
        assert_eq!(
            infer_kind(["1", "2", "x"].into_iter()).0,
            ColumnKind::Numeric
        );
        assert_eq!(
            infer_kind(["a", "b", "1"].into_iter()).0,
            ColumnKind::Categorical
        );
        assert_eq!(infer_kind(["", "NA"].into_iter()).0, ColumnKind::Numeric);
    }
}
