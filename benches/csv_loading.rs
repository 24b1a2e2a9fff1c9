//! CSV loading: a generated 100,000 × 20 numeric file (19 features and a numeric target,
//! 4 decimals, about 15 MB) through `data::load_csv`, the whole path from bytes to a typed
//! `Dataset`. The file is written once, outside the timed code, to
//! `<temp dir>/modelbench-bench/numeric_100000x20.csv`, where
//! `benches/reference/article_numpy.py --csv` can time pandas.read_csv on the same bytes.
//!
//! Run with `cargo bench --bench csv_loading`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, SamplingMode, Throughput};
use modelbench::data::{load_csv, LoadOptions};

const ROWS: usize = 100_000;
const COLUMNS: usize = 20;

/// The generated file's path; written when missing. Cell (i, j) is a fixed function of i and
/// j, so every run (and the Python script) reads the same bytes.
fn numeric_file() -> PathBuf {
    let dir = std::env::temp_dir().join("modelbench-bench");
    let path = dir.join(format!("numeric_{ROWS}x{COLUMNS}.csv"));
    if path.exists() {
        return path;
    }
    std::fs::create_dir_all(&dir).expect("the temp dir is writable");
    let mut text = String::with_capacity(ROWS * COLUMNS * 10);
    let header: Vec<String> = (0..COLUMNS - 1)
        .map(|j| format!("x{j}"))
        .chain(std::iter::once("y".to_string()))
        .collect();
    text.push_str(&header.join(","));
    text.push('\n');
    for i in 0..ROWS {
        for j in 0..COLUMNS {
            let code = ((i * COLUMNS + j) as u64 * 2_654_435_761) % 1_000_003;
            let value = code as f64 / 1000.0 - 500.0;
            let separator = if j + 1 == COLUMNS { '\n' } else { ',' };
            write!(text, "{value:.4}{separator}").expect("writing to a String succeeds");
        }
    }
    let partial = path.with_extension("partial");
    std::fs::write(&partial, text).expect("the temp dir is writable");
    std::fs::rename(&partial, &path).expect("the temp dir is writable");
    path
}

fn loading(c: &mut Criterion) {
    let path = numeric_file();
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
    let mut group = c.benchmark_group("csv_load");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4))
        .sample_size(10)
        // One load per sample: linear sampling would run 55 loads of about a second.
        .sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Bytes(bytes));
    let options = LoadOptions::default();
    group.bench_function(format!("{ROWS} x {COLUMNS} numeric"), |b| {
        b.iter(|| load_csv(&path, &options).expect("the generated file loads"))
    });
    group.finish();
}

criterion_group!(benches, loading);
criterion_main!(benches);
