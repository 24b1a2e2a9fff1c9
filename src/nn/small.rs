//! The article's tiny network (no hidden layer, a few inputs and outputs, a handful of rows):
//! the whole training loop on plain slices, so that its 10000 iterations are spent on
//! arithmetic rather than on views, layout checks and CPU-feature tests per step.
//!
//! It performs exactly the operations of [`Network::train_step`] in the same order (the plain
//! triple loop of `kernels::mat_mul`, the same sigmoid, the same delta and update), so the
//! results are bit-identical; `training.rs` takes this path only where `mat_mul` would have
//! used its plain loop too.

use super::kernels::SMALL_PRODUCT;
use super::{sigmoid, sigmoid_slope, Float, Network, TrainingBuffers};
use ndarray::ArrayView2;

impl<F: Float> Network<F> {
    /// Runs `iterations` steps on the slices directly when the network is one small layer and
    /// every array is in standard layout; returns false (having done nothing) otherwise.
    pub(crate) fn train_small_single_layer(
        &mut self,
        inputs: ArrayView2<F>,
        targets: ArrayView2<F>,
        buffers: &mut TrainingBuffers<F>,
        step: F,
        iterations: usize,
    ) -> bool {
        if self.layers.len() != 1 {
            return false;
        }
        let squash = self.is_sigmoid_layer(0);
        let layer = &mut self.layers[0];
        let (rows, features) = inputs.dim();
        let outputs = layer.weights.ncols();
        // Both products of a step (rows × features × outputs multiply-adds) must be ones that
        // `mat_mul` computes with its plain loop, or the results would differ.
        if rows * features * outputs > SMALL_PRODUCT || layer.weights.nrows() != features {
            return false;
        }
        let (Some(x), Some(y)) = (inputs.as_slice(), targets.as_slice()) else {
            return false;
        };
        let Some(weights) = layer.weights.as_slice_mut() else {
            return false;
        };
        let mut bias = match layer.bias.as_mut() {
            Some(b) => match b.as_slice_mut() {
                Some(slice) => Some(slice),
                None => return false,
            },
            None => None,
        };
        let (Some(out), Some(delta)) = (
            buffers.activations[0].as_slice_mut(),
            buffers.deltas[0].as_slice_mut(),
        ) else {
            return false;
        };
        let sums = &mut buffers.bias_gradients[0];
        for _ in 0..iterations {
            // Forward: out = sigmoid(x · W + b), as `mat_mul` then `activate_rows`.
            for i in 0..rows {
                for j in 0..outputs {
                    let mut sum = F::zero();
                    for p in 0..features {
                        sum = sum + x[i * features + p] * weights[p * outputs + j];
                    }
                    let mut v = F::one() * sum;
                    if let Some(b) = bias.as_deref() {
                        v = v + b[j];
                    }
                    out[i * outputs + j] = if squash { sigmoid(v) } else { v };
                }
            }
            // Delta = (target - output) · slope, and its column sums, as `output_delta`.
            sums.fill(F::zero());
            for ((d, &o), (&t, k)) in delta
                .iter_mut()
                .zip(out.iter())
                .zip(y.iter().zip((0..outputs).cycle()))
            {
                *d = if squash {
                    (t - o) * sigmoid_slope(o)
                } else {
                    t - o
                };
                sums[k] = sums[k] + *d;
            }
            // W += step · xᵀ · delta; b += step · sums, as `mat_mul` with beta 1.
            for p in 0..features {
                for j in 0..outputs {
                    let mut sum = F::zero();
                    for i in 0..rows {
                        sum = sum + x[i * features + p] * delta[i * outputs + j];
                    }
                    let w = &mut weights[p * outputs + j];
                    *w = step * sum + F::one() * *w;
                }
            }
            if let Some(b) = bias.as_deref_mut() {
                for (b, &g) in b.iter_mut().zip(sums.iter()) {
                    *b = *b + step * g;
                }
            }
        }
        true
    }
}
