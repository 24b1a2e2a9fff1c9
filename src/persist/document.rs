//! The model file: a versioned envelope around a checksummed body.
//!
//! ```json
//! { "format": "modelbench-model", "format_version": 1, "modelbench_version": "0.1.0",
//!   "body_sha256": "<hex SHA-256 of the body's bytes exactly as written>",
//!   "body": { "model": {...}, "features": {...}, "target": {...}, "training": {...},
//!             "cv_scores": {...} } }
//! ```
//!
//! Reading checks, in order and before building anything from the body: the file's size, that
//! it is JSON with the `format` marker, that its format version is one this build reads, and
//! that the body's bytes hash to `body_sha256`. Only then is the body parsed into plain data
//! (numbers, strings, arrays: serde never runs code chosen by the file) and checked for
//! consistency. JSON cannot hold NaN or infinity, so every number read is finite.

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

use super::error::PersistError;
use super::schema::FeatureSchema;
use crate::data::LoadOptions;

/// The `format` marker of a model file.
pub const FORMAT_NAME: &str = "modelbench-model";

/// The model format this build writes, and the newest it reads. Every build reads every older
/// format version; within a version fields are only added (optional), never renamed, removed
/// or given a new meaning: such a change bumps the version.
pub const FORMAT_VERSION: u64 = 1;

/// Largest model file read (1 GiB), checked before reading.
pub const MAX_MODEL_BYTES: u64 = 1 << 30;

/// Everything a model file holds besides its envelope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelBody {
    pub model: SavedModelInfo,
    pub features: FeatureSchema,
    pub target: SavedTarget,
    pub training: TrainingData,
    /// Scores of the cross-validation that chose this model (`pick --save`); absent for `fit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cv_scores: Option<CvScores>,
}

/// Which model, with what settings, and its fitted parameters as plain data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedModelInfo {
    /// A name from `modelbench models`.
    pub name: String,
    /// The model's settings, as in the results files.
    pub settings: serde_json::Value,
    /// Seed of the random choices of the final fit.
    pub seed: u64,
    /// The fitted model (weights, trees, stored rows), in the model's own documented shape.
    pub fitted: serde_json::Value,
}

/// What the model predicts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SavedTarget {
    /// Class `i` of a prediction is `labels[i]`; labels that are all integers are compared as
    /// numbers (`1.0` and `1` are one class), as when the training file was read.
    Classification {
        name: String,
        labels: Vec<String>,
    },
    Regression {
        name: String,
    },
}

impl SavedTarget {
    pub fn name(&self) -> &str {
        match self {
            SavedTarget::Classification { name, .. } | SavedTarget::Regression { name } => name,
        }
    }
}

/// The data the model was trained on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingData {
    /// File name (no folder), for people.
    pub file: String,
    pub sha256: String,
    /// Rows used for training (after rows with a missing target were dropped).
    pub rows: usize,
    /// How the file was read, with the decimal mark it was read with (even when sniffed);
    /// `predict` reads new files' cells the same way.
    pub load_options: LoadOptions,
}

/// Cross-validated scores from the run that picked the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvScores {
    /// "accuracy" or "r2".
    pub score_name: String,
    pub mean: f64,
    pub sd: f64,
    pub folds: usize,
    pub repeats: usize,
    /// Folds that completed, of all folds run.
    pub folds_ok: usize,
    pub folds_total: usize,
}

/// The envelope as written: the body is embedded verbatim so its checksum covers its bytes.
#[derive(Serialize)]
struct EnvelopeOut<'a> {
    format: &'static str,
    format_version: u64,
    modelbench_version: &'static str,
    body_sha256: String,
    body: &'a RawValue,
}

/// The envelope as read: every field optional, so a file that is not a model gets a clear
/// message rather than a serde error.
#[derive(Deserialize)]
struct EnvelopeIn<'a> {
    format: Option<String>,
    format_version: Option<u64>,
    modelbench_version: Option<String>,
    body_sha256: Option<String>,
    #[serde(borrow)]
    body: Option<&'a RawValue>,
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The bytes of a model file for `body`.
pub fn encode(body: &ModelBody) -> Result<Vec<u8>, serde_json::Error> {
    let body_text = serde_json::to_string(body)?;
    let raw = RawValue::from_string(body_text)?;
    let envelope = EnvelopeOut {
        format: FORMAT_NAME,
        format_version: FORMAT_VERSION,
        modelbench_version: env!("CARGO_PKG_VERSION"),
        body_sha256: sha256_hex(raw.get().as_bytes()),
        body: &raw,
    };
    let mut bytes = serde_json::to_vec_pretty(&envelope)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Checks and parses the bytes of a model file; `path` is for messages.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<ModelBody, PersistError> {
    let not_a_model = |why: String| PersistError::NotAModel {
        path: path.to_path_buf(),
        why,
    };
    let text = std::str::from_utf8(bytes)
        .map_err(|_| not_a_model("it is not UTF-8 text, so not JSON".into()))?;
    if !text.trim_start().starts_with('{') {
        return Err(not_a_model("it does not start with a JSON object".into()));
    }
    let envelope: EnvelopeIn = serde_json::from_str(text).map_err(|e| {
        if e.is_eof() {
            PersistError::Truncated {
                path: path.to_path_buf(),
                line: e.line(),
                column: e.column(),
            }
        } else {
            not_a_model(format!("not valid JSON: {e}"))
        }
    })?;
    if envelope.format.as_deref() != Some(FORMAT_NAME) {
        return Err(not_a_model(format!(
            "it has no \"format\": \"{FORMAT_NAME}\" field"
        )));
    }
    let invalid = |why: &str| PersistError::Invalid {
        path: path.to_path_buf(),
        why: why.to_string(),
    };
    let version = envelope
        .format_version
        .ok_or_else(|| invalid("it has no format_version"))?;
    if version > FORMAT_VERSION || version == 0 {
        return Err(PersistError::NewerFormat {
            path: path.to_path_buf(),
            written_by: envelope
                .modelbench_version
                .unwrap_or_else(|| "(unknown version)".into()),
            found: version,
            ours: env!("CARGO_PKG_VERSION"),
            supported: FORMAT_VERSION,
        });
    }
    let body = envelope.body.ok_or_else(|| invalid("it has no body"))?;
    let expected = envelope
        .body_sha256
        .ok_or_else(|| invalid("it has no body_sha256 checksum"))?;
    let found = sha256_hex(body.get().as_bytes());
    if !found.eq_ignore_ascii_case(&expected) {
        return Err(PersistError::ChecksumMismatch {
            path: path.to_path_buf(),
            expected,
            found,
        });
    }
    serde_json::from_str::<ModelBody>(body.get())
        .map_err(|e| invalid(&format!("its body does not fit format {version}: {e}")))
}

/// Reads a model file, refusing one over [`MAX_MODEL_BYTES`] before reading it.
pub fn read(path: &Path) -> Result<ModelBody, PersistError> {
    use std::io::Read;
    let io = |source| PersistError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let too_large = |size| PersistError::TooLarge {
        path: path.to_path_buf(),
        size,
        limit: MAX_MODEL_BYTES,
    };
    if size > MAX_MODEL_BYTES {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_MODEL_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_MODEL_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    decode(path, &bytes)
}
