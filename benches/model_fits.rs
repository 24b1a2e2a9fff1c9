//! The fit of each default model (and of `svm-rbf-linfa`, the owner's linfa-svm kept beside
//! modelbench's own SVM solver) on one mid-size bundled dataset (breast_cancer: 569 rows,
//! 30 features, two classes), on the training rows of one 5-fold split, with features
//! standardized for the models that ask for it, as `compare` does. Regressions in any model's
//! training time show here.
//!
//! Run with `cargo bench --bench model_fits` from the crate root (it reads `datasets/`).

use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use modelbench::data::{load_csv, scale::Standardizer, LoadOptions, Target};
use modelbench::models::{default_models, find_model, TargetSlice, TrainSet};
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
    let optional = ["svm-rbf-linfa"].into_iter().filter_map(find_model);
    for model in default_models().into_iter().chain(optional) {
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

criterion_group!(benches, fits);
criterion_main!(benches);
