//! Fits one model on the first 4,000 rows of the wide data set (the CSV that
//! `benches/reference/wide_end_to_end.py` writes: 784 pixel columns, then the label) and prints
//! its fit time in wall and thread CPU time and its accuracy on the remaining rows; the
//! features are standardized (constant columns set to 0). `benches/reference/logistic_wide.py`
//! does the same with scikit-learn's LogisticRegression, for a side-by-side run.
//!
//! Run with `cargo run --release --example wide_fit_timing -- CSV MODEL [REPEATS]`.

use std::time::Instant;

use modelbench::models::{find_model, TargetSlice, TrainSet};
use ndarray::Array2;

/// Seconds of CPU time this thread has used.
fn cpu() -> f64 {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec for the call to write.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// Prints `message` and exits with status 2.
fn fail(message: String) -> ! {
    eprintln!("wide_fit_timing: {message}");
    std::process::exit(2);
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        fail("usage: wide_fit_timing CSV MODEL [REPEATS]".into());
    }
    let text =
        std::fs::read_to_string(&args[0]).unwrap_or_else(|e| fail(format!("{}: {e}", args[0])));
    let mut rows = Vec::new();
    let mut labels = Vec::new();
    for (number, line) in text.lines().enumerate().skip(1) {
        let v: Vec<f64> = line
            .split(',')
            .map(|c| c.parse())
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| fail(format!("{} line {}: {e}", args[0], number + 1)));
        if v.len() < 2 {
            fail(format!(
                "{} line {}: fewer than 2 columns",
                args[0],
                number + 1
            ));
        }
        labels.push(v[v.len() - 1] as usize);
        rows.extend_from_slice(&v[..v.len() - 1]);
    }
    let n = labels.len();
    let d = rows.len() / n;
    if n <= 4000 {
        fail(format!(
            "{} has {n} rows; at least 4,001 are needed",
            args[0]
        ));
    }
    let mut x = Array2::from_shape_vec((n, d), rows)
        .unwrap_or_else(|_| fail(format!("{}: rows of different lengths", args[0])));
    for mut c in x.columns_mut() {
        let m = c.mean().unwrap_or(0.0);
        let s = c.std(0.0);
        c.mapv_inplace(|v| if s > 0.0 { (v - m) / s } else { 0.0 });
    }
    let train_rows = 4000;
    let xt = x.slice(ndarray::s![..train_rows, ..]);
    let model = find_model(&args[1]).unwrap_or_else(|| fail(format!("no model {:?}", args[1])));
    let repeats: usize = args.get(2).map_or(1, |a| a.parse().unwrap_or(1));
    let n_classes = labels.iter().max().map_or(1, |&m| m + 1);
    for _ in 0..repeats {
        let target = TargetSlice::Classes {
            labels: &labels[..train_rows],
            n_classes,
        };
        let train = TrainSet::new(xt, target, 0).unwrap_or_else(|e| fail(e.to_string()));
        let (t, c) = (Instant::now(), cpu());
        let fitted = model.fit(&train).unwrap_or_else(|e| fail(e.to_string()));
        let fit = t.elapsed().as_secs_f64();
        let fit_cpu = cpu() - c;
        let p = fitted
            .predict(x.slice(ndarray::s![train_rows.., ..]))
            .unwrap_or_else(|e| fail(e.to_string()));
        let acc = match p {
            modelbench::models::Prediction::Classes { labels: l, .. } => {
                l.iter()
                    .zip(&labels[train_rows..])
                    .filter(|(a, b)| a == b)
                    .count() as f64
                    / (n - train_rows) as f64
            }
            _ => 0.0,
        };
        println!(
            "{} fit {:.3} s (cpu {:.3} s) test acc {:.4}",
            args[1], fit, fit_cpu, acc
        );
    }
}
