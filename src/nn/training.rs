//! Full-batch gradient descent: the article's "error times slope" update, generalised to any
//! number of layers, with buffers reused across iterations.

use ndarray::{Array2, ArrayView2, Zip};

use super::kernels::{column_sums, hidden_delta, mat_mul, output_delta};
use super::{sigmoid_slope, Float, GradientScale, Network, NetworkSettings, SettingsError};

/// Every array one training step writes, allocated once for a given batch size and network.
#[derive(Debug, Clone)]
pub struct TrainingBuffers<F> {
    /// Output of each layer (rows × units), the article's `l1`, `l2`, ...
    pub(crate) activations: Vec<Array2<F>>,
    /// Error times slope at each layer, the article's `l1_delta`, `l2_delta`, ...
    pub(crate) deltas: Vec<Array2<F>>,
    /// Column sums of each layer's delta: its bias gradient, summed over the rows.
    pub(crate) bias_gradients: Vec<Vec<F>>,
}

impl<F: Float> TrainingBuffers<F> {
    /// Buffers for `rows` training rows through `network`.
    pub fn new(rows: usize, network: &Network<F>) -> Self {
        let shapes: Vec<(usize, usize)> = network
            .layers
            .iter()
            .map(|l| (rows, l.weights.ncols()))
            .collect();
        TrainingBuffers {
            activations: shapes.iter().map(|&s| Array2::zeros(s)).collect(),
            deltas: shapes.iter().map(|&s| Array2::zeros(s)).collect(),
            bias_gradients: shapes.iter().map(|&(_, w)| vec![F::zero(); w]).collect(),
        }
    }

    /// The output layer as computed by the last forward pass.
    pub fn output(&self) -> ArrayView2<'_, F> {
        self.activations
            .last()
            .expect("a network has at least one layer")
            .view()
    }
}

/// Why a training run could not start.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrainingError {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("inputs have {rows} rows but targets have {targets}")]
    RowMismatch { rows: usize, targets: usize },
    #[error("cannot train on zero rows")]
    NoRows,
}

impl<F: Float> Network<F> {
    /// One full-batch step: forward, back-propagate "error times slope", update every layer.
    ///
    /// `step` is the factor applied to the summed update (the learning rate, divided by the row
    /// count for a mean gradient). Allocates nothing itself; matrix products above a few
    /// thousand multiply-adds go to the `gemm` crate, which allocates its packing space per
    /// product (it has no caller-owned workspace). Panics if the shapes of `inputs`, `targets` and `buffers` disagree with the
    /// network; [`Network::fit`] checks them first.
    pub fn train_step(
        &mut self,
        inputs: ArrayView2<F>,
        targets: ArrayView2<F>,
        buffers: &mut TrainingBuffers<F>,
        step: F,
    ) {
        self.forward(inputs, buffers);
        let last = self.layers.len() - 1;
        let output_is_sigmoid = self.is_sigmoid_layer(last);

        // Output layer: delta = (target - output) * slope(output), and its column sums for the
        // bias, in one pass.
        let width = buffers.deltas[last].ncols();
        let sums = self.layers[last]
            .bias
            .is_some()
            .then_some(buffers.bias_gradients[last].as_mut_slice());
        match targets.as_slice() {
            Some(target_values) => output_delta(
                buffers.deltas[last]
                    .as_slice_mut()
                    .expect("training buffers are allocated in standard layout"),
                buffers.activations[last]
                    .as_slice()
                    .expect("training buffers are allocated in standard layout"),
                target_values,
                width,
                output_is_sigmoid,
                sums,
            ),
            None => {
                // Targets in another memory order: the same arithmetic through ndarray.
                Zip::from(&mut buffers.deltas[last])
                    .and(&targets)
                    .and(&buffers.activations[last])
                    .for_each(|delta, &target, &out| {
                        *delta = if output_is_sigmoid {
                            (target - out) * sigmoid_slope(out)
                        } else {
                            target - out
                        };
                    });
                if let Some(sums) = sums {
                    let deltas = buffers.deltas[last]
                        .as_slice()
                        .expect("training buffers are allocated in standard layout");
                    column_sums(deltas, width, sums);
                }
            }
        }

        for index in (0..=last).rev() {
            // Propagate before this layer's weights change: previous delta =
            // (delta · Wᵀ) * slope(previous activation), with its column sums.
            if index > 0 {
                let (lower, upper) = buffers.deltas.split_at_mut(index);
                let previous_delta = &mut lower[index - 1];
                mat_mul(
                    F::one(),
                    upper[0].view(),
                    self.layers[index].weights.t(),
                    F::zero(),
                    previous_delta,
                );
                let width = previous_delta.ncols();
                let sums = self.layers[index - 1]
                    .bias
                    .is_some()
                    .then_some(buffers.bias_gradients[index - 1].as_mut_slice());
                hidden_delta(
                    previous_delta
                        .as_slice_mut()
                        .expect("training buffers are allocated in standard layout"),
                    buffers.activations[index - 1]
                        .as_slice()
                        .expect("training buffers are allocated in standard layout"),
                    width,
                    sums,
                );
            }
            let delta = buffers.deltas[index].view();
            let layer = &mut self.layers[index];
            // Weight update: W += step * inputᵀ · delta.
            let layer_input = if index == 0 {
                inputs.reborrow()
            } else {
                buffers.activations[index - 1].view()
            };
            mat_mul(step, layer_input.t(), delta, F::one(), &mut layer.weights);
            // Bias update: b += step * (column sums of delta).
            if let Some(bias) = layer.bias.as_mut() {
                let sums = &buffers.bias_gradients[index];
                bias.zip_mut_with(&ndarray::aview1(sums), |b, &g| *b = *b + step * g);
            }
        }
    }

