//! Errors met while loading data, each carrying the file and, where it applies, the line and
//! column, and saying what the user can do about it.

use std::fmt;
use std::path::PathBuf;

/// A column of the input file: 1-based position and header name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnRef {
    pub number: usize,
    pub name: String,
}

impl ColumnRef {
    pub(crate) fn new(index: usize, name: &str) -> Self {
        ColumnRef {
            number: index + 1,
            name: name.to_string(),
        }
    }
}

/// An error in a data file, with where it happened.
#[derive(Debug)]
pub struct DataError {
    pub path: PathBuf,
    /// 1-based line in the file.
    pub line: Option<u64>,
    pub column: Option<ColumnRef>,
    pub kind: DataErrorKind,
}

/// What went wrong; the message of each says what to do.
#[derive(Debug, thiserror::Error)]
pub enum DataErrorKind {
    #[error("file not found; check the path (run `modelbench compare` with no file to use the bundled datasets)")]
    NotFound,
    #[error("cannot read the file: {0}")]
    Io(#[source] std::io::Error),
    #[error("file is {size} bytes, over the limit of {limit} bytes; sample the file down or raise the limit with --max-bytes")]
    TooLarge { size: u64, limit: u64 },
    #[error("file is empty; modelbench needs a header row and at least one data row")]
    Empty,
    #[error("file has a header row but no data rows; add the data below the header")]
    HeaderOnly,
    #[error("file is UTF-16 encoded; save it as UTF-8 (for example `iconv -f UTF-16 -t UTF-8`)")]
    Utf16,
    #[error("invalid UTF-8 at byte {byte} of the line; save the file as UTF-8")]
    NotUtf8 { byte: usize },
    #[error("{columns} columns is over the limit of {limit}; select the columns you need first")]
    TooManyColumns { columns: usize, limit: usize },
    #[error("row has {found} fields but the header has {expected}; look for a missing or extra delimiter or an unclosed quote")]
    WrongFieldCount { expected: usize, found: usize },
    #[error("column has an empty name; give every column a name in the header row")]
    EmptyColumnName,
    #[error("column name appears twice (columns {first} and {second}); rename one of them")]
    DuplicateColumn { first: usize, second: usize },
    #[error("no column named '{name}'; the columns are: {available}. Pick one with --target")]
    UnknownTarget { name: String, available: String },
    #[error("'{value}' is not a number, but this column is numeric ({numeric_share}% of its values are numbers); fix the value, or mark it missing (empty, NA or ?); if the column is categorical, name it in --categorical (or leave it out with --drop)")]
    NonNumeric { value: String, numeric_share: u32 },
    #[error("'{value}' is infinite; replace it with a finite number or mark it missing (empty, NA or ?)")]
    Infinite { value: String },
    #[error("missing value '{value}' and --missing error is set; use --missing impute or --missing drop to accept missing values")]
    Missing { value: String },
    #[error("categorical column has {distinct} distinct values in {rows} rows: it looks like an identifier, and one-hot encoding it would add {distinct} columns; remove the column (or raise --max-categories); --drop leaves a column out without editing the file")]
    Identifier { distinct: usize, rows: usize },
    #[error("the target has a single class ('{class}'); classification needs at least two classes (or use --task regression for a numeric target)")]
    SingleClass { class: String },
    #[error("regression needs a numeric target, but '{value}' is not a number; use --task classification or pick another --target")]
    NonNumericTarget { value: String },
    #[error("no feature columns: the file has only the target column; add feature columns (or, if the columns did not split, name the delimiter with --delimiter)")]
    NoFeatures,
    #[error("no rows left after removing {dropped} rows with missing values; use --missing impute, or fill the file's gaps")]
    NoRowsLeft { dropped: usize },
    #[error("the target is missing in every row ({rows} rows); fill the target column, or pick another column with --target")]
    NoTargetValues { rows: usize },
    #[error("{0}")]
    ColumnOption(Box<ColumnOptionError>),
    #[error("every feature column was left out ({left_out}); name a column in --keep to use it")]
    AllFeaturesLeftOut { left_out: String },
    #[error("--task classification makes {classes} classes, and {single_row} of them have a single row (the refusal rule: more than half the classes with one row); a target like this is a measurement, not a label: use --task regression, or group the values into a few classes in the file")]
    MostlySingleRowClasses { classes: usize, single_row: usize },
    #[error("{0}")]
    Csv(String),
}

/// A column named in `--drop`, `--keep`, `--categorical` or `--numeric` that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ColumnOptionError {
    #[error("{option} names '{name}', but there is no such column; the columns are: {available}")]
    UnknownColumn {
        option: &'static str,
        name: String,
        available: String,
    },
    #[error("{option} names '{name}', which is the target column; it applies to feature columns (use --task to choose how the target is read, --target to pick another)")]
    NamesTarget { option: &'static str, name: String },
    #[error("'{name}' is named in both {first} and {second}; name it in one of them")]
    Conflicting {
        name: String,
        first: &'static str,
        second: &'static str,
    },
}

impl From<ColumnOptionError> for DataErrorKind {
    fn from(error: ColumnOptionError) -> Self {
        DataErrorKind::ColumnOption(Box::new(error))
    }
}

impl DataError {
    pub(crate) fn file(path: impl Into<PathBuf>, kind: DataErrorKind) -> Self {
        DataError {
            path: path.into(),
            line: None,
            column: None,
            kind,
        }
    }

    pub(crate) fn at_line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    pub(crate) fn at_column(mut self, column: ColumnRef) -> Self {
        self.column = Some(column);
        self
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {} '{}'", column.number, column.name)?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl std::error::Error for DataError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            DataErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}
