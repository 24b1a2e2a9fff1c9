//! How a CSV file is to be read: the user's choices, with defaults.

use serde::{Deserialize, Serialize};

use super::Task;

/// What to do with missing cells (empty, `NA`, `N/A`, `NaN`, `?`, `null`, in any case).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum MissingPolicy {
    /// Stop with an error at the first missing cell.
    Error,
    /// Drop every row that has a missing cell.
    Drop,
    /// Fill missing features (mean for numeric, most frequent level for categorical, fitted on
    /// training rows only); rows whose target is missing are dropped.
    #[default]
    Impute,
}

/// The decimal mark of numbers in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecimalMark {
    /// `5.1`
    #[default]
    Point,
    /// `5,1`, as European spreadsheets write it (with `;` or tab between fields).
    Comma,
}

/// Options for [`super::load_csv`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadOptions {
    /// Name of the target column; `None` takes the last column.
    pub target: Option<String>,
    /// Force the task; `None` infers it from the target column.
    pub task: Option<Task>,
    pub missing: MissingPolicy,
    /// Field delimiter; `None` sniffs `,`, `;` or tab from the header line.
    pub delimiter: Option<u8>,
    /// Decimal mark; `None` sniffs a decimal comma in `;`- or tab-separated files.
    #[serde(default)]
    pub decimal: Option<DecimalMark>,
    /// Refuse files larger than this, before reading them into memory.
    pub max_bytes: u64,
    /// Refuse files with more columns than this.
    pub max_columns: usize,
    /// A categorical column with more distinct values than this is refused as an identifier.
    pub max_categories: usize,
    /// Columns to leave out (`--drop`).
    #[serde(default)]
    pub drop: Vec<String>,
    /// Columns to keep even though they look like identifiers (`--keep`).
    #[serde(default)]
    pub keep: Vec<String>,
    /// Columns read as categorical whatever their values (`--categorical`).
    #[serde(default)]
    pub categorical: Vec<String>,
    /// Columns read as numeric, non-numbers becoming missing (`--numeric`).
    #[serde(default)]
    pub numeric: Vec<String>,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            target: None,
            task: None,
            missing: MissingPolicy::Impute,
            delimiter: None,
            decimal: None,
            max_bytes: 2 * 1024 * 1024 * 1024,
            max_columns: 20_000,
            max_categories: 100,
            drop: Vec::new(),
            keep: Vec::new(),
            categorical: Vec::new(),
            numeric: Vec::new(),
        }
    }
}
