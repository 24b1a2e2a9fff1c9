//! The article's tiny network (no hidden layer, a few inputs and outputs, a handful of rows):
//! the whole training loop on plain slices, so that its 10000 iterations are spent on
//! arithmetic rather than on views, layout checks and CPU-feature tests per step.
//!
//! It performs exactly the operations of [`Network::train_step`] in the same order (the plain
//! triple loop of `kernels::mat_mul`, the same sigmoid, the same delta and update), so the
//! results are bit-identical; `training.rs` takes this path only where `mat_mul` would have
//! used its plain loop too. The exception: on CPUs with AVX-512 the general step's f64 sigmoid
//! is the fused one of `kernels.rs` (within 2 ulp), while this path keeps the plain sigmoid, so
//! there the two agree to rounding only.
//!
//! Networks of at most 8 rows, 8 inputs and 4 outputs (the article's 4 × 3 → 1) go one step
//! further: the whole data set, weights, outputs and deltas live in fixed-size arrays that the
//! compiler keeps in registers, so a step is only its arithmetic. The arrays are padded with
//! zero inputs, zero weights and rows whose delta is forced to zero; each padding term adds an
//! exact zero at the end of a sum, so the real entries stay bit-identical (up to the sign of
//! a zero sum). Output columns of a single layer are independent, so padded columns never
//! reach the real ones.

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
        let tiny = Tiny {
            x,
            y,
            rows,
            features,
            outputs,
            squash,
            step,
            iterations,
        };
        if tiny.run(weights, bias.as_deref_mut(), out, delta, sums) {
            return true;
        }
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

/// The article-sized problem for the register-resident loop.
struct Tiny<'a, F> {
    x: &'a [F],
    y: &'a [F],
    rows: usize,
    features: usize,
    outputs: usize,
    squash: bool,
    step: F,
    iterations: usize,
}

/// What the register loop updates and leaves behind, in the layout of the training buffers.
struct TinyState<'a, F> {
    weights: &'a mut [F],
    bias: Option<&'a mut [F]>,
    out: &'a mut [F],
    delta: &'a mut [F],
    sums: &'a mut [F],
}

impl<F: Float> Tiny<'_, F> {
    /// Runs the training in the smallest padded register block that fits; false (having done
    /// nothing) when the problem is larger than 8 rows, 8 inputs (bias included) or 4 outputs.
    fn run(
        &self,
        weights: &mut [F],
        bias: Option<&mut [F]>,
        out: &mut [F],
        delta: &mut [F],
        sums: &mut [F],
    ) -> bool {
        // The bias is one more input, constantly 1 (see `block`).
        let inputs = self.features + usize::from(bias.is_some());
        let (r, o) = (self.rows, self.outputs);
        if r == 0 || self.features == 0 || o == 0 || r > 8 || inputs > 8 || o > 4 {
            return false;
        }
        let state = TinyState {
            weights,
            bias,
            out,
            delta,
            sums,
        };
        match (r <= 4, inputs <= 4, o == 1) {
            (true, true, true) => self.dispatch::<4, 4, 1>(state),
            (_, _, true) => self.dispatch::<8, 8, 1>(state),
            (true, true, false) => self.dispatch::<4, 4, 4>(state),
            (_, _, false) => self.dispatch::<8, 8, 4>(state),
        }
        true
    }

    /// The block compiled for AVX2 where the CPU has it (a row block of 4 f64 fills one
    /// register), else for the baseline; both round identically (no fused multiply-add).
    fn dispatch<const R: usize, const P: usize, const O: usize>(&self, state: TinyState<'_, F>) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, the only requirement of the AVX2 copy.
            unsafe { self.block_avx2::<R, P, O>(state) };
            return;
        }
        self.block::<R, P, O>(state);
    }

    /// # Safety
    /// The CPU must support AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn block_avx2<const R: usize, const P: usize, const O: usize>(
        &self,
        state: TinyState<'_, F>,
    ) {
        self.block::<R, P, O>(state);
    }

    /// The loop on `R` rows × `P` inputs → `O` outputs held in arrays, columns of `R` rows
    /// (so every row-wise operation is one SIMD operation), padded with zeros. The bias is
    /// input `features`, constantly 1: `sum + 1·b` adds `b` last, as the step's bias pass does,
    /// and its update `step · Σd + b` is the step's `b + step · Σd`.
    // Indices address several arrays of different layouts at once; iterators would hide that.
    #[allow(clippy::needless_range_loop)]
    #[inline(always)]
    fn block<const R: usize, const P: usize, const O: usize>(&self, state: TinyState<'_, F>) {
        let (rows, features, outputs) = (self.rows, self.features, self.outputs);
        let zero = F::zero();
        let mut x = [[zero; R]; P];
        let mut y = [[zero; R]; O];
        let mut real = [false; R];
        for i in 0..rows {
            real[i] = true;
            for p in 0..features {
                x[p][i] = self.x[i * features + p];
            }
            if state.bias.is_some() {
                x[features][i] = F::one();
            }
            for j in 0..outputs {
                y[j][i] = self.y[i * outputs + j];
            }
        }
        let mut w = [[zero; O]; P];
        for p in 0..features {
            w[p][..outputs].copy_from_slice(&state.weights[p * outputs..(p + 1) * outputs]);
        }
        if let Some(bias) = state.bias.as_deref() {
            w[features][..outputs].copy_from_slice(bias);
        }
        let (squash, step) = (self.squash, self.step);
        let mut o = [[zero; R]; O];
        let mut d = [[zero; R]; O];
        for _ in 0..self.iterations {
            for j in 0..O {
                // Forward: o = sigmoid(x · w), summed over the inputs in order.
                let mut sum = [zero; R];
                for p in 0..P {
                    for i in 0..R {
                        sum[i] = sum[i] + x[p][i] * w[p][j];
                    }
                }
                for i in 0..R {
                    o[j][i] = if squash { sigmoid(sum[i]) } else { sum[i] };
                }
                // Delta = (target - output) · slope, zero on padding rows.
                for i in 0..R {
                    let e = if squash {
                        (y[j][i] - o[j][i]) * sigmoid_slope(o[j][i])
                    } else {
                        y[j][i] - o[j][i]
                    };
                    d[j][i] = if real[i] { e } else { zero };
                }
                // w += step · xᵀ · d, summed over the rows in order.
                for p in 0..P {
                    let mut sum = zero;
                    for i in 0..R {
                        sum = sum + x[p][i] * d[j][i];
                    }
                    w[p][j] = step * sum + w[p][j];
                }
            }
        }
        for p in 0..features {
            state.weights[p * outputs..(p + 1) * outputs].copy_from_slice(&w[p][..outputs]);
        }
        if let Some(bias) = state.bias {
            bias.copy_from_slice(&w[features][..outputs]);
        }
        for j in 0..outputs {
            let mut sum = zero;
            for i in 0..rows {
                state.out[i * outputs + j] = o[j][i];
                state.delta[i * outputs + j] = d[j][i];
                sum = sum + d[j][i];
            }
            state.sums[j] = sum;
        }
    }
}
