//! Bad input to `predict` and bad model files: each is refused (or noted) with a message that
//! says where and what to do, never a panic and never a silent guess.

use std::path::{Path, PathBuf};

use modelbench::data::{load_csv, LoadOptions};
use modelbench::models::{find_model, Prediction};
use modelbench::persist::{self, document, predict, table, PersistError, UnseenPolicy};

/// A training file with a categorical column and a missing cell, and a logistic model of it.
struct Fixture {
    dir: tempfile::TempDir,
    model: PathBuf,
}

const TRAIN: &str = "colour,size,label\n\
red,1.0,a\nred,1.5,a\nblue,3.0,b\nblue,3.5,b\ngreen,2.0,a\nblue,,b\nred,0.5,a\ngreen,4.0,b\n";

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temporary folder");
    let train = dir.path().join("train.csv");
    std::fs::write(&train, TRAIN).expect("written");
    let model = dir.path().join("model.json");
    persist::train_and_save(&train, &LoadOptions::default(), "logistic", 3, None, &model)
        .expect("trains and saves");
    Fixture { dir, model }
}

impl Fixture {
    fn csv(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("written");
        path
    }

    fn read(&self, csv: &Path, unseen: UnseenPolicy) -> Result<table::NewRows, table::TableError> {
        let loaded = persist::load(&self.model).expect("model loads");
        table::read_new_rows(
            csv,
            &LoadOptions::default(),
            &loaded.body.features,
            &loaded.body.target,
            unseen,
        )
    }

    fn error(&self, text: &str, unseen: UnseenPolicy) -> String {
        let csv = self.csv("new.csv", text);
        self.read(&csv, unseen)
            .expect_err("the file is refused")
            .to_string()
    }

    fn predict(&self, text: &str) -> (table::NewRows, predict::Predictions) {
        let csv = self.csv("new.csv", text);
        let rows = self
            .read(&csv, UnseenPolicy::Zero)
            .expect("the file is read");
        let loaded = persist::load(&self.model).expect("model loads");
        let predictions = predict::predict_rows(&loaded, &rows).expect("predicts");
        (rows, predictions)
    }

    fn load_error(&self, bytes: &[u8]) -> PersistError {
        let path = self.dir.path().join("bad-model.json");
        std::fs::write(&path, bytes).expect("written");
        match persist::load(&path) {
            Ok(_) => panic!("the bad model file loaded"),
            Err(e) => e,
        }
    }
}

#[test]
fn a_missing_column_is_named() {
    let f = fixture();
    let message = f.error("colour,label\nred,a\n", UnseenPolicy::Zero);
    assert!(
        message.contains(
            "the model needs column 'size', which the file lacks (its columns: colour, label)"
        ),
        "{message}"
    );
}

#[test]
fn an_extra_column_is_ignored_with_a_note_and_the_target_is_optional() {
    let f = fixture();
    let (rows, predictions) = f.predict("size,comment,colour\n1.0,hello,red\n3.2,x,blue\n");
    assert_eq!(
        rows.notes,
        vec!["ignored 1 column(s) the model does not use: comment".to_string()]
    );
    assert!(rows.target.is_none() && predictions.score.is_none());
    let Prediction::Classes { labels, .. } = &predictions.prediction else {
        panic!("a classifier")
    };
    assert_eq!(labels, &vec![0, 1]);
}

#[test]
fn text_in_a_numeric_column_is_an_error_at_its_line_and_column() {
    let f = fixture();
    let message = f.error("colour,size\nred,1\nblue,big\n", UnseenPolicy::Zero);
    assert!(
        message.contains("new.csv, line 3, column 2 'size': 'big' is not a number, but the model was trained on this column as numeric"),
        "{message}"
    );
}

