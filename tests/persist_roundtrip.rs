//! Every registered model round-trips through a model file: fit on a bundled dataset, save,
//! load, and predict bit for bit what the fitted model predicted. A model added later is
//! covered automatically; one that cannot be saved fails here unless it is listed in
//! `NOT_YET_SAVEABLE` with the reason (and that list fails too once the model saves).

use std::path::Path;

use modelbench::data::{load_csv, LoadOptions, Task};
use modelbench::models::all_models;
use modelbench::persist::{self, document};

/// Models that cannot be saved, with why. Keep it honest and short.
const NOT_YET_SAVEABLE: [(&str, &str); 1] = [(
    "svm-rbf-linfa",
    "linfa-svm's fitted Svm has private fields and no constructor (serde only behind a feature \
     this build does not enable), so it cannot be rebuilt from plain data; svm-rbf saves",
)];

fn dataset_for(task: Task) -> &'static str {
    match task {
        Task::Classification => "datasets/iris.csv",
        Task::Regression => "datasets/diabetes.csv",
    }
}

#[test]
fn every_registered_model_predicts_identically_after_save_and_load() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut checked = 0;
    for model in all_models() {
        let listed = NOT_YET_SAVEABLE.iter().find(|(n, _)| *n == model.name());
        for &task in model.tasks() {
            let options = LoadOptions {
                task: Some(task),
                ..LoadOptions::default()
            };
            let dataset = load_csv(Path::new(dataset_for(task)), &options).expect("bundled data");
            let attempt = persist::fit_on_all_rows(&dataset, model.as_ref(), 7, &options);
            let (body, fitted) = match (attempt, listed) {
                (Ok(fitted), None) => fitted,
                (Err(e), Some(_)) if e.0.contains("cannot be saved") => continue,
                (Ok(_), Some((name, _))) => panic!(
                    "{name} saves now: remove it from NOT_YET_SAVEABLE so its round trip is tested"
                ),
                (Err(e), _) => panic!("{} ({task}): {e}", model.name()),
            };
            let path = dir.path().join(format!("{}-{task}.json", model.name()));
            persist::save(&path, &body).expect("model file written");
            let loaded = persist::load(&path)
                .unwrap_or_else(|e| panic!("{} ({task}) does not load: {e}", model.name()));
            assert_eq!(loaded.body, body, "{}: the document changed", model.name());
            let (_, prepared) =
                persist::schema::FeatureSchema::fit(&dataset, model.wants_standardized_features());
            let before = fitted.predict(prepared.view()).expect("fitted predicts");
            let after = loaded
                .fitted
                .predict(
                    loaded
                        .body
                        .features
                        .prepare(dataset.features.clone())
                        .view(),
                )
                .expect("loaded predicts");
            assert_eq!(
                before,
                after,
                "{} ({task}): predictions differ after loading",
                model.name()
            );
            assert_eq!(fitted.size(), loaded.fitted.size(), "{}", model.name());
            // Saving the loaded model gives the same document again.
            assert_eq!(
                loaded.fitted.to_saved().expect("loaded model saves"),
                body.model.fitted,
                "{}",
                model.name()
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 10,
        "only {checked} model/task pairs were checked"
    );
}

#[test]
fn the_document_carries_what_the_issue_lists() {
    let options = LoadOptions::default();
    let dataset = load_csv(Path::new("datasets/iris.csv"), &options).expect("bundled data");
    let model = modelbench::models::find_model("logistic").expect("registered");
    let (body, _) = persist::fit_on_all_rows(&dataset, model.as_ref(), 1, &options).expect("fits");
    let bytes = document::encode(&body).expect("encodes");
    let value: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    assert_eq!(value["format"], "modelbench-model");
    assert_eq!(value["format_version"], document::FORMAT_VERSION);
    assert_eq!(value["modelbench_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(value["body_sha256"].as_str().map(str::len), Some(64));
    let body = &value["body"];
    assert_eq!(body["model"]["name"], "logistic");
    assert_eq!(body["model"]["settings"]["C"], 1.0);
    assert_eq!(body["features"]["columns"][0]["kind"], "numeric");
    assert_eq!(
        body["features"]["scaling"]["mean"].as_array().map(Vec::len),
        Some(4)
    );
    assert_eq!(body["target"]["kind"], "classification");
    assert_eq!(body["target"]["labels"][0], "setosa");
    assert_eq!(body["training"]["rows"], 150);
    assert_eq!(body["training"]["sha256"], dataset.sha256);
}
