//! Using a chosen model: train it on every row, save it as one self-describing, versioned,
//! checksummed document, load it back, predict new files and export it to ONNX.
//!
//! - [`document`]: the file format (envelope, body, checksum, version rules).
//! - [`schema`]: the saved preprocessing (columns, one-hot levels, imputation, scaling).
//! - [`table`]: mapping a new CSV file onto the saved columns.
//! - [`predict`]: predictions, their CSV form and the score.
//! - [`onnx`]: export of networks and linear models with their preprocessing.
//!
//! Loading never runs code from the file: the body is plain data parsed by serde, checked
//! (sizes, indices, finiteness) before any of it is used, and rebuilt by the model named in
//! it through [`crate::models::Model::load_fitted`].

pub mod document;
mod error;
pub mod onnx;
pub mod predict;
pub mod schema;
pub mod table;

use std::path::Path;

use anyhow::Context;

pub use document::{CvScores, ModelBody, SavedModelInfo, SavedTarget, TrainingData};
pub use error::PersistError;
pub use table::UnseenPolicy;

use crate::data::{Dataset, LoadOptions, Target};
use crate::models::{find_model, Fitted, Model, ModelError, Prediction, TargetSlice, TrainSet};

/// A model read from a file, ready to predict.
pub struct LoadedModel {
    pub body: ModelBody,
    pub fitted: Box<dyn Fitted>,
}

/// Fits `model` on every row of `dataset` with the evaluation's preprocessing fitted on all
/// rows, and returns the document to save (without CV scores) and the fitted model.
pub fn fit_on_all_rows(
    dataset: &Dataset,
    model: &dyn Model,
    seed: u64,
    load_options: &LoadOptions,
) -> Result<(ModelBody, Box<dyn Fitted>), ModelError> {
    if !model.tasks().contains(&dataset.task()) {
        return Err(ModelError::new(format!(
            "{} does not do {} (the target '{}' is {}); pick another model (see `modelbench models`)",
            model.name(),
            dataset.task(),
            dataset.target_name,
            dataset.task()
        )));
    }
    let (features, prepared) =
        schema::FeatureSchema::fit(dataset, model.wants_standardized_features());
    let target_slice = match &dataset.target {
        Target::Classes { names, labels } => TargetSlice::Classes {
            labels,
            n_classes: names.len(),
        },
        Target::Values(values) => TargetSlice::Values(values),
    };
    let train = TrainSet::new(prepared.view(), target_slice, seed)?;
    let fitted = model.fit(&train)?;
    let saved = fitted
        .to_saved()
        .map_err(|e| {
            ModelError::new(format!(
                "{} cannot be saved: {e}; save another model with `modelbench fit --model NAME --out FILE`",
                model.name()
            ))
        })?;
    let target = match &dataset.target {
        Target::Classes { names, .. } => SavedTarget::Classification {
            name: dataset.target_name.clone(),
            labels: names.clone(),
        },
        Target::Values(_) => SavedTarget::Regression {
            name: dataset.target_name.clone(),
        },
    };
    let body = ModelBody {
        model: SavedModelInfo {
            name: model.name().to_string(),
            settings: model.settings(),
            seed,
            fitted: saved,
        },
        features,
        target,
        training: TrainingData {
            file: dataset
                .path
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            sha256: dataset.sha256.clone(),
            rows: dataset.n_rows(),
            // The decimal mark the file was read with, even when it was sniffed, so `predict`
            // reads the same file (and its like) the same way.
            load_options: LoadOptions {
                decimal: Some(dataset.report.decimal),
                ..load_options.clone()
            },
        },
        cv_scores: None,
    };
    Ok((body, fitted))
}

/// Writes `body` to `path` (atomically) and returns the bytes written.
pub fn save(path: &Path, body: &ModelBody) -> anyhow::Result<u64> {
    let bytes = document::encode(body).context("Could not encode the model")?;
    crate::eval::results::write_atomically(path, &bytes)?;
    Ok(bytes.len() as u64)
}

/// What [`train_and_save`] did, for the command to report.
#[derive(Debug, Clone)]
pub struct SavedSummary {
    pub model: String,
    pub rows: usize,
    pub features: usize,
    pub bytes: u64,
}

/// Loads `file`, fits the model `name` on every row and saves it to `out`: the step after
/// `pick` recommends a model, and the whole of `fit`.
pub fn train_and_save(
    file: &Path,
    load_options: &LoadOptions,
    name: &str,
    seed: u64,
    cv_scores: Option<CvScores>,
    out: &Path,
) -> anyhow::Result<SavedSummary> {
    let model = find_model(name)
        .with_context(|| format!("unknown model '{name}'; `modelbench models` lists the models"))?;
    let dataset = crate::data::load_csv(file, load_options)?;
    let (mut body, _) = fit_on_all_rows(&dataset, model.as_ref(), seed, load_options)
        .with_context(|| format!("Could not train and save {name} on {}", file.display()))?;
    body.cv_scores = cv_scores;
    let bytes = save(out, &body)?;
    Ok(SavedSummary {
        model: name.to_string(),
        rows: dataset.n_rows(),
        features: body.features.columns.len(),
        bytes,
    })
}

/// Reads, checks and rebuilds the model in `path`.
pub fn load(path: &Path) -> Result<LoadedModel, PersistError> {
    let body = document::read(path)?;
    rebuilt(path, body)
}

/// Checks and rebuilds a model file already in memory; `path` is for messages.
pub fn load_bytes(path: &Path, bytes: &[u8]) -> Result<LoadedModel, PersistError> {
    rebuilt(path, document::decode(path, bytes)?)
}

fn rebuilt(path: &Path, body: ModelBody) -> Result<LoadedModel, PersistError> {
    let fitted = rebuild(&body).map_err(|why| PersistError::Invalid {
        path: path.to_path_buf(),
        why,
    })?;
    Ok(LoadedModel { body, fitted })
}

/// Checks a parsed body for consistency and rebuilds its fitted model.
fn rebuild(body: &ModelBody) -> Result<Box<dyn Fitted>, String> {
    body.features.validate()?;
    let name = &body.model.name;
    let model = find_model(name).ok_or_else(|| {
        format!(
            "model '{name}' is not known to this modelbench ({}); use the modelbench that wrote the file",
            env!("CARGO_PKG_VERSION")
        )
    })?;
    let classes = match &body.target {
        SavedTarget::Classification { labels, .. } => {
            let distinct: std::collections::BTreeSet<&String> = labels.iter().collect();
            if labels.len() < 2 || distinct.len() != labels.len() {
                return Err("the target needs two or more distinct class labels".into());
            }
            Some(labels.len())
        }
        SavedTarget::Regression { .. } => None,
    };
    let fitted = model
        .load_fitted(&body.model.fitted)
        .map_err(|e| e.to_string())?;
    // One row of training means: the model must take the schema's width and answer in the
    // target's shape, so a mismatch shows here and not on the user's data.
    let probe = body.features.prepare(ndarray::Array2::from_elem(
        (1, body.features.width()),
        f64::NAN,
    ));
    let answer = fitted
        .predict(probe.view())
        .map_err(|e| format!("the model does not fit its own feature schema: {e}"))?;
    let shape_ok = match (&answer, classes) {
        (Prediction::Classes { labels, scores }, Some(n)) => {
            labels.iter().all(|&l| l < n) && scores.as_ref().is_none_or(|s| s.values.ncols() == n)
        }
        (Prediction::Values(_), None) => true,
        _ => false,
    };
    if !shape_ok {
        return Err(format!(
            "the fitted {name} does not predict the saved target's classes or values"
        ));
    }
    Ok(fitted)
}
