//! Times `data::load_csv` on the generated 100,000 × 20 numeric file of `benches/csv_loading.rs`
//! (the same bytes: cell (i, j) is the same fixed function of i and j) and prints the median of
//! a few loads in milliseconds, for `benches/reference/csv_side_by_side.py`, which times
//! pandas.read_csv on the same file in the same run and prints the ratio.
//!
//! Run with `cargo run --release --example csv_load_timing -- [PATH] [LOADS] [--threads=WHICH]`;
//! WHICH is `one` (everything on one core), `hash` (the default: the hash on a second thread)
//! or `hash-and-halves` (also the second half of the rows on a third), as
//! `data::set_loading_threads` takes them.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

use modelbench::data::{load_csv, set_loading_threads, LoadOptions, LoadingThreads};

const ROWS: usize = 100_000;
const COLUMNS: usize = 20;

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

fn main() {
    let (flags, positional): (Vec<String>, Vec<String>) =
        std::env::args().skip(1).partition(|a| a.starts_with("--"));
    for flag in &flags {
        set_loading_threads(match flag.as_str() {
            "--threads=one" => LoadingThreads::One,
            "--threads=hash" => LoadingThreads::Hash,
            "--threads=hash-and-halves" => LoadingThreads::HashAndHalves,
            other => {
                eprintln!("unknown flag {other}: expected --threads=one|hash|hash-and-halves");
                std::process::exit(2);
            }
        });
    }
    let mut args = positional.into_iter();
    let path = args.next().map_or_else(numeric_file, PathBuf::from);
    let loads: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(7);
    let options = LoadOptions::default();
    let mut times_ms: Vec<f64> = (0..loads)
        .map(|_| {
            let started = Instant::now();
            let dataset = load_csv(&path, &options).expect("the file loads");
            std::hint::black_box(&dataset);
            started.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times_ms.sort_by(f64::total_cmp);
    println!(
        "{path}\t{median:.1}",
        path = path.display(),
        median = times_ms[times_ms.len() / 2]
    );
}
