//! Full-batch training of a network whose input does not fit in the core's cache (a few
//! thousand rows of hundreds of features: 4,000 × 784 f64 is 25 MB).
//!
//! The general step reads the input twice per iteration: once for the first layer's forward
//! product `X · W₁` and once, after the whole forward and backward pass, for its gradient
//! `Xᵀ · delta₁`. When the input is larger than the cache, both passes stream it from memory
//! and the step waits on that. Here the rows are taken in blocks sized to stay in the core's L2
//! cache; for each block every layer's forward product, sigmoid, error times slope, the
//! back-propagated delta and the block's share of every gradient are computed while its rows
//! are still in cache, so the input is read from memory once per iteration.
//!
//! The block products are the narrow kernels of `narrow/`: layers of up to [`MAX_UNITS`]
//! units (a general GEMM's packing would cost a pass over the block, and its fixed tiles waste
//! lanes on 10 outputs). Wider layers, and inputs not in standard layout, take the general step.
//!
//! The learning rule is unchanged: every block's forward and backward pass uses the weights of
//! the start of the iteration, each gradient is summed over all rows, and only then are
//! weights and biases updated. Only the order of the sums differs (block by block), so results
//! agree with [`Network::train_step`] up to rounding.

use ndarray::{ArrayView2, ArrayViewMut2};

use super::kernels::{activate_rows, hidden_delta, output_delta};
use super::narrow::NarrowKernels;
use super::{Float, Network, TrainingBuffers};

/// Bytes of input rows in one block: well inside the 1–2 MiB L2 cache of current x86 cores,
/// leaving room for the weights and the gradients (784 × 32 f64 is 200 KB each).
const BLOCK_BYTES: usize = 256 * 1024;

/// Inputs smaller than this take the general step: they stay in cache between its two passes.
/// Chosen from cache sizes (twice a 2 MiB L2), not tuned by measurement; the bundled data sets
/// (digits: 0.9 MB) stay on the general step.
const MIN_INPUT_BYTES: usize = 4 * 1024 * 1024;

/// Widest layer the blocked loop takes. The narrow kernels keep 4 rows × 4 units in registers
/// and read every unit's weights once per 4 rows, so their rate falls behind gemm's packed
/// product as layers widen. Measured on 4,000 × 784 f64 (`examples/blocked_step_timing.rs`,
/// general step time over blocked): hidden layer of 4 units 1.87x, 8 units 1.30x, no hidden
/// layer and 10 outputs 1.29x, 16 units 0.88x, 32 units 0.62x; so the limit lies between 10
/// and 16. Synthetic shapes, not the bundled data sets.
pub(crate) const MAX_UNITS: usize = 12;

/// Rows per block for an input of `features` columns of `F`: as many as fit in `BLOCK_BYTES`,
/// at least 8.
pub fn rows_per_block<F>(features: usize) -> usize {
    (BLOCK_BYTES / (features.max(1) * std::mem::size_of::<F>())).max(8)
}

/// What the blocked loop keeps across iterations, per layer.
struct BlockWorkspace<F> {
    /// The weights transposed (units × inputs), as the forward kernel reads them.
    weights_t: Vec<Vec<F>>,
    /// The summed gradient, transposed as the gradient kernel writes it.
    gradients_t: Vec<Vec<F>>,
    /// Summed bias gradient of each layer.
    bias_sums: Vec<Vec<F>>,
    /// One block's bias gradient (the delta kernels overwrite theirs).
    block_sums: Vec<F>,
}

impl<F: Float> Network<F> {
    /// Runs `iterations` steps in row blocks when the input is larger than the cache and every
    /// layer is at most [`MAX_UNITS`] wide; returns false (having done nothing) otherwise.
    pub(crate) fn train_blocked(
        &mut self,
        inputs: ArrayView2<F>,
        targets: ArrayView2<F>,
        buffers: &mut TrainingBuffers<F>,
        step: F,
        iterations: usize,
    ) -> bool {
        let row_bytes = inputs.ncols().max(1) * std::mem::size_of::<F>();
        let narrow = self.layers.iter().all(|l| l.weights.ncols() <= MAX_UNITS);
        if !narrow || inputs.nrows() * row_bytes < MIN_INPUT_BYTES {
            return false;
        }
        let block_rows = rows_per_block::<F>(inputs.ncols());
        self.train_in_row_blocks(inputs, targets, buffers, step, iterations, block_rows)
    }

