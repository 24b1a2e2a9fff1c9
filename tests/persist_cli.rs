//! The README's flow end to end: `pick --save`, then `predict`, `fit` and `export`.

use std::process::{Command, Output};

fn modelbench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_modelbench"))
        .args(args)
        .output()
        .expect("modelbench runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn pick_save_then_predict_prints_predictions_and_the_score() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let model = dir.path().join("model.json");
    let reports = dir.path().join("reports");
    let model_arg = model.to_str().expect("UTF-8 path");
    let picked = modelbench(&[
        "pick",
        "datasets/iris.csv",
        "--save",
        model_arg,
        "--folds",
        "2",
        "--repeats",
        "1",
        "--models",
        "logistic,naive-bayes,decision-tree",
        "--out",
        reports.to_str().expect("UTF-8 path"),
    ]);
    assert!(picked.status.success(), "{}", text(&picked.stderr));
    let stdout = text(&picked.stdout);
    assert!(stdout.contains("Recommended for iris"), "{stdout}");
    assert!(stdout.contains("trained on all 150 rows"), "{stdout}");

    let document: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&model).expect("model file")).expect("JSON");
    let scores = &document["body"]["cv_scores"];
    assert_eq!(scores["score_name"], "accuracy");
    assert_eq!(scores["folds"], 2);
    assert!(scores["mean"].as_f64().is_some_and(|m| m > 0.8), "{scores}");

    let predicted = modelbench(&["predict", model_arg, "datasets/iris.csv", "--out", "-"]);
    assert!(predicted.status.success(), "{}", text(&predicted.stderr));
    let csv = text(&predicted.stdout);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 151, "a header and one line per row");
    assert!(
        lines[0].starts_with("row,prediction,probability_setosa"),
        "{}",
        lines[0]
    );
    assert!(lines[1].starts_with("1,setosa,"), "{}", lines[1]);
    let stderr = text(&predicted.stderr);
    assert!(
        stderr.contains("Score of") && stderr.contains("on 150 rows with a target"),
        "{stderr}"
    );
}

#[test]
fn fit_predict_to_a_file_and_export() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let model = dir.path().join("linear.json");
    let model_arg = model.to_str().expect("UTF-8 path");
    let fitted = modelbench(&[
        "fit",
        "datasets/diabetes.csv",
        "--model",
        "linear",
        "--out",
        model_arg,
    ]);
    assert!(fitted.status.success(), "{}", text(&fitted.stderr));
    let predictions = dir.path().join("predictions.csv");
    let predicted = modelbench(&[
        "predict",
        model_arg,
        "datasets/diabetes.csv",
        "--out",
        predictions.to_str().expect("UTF-8 path"),
    ]);
    assert!(predicted.status.success(), "{}", text(&predicted.stderr));
    assert!(text(&predicted.stdout).contains("Score of linear: R²"));
    let csv = std::fs::read_to_string(&predictions).expect("predictions written");
    assert_eq!(csv.lines().count(), 443);
    assert!(csv.starts_with("row,prediction\n1,"));

    let onnx = dir.path().join("linear.onnx");
    let exported = modelbench(&["export", model_arg, "--onnx", onnx.to_str().expect("path")]);
    assert!(exported.status.success(), "{}", text(&exported.stderr));
    assert!(std::fs::metadata(&onnx).expect("ONNX written").len() > 100);

    let wrong = modelbench(&[
        "fit",
        "datasets/diabetes.csv",
        "--model",
        "logistic",
        "--out",
        model_arg,
    ]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        text(&wrong.stderr).contains("logistic does not do regression"),
        "{}",
        text(&wrong.stderr)
    );
}
