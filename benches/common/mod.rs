//! Shared helpers of the benches: the shapes the issue names, synthetic data drawn from a fixed
//! seed, the floating-point operation count of one training step, and a small median timer
//! for the GFLOP/s summaries criterion does not print.
//!
//! Not a bench itself: every bench file includes it with `mod common;`.

#![allow(dead_code)] // each bench uses a different part of it

use std::time::Instant;

use modelbench::nn::{Float, GradientScale, Network, NetworkSettings, OutputActivation};
use modelbench::rng::SeededRng;
use ndarray::Array2;

/// Set to skip the criterion groups and print only a bench's summary table (quick comparisons).
pub const SUMMARY_ONLY_ENV: &str = "MODELBENCH_SUMMARY_ONLY";

/// A network shape with a name: rows of the batch, inputs, hidden widths, outputs.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub name: &'static str,
    pub rows: usize,
    pub inputs: usize,
    pub hidden: &'static [usize],
    pub outputs: usize,
}

impl Shape {
    /// "1437 x 64 -> 32 -> 10"
    pub fn describe(&self) -> String {
        let mut text = format!("{} x {}", self.rows, self.inputs);
        for width in self.hidden.iter().chain(std::iter::once(&self.outputs)) {
            text.push_str(&format!(" -> {width}"));
        }
        text
    }

    /// Floating-point operations of one full-batch training step, counting 2·m·n·k per matrix
    /// product: the forward product and the weight gradient of every layer, and the delta
    /// propagated to every layer but the first. Elementwise work is not counted.
    pub fn step_flops(&self) -> f64 {
        let mut widths = vec![self.inputs];
        widths.extend(self.hidden);
        widths.push(self.outputs);
        let m = self.rows as f64;
        widths
            .windows(2)
            .enumerate()
            .map(|(index, pair)| {
                let product = 2.0 * m * pair[0] as f64 * pair[1] as f64;
                let products = if index == 0 { 2.0 } else { 3.0 };
                products * product
            })
            .sum()
    }
}

/// The article's example: 4 rows, 3 inputs (one is the constant bias column), 1 output.
pub const ARTICLE: Shape = Shape {
    name: "article",
    rows: 4,
    inputs: 3,
    hidden: &[],
    outputs: 1,
};
/// Iris's training fold under 5-fold cross-validation.
pub const IRIS: Shape = Shape {
    name: "iris",
    rows: 120,
    inputs: 4,
    hidden: &[16],
    outputs: 3,
};
/// Digits' training fold, with `sigmoid-mlp`'s default hidden layer.
pub const DIGITS: Shape = Shape {
    name: "digits",
    rows: 1437,
    inputs: 64,
    hidden: &[32],
    outputs: 10,
};
/// All of digits, the shape of the numpy reference figure.
pub const DIGITS_FULL: Shape = Shape {
    name: "digits-full",
    rows: 1797,
    inputs: 64,
    hidden: &[32],
    outputs: 10,
};
/// Digits' training fold through `sigmoid-net` (no hidden layer).
pub const DIGITS_NO_HIDDEN: Shape = Shape {
    name: "digits-no-hidden",
    rows: 1437,
    inputs: 64,
    hidden: &[],
    outputs: 10,
};
/// An MNIST-sized batch.
pub const MNIST: Shape = Shape {
    name: "mnist",
    rows: 5000,
    inputs: 784,
    hidden: &[128],
    outputs: 10,
};

/// Everything one training step needs, built once outside the timed code.
pub struct StepFixture<F> {
    pub network: Network<F>,
    pub inputs: Array2<F>,
    pub targets: Array2<F>,
    /// Learning rate 1 on the mean gradient, as the models train.
    pub step: F,
}

/// A freshly initialised network for `shape` with biases and a sigmoid output, inputs uniform
/// in [-1, 1) and one-hot targets, all from a fixed seed.
pub fn fixture<F: Float>(shape: &Shape) -> StepFixture<F> {
    let settings = NetworkSettings {
        hidden_layers: shape.hidden.to_vec(),
        learning_rate: 1.0,
        iterations: 1,
        bias: true,
        output: OutputActivation::Sigmoid,
        gradient_scale: GradientScale::Mean,
        seed: 7,
    };
    let network = Network::<F>::initialise(shape.inputs, shape.outputs, &settings)
        .expect("the bench settings are valid");
    let mut rng = SeededRng::new(11);
    let inputs = Array2::from_shape_simple_fn((shape.rows, shape.inputs), || {
        F::from_f64(rng.uniform(-1.0, 1.0))
    });
    let mut targets = Array2::zeros((shape.rows, shape.outputs));
    for row in 0..shape.rows {
        targets[[row, rng.below(shape.outputs)]] = F::one();
    }
    StepFixture {
        network,
        inputs,
        targets,
        step: F::from_f64(1.0 / shape.rows as f64),
    }
}

/// Median seconds of one call of `work`, over `samples` samples of `calls` calls each.
pub fn median_seconds(samples: usize, calls: usize, mut work: impl FnMut()) -> f64 {
    work();
    let mut times: Vec<f64> = (0..samples)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..calls {
                work();
            }
            started.elapsed().as_secs_f64() / calls as f64
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// Enough calls per sample for a sample to last about `target_s`, from a first timing.
pub fn calls_for(target_s: f64, mut work: impl FnMut()) -> usize {
    let started = Instant::now();
    work();
    let once = started.elapsed().as_secs_f64().max(1e-9);
    ((target_s / once) as usize).clamp(1, 1_000_000)
}