    /// The blocked loop with a given block height (tests use small ones); false (having done
    /// nothing) when `block_rows` is 0, shapes disagree or an array is not in standard layout.
    pub(crate) fn train_in_row_blocks(
        &mut self,
        inputs: ArrayView2<F>,
        targets: ArrayView2<F>,
        buffers: &mut TrainingBuffers<F>,
        step: F,
        iterations: usize,
        block_rows: usize,
    ) -> bool {
        let rows = inputs.nrows();
        // Widths of the layers' inputs and outputs: widths[l] → widths[l + 1].
        let mut widths = vec![inputs.ncols()];
        widths.extend(self.layers.iter().map(|l| l.weights.ncols()));
        let depth = self.layers.len();
        let shapes_agree = depth > 0
            && self
                .layers
                .iter()
                .enumerate()
                .all(|(l, layer)| layer.weights.nrows() == widths[l])
            && targets.dim() == (rows, widths[depth])
            && buffers.activations.len() == depth
            && buffers.deltas.len() == depth
            && (0..depth).all(|l| {
                buffers.activations[l].dim() == (rows, widths[l + 1])
                    && buffers.deltas[l].dim() == (rows, widths[l + 1])
            });
        let standard = self.layers.iter().all(|l| {
            l.weights.is_standard_layout() && l.bias.as_ref().is_none_or(|b| b.as_slice().is_some())
        });
        let (Some(x), Some(y)) = (inputs.as_slice(), targets.as_slice()) else {
            return false;
        };
        if block_rows == 0 || !shapes_agree || !standard {
            return false;
        }
        let squash: Vec<bool> = (0..depth).map(|l| self.is_sigmoid_layer(l)).collect();
        let Some(mut activations) = buffers
            .activations
            .iter_mut()
            .map(|a| a.as_slice_mut())
            .collect::<Option<Vec<&mut [F]>>>()
        else {
            return false;
        };
        let Some(mut deltas) = buffers
            .deltas
            .iter_mut()
            .map(|d| d.as_slice_mut())
            .collect::<Option<Vec<&mut [F]>>>()
        else {
            return false;
        };
        let kernels = NarrowKernels::detect();
        let mut work = BlockWorkspace {
            weights_t: (0..depth)
                .map(|l| vec![F::zero(); widths[l] * widths[l + 1]])
                .collect(),
            gradients_t: (0..depth)
                .map(|l| vec![F::zero(); widths[l] * widths[l + 1]])
                .collect(),
            bias_sums: (0..depth).map(|l| vec![F::zero(); widths[l + 1]]).collect(),
            block_sums: vec![F::zero(); widths.iter().copied().max().unwrap_or(0)],
        };
        for _ in 0..iterations {
            for (l, layer) in self.layers.iter().enumerate() {
                let mut transposed =
                    ArrayViewMut2::from_shape((widths[l + 1], widths[l]), &mut work.weights_t[l])
                        .expect("the workspace has units × inputs entries");
                transposed.assign(&layer.weights.t());
                work.gradients_t[l].fill(F::zero());
                work.bias_sums[l].fill(F::zero());
            }
            for start in (0..rows).step_by(block_rows) {
                let end = (start + block_rows).min(rows);
                let span = |l: usize| start * widths[l]..end * widths[l];
                // The next block's input, asked into the cache while the first layer's product
                // runs on this one.
                let next_block = &x[end * widths[0]..(end + block_rows).min(rows) * widths[0]];
                // Forward, layer by layer, on this block's rows.
                for l in 0..depth {
                    let (before, rest) = activations.split_at_mut(l);
                    let (input, next) = match l {
                        0 => (&x[span(0)], next_block),
                        _ => (&before[l - 1][span(l)], &[][..]),
                    };
                    let out = &mut rest[0][span(l + 1)];
                    let w_t = &work.weights_t[l];
                    kernels.forward(input, widths[l], w_t, widths[l + 1], out, next);
                    let bias = self.layers[l].bias.as_ref().and_then(|b| b.as_slice());
                    activate_rows(out, widths[l + 1], bias, squash[l]);
                }
                // Output error times slope.
                let last = depth - 1;
                let has_bias = |l: usize| self.layers[l].bias.is_some();
                output_delta(
                    &mut deltas[last][span(depth)],
                    &activations[last][span(depth)],
                    &y[span(depth)],
                    widths[depth],
                    squash[last],
                    has_bias(last).then_some(&mut work.block_sums[..widths[depth]]),
                );
                if has_bias(last) {
                    add_into(&mut work.bias_sums[last], &work.block_sums);
                }
                // Backward: propagate with the iteration's weights, then this block's share of
                // the layer's gradient while its input rows are in cache.
                for l in (0..depth).rev() {
                    if l > 0 {
                        let (lower, upper) = deltas.split_at_mut(l);
                        let previous = &mut lower[l - 1][span(l)];
                        // delta · Wᵀ: W as stored (inputs × units) is the kernel's transposed
                        // weights for this product.
                        let weights = self.layers[l]
                            .weights
                            .as_slice()
                            .expect("checked: standard layout");
                        kernels.forward(
                            &upper[0][span(l + 1)],
                            widths[l + 1],
                            weights,
                            widths[l],
                            previous,
                            &[],
                        );
                        hidden_delta(
                            previous,
                            &activations[l - 1][span(l)],
                            widths[l],
                            has_bias(l - 1).then_some(&mut work.block_sums[..widths[l]]),
                        );
                        if has_bias(l - 1) {
                            add_into(&mut work.bias_sums[l - 1], &work.block_sums);
                        }
                    }
                    let input = match l {
                        0 => &x[span(0)],
                        _ => &activations[l - 1][span(l)],
                    };
                    kernels.accumulate_gradient(
                        input,
                        widths[l],
                        &deltas[l][span(l + 1)],
                        widths[l + 1],
                        &mut work.gradients_t[l],
                    );
                }
            }
            for (l, layer) in self.layers.iter_mut().enumerate() {
                let gradient =
                    ArrayView2::from_shape((widths[l + 1], widths[l]), &work.gradients_t[l])
                        .expect("the workspace has units × inputs entries");
                layer
                    .weights
                    .zip_mut_with(&gradient.t(), |w, &g| *w = *w + step * g);
                if let Some(bias) = layer.bias.as_mut() {
                    bias.zip_mut_with(&ndarray::aview1(&work.bias_sums[l]), |b, &g| {
                        *b = *b + step * g
                    });
                }
            }
        }
        // The general step leaves each layer's summed bias gradient in the buffers.
        for (kept, sums) in buffers.bias_gradients.iter_mut().zip(&work.bias_sums) {
            kept.copy_from_slice(sums);
        }
        true
    }
}