    /// Trains a freshly initialised network for `settings.iterations` full-batch steps.
    ///
    /// `targets` is rows × outputs: one-hot classes for a sigmoid output, values for a linear one.
    pub fn fit(
        inputs: ArrayView2<F>,
        targets: ArrayView2<F>,
        settings: &NetworkSettings,
    ) -> Result<Self, TrainingError> {
        let mut network = Network::initialise(inputs.ncols(), targets.ncols(), settings)?;
        network.train(inputs, targets, settings)?;
        Ok(network)
    }

    /// Continues training this network for `settings.iterations` steps; returns the buffers of
    /// the last step (their output is what the last iteration computed, as the article prints).
    pub fn train(
        &mut self,
        inputs: ArrayView2<F>,
        targets: ArrayView2<F>,
        settings: &NetworkSettings,
    ) -> Result<TrainingBuffers<F>, TrainingError> {
        settings.validate()?;
        if inputs.nrows() != targets.nrows() {
            return Err(TrainingError::RowMismatch {
                rows: inputs.nrows(),
                targets: targets.nrows(),
            });
        }
        if inputs.nrows() == 0 {
            return Err(TrainingError::NoRows);
        }
        let step = match settings.gradient_scale {
            GradientScale::Sum => settings.learning_rate,
            GradientScale::Mean => settings.learning_rate / inputs.nrows() as f64,
        };
        let step = F::from_f64(step);
        let mut buffers = TrainingBuffers::new(inputs.nrows(), self);
        // The article's tiny network: the same arithmetic without per-step bookkeeping.
        if self.train_small_single_layer(inputs, targets, &mut buffers, step, settings.iterations) {
            return Ok(buffers);
        }
        // Narrow layers on an input larger than the cache: one pass over the input per step.
        if self.train_blocked(inputs, targets, &mut buffers, step, settings.iterations) {
            return Ok(buffers);
        }
        for _ in 0..settings.iterations {
            self.train_step(inputs, targets, &mut buffers, step);
        }
        Ok(buffers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::OutputActivation;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    /// Half the summed squared error, the loss whose gradient the article's update follows.
    fn loss(network: &Network<f64>, x: ArrayView2<f64>, y: ArrayView2<f64>) -> f64 {
        let out = network.predict(x);
        0.5 * (&y - &out).mapv(|e| e * e).sum()
    }

    fn check_gradient(output: OutputActivation) {
        let settings = NetworkSettings {
            hidden_layers: vec![4, 3],
            bias: true,
            output,
            seed: 42,
            ..NetworkSettings::default()
        };
        let x = array![
            [0.1, -0.4, 0.9],
            [0.5, 0.2, -0.3],
            [-0.7, 0.8, 0.05],
            [0.3, 0.3, 0.3],
            [1.0, -1.0, 0.5]
        ];
        let y = array![[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0], [0.2, 0.7]];
        let network = Network::<f64>::initialise(3, 2, &settings).unwrap();

        // With step 1 on the summed gradient, one step changes each weight by -dLoss/dw.
        let mut stepped = network.clone();
        let mut buffers = TrainingBuffers::new(x.nrows(), &stepped);
        stepped.train_step(x.view(), y.view(), &mut buffers, 1.0);

        let h = 1e-6;
        for (l, layer) in network.layers.iter().enumerate() {
            for ((i, j), _) in layer.weights.indexed_iter() {
                let mut plus = network.clone();
                plus.layers[l].weights[[i, j]] += h;
                let mut minus = network.clone();
                minus.layers[l].weights[[i, j]] -= h;
                let numeric = (loss(&plus, x.view(), y.view()) - loss(&minus, x.view(), y.view()))
                    / (2.0 * h);
                let analytic = -(stepped.layers[l].weights[[i, j]] - layer.weights[[i, j]]);
                assert_abs_diff_eq!(analytic, numeric, epsilon = 1e-7);
            }
            let bias = layer.bias.as_ref().unwrap();
            for k in 0..bias.len() {
                let mut plus = network.clone();
                plus.layers[l].bias.as_mut().unwrap()[k] += h;
                let mut minus = network.clone();
                minus.layers[l].bias.as_mut().unwrap()[k] -= h;
                let numeric = (loss(&plus, x.view(), y.view()) - loss(&minus, x.view(), y.view()))
                    / (2.0 * h);
                let analytic = -(stepped.layers[l].bias.as_ref().unwrap()[k] - bias[k]);
                assert_abs_diff_eq!(analytic, numeric, epsilon = 1e-7);
            }
        }
    }

    #[test]
    fn deep_sigmoid_network_gradient_matches_finite_differences() {
        check_gradient(OutputActivation::Sigmoid);
    }

    #[test]
    fn deep_linear_output_gradient_matches_finite_differences() {
        check_gradient(OutputActivation::Linear);
    }

    #[test]
    fn initial_weights_are_uniform_in_minus_one_one() {
        let settings = NetworkSettings {
            hidden_layers: vec![50],
            ..NetworkSettings::default()
        };
        let network = Network::<f64>::initialise(40, 10, &settings).unwrap();
        let all: Vec<f64> = network
            .layers
            .iter()
            .flat_map(|l| l.weights.iter().copied())
            .collect();
        assert!(all.iter().all(|&w| (-1.0..1.0).contains(&w)));
        let mean = all.iter().sum::<f64>() / all.len() as f64;
        assert!(mean.abs() < 0.05, "mean {mean}");
        assert_eq!(network.parameter_count(), 40 * 50 + 50 + 50 * 10 + 10);
    }

    /// Trains `rows` × `features` → `outputs` through `train` (the small paths) and through the
    /// step loop from the same start, and requires identical weights, biases and outputs (up
    /// to rounding where the step loop's sigmoid is the AVX-512 one).
    fn assert_small_path_matches_step_loop(rows: usize, features: usize, outputs: usize) {
        for (bias, output) in [
            (false, OutputActivation::Sigmoid),
            (true, OutputActivation::Sigmoid),
            (true, OutputActivation::Linear),
        ] {
            let settings = NetworkSettings {
                iterations: 500,
                bias,
                output,
                learning_rate: 0.3,
                seed: 9,
                ..NetworkSettings::default()
            };
            let x = Array2::from_shape_fn((rows, features), |(i, j)| {
                ((i * 5 + j * 3) % 7) as f64 / 7.0 - 0.3
            });
            let y = Array2::from_shape_fn((rows, outputs), |(i, j)| ((i + j) % 2) as f64);
            let mut fast = Network::<f64>::initialise(features, outputs, &settings).unwrap();
            let mut slow = fast.clone();
            let fast_buffers = fast.train(x.view(), y.view(), &settings).unwrap();
            let mut slow_buffers = TrainingBuffers::new(rows, &slow);
            for _ in 0..settings.iterations {
                slow.train_step(x.view(), y.view(), &mut slow_buffers, 0.3 / rows as f64);
            }
            let shape = format!("{rows} x {features} -> {outputs}, bias {bias}, {output:?}");
            // Bit-identical, except where the step loop's sigmoid takes the AVX-512 copy
            // (fused exponential, reciprocal estimate; within 2 ulp), which the small paths do
            // not use.
            let fused_sigmoid = cfg!(target_arch = "x86_64")
                && std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("fma");
            let tolerance = if fused_sigmoid { 1e-12 } else { 0.0 };
            let largest = |a: &mut dyn Iterator<Item = (f64, f64)>| {
                a.map(|(u, v)| (u - v).abs()).fold(0.0, f64::max)
            };
            for (fast_layer, slow_layer) in fast.layers.iter().zip(&slow.layers) {
                let weights = largest(
                    &mut fast_layer
                        .weights
                        .iter()
                        .copied()
                        .zip(slow_layer.weights.iter().copied()),
                );
                assert!(weights <= tolerance, "{shape}: weights differ by {weights}");
                let biases = largest(
                    &mut fast_layer
                        .bias
                        .iter()
                        .flatten()
                        .copied()
                        .zip(slow_layer.bias.iter().flatten().copied()),
                );
                assert!(biases <= tolerance, "{shape}: biases differ by {biases}");
            }
            let outputs_differ = largest(
                &mut fast_buffers
                    .output()
                    .iter()
                    .copied()
                    .zip(slow_buffers.output().iter().copied()),
            );
            assert!(
                outputs_differ <= tolerance,
                "{shape}: outputs differ by {outputs_differ}"
            );
            for (a, b) in fast_buffers.deltas.iter().zip(&slow_buffers.deltas) {
                let deltas = largest(&mut a.iter().copied().zip(b.iter().copied()));
                assert!(deltas <= tolerance, "{shape}: deltas differ by {deltas}");
            }
            assert_ne!(
                fast.layers[0].weights,
                Network::<f64>::initialise(features, outputs, &settings)
                    .unwrap()
                    .layers[0]
                    .weights
            );
        }
    }

    #[test]
    fn small_single_layer_paths_match_the_step_loop() {
        // The article's 4 × 3 → 1 and every padded register block (rows, inputs up to 4 or
        // 8; outputs 1, or up to 4), then shapes too large for registers (the slice loop).
        for (rows, features, outputs) in [
            (4, 3, 1),
            (4, 3, 2),
            (3, 6, 1),
            (7, 2, 1),
            (8, 8, 1),
            (2, 2, 3),
            (6, 5, 4),
            (9, 3, 1),
            (4, 9, 2),
            (5, 3, 5),
        ] {
            assert_small_path_matches_step_loop(rows, features, outputs);
        }
    }

    #[test]
    fn fit_refuses_mismatched_rows_instead_of_panicking() {
        let x = array![[0.0, 1.0], [1.0, 0.0]];
        let y = array![[1.0]];
        let err = Network::<f64>::fit(x.view(), y.view(), &NetworkSettings::default()).unwrap_err();
        assert_eq!(
            err,
            TrainingError::RowMismatch {
                rows: 2,
                targets: 1
            }
        );
    }

    #[test]
    fn f32_network_learns_and_too() {
        let x = array![
            [0.0f32, 0.0, 1.0],
            [0.0, 1.0, 1.0],
            [1.0, 0.0, 1.0],
            [1.0, 1.0, 1.0]
        ];
        let y = array![[0.0f32], [0.0], [1.0], [1.0]];
        let settings = NetworkSettings {
            iterations: 2000,
            ..NetworkSettings::default()
        };
        let network = Network::<f32>::fit(x.view(), y.view(), &settings).unwrap();
        let out = network.predict(x.view());
        assert!(out[[0, 0]] < 0.1 && out[[3, 0]] > 0.9, "{out}");
    }
}
