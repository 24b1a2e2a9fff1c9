//! The fit of each default model on one mid-size bundled dataset (breast_cancer: 569 rows,
//! 30 features, two classes), on the training rows of one 5-fold split, with features
//! standardized for the models that ask for it, as `compare` does. Regressions in any model's
//! training time show here.
//!
//! A second group times `gradient-boosting` alone where its speed target is set (issue 10:
//! at most 1.5x LightGBM's single-threaded fit): the training rows of one 5-fold split of
//! digits and winequality_red, and a generated 100,000 x 20 binary set. The side-by-side
//! ratios against LightGBM come from `benches/reference/boosting_speed.py`.
//!
//! Run with `cargo bench --bench model_fits` from the crate root (it reads `datasets/`).

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use modelbench::data::{load_csv, scale::Standardizer, LoadOptions, Target};
use modelbench::models::{default_models, find_model, TargetSlice, TrainSet};
use modelbench::rng::SeededRng;
use ndarray::{Array2, Axis};

const DATASET: &str = "datasets/breast_cancer.csv";

fn fits(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(DATASET);
    let dataset = load_csv(&path, &LoadOptions::default()).expect("the bundled dataset loads");
    let Target::Classes { labels, names } = &dataset.target else {
        panic!("{DATASET} is a classification dataset");
    };
    // Every fifth row is held out: the training rows of one 5-fold split.
    let train_rows: Vec<usize> = (0..dataset.n_rows()).filter(|r| r % 5 != 0).collect();
    let features: Array2<f64> = dataset.features.select(Axis(0), &train_rows);
    let train_labels: Vec<usize> = train_rows.iter().map(|&r| labels[r]).collect();
    let standardized = Standardizer::fit(features.view()).transform(features.view());

    let mut group = c.benchmark_group("model_fit_breast_cancer");
    group
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_secs(2))
        .sample_size(10)
        // One fit per sample: linear sampling would run 55 fits of the slowest models.
        .sampling_mode(SamplingMode::Flat);
    for model in default_models() {
        let x = if model.wants_standardized_features() {
            &standardized
        } else {
            &features
        };
        let target = TargetSlice::Classes {
            labels: &train_labels,
            n_classes: names.len(),
        };
        let train = TrainSet::new(x.view(), target, 1).expect("the bundled dataset is valid");
        if !model
            .tasks()
            .contains(&modelbench::data::Task::Classification)
        {
            continue;
        }
        group.bench_function(model.name(), |b| {
            b.iter(|| {
                model
                    .fit(&train)
                    .expect("the model fits the bundled dataset")
            })
        });
    }
    group.finish();
}

/// Features and labels of the training rows (every fifth row held out) of a bundled dataset.
fn bundled_training_rows(name: &str) -> (Array2<f64>, Vec<usize>, usize) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("datasets")
        .join(name);
    let dataset = load_csv(&path, &LoadOptions::default()).expect("the bundled dataset loads");
    let Target::Classes { labels, names } = &dataset.target else {
        panic!("{name} is a classification dataset");
    };
    let train_rows: Vec<usize> = (0..dataset.n_rows()).filter(|r| r % 5 != 0).collect();
    let features = dataset.features.select(Axis(0), &train_rows);
    let train_labels = train_rows.iter().map(|&r| labels[r]).collect();
    (features, train_labels, names.len())
}

/// 100,000 x 20 binary set: 5 informative features, the rest noise, labels from a noisy
/// linear rule (as scikit-learn's make_classification, in shape and difficulty only).
fn generated_binary(rows: usize, features: usize) -> (Array2<f64>, Vec<usize>, usize) {
    let mut rng = SeededRng::new(0);
    let x = Array2::from_shape_fn((rows, features), |_| rng.uniform(-1.0, 1.0));
    let labels = x
        .rows()
        .into_iter()
        .map(|row| {
            let score: f64 = row
                .iter()
                .take(5)
                .enumerate()
                .map(|(j, v)| v * (j as f64 - 2.0))
                .sum();
            usize::from(score + rng.uniform(-0.5, 0.5) > 0.0)
        })
        .collect();
    (x, labels, 2)
}

fn boosting_fits(c: &mut Criterion) {
    let model = find_model("gradient-boosting").expect("gradient-boosting is registered");
    let mut group = c.benchmark_group("gradient_boosting_fit");
    group
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_secs(5))
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat);
    let sets = [
        ("digits", bundled_training_rows("digits.csv")),
        (
            "winequality_red",
            bundled_training_rows("winequality_red.csv"),
        ),
        ("binary_100k_20", generated_binary(100_000, 20)),
    ];
    for (name, (x, labels, n_classes)) in &sets {
        let target = TargetSlice::Classes {
            labels,
            n_classes: *n_classes,
        };
        let train = TrainSet::new(x.view(), target, 1).expect("the data is valid");
        group.bench_function(*name, |b| {
            b.iter(|| model.fit(&train).expect("gradient boosting fits"))
        });
    }
    group.finish();
}

criterion_group!(benches, fits, boosting_fits);
criterion_main!(benches);
