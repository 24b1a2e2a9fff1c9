//! Why a model file could not be read or used, each saying what to do.

use std::path::PathBuf;

/// An error reading, checking or using a model file; the message names the file.
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error("{}: cannot read the model file: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {size} bytes is over the limit of {limit} bytes for a model file; check that this is a model written by modelbench", path.display())]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{}: not a modelbench model file ({why}); give a file written by `modelbench fit --out` or `modelbench pick --save`", path.display())]
    NotAModel { path: PathBuf, why: String },
    #[error("{}: the model file ends early at line {line}, column {column} (truncated?); write it again with `modelbench fit --out` or `modelbench pick --save`", path.display())]
    Truncated {
        path: PathBuf,
        line: usize,
        column: usize,
    },
    #[error("{}: written by modelbench {written_by} in model format {found}, but this modelbench ({ours}) reads model formats up to {supported}; upgrade modelbench to load it", path.display())]
    NewerFormat {
        path: PathBuf,
        written_by: String,
        found: u64,
        ours: &'static str,
        supported: u64,
    },
    #[error("{}: the model's checksum does not match (the file says SHA-256 {expected}, its body has {found}): it was changed or damaged after it was written; write it again with `modelbench fit --out` or `modelbench pick --save`", path.display())]
    ChecksumMismatch {
        path: PathBuf,
        expected: String,
        found: String,
    },
    #[error("{}: invalid model file: {why}", path.display())]
    Invalid { path: PathBuf, why: String },
}
