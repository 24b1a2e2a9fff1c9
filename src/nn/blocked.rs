//! Full-batch training of a single-layer network whose input does not fit in the core's
//! cache (a few thousand rows of hundreds of features: 4,000 × 784 f64 is 25 MB).
//!
//! The general step reads the input twice per iteration: once for the forward product
//! `X · W` and once, after the whole forward pass, for the gradient `Xᵀ · delta`. When the input
//! is larger than the cache, both passes stream it from memory and the step waits on that.
//! Here the rows are taken in blocks sized to stay in the core's L2 cache; for each block the
//! forward product, the sigmoid, the error times slope and the block's share of the gradient
//! are computed while its rows are still in cache, so the input is read once per iteration.
//!
//! The block products are the narrow kernels of `narrow.rs` (10 outputs waste most of a
//! general GEMM's tile); inputs not in standard layout fall back to `mat_mul`.
//!
//! The learning rule is unchanged: every block's forward pass uses the weights of the start of
//! the iteration, the gradient is summed over all rows, and only then are weights and bias
//! updated. Only the order of the sums differs (the gradient is summed block by block, then
//! added to the weights), so results agree with [`Network::train_step`] up to rounding.

use ndarray::{s, ArrayView2, ArrayViewMut2};

use super::kernels::{activate_rows, mat_mul, output_delta};
use super::narrow::NarrowKernels;
use super::{Float, Network, TrainingBuffers};

/// Bytes of input rows in one block: well inside the 1–2 MiB L2 cache of current x86 cores,
/// leaving room for the weights and the gradient (784 × 10 f64 is 63 KB each).
const BLOCK_BYTES: usize = 256 * 1024;

/// Inputs smaller than this take the general step: they stay in cache between its two passes.
/// Chosen from cache sizes (twice a 2 MiB L2), not tuned by measurement; the bundled data sets
/// (digits: 0.9 MB) stay on the general step.
const MIN_INPUT_BYTES: usize = 4 * 1024 * 1024;

/// Rows per block for an input of `features` columns of `F`: as many as fit in `BLOCK_BYTES`,
/// at least 8.
pub(crate) fn rows_per_block<F>(features: usize) -> usize {
    (BLOCK_BYTES / (features.max(1) * std::mem::size_of::<F>())).max(8)
}

impl<F: Float> Network<F> {
    /// Runs `iterations` steps in row blocks when the network is one layer and its input is
    /// larger than the cache; returns false (having done nothing) otherwise.
    pub(crate) fn train_blocked_single_layer(
        &mut self,
        inputs: ArrayView2<F>,
        targets: ArrayView2<F>,
        buffers: &mut TrainingBuffers<F>,
        step: F,
        iterations: usize,
    ) -> bool {
        let row_bytes = inputs.ncols().max(1) * std::mem::size_of::<F>();
        if self.layers.len() != 1 || inputs.nrows() * row_bytes < MIN_INPUT_BYTES {
            return false;
        }
        let block_rows = rows_per_block::<F>(inputs.ncols());
        self.train_in_row_blocks(inputs, targets, buffers, step, iterations, block_rows)
    }

