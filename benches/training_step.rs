//! One full-batch training step (forward, backward, weight update) of the network at the
//! issue's shapes, in f64 and f32: criterion times `Network::train_step` with its buffers
//! reused, as `fit` runs it, and reports rows per second. A summary table after the groups
//! gives each step's median time and the achieved GFLOP/s (2·m·n·k per matrix product).
//!
//! Data are synthetic from a fixed seed and built outside the timed closure. Run with
//! `cargo bench --bench training_step`; `-- --test` runs each once; `MODELBENCH_SUMMARY_ONLY=1`
//! prints only the summary table.

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::{Shape, ARTICLE, DIGITS, DIGITS_FULL, DIGITS_NO_HIDDEN, IRIS, MNIST};
use criterion::{BenchmarkId, Criterion, Throughput};
use modelbench::nn::{Float, TrainingBuffers};

const SHAPES: [Shape; 6] = [ARTICLE, IRIS, DIGITS_NO_HIDDEN, DIGITS, DIGITS_FULL, MNIST];

fn bench_type<F: Float>(c: &mut Criterion, type_name: &str) {
    let mut group = c.benchmark_group(format!("train_step_{type_name}"));
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20);
    for shape in SHAPES {
        let mut fixture = common::fixture::<F>(&shape);
        let mut buffers = TrainingBuffers::new(shape.rows, &fixture.network);
        group.throughput(Throughput::Elements(shape.rows as u64));
        if shape.rows * shape.inputs > 1_000_000 {
            group
                .sample_size(10)
                .measurement_time(Duration::from_secs(3));
        }
        group.bench_function(BenchmarkId::new(shape.name, shape.describe()), |b| {
            b.iter(|| {
                fixture.network.train_step(
                    black_box(fixture.inputs.view()),
                    fixture.targets.view(),
                    &mut buffers,
                    fixture.step,
                )
            })
        });
    }
    group.finish();
}

fn steps(c: &mut Criterion) {
    bench_type::<f64>(c, "f64");
    bench_type::<f32>(c, "f32");
}

/// Median step time, rows/s and GFLOP/s of every shape; `quick` takes one sample.
fn summary(quick: bool, filter: Option<&str>) {
    println!("\ntraining step summary (median; GFLOP/s counts 2*m*n*k per matrix product)");
    println!(
        "{:<6} {:<18} {:<28} {:>12} {:>14} {:>9}",
        "type", "shape", "", "µs/step", "rows/s", "GFLOP/s"
    );
    for shape in SHAPES {
        summary_row::<f64>("f64", &shape, quick, filter);
        summary_row::<f32>("f32", &shape, quick, filter);
    }
}

fn summary_row<F: Float>(type_name: &str, shape: &Shape, quick: bool, filter: Option<&str>) {
    let id = format!("train_step_{type_name}/{}", shape.name);
    if filter.is_some_and(|f| !id.contains(f)) {
        return;
    }
    let mut fixture = common::fixture::<F>(shape);
    let mut buffers = TrainingBuffers::new(shape.rows, &fixture.network);
    let mut work = || {
        fixture.network.train_step(
            black_box(fixture.inputs.view()),
            fixture.targets.view(),
            &mut buffers,
            fixture.step,
        )
    };
    let (samples, calls) = if quick {
        (1, 1)
    } else {
        (15, common::calls_for(0.05, &mut work))
    };
    let seconds = common::median_seconds(samples, calls, work);
    println!(
        "{:<6} {:<18} {:<28} {:>12.3} {:>14.0} {:>9.1}",
        type_name,
        shape.name,
        shape.describe(),
        seconds * 1e6,
        shape.rows as f64 / seconds,
        shape.step_flops() / seconds / 1e9
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let quick = args.iter().any(|a| a == "--test" || a == "--list");
    let filter = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .map(String::as_str);
    if std::env::var_os(common::SUMMARY_ONLY_ENV).is_none() {
        let mut criterion = Criterion::default().configure_from_args();
        steps(&mut criterion);
        criterion.final_summary();
    }
    if !args.iter().any(|a| a == "--list") {
        summary(quick, filter);
    }
}