#[test]
fn an_unseen_category_is_all_zeros_with_a_count_or_an_error() {
    let f = fixture();
    let text = "colour,size\npurple,1.0\npurple,2.0\nred,3.0\n";
    let (rows, _) = f.predict(text);
    assert_eq!(
        rows.warnings,
        vec!["2 row(s) have a category of 'colour' never seen in training; encoded as all zeros (use --unseen error to refuse them)".to_string()]
    );
    // Levels are sorted: blue, green, red; then size.
    assert_eq!(rows.features.row(0).to_vec(), vec![0.0, 0.0, 0.0, 1.0]);
    let message = f.error(text, UnseenPolicy::Error);
    assert!(
        message.contains("line 2, column 1 'colour': category 'purple' was not seen in training (levels: blue, green, red)"),
        "{message}"
    );
}

#[test]
fn missing_cells_get_the_saved_imputation() {
    let f = fixture();
    let (rows, with_gap) = f.predict("colour,size,label\n,,a\nred,2.0,a\n");
    assert!(
        rows.notes[0].starts_with("2 missing cells filled with the saved imputation"),
        "{:?}",
        rows.notes
    );
    // Training: size mean of the 7 present values = 15.5 / 7; colour mode: blue (3 of 8,
    // tied with red, first level wins).
    let mean = (1.0 + 1.5 + 3.0 + 3.5 + 2.0 + 0.5 + 4.0) / 7.0;
    let (_, filled) = f.predict(&format!("colour,size,label\nblue,{mean:?},a\nred,2.0,a\n"));
    assert_eq!(with_gap.prediction, filled.prediction);
    assert!(matches!(
        with_gap.score,
        Some(predict::Score::Classification { rows: 2, .. })
    ));
}

/// The model file with `edit` applied to its text.
fn edited(f: &Fixture, edit: impl Fn(String) -> String) -> Vec<u8> {
    let text = std::fs::read_to_string(&f.model).expect("model file");
    edit(text).into_bytes()
}

#[test]
fn a_file_from_a_newer_format_version_asks_for_an_upgrade() {
    let f = fixture();
    let newer = edited(&f, |t| {
        t.replace("\"format_version\": 1", "\"format_version\": 2")
            .replace(
                "\"modelbench_version\": \"0.1.0\"",
                "\"modelbench_version\": \"9.0.0\"",
            )
    });
    let message = f.load_error(&newer).to_string();
    assert!(
        message.contains("written by modelbench 9.0.0 in model format 2, but this modelbench")
            && message.contains("reads model formats up to 1; upgrade modelbench to load it"),
        "{message}"
    );
}

#[test]
fn a_truncated_file_is_refused() {
    let f = fixture();
    let bytes = std::fs::read(&f.model).expect("model file");
    let message = f.load_error(&bytes[..bytes.len() / 2]).to_string();
    assert!(
        message.contains("the model file ends early at line"),
        "{message}"
    );
    assert!(message.contains("(truncated?)"), "{message}");
}

#[test]
fn a_tampered_body_fails_its_checksum() {
    let f = fixture();
    let tampered = edited(&f, |t| t.replacen("\"seed\":3", "\"seed\":4", 1));
    let error = f.load_error(&tampered);
    assert!(
        matches!(error, PersistError::ChecksumMismatch { .. }),
        "{error}"
    );
    assert!(error
        .to_string()
        .contains("it was changed or damaged after it was written"));
}

#[test]
fn files_that_are_not_models_say_so() {
    let f = fixture();
    for (bytes, why) in [
        (
            &b"colour,size\nred,1\n"[..],
            "it does not start with a JSON object",
        ),
        (
            &b"{\"weights\": [1, 2]}"[..],
            "it has no \"format\": \"modelbench-model\" field",
        ),
        (
            &b"{\"format\": \"modelbench-model\" 7}"[..],
            "not valid JSON",
        ),
        (&[0xff, 0xfe, 0x00][..], "it is not UTF-8 text"),
    ] {
        let message = f.load_error(bytes).to_string();
        assert!(
            message.contains("not a modelbench model file") && message.contains(why),
            "{message}"
        );
    }
}

#[test]
fn an_oversized_file_is_refused_before_it_is_read() {
    let f = fixture();
    let path = f.dir.path().join("huge.json");
    let file = std::fs::File::create(&path).expect("created");
    // A sparse file: no disk or memory is used.
    file.set_len(document::MAX_MODEL_BYTES + 1).expect("sized");
    let message = persist::load(&path).err().expect("refused").to_string();
    assert!(
        message.contains("over the limit of 1073741824 bytes"),
        "{message}"
    );
}

