//! The fit of each default model (and of `svm-rbf-linfa`, the owner's linfa-svm kept beside
//! modelbench's own SVM solver) on one mid-size bundled dataset (breast_cancer: 569 rows,
//! 30 features, two classes), on the training rows of one 5-fold split, with features
//! standardized for the models that ask for it, as `compare` does. Regressions in any model's
//! training time show here.
//!
//! The `mlp_fit` group times `mlp` alone where issue 10 sets its speed target: digits (the
//! training rows of the same split, standardized) and a generated 100,000 x 20 two-class set,
//! written to `<temp dir>/modelbench-bench/binary_100000x20.csv` so that
//! `benches/reference/network_speed.py` times scikit-learn's `MLPClassifier` on the same rows
//! and prints the ratio. It also prints the epochs each fit ran (the stopping rule decides)
//! and the time of one fit; the large set is timed only that way (one fit takes seconds).
//!
//! Run with `cargo bench --bench model_fits` from the crate root (it reads `datasets/`);
//! `cargo bench --bench model_fits -- mlp_fit` runs the mlp group only.

//!
//! The fit of each default model on one mid-size bundled dataset (breast_cancer: 569 rows,
//! A second group times `gradient-boosting` alone where its speed target is set (issue 10:
//! at most 1.5x LightGBM's single-threaded fit): the training rows of one 5-fold split of
//! digits and winequality_red, and a generated 100,000 x 20 binary set. The side-by-side
//! ratios against LightGBM come from `benches/reference/boosting_speed.py`.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use modelbench::data::{load_csv, scale::Standardizer, LoadOptions, Target};
use modelbench::models::{default_models, find_model, TargetSlice, TrainSet};
use modelbench::nn::{train_relu_network, MinibatchSettings, ReluOutput};
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

/// Rows and columns (19 features and a 0/1 class) of the generated two-class set.
const BINARY_ROWS: usize = 100_000;
const BINARY_COLUMNS: usize = 20;

/// The generated two-class set, written as CSV when missing (features uniform in [-2, 2) from
/// a fixed seed, 4 decimals; the class is 1 when `x0·x1 + sin(2·x2) + 0.5·x3 - 0.25·x4² + 0.1·x5
/// > 0`, a boundary a linear model cannot draw), and read back through `load_csv`.
fn binary_file() -> PathBuf {
    let dir = std::env::temp_dir().join("modelbench-bench");
    let path = dir.join(format!("binary_{BINARY_ROWS}x{BINARY_COLUMNS}.csv"));
    if path.exists() {
        return path;
    }
    std::fs::create_dir_all(&dir).expect("the temp dir is writable");
    let mut rng = SeededRng::new(20_251_201);
    let mut text = String::with_capacity(BINARY_ROWS * BINARY_COLUMNS * 8);
    let header: Vec<String> = (0..BINARY_COLUMNS - 1).map(|j| format!("x{j}")).collect();
    writeln!(text, "{},class", header.join(",")).expect("writing to a String succeeds");
    for _ in 0..BINARY_ROWS {
        let x: Vec<f64> = (0..BINARY_COLUMNS - 1)
            .map(|_| (rng.uniform(-2.0, 2.0) * 1e4).round() / 1e4)
            .collect();
        let score = x[0] * x[1] + (2.0 * x[2]).sin() + 0.5 * x[3] - 0.25 * x[4] * x[4] + 0.1 * x[5];
        for v in &x {
            write!(text, "{v:.4},").expect("writing to a String succeeds");
        }
        writeln!(text, "{}", u8::from(score > 0.0)).expect("writing to a String succeeds");
    }
    let partial = path.with_extension("partial");
    std::fs::write(&partial, text).expect("the temp dir is writable");
    std::fs::rename(&partial, &path).expect("the temp dir is writable");
    path
}

/// Standardized features and class labels of `path`, keeping the rows `keep` accepts.
fn classification_rows(
    path: &Path,
    keep: impl Fn(usize) -> bool,
) -> (Array2<f64>, Vec<usize>, usize) {
    let dataset = load_csv(path, &LoadOptions::default()).expect("the bench's dataset loads");
    let Target::Classes { labels, names } = &dataset.target else {
        panic!("{} is a classification dataset", path.display());
    };
    let rows: Vec<usize> = (0..dataset.n_rows()).filter(|&r| keep(r)).collect();
    let features = dataset.features.select(Axis(0), &rows);
    let standardized = Standardizer::fit(features.view()).transform(features.view());
    (
        standardized,
        rows.iter().map(|&r| labels[r]).collect(),
        names.len(),
    )
}

fn mlp_fits(c: &mut Criterion) {
    let mlp = find_model("mlp").expect("mlp is registered");
    let digits = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/digits.csv");
    let sets = [
        (
            "digits 1437 x 64",
            classification_rows(&digits, |r| r % 5 != 0),
        ),
        (
            "binary 100000 x 19",
            classification_rows(&binary_file(), |_| true),
        ),
    ];
    let mut group = c.benchmark_group("mlp_fit");
    group
        .warm_up_time(Duration::from_millis(100))
        .measurement_time(Duration::from_secs(5))
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat);
    for (name, (x, labels, n_classes)) in &sets {
        let target = TargetSlice::Classes {
            labels,
            n_classes: *n_classes,
        };
        let train = TrainSet::new(x.view(), target, 1).expect("the bench's dataset is valid");
        // The epochs the stopping rule allows on this set, for the per-epoch comparison.
        let outputs = if *n_classes == 2 { 1 } else { *n_classes };
        let mut targets = Array2::zeros((labels.len(), outputs));
        for (row, &l) in labels.iter().enumerate() {
            if outputs == 1 {
                targets[[row, 0]] = l as f64;
            } else {
                targets[[row, l]] = 1.0;
            }
        }
        let output = if outputs == 1 {
            ReluOutput::Logistic
        } else {
            ReluOutput::Softmax
        };
        let settings = MinibatchSettings {
            seed: 1,
            ..MinibatchSettings::default()
        };
        let (_, report) = train_relu_network(x.view(), targets.view(), output, &settings)
            .expect("the bench's dataset trains");
        // One fit timed directly: criterion's ten samples would take minutes on the large set.
        let started = Instant::now();
        mlp.fit(&train).expect("mlp fits the bench's dataset");
        println!(
            "mlp on {name}: {} epochs, one fit {:.3} s",
            report.epochs,
            started.elapsed().as_secs_f64()
        );
        if x.nrows() > 10_000 {
            continue;
        }
        group.bench_function(*name, |b| {
            b.iter(|| mlp.fit(&train).expect("mlp fits the bench's dataset"))
        });
    }
    group.finish();
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

criterion_group!(benches, fits, mlp_fits, boosting_fits);
criterion_main!(benches);
