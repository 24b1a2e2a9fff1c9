//! The Rust half of `benches/reference/svm_side_by_side.py`: fits one modelbench model on a
//! training CSV written by the script (already standardized, no header, label last), predicts
//! the test CSV, and prints one JSON line with the median fit time, the predict time, the
//! support vectors and the process's peak resident memory; the labels go to a file. Each
//! size runs in its own process so the peak memory is that fit's.
//!
//! Usage (the script runs it): `cargo bench --bench svm_side_by_side -- MODEL TRAIN TEST
//! LABELS_OUT REPEATS`. Without arguments it prints this usage and exits, so that a plain
//! `cargo bench` passes.

use std::fs;
use std::time::Instant;

use modelbench::models::{find_model, Prediction, TargetSlice, TrainSet};
use ndarray::Array2;

fn read_rows(path: &str) -> (Array2<f64>, Vec<usize>) {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let mut values = Vec::new();
    let mut labels = Vec::new();
    let mut width = 0;
    for (n, line) in text.lines().filter(|l| !l.is_empty()).enumerate() {
        let cells: Vec<f64> = line
            .split(',')
            .map(|c| {
                c.parse()
                    .unwrap_or_else(|_| panic!("{path}:{}: bad number {c}", n + 1))
            })
            .collect();
        width = cells.len() - 1;
        values.extend_from_slice(&cells[..width]);
        labels.push(cells[width] as usize);
    }
    let rows = labels.len();
    (
        Array2::from_shape_vec((rows, width), values).expect("rows of equal width"),
        labels,
    )
}

#[cfg(unix)]
fn peak_rss_kb() -> i64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    usage.ru_maxrss
}

#[cfg(not(unix))]
fn peak_rss_kb() -> i64 {
    -1
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if args.len() != 5 {
        eprintln!("usage: svm_side_by_side MODEL TRAIN.csv TEST.csv LABELS_OUT REPEATS");
        return;
    }
    let model = find_model(&args[0]).unwrap_or_else(|| panic!("unknown model {}", args[0]));
    let (x, labels) = read_rows(&args[1]);
    let (test, _) = read_rows(&args[2]);
    let repeats: usize = args[4].parse().expect("REPEATS is a number");
    let n_classes = labels.iter().max().map_or(2, |m| m + 1).max(2);
    let train = TrainSet::new(
        x.view(),
        TargetSlice::Classes {
            labels: &labels,
            n_classes,
        },
        0,
    )
    .expect("valid training data");
    let mut fit_times = Vec::new();
    let mut fitted = None;
    for _ in 0..repeats.max(1) {
        let start = Instant::now();
        let f = model.fit(&train).expect("the model fits");
        fit_times.push(start.elapsed().as_secs_f64());
        fitted = Some(f);
    }
    fit_times.sort_by(f64::total_cmp);
    let fitted = fitted.expect("at least one fit");
    let start = Instant::now();
    let prediction = fitted.predict(test.view()).expect("the model predicts");
    let predict_s = start.elapsed().as_secs_f64();
    let Prediction::Classes { labels, .. } = prediction else {
        panic!("a classifier returned values")
    };
    let text: Vec<String> = labels.iter().map(|l| l.to_string()).collect();
    fs::write(&args[3], text.join("\n")).expect("labels written");
    println!(
        "{{\"fit_s\": {}, \"predict_s\": {}, \"support_vectors\": {}, \"max_rss_kb\": {}}}",
        fit_times[fit_times.len() / 2],
        predict_s,
        fitted.size().support_vectors.unwrap_or(0),
        peak_rss_kb()
    );
}
