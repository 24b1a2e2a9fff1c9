//! Tabular data: reading CSV files that real users have, and turning them into a [`Dataset`].
//!
//! The way through: bytes are checked for encoding (`read`), split into records as the csv
//! crate splits them but without a record per row (`records`), each column typed as numeric or categorical with missing cells recognised (`schema`),
//! and assembled into a feature matrix and a target (`dataset`). Every error names the file, and
//! the line and column where it applies ([`DataError`]). Imputation of missing features is
//! fitted later, on training rows only ([`impute`]).
//!
//! What each column becomes is decided in one place (`columns`): an unnamed first column of
//! unique labels is row names (R's `write.csv`, pandas' index); a numeric column of distinct
//! integers on every row is an identifier and left out with a warning; `--drop`, `--keep`,
//! `--categorical` and `--numeric` override; a decimal comma is sniffed in `;`/tab files.
//!
//! Not here: fold assignment and scaling, which live with the evaluation.

mod columns;
mod dataset;
mod error;
mod huge_pages;
pub mod impute;
mod options;
mod read;
mod records;
pub mod scale;
mod schema;

pub use columns::{IdentifierColumn, MIN_ROWS_FOR_IDENTIFIER};
pub use dataset::{Dataset, FeatureColumn, LoadReport, Target, Task};
pub use error::{ColumnOptionError, ColumnRef, DataError, DataErrorKind};
pub use options::{DecimalMark, LoadOptions, MissingPolicy};
pub(crate) use read::RawTable;
pub use schema::is_missing_token;
pub(crate) use schema::{parse_number, parse_number_with};

use std::path::Path;
use std::sync::atomic::{AtomicU8, Ordering};

/// Which work [`load_csv`] hands to a second thread (see [`set_loading_threads`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadingThreads {
    /// Everything on the calling thread: rows in order, then the hash.
    One,
    /// The SHA-256 of the bytes on a second thread while the rows are read (the default).
    Hash,
    /// The hash, and the second half of a large file with no quote, each on its own thread.
    /// Not the default: on the shared 2-core machine it measured slower than [`Self::Hash`]
    /// (BENCHMARKS.md, CSV loading, third pass); it may pay on an idle machine.
    HashAndHalves,
}

/// The [`LoadingThreads`] in force, as its index in declaration order ([`LoadingThreads::Hash`]).
static LOADING_THREADS: AtomicU8 = AtomicU8::new(1);

/// Chooses which work loading hands to other threads, for the whole process. Benchmarks quote
/// a one-core figure next to the default (`examples/csv_load_timing.rs --threads`); results are
/// the same either way.
pub fn set_loading_threads(threads: LoadingThreads) {
    LOADING_THREADS.store(threads as u8, Ordering::Relaxed);
}

fn loading_threads() -> LoadingThreads {
    match LOADING_THREADS.load(Ordering::Relaxed) {
        0 => LoadingThreads::One,
        2 => LoadingThreads::HashAndHalves,
        _ => LoadingThreads::Hash,
    }
}

/// Loads a CSV file into a [`Dataset`] according to `options`.
pub fn load_csv(path: &Path, options: &LoadOptions) -> Result<Dataset, DataError> {
    let bytes = read::read_limited(path, options.max_bytes)?;
    load_csv_bytes(path, &bytes, options)
}

/// How an input file named `-` (standard input) is called in messages.
pub const STDIN_NAME: &str = "<stdin>";

/// Loads a CSV file, or standard input when `path` is `-` (read into memory, up to
/// `options.max_bytes`, and named [`STDIN_NAME`] in messages).
pub fn load_input(path: &Path, options: &LoadOptions) -> Result<Dataset, DataError> {
    if is_stdin(path) {
        let bytes = read::read_stdin_limited(options.max_bytes)?;
        return load_csv_bytes(Path::new(STDIN_NAME), &bytes, options);
    }
    load_csv(path, options)
}

/// Reads standard input as [`load_input`] does, for callers that keep the bytes.
pub fn read_stdin(max_bytes: u64) -> Result<Vec<u8>, DataError> {
    read::read_stdin_limited(max_bytes)
}

/// Whether an input path means standard input.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Loads CSV content already in memory; `path` is used only for messages and the dataset name.
pub fn load_csv_bytes(
    path: &Path,
    bytes: &[u8],
    options: &LoadOptions,
) -> Result<Dataset, DataError> {
    // The hash needs only the bytes: it is computed on another core while they are parsed
    // (on this one if no thread can be started, or if the hashing thread failed).
    std::thread::scope(|scope| {
        let hashing = (loading_threads() != LoadingThreads::One)
            .then(|| {
                std::thread::Builder::new()
                    .name("dataset-sha256".into())
                    .spawn_scoped(scope, || dataset::sha256_hex(bytes))
                    .ok()
            })
            .flatten();
        let mut dataset = read::parse_table(path, bytes, options)
            .and_then(|table| dataset::build(path, table, options))?;
        dataset.sha256 = hashing
            .and_then(|thread| thread.join().ok())
            .unwrap_or_else(|| dataset::sha256_hex(bytes));
        Ok(dataset)
    })
}

/// Reads a CSV file's bytes (refusing it over `options.max_bytes`), for [`parse_raw_table`].
pub(crate) fn read_file(path: &Path, options: &LoadOptions) -> Result<Vec<u8>, DataError> {
    read::read_limited(path, options.max_bytes)
}

/// Splits a CSV file's bytes into its header and rows of trimmed fields with their line
/// numbers, without typing any column (for mapping new data onto a saved model's columns).
pub(crate) fn parse_raw_table<'a>(
    path: &Path,
    bytes: &'a [u8],
    options: &LoadOptions,
) -> Result<RawTable<'a>, DataError> {
    read::parse_table(path, bytes, options)
}
