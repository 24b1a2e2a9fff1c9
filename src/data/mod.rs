//! Tabular data: reading CSV files that real users have, and turning them into a [`Dataset`].
//!
//! The way through: bytes are checked for encoding (`read`), split into records with the csv
//! crate, each column typed as numeric or categorical with missing cells recognised (`schema`),
//! and assembled into a feature matrix and a target (`dataset`). Every error names the file, and
//! the line and column where it applies ([`DataError`]). Imputation of missing features is
//! fitted later, on training rows only ([`impute`]).
//!
//! Not here: fold assignment and scaling, which live with the evaluation.

mod dataset;
mod error;
pub mod impute;
mod options;
mod read;
pub mod scale;
mod schema;

pub use dataset::{Dataset, FeatureColumn, LoadReport, Target, Task};
pub use error::{ColumnRef, DataError, DataErrorKind};
pub use options::{LoadOptions, MissingPolicy};
pub(crate) use read::RawTable;
pub use schema::is_missing_token;
pub(crate) use schema::parse_number;

use std::path::Path;

/// Loads a CSV file into a [`Dataset`] according to `options`.
pub fn load_csv(path: &Path, options: &LoadOptions) -> Result<Dataset, DataError> {
    let bytes = read::read_limited(path, options.max_bytes)?;
    load_csv_bytes(path, &bytes, options)
}

/// Loads CSV content already in memory; `path` is used only for messages and the dataset name.
pub fn load_csv_bytes(
    path: &Path,
    bytes: &[u8],
    options: &LoadOptions,
) -> Result<Dataset, DataError> {
    let table = read::parse_table(path, bytes, options)?;
    dataset::build(path, bytes, table, options)
}

/// Reads a CSV file into its header and rows of trimmed strings with their line numbers,
/// without typing any column (for mapping new data onto a saved model's columns).
pub(crate) fn load_raw_table(path: &Path, options: &LoadOptions) -> Result<RawTable, DataError> {
    let bytes = read::read_limited(path, options.max_bytes)?;
    read::parse_table(path, &bytes, options)
}