/// Rewrites the body with `edit` and a fresh checksum: a crafted file that passes the
/// checksum must still be checked before anything is allocated from it.
fn recrafted(f: &Fixture, edit: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    let text = std::fs::read_to_string(&f.model).expect("model file");
    let envelope: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let mut body = envelope["body"].clone();
    edit(&mut body);
    let body: persist::ModelBody = serde_json::from_value(body).expect("still a body");
    document::encode(&body).expect("encodes")
}

#[test]
fn crafted_sizes_and_indices_are_refused_before_use() {
    let f = fixture();
    let huge_classes = recrafted(&f, |b| b["model"]["fitted"]["n_classes"] = 1u64.into());
    let message = f.load_error(&huge_classes).to_string();
    assert!(
        message.contains("invalid model file: saved logistic model is invalid: its classes do not lie in 0..n_classes"),
        "{message}"
    );
    let short_theta = recrafted(&f, |b| {
        b["model"]["fitted"]["theta"]
            .as_array_mut()
            .expect("theta")
            .pop();
    });
    let message = f.load_error(&short_theta).to_string();
    assert!(
        message.contains("theta has 9 values, not 5 x 2"),
        "{message}"
    );
    let unknown = recrafted(&f, |b| b["model"]["name"] = "gradient-magic".into());
    let message = f.load_error(&unknown).to_string();
    assert!(
        message.contains("model 'gradient-magic' is not known to this modelbench"),
        "{message}"
    );
    let bad_level = recrafted(&f, |b| {
        b["features"]["columns"][0]["impute"] = "pink".into()
    });
    let message = f.load_error(&bad_level).to_string();
    assert!(
        message.contains("column 'colour' imputes 'pink', which is not one of its levels"),
        "{message}"
    );
}

#[test]
fn models_that_cannot_be_saved_refuse_clearly() {
    let dataset = load_csv(Path::new("datasets/iris.csv"), &LoadOptions::default()).expect("data");
    let model = find_model("svm-rbf-linfa").expect("registered");
    let error = persist::fit_on_all_rows(&dataset, model.as_ref(), 1, &LoadOptions::default())
        .err()
        .expect("refused");
    assert!(
        error.0.contains("svm-rbf-linfa cannot be saved") && error.0.contains("save svm-rbf"),
        "{error}"
    );
    let error = model
        .load_fitted(&serde_json::json!({}))
        .err()
        .expect("refused");
    assert!(
        error
            .0
            .contains("svm-rbf-linfa cannot be loaded from a model file"),
        "{error}"
    );
}

/// The saved form of `model` fitted on every row of a bundled file.
fn fitted_form(model: &str, csv: &str) -> serde_json::Value {
    let dataset = load_csv(Path::new(csv), &LoadOptions::default()).expect("data");
    let model = find_model(model).expect("registered");
    let (body, _) = persist::fit_on_all_rows(&dataset, model.as_ref(), 1, &LoadOptions::default())
        .expect("fits and saves");
    body.model.fitted
}

/// The message of `model`'s loader on `saved` changed by `edit`.
fn load_message(
    model: &str,
    saved: &serde_json::Value,
    edit: impl Fn(&mut serde_json::Value),
) -> String {
    let mut saved = saved.clone();
    edit(&mut saved);
    find_model(model)
        .expect("registered")
        .load_fitted(&saved)
        .err()
        .expect("refused")
        .0
}

