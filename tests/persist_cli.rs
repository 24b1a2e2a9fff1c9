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

/// Writes `text` to `name` in `dir` and returns the path as a string.
fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("written");
    path.to_str().expect("UTF-8 path").to_string()
}

/// Fits `model` on `csv`, then predicts `csv` to standard output; returns (stdout, stderr).
fn fit_then_predict(dir: &std::path::Path, csv: &str, model: &str) -> (String, String) {
    let saved = dir.join(format!("{model}.json"));
    let saved = saved.to_str().expect("UTF-8 path");
    let fitted = modelbench(&["fit", csv, "--model", model, "--out", saved]);
    assert!(fitted.status.success(), "{}", text(&fitted.stderr));
    let predicted = modelbench(&["predict", saved, csv, "--out", "-"]);
    assert!(predicted.status.success(), "{}", text(&predicted.stderr));
    (text(&predicted.stdout), text(&predicted.stderr))
}

/// Eight rows, two classes, two numeric features; `cell` writes a number.
fn small_table(delimiter: &str, first: Option<&str>, cell: impl Fn(f64) -> String) -> String {
    let rows = [
        (1.5, 2.0, "x"),
        (1.0, 2.5, "x"),
        (0.5, 1.5, "x"),
        (1.25, 1.75, "x"),
        (3.5, 4.0, "y"),
        (4.0, 3.5, "y"),
        (3.25, 4.5, "y"),
        (4.5, 4.25, "y"),
    ];
    let mut out = String::new();
    let header = ["a", "b", "label"].join(delimiter);
    match first {
        Some(name) => out.push_str(&format!("{name}{delimiter}{header}\n")),
        None => out.push_str(&format!("{header}\n")),
    }
    for (i, (a, b, label)) in rows.iter().enumerate() {
        if first.is_some() {
            out.push_str(&format!("sample{i}{delimiter}"));
        }
        out.push_str(&[cell(*a), cell(*b), label.to_string()].join(delimiter));
        out.push('\n');
    }
    out
}

#[test]
fn a_model_trained_on_a_decimal_comma_file_predicts_that_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let csv = write(
        dir.path(),
        "comma.csv",
        &small_table(";", None, |v| format!("{v}").replace('.', ",")),
    );
    let (stdout, stderr) = fit_then_predict(dir.path(), &csv, "logistic");
    assert_eq!(stdout.lines().count(), 9, "{stdout}");
    assert!(stdout.starts_with("row,prediction,probability_x,probability_y\n1,x,"));
    assert!(
        stderr.contains("accuracy 1.0000 on 8 rows with a target"),
        "{stderr}"
    );
}

#[test]
fn predictions_are_labelled_by_the_files_row_names() {
    let dir = tempfile::tempdir().expect("temporary folder");
    // R's write.csv (empty first header) and pandas' to_csv (`Unnamed: 0` once read back).
    for (name, header) in [("r.csv", ""), ("pandas.csv", "Unnamed: 0")] {
        let csv = write(
            dir.path(),
            name,
            &small_table(",", Some(header), |v| v.to_string()),
        );
        let (stdout, _) = fit_then_predict(dir.path(), &csv, "logistic");
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), 9, "{stdout}");
        assert!(lines[1].starts_with("sample0,x,"), "{stdout}");
        assert!(lines[8].starts_with("sample7,y,"), "{stdout}");
    }
    // Without row names the first column is the row number.
    let csv = write(
        dir.path(),
        "plain.csv",
        &small_table(",", None, |v| v.to_string()),
    );
    let (stdout, _) = fit_then_predict(dir.path(), &csv, "logistic");
    assert!(stdout.lines().nth(1).is_some_and(|l| l.starts_with("1,x,")));
}

#[test]
fn a_model_that_cannot_be_saved_says_which_to_save_instead() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("linfa.json");
    let refused = modelbench(&[
        "fit",
        "datasets/iris.csv",
        "--model",
        "svm-rbf-linfa",
        "--out",
        out.to_str().expect("UTF-8 path"),
    ]);
    assert!(!refused.status.success());
    let stderr = text(&refused.stderr);
    assert!(
        stderr.contains("svm-rbf-linfa cannot be saved") && stderr.contains("save svm-rbf"),
        "{stderr}"
    );
    assert!(!out.exists(), "no model file is written");

    // `pick --save` recommending it: the comparison and its reports stand, the save fails.
    let reports = dir.path().join("reports");
    let picked = modelbench(&[
        "pick",
        "datasets/iris.csv",
        "--save",
        out.to_str().expect("UTF-8 path"),
        "--folds",
        "2",
        "--repeats",
        "1",
        "--models",
        "svm-rbf-linfa",
        "--out",
        reports.to_str().expect("UTF-8 path"),
    ]);
    assert!(!picked.status.success());
    assert!(text(&picked.stdout).contains("Recommended for iris: svm-rbf-linfa"));
    let stderr = text(&picked.stderr);
    assert!(
        stderr.contains(
            "the recommended svm-rbf-linfa was not saved (the comparison's reports are kept)"
        ) && stderr.contains("save svm-rbf"),
        "{stderr}"
    );
    assert!(reports.is_dir() && !out.exists());
}
