//! The body of the `load_csv` fuzz target, shared with `tests/fuzz_prepare.rs` (which includes
//! this file with `#[path]`), so that `cargo test` runs the same checks as `cargo fuzz`.
//!
//! Any input must either be refused with an error that names the file, or load into a dataset
//! whose every training fold, after imputation and (for the models that want it)
//! standardization, is a valid [`TrainSet`]: finite, non-empty, target lengths matching.
//! A panic anywhere here is a finding.

use std::path::Path;

use modelbench::data::impute::Imputer;
use modelbench::data::scale::Standardizer;
use modelbench::data::{load_csv_bytes, Dataset, LoadOptions, MissingPolicy, Target};
use modelbench::eval::folds::FoldPlan;
use modelbench::models::{TargetSlice, TrainSet};
use ndarray::Axis;

/// The name the fuzzed bytes are loaded under; every error message must contain it.
pub const FUZZ_FILE: &str = "fuzzed-input.csv";

/// Loads `bytes` with the default options and with `--missing drop`, and prepares every fold
/// of the datasets that load.
pub fn load_and_prepare(bytes: &[u8]) {
    let policies = [MissingPolicy::Impute, MissingPolicy::Drop];
    for missing in policies {
        let options = LoadOptions {
            missing,
            ..LoadOptions::default()
        };
        match load_csv_bytes(Path::new(FUZZ_FILE), bytes, &options) {
            Ok(dataset) => prepare(&dataset),
            Err(error) => {
                let message = error.to_string();
                assert!(
                    message.starts_with(FUZZ_FILE),
                    "error does not name the file: {message}"
                );
            }
        }
    }
}

fn prepare(dataset: &Dataset) {
    let rows = dataset.n_rows();
    assert!(rows > 0, "a dataset without rows loaded");
    assert_eq!(dataset.features.ncols(), dataset.feature_names.len());
    assert!(
        dataset.features.iter().all(|v| v.is_nan() || v.is_finite()),
        "a present feature value is infinite"
    );
    match &dataset.target {
        Target::Classes { names, labels } => {
            assert!(names.len() >= 2, "fewer than two classes loaded");
            assert_eq!(labels.len(), rows);
            assert!(labels.iter().all(|&l| l < names.len()));
        }
        Target::Values(values) => {
            assert_eq!(values.len(), rows);
            assert!(values.iter().all(|v| v.is_finite()));
        }
    }
    for folds in [2, 3] {
        // The runner skips datasets with fewer rows than this.
        if rows < 2 * folds {
            continue;
        }
        let plan = match &dataset.target {
            Target::Classes { names, labels } => {
                FoldPlan::stratified(labels, names.len(), folds, 1, 7)
            }
            Target::Values(values) => FoldPlan::plain(values.len(), folds, 1, 7),
        };
        for fold in 0..folds {
            prepare_fold(dataset, &plan, fold);
        }
    }
}

fn prepare_fold(dataset: &Dataset, plan: &FoldPlan, fold: usize) {
    let (train_rows, test_rows) = plan.split(0, fold);
    assert!(
        !train_rows.is_empty() && !test_rows.is_empty(),
        "empty fold"
    );
    let mut train_x = dataset.features.select(Axis(0), &train_rows);
    let mut test_x = dataset.features.select(Axis(0), &test_rows);
    let imputer = Imputer::fit(train_x.view(), &dataset.columns);
    imputer.apply(&mut train_x);
    imputer.apply(&mut test_x);
    assert!(
        train_x.iter().chain(test_x.iter()).all(|v| v.is_finite()),
        "imputation left a value that is not finite"
    );
    let scaler = Standardizer::fit(train_x.view());
    let train_scaled = scaler.transform(train_x.view());
    let test_scaled = scaler.transform(test_x.view());
    assert!(
        train_scaled
            .iter()
            .chain(test_scaled.iter())
            .all(|v| v.is_finite()),
        "standardization made a value that is not finite"
    );

    let labels: Vec<usize>;
    let values: Vec<f64>;
    let target = match &dataset.target {
        Target::Classes { names, labels: all } => {
            labels = train_rows.iter().map(|&r| all[r]).collect();
            TargetSlice::Classes {
                labels: &labels,
                n_classes: names.len(),
            }
        }
        Target::Values(all) => {
            values = train_rows.iter().map(|&r| all[r]).collect();
            TargetSlice::Values(&values)
        }
    };
    for features in [train_x.view(), train_scaled.view()] {
        if let Err(error) = TrainSet::new(features, target, 0) {
            panic!("a prepared training fold is not a valid training set: {error}");
        }
    }
}