#[test]
fn crafted_networks_and_support_vector_machines_are_refused_before_use() {
    let mlp = fitted_form("mlp", "datasets/iris.csv");
    let message = load_message("mlp", &mlp, |v| {
        v["classifier"]["network"]["widths"] = serde_json::json!([u64::MAX, u64::MAX, 3]);
    });
    assert!(
        message.contains("need more than 2^32 parameters"),
        "{message}"
    );
    let message = load_message("mlp", &mlp, |v| {
        v["classifier"]["network"]["output"] = "identity".into();
    });
    assert!(
        message.contains("a classifier needs a logistic unit for two classes or a softmax"),
        "{message}"
    );
    let message = load_message("mlp", &mlp, |v| {
        v["classifier"]["network"]["parameters"]
            .as_array_mut()
            .expect("parameters")
            .pop();
    });
    assert!(
        message.contains("parameters but the network has"),
        "{message}"
    );

    let svm = fitted_form("svm-rbf", "datasets/iris.csv");
    let message = load_message("svm-rbf", &svm, |v| {
        v["machines"][0]["support"][0] = 1_000_000u64.into();
    });
    assert!(
        message.contains("a machine's support vectors are out of range"),
        "{message}"
    );
    let message = load_message("svm-rbf", &svm, |v| {
        v["kernel"]["gamma"] = (-1.0).into();
    });
    assert!(message.contains("finite, positive gamma"), "{message}");
    let message = load_message("svm-linear", &svm, |_| {});
    assert!(message.contains("not the model's kernel"), "{message}");
    let message = load_message("svm-rbf", &svm, |v| {
        v["support_vector_count"] = u64::MAX.into();
    });
    assert!(message.contains("support_vectors has"), "{message}");

    let svr = fitted_form("svr", "datasets/diabetes.csv");
    let message = load_message("svr", &svr, |v| {
        v["coefficients"]
            .as_array_mut()
            .expect("coefficients")
            .pop();
    });
    assert!(
        message.contains("it needs one coefficient per support vector"),
        "{message}"
    );
}

#[test]
fn numeric_columns_read_non_numbers_as_missing_as_in_training() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let train = dir.path().join("train.csv");
    std::fs::write(
        &train,
        "size,weight,label\n1.0,2,a\n1.5,unknown,a\n3.0,5,b\n3.5,6,b\n0.5,1,a\n4.0,7,b\n",
    )
    .expect("written");
    let options = LoadOptions {
        numeric: vec!["weight".to_string()],
        ..LoadOptions::default()
    };
    let model = dir.path().join("model.json");
    persist::train_and_save(&train, &options, "logistic", 3, None, &model).expect("trains");
    let loaded = persist::load(&model).expect("loads");
    let saved = &loaded.body.training.load_options;
    assert_eq!(saved.numeric, vec!["weight".to_string()]);
    let read = |options: &LoadOptions| {
        table::read_new_rows(
            &train,
            options,
            &loaded.body.features,
            &loaded.body.target,
            UnseenPolicy::Zero,
        )
    };
    let rows = read(saved).expect("the training file is read as in training");
    assert!(rows.features[[1, 1]].is_nan());
    assert!(
        rows.notes.iter().any(|n| n.contains(
            "1 non-numbers read as missing in --numeric column(s), as in training: weight (1)"
        )),
        "{:?}",
        rows.notes
    );
    let error = read(&LoadOptions::default())
        .expect_err("without --numeric the text is an error")
        .to_string();
    assert!(error.contains("line 3, column 2 'weight'"), "{error}");
}

#[test]
fn a_crafted_booster_is_refused_before_it_predicts() {
    let booster = fitted_form("gradient-boosting", "datasets/iris.csv");
    // A split pointing back at itself would make prediction loop forever.
    let message = load_message("gradient-boosting", &booster, |v| {
        let root = &mut v["trees"][0][0];
        root["left"] = 0u64.into();
        root["right"] = 0u64.into();
        v["trees"][0][1]["left"] = 1u64.into();
    });
    assert!(
        message.contains("a split's children must come after it in its tree"),
        "{message}"
    );
    let message = load_message("gradient-boosting", &booster, |v| {
        v["trees"].as_array_mut().expect("trees").pop();
    });
    assert!(
        message.contains("its tree count is not rounds x outputs"),
        "{message}"
    );
    let message = load_message("gradient-boosting", &booster, |v| {
        v["trees"][0][0]["feature"] = 99u64.into();
    });
    assert!(
        message.contains("a split names a feature it does not have"),
        "{message}"
    );
    let message = load_message("gradient-boosting", &booster, |v| {
        v["loss"] = serde_json::json!({"multinomial": {"classes": 1}});
    });
    assert!(message.contains("invalid"), "{message}");
}
