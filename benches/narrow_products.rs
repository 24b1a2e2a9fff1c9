//! The narrow products of the row-blocked network step and of logistic regression
//! (`nn::NarrowKernels`: `X · W` and `Xᵀ · delta` with few outputs), in every compiled copy this
//! CPU runs, so that an AVX-512 machine also measures the AVX2 copy that AVX2-only machines
//! run. Prints GFLOP/s (2·rows·features·outputs per product), the median of 15 samples:
//!
//! - on one block of rows as the blocked step sizes it (`nn::rows_per_block`), read from cache;
//! - the forward product over 4,000 rows in such blocks, read from memory, with and without
//!   the next block asked for while each block computes (the `next` argument).
//!
//! Run with `cargo bench --bench narrow_products`.

mod common;

use std::hint::black_box;

use modelbench::nn::{rows_per_block, Float, NarrowKernels};

/// Values in [-1, 1) from the index, the same for every copy.
fn values<F: Float>(len: usize, multiplier: usize, modulus: usize) -> Vec<F> {
    (0..len)
        .map(|i| F::from_f64(((i * multiplier) % modulus) as f64 / (modulus as f64 / 2.0) - 1.0))
        .collect()
}

/// GFLOP/s of a product of `rows × features × outputs` that took `seconds`.
fn rate(rows: usize, features: usize, outputs: usize, seconds: f64) -> f64 {
    2.0 * (rows * features * outputs) as f64 / seconds / 1e9
}

/// Median seconds of `work`, with samples of about 20 ms.
fn median(mut work: impl FnMut()) -> f64 {
    let calls = common::calls_for(0.02, &mut work);
    common::median_seconds(15, calls, work)
}

/// One block's forward and gradient products, from cache, in every copy.
fn block_rates<F: Float>(type_name: &str, features: usize, outputs: usize) {
    let rows = rows_per_block::<F>(features);
    let x = values::<F>(rows * features, 37, 19);
    let w_t = values::<F>(outputs * features, 11, 23);
    let delta = values::<F>(rows * outputs, 5, 7);
    let mut out = vec![F::zero(); rows * outputs];
    let mut g_t = vec![F::zero(); outputs * features];
    for kernels in NarrowKernels::available() {
        let forward = median(|| {
            kernels.forward(&x, features, &w_t, outputs, black_box(&mut out), &[]);
        });
        let gradient = median(|| {
            kernels.accumulate_gradient(&x, features, &delta, outputs, black_box(&mut g_t));
        });
        println!(
            "{type_name} block {rows:>4} x {features:>4} -> {outputs:>2}  {:<8} forward {:>6.1}  gradient {:>6.1}",
            format!("{kernels:?}"),
            rate(rows, features, outputs, forward),
            rate(rows, features, outputs, gradient),
        );
    }
}

/// The forward product over `rows` rows in blocks, read from memory, with and without the
/// next block asked for, in every copy.
fn streamed_rates<F: Float>(type_name: &str, rows: usize, features: usize, outputs: usize) {
    let block = rows_per_block::<F>(features);
    let x = values::<F>(rows * features, 37, 19);
    let w_t = values::<F>(outputs * features, 11, 23);
    let mut out = vec![F::zero(); block * outputs];
    for kernels in NarrowKernels::available() {
        let sweep = |out: &mut [F], prefetch: bool| {
            for start in (0..rows).step_by(block) {
                let end = (start + block).min(rows);
                let next = match prefetch {
                    true => &x[end * features..(end + block).min(rows) * features],
                    false => &[][..],
                };
                let out = &mut out[..(end - start) * outputs];
                kernels.forward(
                    &x[start * features..end * features],
                    features,
                    &w_t,
                    outputs,
                    out,
                    next,
                );
            }
        };
        let plain = median(|| sweep(black_box(&mut out), false));
        let asked = median(|| sweep(black_box(&mut out), true));
        println!(
            "{type_name} {rows} x {features} -> {outputs} in blocks of {block}, from memory  {:<8} forward {:>6.1}, next block asked for {:>6.1} ({:.2}x)",
            format!("{kernels:?}"),
            rate(rows, features, outputs, plain),
            rate(rows, features, outputs, asked),
            plain / asked,
        );
    }
}

fn main() {
    println!("GFLOP/s, median of 15 samples, one thread");
    for (features, outputs) in [(784, 10), (784, 2), (256, 10), (100, 10), (64, 10)] {
        block_rates::<f64>("f64", features, outputs);
    }
    block_rates::<f32>("f32", 784, 10);
    streamed_rates::<f64>("f64", 4000, 784, 10);
}
