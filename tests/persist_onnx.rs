//! The ONNX export runs in tract-onnx (a pure-Rust ONNX runtime) and gives what `predict`
//! gives, to 1e-5, preprocessing (imputation, one-hot, scaling) included.

use std::path::Path;

use modelbench::data::{LoadOptions, Task};
use modelbench::models::Prediction;
use modelbench::persist::{self, onnx, predict, schema::SavedColumn, table, UnseenPolicy};
use tract_onnx::prelude::*;

/// A file with a categorical column, missing cells and both kinds of target.
const MIXED: &str = "colour,size,weight,label,amount\n\
red,1.0,10,a,3.5\nred,1.5,,a,4.0\nblue,3.0,12,b,8.1\nblue,3.5,13,b,9.0\ngreen,2.0,9,c,5.2\n\
blue,,14,b,7.7\nred,0.5,8,a,2.9\ngreen,4.0,11,c,10.3\n,2.5,10,c,6.0\ngreen,1.2,12,a,4.4\n";

/// The ONNX input for the rows: one column per source column, categorical ones as level
/// codes (-1 for an unseen category), NaN where a cell is missing.
fn onnx_input(columns: &[SavedColumn], encoded: &ndarray::Array2<f64>) -> Vec<f64> {
    let mut input = Vec::new();
    for row in encoded.rows() {
        let mut at = 0;
        for column in columns {
            let width = column.width();
            let block: Vec<f64> = row.iter().skip(at).take(width).copied().collect();
            input.push(match column {
                SavedColumn::Numeric { .. } => block[0],
                SavedColumn::Categorical { .. } if block[0].is_nan() => f64::NAN,
                SavedColumn::Categorical { .. } => block
                    .iter()
                    .position(|&v| v == 1.0)
                    .map_or(-1.0, |i| i as f64),
            });
            at += width;
        }
    }
    input
}

fn run(csv: &Path, model: &str, options: &LoadOptions, dir: &Path) {
    let path = dir.join(format!("{model}.json"));
    persist::train_and_save(csv, options, model, 5, None, &path).expect("trains and saves");
    let loaded = persist::load(&path).expect("loads");
    let onnx_path = dir.join(format!("{model}.onnx"));
    let bytes = onnx::export(&loaded.body).expect("exports");
    std::fs::write(&onnx_path, bytes).expect("written");

    let rows = table::read_new_rows(
        csv,
        &LoadOptions::default(),
        &loaded.body.features,
        &loaded.body.target,
        UnseenPolicy::Zero,
    )
    .expect("reads");
    let expected = predict::predict_rows(&loaded, &rows).expect("predicts");
    let columns = &loaded.body.features.columns;
    let input = onnx_input(columns, &rows.features);
    let n = rows.features.nrows();

    let runnable = tract_onnx::onnx()
        .model_for_path(&onnx_path)
        .and_then(|m| m.with_input_fact(0, f64::fact([n, columns.len()]).into()))
        .and_then(|m| m.into_optimized())
        .and_then(|m| m.into_runnable())
        .unwrap_or_else(|e| panic!("{model}: tract cannot load the export: {e:?}"));
    let tensor = Tensor::from_shape(&[n, columns.len()], &input).expect("input tensor");
    let outputs = runnable
        .run(tvec!(tensor.into()))
        .unwrap_or_else(|e| panic!("{model}: tract cannot run the export: {e:?}"));
    match &expected.prediction {
        Prediction::Classes { labels, scores } => {
            let got_labels: Vec<usize> = outputs[0]
                .to_plain_array_view::<i64>()
                .expect("int64 labels")
                .iter()
                .map(|&l| l as usize)
                .collect();
            assert_eq!(&got_labels, labels, "{model}: labels differ");
            let probabilities = outputs[1]
                .to_plain_array_view::<f64>()
                .expect("probabilities");
            let scores = &scores.as_ref().expect("scores").values;
            assert_eq!(probabilities.shape(), scores.shape(), "{model}");
            for (a, b) in probabilities.iter().zip(scores.iter()) {
                assert!(
                    (a - b).abs() <= 1e-5,
                    "{model}: probability {a} against {b}"
                );
            }
        }
        Prediction::Values(values) => {
            let got = outputs[0].to_plain_array_view::<f64>().expect("values");
            assert_eq!(got.shape(), &[n, 1], "{model}");
            for (a, b) in got.iter().zip(values) {
                assert!(
                    (a - b).abs() <= 1e-5 * b.abs().max(1.0),
                    "{model}: {a} against {b}"
                );
            }
        }
    }
}

#[test]
fn exported_models_match_predict_in_tract() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mixed = dir.path().join("mixed.csv");
    std::fs::write(&mixed, MIXED).expect("written");
    let iris = Path::new("datasets/iris.csv");
    let diabetes = Path::new("datasets/diabetes.csv");
    let cases = [
        ("logistic", Task::Classification),
        ("sigmoid-net", Task::Classification),
        ("sigmoid-mlp", Task::Classification),
        ("sigmoid-mlp", Task::Regression),
        ("linear", Task::Regression),
        ("mlp", Task::Classification),
        ("mlp", Task::Regression),
    ];
    for (model, task) in cases {
        let (target, bundled) = match task {
            Task::Classification => ("label", iris),
            Task::Regression => ("amount", diabetes),
        };
        let mixed_options = LoadOptions {
            task: Some(task),
            target: Some(target.to_string()),
            ..LoadOptions::default()
        };
        run(&mixed, model, &mixed_options, dir.path());
        let bundled_options = LoadOptions {
            task: Some(task),
            ..LoadOptions::default()
        };
        run(bundled, model, &bundled_options, dir.path());
    }
    assert_eq!(onnx::EXPORTABLE.len(), 5);
}

/// Two classes: `mlp` has one logistic output unit, exported as `[1 - p, p]`.
#[test]
fn a_two_class_mlp_exports_its_logistic_unit() {
    let dir = tempfile::tempdir().expect("temporary folder");
    run(
        Path::new("datasets/breast_cancer.csv"),
        "mlp",
        &LoadOptions::default(),
        dir.path(),
    );
}

#[test]
fn models_that_do_not_export_say_which_do() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("tree.json");
    persist::train_and_save(
        Path::new("datasets/iris.csv"),
        &LoadOptions::default(),
        "decision-tree",
        1,
        None,
        &path,
    )
    .expect("trains");
    let loaded = persist::load(&path).expect("loads");
    let error = onnx::export(&loaded.body).expect_err("refused");
    assert_eq!(
        error,
        "decision-tree does not export to ONNX; exported models: logistic, linear, sigmoid-net, sigmoid-mlp, mlp"
    );
}
