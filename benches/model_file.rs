//! The model file: how large the JSON document is and how long writing and loading take
//! (loading = size, marker, version and checksum checks, parsing, validation and rebuilding the
//! fitted model), for the models whose files are largest: a 100-tree forest and kNN's stored
//! rows on digits (1797 rows × 64 features), a forest on winequality_red, and logistic as a
//! small reference. Each model is fitted once, outside the timed code; the sizes are printed.
//! The fit time is printed beside them, for scale.
//!
//! Run with `cargo bench --bench model_file`.

use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use modelbench::data::{load_csv, LoadOptions};
use modelbench::models::find_model;
use modelbench::persist::{self, document};

const CASES: [(&str, &str); 4] = [
    ("random-forest", "datasets/digits.csv"),
    ("knn", "datasets/digits.csv"),
    ("random-forest", "datasets/winequality_red.csv"),
    ("logistic", "datasets/digits.csv"),
];

fn model_file(c: &mut Criterion) {
    let mut group = c.benchmark_group("model_file");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for (model_name, file) in CASES {
        let options = LoadOptions::default();
        let dataset = load_csv(Path::new(file), &options).expect("bundled dataset loads");
        let model = find_model(model_name).expect("registered model");
        let started = Instant::now();
        let (body, _) =
            persist::fit_on_all_rows(&dataset, model.as_ref(), 1, &options).expect("fits");
        let fit_s = started.elapsed().as_secs_f64();
        let bytes = document::encode(&body).expect("encodes");
        let id = format!("{model_name}/{}", dataset.name);
        eprintln!(
            "model_file {id}: {} bytes of JSON ({:.2} MB); fit on all rows took {fit_s:.2} s",
            bytes.len(),
            bytes.len() as f64 / 1e6
        );
        group.bench_function(BenchmarkId::new("encode", &id), |b| {
            b.iter(|| document::encode(&body).expect("encodes"))
        });
        group.bench_function(BenchmarkId::new("load", &id), |b| {
            b.iter(|| persist::load_bytes(Path::new("model.json"), &bytes).expect("loads"))
        });
    }
    group.finish();
}

criterion_group!(benches, model_file);
criterion_main!(benches);