    /// The blocked loop with a given block height (tests use small ones); false (having done
    /// nothing) when the network is not a single layer or an array is not in standard layout.
    pub(crate) fn train_in_row_blocks(
        &mut self,
        inputs: ArrayView2<F>,
        targets: ArrayView2<F>,
        buffers: &mut TrainingBuffers<F>,
        step: F,
        iterations: usize,
        block_rows: usize,
    ) -> bool {
        if self.layers.len() != 1 || block_rows == 0 {
            return false;
        }
        let squash = self.is_sigmoid_layer(0);
        let layer = &mut self.layers[0];
        let (rows, features) = inputs.dim();
        let outputs = layer.weights.ncols();
        if layer.weights.nrows() != features || targets.dim() != (rows, outputs) {
            return false;
        }
        let Some(y) = targets.as_slice() else {
            return false;
        };
        if layer.bias.as_ref().is_some_and(|b| b.as_slice().is_none()) {
            return false;
        }
        let (Some(out), Some(delta)) = (
            buffers.activations[0].as_slice_mut(),
            buffers.deltas[0].as_slice_mut(),
        ) else {
            return false;
        };
        let sums = &mut buffers.bias_gradients[0];
        let x = inputs.as_slice();
        let kernels = NarrowKernels::detect();
        // The weights and the gradient transposed (outputs × features), as the kernels read them.
        let mut w_t = vec![F::zero(); outputs * features];
        let mut g_t = vec![F::zero(); outputs * features];
        let mut block_sums = vec![F::zero(); outputs];
        for _ in 0..iterations {
            for ((p, j), &w) in layer.weights.indexed_iter() {
                w_t[j * features + p] = w;
            }
            g_t.fill(F::zero());
            sums.fill(F::zero());
            for start in (0..rows).step_by(block_rows) {
                let end = (start + block_rows).min(rows);
                let span = start * outputs..end * outputs;
                let x_block = inputs.slice(s![start..end, ..]);
                let out_block = &mut out[span.clone()];
                match x {
                    Some(x) => kernels.forward(
                        &x[start * features..end * features],
                        features,
                        &w_t,
                        outputs,
                        out_block,
                    ),
                    None => {
                        let mut out_view =
                            ArrayViewMut2::from_shape((end - start, outputs), &mut *out_block)
                                .expect("a block of the output buffer has the block's shape");
                        mat_mul(
                            F::one(),
                            x_block,
                            layer.weights.view(),
                            F::zero(),
                            &mut out_view,
                        );
                    }
                }
                let bias = layer.bias.as_ref().and_then(|b| b.as_slice());
                activate_rows(out_block, outputs, bias, squash);
                let delta_block = &mut delta[span.clone()];
                output_delta(
                    delta_block,
                    &out[span.clone()],
                    &y[span],
                    outputs,
                    squash,
                    bias.is_some().then_some(block_sums.as_mut_slice()),
                );
                if bias.is_some() {
                    for (sum, &part) in sums.iter_mut().zip(&block_sums) {
                        *sum = *sum + part;
                    }
                }
                // The block's share of the gradient, while its rows are still in cache.
                match x {
                    Some(x) => kernels.accumulate_gradient(
                        &x[start * features..end * features],
                        features,
                        delta_block,
                        outputs,
                        &mut g_t,
                    ),
                    None => {
                        let delta_view =
                            ArrayView2::from_shape((end - start, outputs), &*delta_block)
                                .expect("a block of the delta buffer has the block's shape");
                        let mut g_view =
                            ArrayViewMut2::from_shape((outputs, features), &mut g_t[..])
                                .expect("the gradient has outputs × features entries");
                        mat_mul(F::one(), delta_view.t(), x_block, F::one(), &mut g_view);
                    }
                }
            }
            for ((p, j), w) in layer.weights.indexed_iter_mut() {
                *w = *w + step * g_t[j * features + p];
            }
            if let Some(bias) = layer.bias.as_mut() {
                bias.zip_mut_with(&ndarray::aview1(sums), |b, &g| *b = *b + step * g);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{GradientScale, NetworkSettings, OutputActivation};
    use ndarray::Array2;

    fn data(rows: usize, features: usize, outputs: usize) -> (Array2<f64>, Array2<f64>) {
        let x = Array2::from_shape_fn((rows, features), |(i, j)| {
            ((i * 7 + j * 13) % 17) as f64 / 8.0 - 1.0
        });
        let y = Array2::from_shape_fn((rows, outputs), |(i, j)| f64::from(i % outputs == j));
        (x, y)
    }

    fn settings(bias: bool, output: OutputActivation, iterations: usize) -> NetworkSettings {
        NetworkSettings {
            hidden_layers: Vec::new(),
            // A linear output diverges at rates a sigmoid output takes.
            learning_rate: if output == OutputActivation::Linear {
                0.02
            } else {
                0.5
            },
            iterations,
            bias,
            output,
            gradient_scale: GradientScale::Mean,
            seed: 3,
        }
    }

    /// Largest absolute difference between two networks' weights and biases.
    fn largest_difference(a: &Network<f64>, b: &Network<f64>) -> f64 {
        let weights = a.layers[0].weights.iter().zip(&b.layers[0].weights);
        let biases = a.layers[0].bias.iter().zip(&b.layers[0].bias);
        weights
            .map(|(u, v)| (u - v).abs())
            .chain(biases.flat_map(|(u, v)| u.iter().zip(v).map(|(p, q)| (p - q).abs())))
            .fold(0.0, f64::max)
    }

    #[test]
    fn row_blocks_match_the_general_step_up_to_rounding() {
        // Blocks that divide the rows, a ragged last block, one row per block and a single
        // block; with and without bias, sigmoid and linear output.
        for (rows, features, outputs, block_rows) in [
            (40, 30, 10, 8),
            (37, 25, 3, 5),
            (12, 9, 1, 1),
            (20, 64, 4, 20),
            (33, 50, 10, 64),
        ] {
            for (bias, output) in [
                (true, OutputActivation::Sigmoid),
                (false, OutputActivation::Sigmoid),
                (true, OutputActivation::Linear),
            ] {
                let settings = settings(bias, output, 60);
                let (x, y) = data(rows, features, outputs);
                let start = Network::<f64>::initialise(features, outputs, &settings).unwrap();
                let step = settings.learning_rate / rows as f64;
                let mut general = start.clone();
                let mut general_buffers = TrainingBuffers::new(rows, &general);
                for _ in 0..settings.iterations {
                    general.train_step(x.view(), y.view(), &mut general_buffers, step);
                }
                let mut blocked = start.clone();
                let mut blocked_buffers = TrainingBuffers::new(rows, &blocked);
                assert!(blocked.train_in_row_blocks(
                    x.view(),
                    y.view(),
                    &mut blocked_buffers,
                    step,
                    settings.iterations,
                    block_rows,
                ));
                let shape = format!("{rows} x {features} -> {outputs} in blocks of {block_rows}, bias {bias}, {output:?}");
                assert!(
                    largest_difference(&general, &start) > 1e-3,
                    "{shape}: no training"
                );
                let difference = largest_difference(&general, &blocked);
                assert!(
                    difference < 1e-12,
                    "{shape}: weights differ by {difference}"
                );
                let outputs_differ = general_buffers
                    .output()
                    .iter()
                    .zip(blocked_buffers.output())
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max);
                assert!(
                    outputs_differ < 1e-12,
                    "{shape}: outputs differ by {outputs_differ}"
                );
                assert_eq!(general_buffers.bias_gradients.len(), 1);
                for (a, b) in general_buffers.deltas[0]
                    .iter()
                    .zip(&blocked_buffers.deltas[0])
                {
                    assert!((a - b).abs() < 1e-12, "{shape}: deltas {a} and {b}");
                }
            }
        }
    }

    #[test]
    fn train_takes_the_blocked_path_only_for_inputs_larger_than_the_cache() {
        let settings = settings(true, OutputActivation::Sigmoid, 2);
        // 700 × 800 f64 is 4.5 MB, above the threshold; 100 × 800 is below.
        for (rows, expected) in [(700, true), (100, false)] {
            let (x, y) = data(rows, 800, 10);
            let mut network = Network::<f64>::initialise(800, 10, &settings).unwrap();
            let mut buffers = TrainingBuffers::new(rows, &network);
            let taken =
                network.train_blocked_single_layer(x.view(), y.view(), &mut buffers, 0.01, 2);
            assert_eq!(taken, expected, "{rows} rows");
        }
        // Through `train`, the large input still trains as the general step does.
        let (x, y) = data(700, 800, 10);
        let start = Network::<f64>::initialise(800, 10, &settings).unwrap();
        let mut trained = start.clone();
        trained.train(x.view(), y.view(), &settings).unwrap();
        let mut general = start.clone();
        let mut buffers = TrainingBuffers::new(700, &general);
        for _ in 0..settings.iterations {
            general.train_step(x.view(), y.view(), &mut buffers, 0.5 / 700.0);
        }
        assert!(largest_difference(&trained, &start) > 1e-6);
        assert!(largest_difference(&trained, &general) < 1e-12);
    }

    #[test]
    fn networks_with_a_hidden_layer_are_left_to_the_general_step() {
        let settings = NetworkSettings {
            hidden_layers: vec![4],
            ..settings(true, OutputActivation::Sigmoid, 1)
        };
        let (x, y) = data(10, 5, 2);
        let mut network = Network::<f64>::initialise(5, 2, &settings).unwrap();
        let before = network.clone();
        let mut buffers = TrainingBuffers::new(10, &network);
        assert!(!network.train_in_row_blocks(x.view(), y.view(), &mut buffers, 0.1, 1, 4));
        assert_eq!(network, before);
    }
}