/// `sums += part` over `sums`' length.
fn add_into<F: Float>(sums: &mut [F], part: &[F]) {
    for (sum, &p) in sums.iter_mut().zip(part) {
        *sum = *sum + p;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::{GradientScale, NetworkSettings, OutputActivation};
    use ndarray::{Array2, ShapeBuilder};

    fn data(rows: usize, features: usize, outputs: usize) -> (Array2<f64>, Array2<f64>) {
        let x = Array2::from_shape_fn((rows, features), |(i, j)| {
            ((i * 7 + j * 13) % 17) as f64 / 8.0 - 1.0
        });
        let y = Array2::from_shape_fn((rows, outputs), |(i, j)| f64::from(i % outputs == j));
        (x, y)
    }

    fn settings(
        hidden_layers: &[usize],
        bias: bool,
        output: OutputActivation,
        iterations: usize,
    ) -> NetworkSettings {
        NetworkSettings {
            hidden_layers: hidden_layers.to_vec(),
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
        a.layers
            .iter()
            .zip(&b.layers)
            .map(|(a, b)| {
                let weights = a.weights.iter().zip(&b.weights);
                let biases = a.bias.iter().zip(&b.bias);
                weights
                    .map(|(u, v)| (u - v).abs())
                    .chain(biases.flat_map(|(u, v)| u.iter().zip(v).map(|(p, q)| (p - q).abs())))
                    .fold(0.0, f64::max)
            })
            .fold(0.0, f64::max)
    }

    /// Largest absolute difference between two lists of arrays of the same shapes.
    fn largest_buffer_difference(a: &[Array2<f64>], b: &[Array2<f64>]) -> f64 {
        a.iter()
            .zip(b)
            .flat_map(|(a, b)| a.iter().zip(b).map(|(u, v)| (u - v).abs()))
            .fold(0.0, f64::max)
    }

    #[test]
    fn row_blocks_match_the_general_step_up_to_rounding() {
        // Blocks that divide the rows, a ragged last block, one row per block and a single
        // block; no hidden layer, one and two; with and without bias, sigmoid and linear output.
        for (rows, features, hidden, outputs, block_rows) in [
            (40, 30, &[][..], 10, 8),
            (37, 25, &[][..], 3, 5),
            (12, 9, &[][..], 1, 1),
            (20, 64, &[][..], 4, 20),
            (33, 50, &[][..], 10, 64),
            (40, 30, &[7][..], 10, 8),
            (37, 41, &[32][..], 3, 6),
            (12, 9, &[5, 3][..], 2, 1),
            (26, 17, &[9, 12][..], 10, 7),
        ] {
            for (bias, output) in [
                (true, OutputActivation::Sigmoid),
                (false, OutputActivation::Sigmoid),
                (true, OutputActivation::Linear),
            ] {
                let settings = settings(hidden, bias, output, 60);
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
                let shape = format!(
                    "{rows} x {features} -> {hidden:?} -> {outputs} in blocks of {block_rows}, \
                     bias {bias}, {output:?}"
                );
                assert!(
                    largest_difference(&general, &start) > 1e-3,
                    "{shape}: no training"
                );
                let difference = largest_difference(&general, &blocked);
                assert!(
                    difference < 1e-12,
                    "{shape}: weights differ by {difference}"
                );
                for (what, a, b) in [
                    (
                        "activations",
                        &general_buffers.activations,
                        &blocked_buffers.activations,
                    ),
                    ("deltas", &general_buffers.deltas, &blocked_buffers.deltas),
                ] {
                    let differ = largest_buffer_difference(a, b);
                    assert!(differ < 1e-12, "{shape}: {what} differ by {differ}");
                }
                for (a, b) in general_buffers
                    .bias_gradients
                    .iter()
                    .zip(&blocked_buffers.bias_gradients)
                {
                    for (u, v) in a.iter().zip(b) {
                        assert!((u - v).abs() < 1e-12, "{shape}: bias gradients {u} and {v}");
                    }
                }
            }
        }
    }

    #[test]
    fn train_takes_the_blocked_path_only_for_large_inputs_and_narrow_layers() {
        // 700 × 800 f64 is 4.5 MB, above the threshold; 100 × 800 is below; a layer wider
        // than `MAX_UNITS` keeps the general step.
        for (rows, hidden, expected) in [
            (700, &[][..], true),
            (700, &[8][..], true),
            (100, &[][..], false),
            (700, &[MAX_UNITS + 1][..], false),
        ] {
            let settings = settings(hidden, true, OutputActivation::Sigmoid, 2);
            let (x, y) = data(rows, 800, 10);
            let mut network = Network::<f64>::initialise(800, 10, &settings).unwrap();
            let before = network.clone();
            let mut buffers = TrainingBuffers::new(rows, &network);
            let taken = network.train_blocked(x.view(), y.view(), &mut buffers, 0.01, 2);
            assert_eq!(taken, expected, "{rows} rows, hidden {hidden:?}");
            if !taken {
                assert_eq!(network, before, "{rows} rows, hidden {hidden:?}: changed");
            }
        }
        // Through `train`, the large input still trains as the general step does.
        let settings = settings(&[8], true, OutputActivation::Sigmoid, 2);
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
    fn inputs_not_in_standard_layout_are_left_to_the_general_step() {
        let settings = settings(&[4], true, OutputActivation::Sigmoid, 1);
        let (x, y) = data(10, 5, 2);
        // The same values in column-major order.
        let mut column_major = Array2::zeros((10, 5).f());
        column_major.assign(&x);
        let mut network = Network::<f64>::initialise(5, 2, &settings).unwrap();
        let before = network.clone();
        let mut buffers = TrainingBuffers::new(10, &network);
        assert!(!network.train_in_row_blocks(
            column_major.view(),
            y.view(),
            &mut buffers,
            0.1,
            1,
            4
        ));
        assert_eq!(network, before);
    }
}
