//! A ReLU network as scikit-learn's `MLPClassifier` and `MLPRegressor` build it: its layers, its
//! initialisation, its forward pass, and its loss with the gradient by back-propagation.
//!
//! Hidden layers are ReLU; the output is a softmax (several classes), a logistic unit (two
//! classes) or linear (regression), each paired with the loss whose gradient at the output is
//! simply `output - target`: cross-entropy, binary cross-entropy, half the squared error. The L2
//! penalty follows scikit-learn's scaling, `0.5 · alpha · ‖W‖² / batch rows` (biases are not
//! penalised).
//!
//! All parameters live in one flat vector (each layer's weights, fan-in × fan-out row-major,
//! then its biases), so the optimiser updates them in one pass and the network serialises as
//! plain data. The training loop lives in `minibatch.rs`, the optimiser in `adam.rs`.

use ndarray::{Array2, ArrayView2, ArrayViewMut2};
use serde::{Deserialize, Serialize};

use super::kernels::mat_mul;
use crate::rng::SeededRng;

/// What the output layer computes, and so which loss the network minimises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReluOutput {
    /// Softmax over the classes, with cross-entropy.
    Softmax,
    /// One logistic unit (probability of the second class), with binary cross-entropy.
    Logistic,
    /// Identity, with half the mean squared error.
    Identity,
}

/// A fully connected network with ReLU hidden layers; plain data (widths and numbers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ReluNetworkData")]
pub struct ReluNetwork {
    /// Units per layer: inputs first, outputs last.
    widths: Vec<usize>,
    /// Each layer's weights (fan-in × fan-out, row-major), then its biases, layer after layer.
    parameters: Vec<f64>,
    output: ReluOutput,
}

/// The serialised form, checked before it becomes a [`ReluNetwork`].
#[derive(Deserialize)]
struct ReluNetworkData {
    widths: Vec<usize>,
    parameters: Vec<f64>,
    output: ReluOutput,
}

impl TryFrom<ReluNetworkData> for ReluNetwork {
    type Error = String;
    fn try_from(data: ReluNetworkData) -> Result<Self, String> {
        if data.widths.len() < 2 || data.widths.contains(&0) {
            return Err(format!(
                "a network needs at least an input and an output layer, none empty; got widths {:?}",
                data.widths
            ));
        }
        // Checked: the widths may come from a file, and a wrapped product could match.
        let expected = checked_parameter_count(&data.widths).ok_or_else(|| {
            format!(
                "widths {:?} need more parameters than memory can address",
                data.widths
            )
        })?;
        if data.parameters.len() != expected {
            return Err(format!(
                "widths {:?} need {expected} parameters but the network has {}",
                data.widths,
                data.parameters.len()
            ));
        }
        Ok(ReluNetwork {
            widths: data.widths,
            parameters: data.parameters,
            output: data.output,
        })
    }
}

fn parameter_count(widths: &[usize]) -> usize {
    widths.windows(2).map(|p| p[0] * p[1] + p[1]).sum()
}

/// [`parameter_count`] without overflow: `None` when it does not fit in a `usize`.
fn checked_parameter_count(widths: &[usize]) -> Option<usize> {
    widths.windows(2).try_fold(0usize, |total, p| {
        p[0].checked_mul(p[1])?
            .checked_add(p[1])?
            .checked_add(total)
    })
}

/// Where one layer's weights and biases sit in the flat parameter vector.
#[derive(Debug, Clone, Copy)]
struct LayerSpan {
    fan_in: usize,
    fan_out: usize,
    weights_start: usize,
    bias_start: usize,
}

impl LayerSpan {
    fn weights<'a>(&self, flat: &'a [f64]) -> ArrayView2<'a, f64> {
        let slice = &flat[self.weights_start..self.bias_start];
        ArrayView2::from_shape((self.fan_in, self.fan_out), slice)
            .expect("a layer's span holds fan-in × fan-out weights")
    }
    fn weights_mut<'a>(&self, flat: &'a mut [f64]) -> ArrayViewMut2<'a, f64> {
        let slice = &mut flat[self.weights_start..self.bias_start];
        ArrayViewMut2::from_shape((self.fan_in, self.fan_out), slice)
            .expect("a layer's span holds fan-in × fan-out weights")
    }
    fn bias_range(&self) -> std::ops::Range<usize> {
        self.bias_start..self.bias_start + self.fan_out
    }
}

/// Layer `index`'s span (found by walking the widths, so no list is allocated per batch).
fn span_at(widths: &[usize], index: usize) -> LayerSpan {
    spans(widths)
        .nth(index)
        .expect("the layer index is below the layer count")
}

fn spans(widths: &[usize]) -> impl Iterator<Item = LayerSpan> + '_ {
    let mut start = 0;
    widths.windows(2).map(move |pair| {
        let span = LayerSpan {
            fan_in: pair[0],
            fan_out: pair[1],
            weights_start: start,
            bias_start: start + pair[0] * pair[1],
        };
        start = span.bias_start + pair[1];
        span
    })
}

/// Every buffer a forward and backward pass writes, for batches of up to `capacity` rows.
#[derive(Debug, Clone)]
pub struct ReluWorkspace {
    capacity: usize,
    /// Output of each layer after its activation, `capacity × width` each.
    activations: Vec<Vec<f64>>,
    /// Gradient of the loss with respect to each layer's pre-activation.
    deltas: Vec<Vec<f64>>,
}

impl ReluWorkspace {
    /// Buffers for batches of up to `capacity` rows through `network`.
    pub fn new(capacity: usize, network: &ReluNetwork) -> Self {
        let buffers = || {
            network.widths[1..]
                .iter()
                .map(|&w| vec![0.0; capacity * w])
                .collect::<Vec<_>>()
        };
        ReluWorkspace {
            capacity,
            activations: buffers(),
            deltas: buffers(),
        }
    }
}

impl ReluNetwork {
    /// A network of the given widths (inputs first, outputs last) with scikit-learn's
    /// initialisation: weights, then biases, of each layer in turn, uniform in ±`sqrt(6 /
    /// (fan_in + fan_out))`. That is Glorot's bound, which scikit-learn uses with ReLU hidden
    /// layers for every layer, the output included (its factor 2 instead of 6 is only for
    /// logistic hidden layers); He's `sqrt(6 / fan_in)` would differ, and parity with
    /// `MLPClassifier` is the point.
    pub fn initialise(widths: &[usize], output: ReluOutput, rng: &mut SeededRng) -> Self {
        assert!(
            widths.len() >= 2 && !widths.contains(&0),
            "callers pass at least an input and an output layer, none empty"
        );
        let mut parameters = Vec::with_capacity(parameter_count(widths));
        for pair in widths.windows(2) {
            let bound = (6.0 / (pair[0] + pair[1]) as f64).sqrt();
            for _ in 0..pair[0] * pair[1] + pair[1] {
                parameters.push(rng.uniform(-bound, bound));
            }
        }
        ReluNetwork {
            widths: widths.to_vec(),
            parameters,
            output,
        }
    }

    /// Number of input features.
    pub fn inputs(&self) -> usize {
        self.widths[0]
    }

    /// Number of output units.
    pub fn outputs(&self) -> usize {
        *self.widths.last().expect("a network has an output layer")
    }

    /// What the output layer computes.
    pub fn output(&self) -> ReluOutput {
        self.output
    }

    /// Weights plus biases.
    pub fn parameter_count(&self) -> usize {
        self.parameters.len()
    }

    /// The flat parameter vector (layer by layer: weights row-major, then biases).
    pub fn parameters(&self) -> &[f64] {
        &self.parameters
    }

    /// The flat parameter vector, for the optimiser.
    pub fn parameters_mut(&mut self) -> &mut [f64] {
        &mut self.parameters
    }

    /// The network's outputs (probabilities or values) for `inputs` (rows × features).
    pub fn predict(&self, inputs: ArrayView2<f64>) -> Array2<f64> {
        let rows = inputs.nrows();
        let mut workspace = ReluWorkspace::new(rows, self);
        self.forward(inputs, &mut workspace);
        let out = workspace
            .activations
            .pop()
            .expect("a network has an output layer");
        Array2::from_shape_vec((rows, self.outputs()), out)
            .expect("the output buffer holds rows × outputs")
    }

    /// Forward pass of `inputs` (at most the workspace's capacity in rows) into `workspace`.
    fn forward(&self, inputs: ArrayView2<f64>, workspace: &mut ReluWorkspace) {
        let rows = inputs.nrows();
        assert!(
            rows <= workspace.capacity,
            "batch larger than the workspace"
        );
        let last = self.widths.len() - 2;
        for (index, span) in spans(&self.widths).enumerate() {
            let (before, rest) = workspace.activations.split_at_mut(index);
            let out = &mut rest[0][..rows * span.fan_out];
            let mut out_view = ArrayViewMut2::from_shape((rows, span.fan_out), &mut *out)
                .expect("the activation buffer holds rows × width");
            let layer_input = match before.last() {
                Some(previous) => {
                    ArrayView2::from_shape((rows, span.fan_in), &previous[..rows * span.fan_in])
                        .expect("the activation buffer holds rows × width")
                }
                None => inputs.reborrow(),
            };
            mat_mul(
                1.0,
                layer_input,
                span.weights(&self.parameters),
                0.0,
                &mut out_view,
            );
            let bias = &self.parameters[span.bias_range()];
            let rows_iter = out.chunks_exact_mut(span.fan_out);
            if index < last {
                for row in rows_iter {
                    for (v, &b) in row.iter_mut().zip(bias) {
                        *v = (*v + b).max(0.0);
                    }
                }
                continue;
            }
            for row in rows_iter {
                for (v, &b) in row.iter_mut().zip(bias) {
                    *v += b;
                }
                match self.output {
                    ReluOutput::Identity => {}
                    ReluOutput::Logistic => {
                        for v in row.iter_mut() {
                            *v = 1.0 / (1.0 + (-*v).exp());
                        }
                    }
                    ReluOutput::Softmax => {
                        let top = row.iter().fold(f64::NEG_INFINITY, |a, &b| a.max(b));
                        let mut total = 0.0;
                        for v in row.iter_mut() {
                            *v = (*v - top).exp();
                            total += *v;
                        }
                        for v in row.iter_mut() {
                            *v /= total;
                        }
                    }
                }
            }
        }
    }

    /// Loss on one batch (`inputs` rows × features, `targets` rows × outputs: one-hot classes,
    /// 0/1 for a logistic output, values for regression) plus the L2 penalty, and its gradient
    /// with respect to every parameter written to `gradient` (same layout as the parameters).
    ///
    /// Allocates nothing of its own; products above a few thousand multiply-adds go to the
    /// `gemm` crate, which may allocate a packing buffer (see `kernels.rs`).
    pub fn loss_and_gradient(
        &self,
        inputs: ArrayView2<f64>,
        targets: ArrayView2<f64>,
        alpha: f64,
        workspace: &mut ReluWorkspace,
        gradient: &mut [f64],
    ) -> f64 {
        let rows = inputs.nrows();
        assert_eq!(rows, targets.nrows(), "one target row per input row");
        assert_eq!(
            gradient.len(),
            self.parameters.len(),
            "one gradient per parameter"
        );
        self.forward(inputs, workspace);
        let last = self.widths.len() - 2;
        let n = rows as f64;
        let width = self.outputs();

        // Loss at the output, and its gradient there: output - target for every pairing.
        let outputs = &workspace.activations[last][..rows * width];
        let delta = &mut workspace.deltas[last][..rows * width];
        let mut data_loss = 0.0;
        // scikit-learn clips probabilities to [eps, 1 - eps] before the logarithm.
        let clip = |p: f64| p.clamp(f64::EPSILON, 1.0 - f64::EPSILON);
        for (row, (out_row, delta_row)) in outputs
            .chunks_exact(width)
            .zip(delta.chunks_exact_mut(width))
            .enumerate()
        {
            for (k, (&out, d)) in out_row.iter().zip(delta_row.iter_mut()).enumerate() {
                let target = targets[[row, k]];
                *d = out - target;
                data_loss += match self.output {
                    ReluOutput::Softmax if target != 0.0 => -target * clip(out).ln(),
                    ReluOutput::Softmax => 0.0,
                    ReluOutput::Logistic => {
                        let p = clip(out);
                        -(xlogy(target, p) + xlogy(1.0 - target, 1.0 - p))
                    }
                    ReluOutput::Identity => 0.5 * (out - target) * (out - target) / width as f64,
                };
            }
        }
        let squared_weights: f64 = spans(&self.widths)
            .map(|span| {
                self.parameters[span.weights_start..span.bias_start]
                    .iter()
                    .map(|w| w * w)
                    .sum::<f64>()
            })
            .sum();
        let loss = data_loss / n + 0.5 * alpha * squared_weights / n;

        for index in (0..=last).rev() {
            let span = span_at(&self.widths, index);
            let (lower, upper) = workspace.deltas.split_at_mut(index);
            let delta =
                ArrayView2::from_shape((rows, span.fan_out), &upper[0][..rows * span.fan_out])
                    .expect("the delta buffer holds rows × width");
            let layer_input = if index == 0 {
                inputs.reborrow()
            } else {
                ArrayView2::from_shape(
                    (rows, span.fan_in),
                    &workspace.activations[index - 1][..rows * span.fan_in],
                )
                .expect("the activation buffer holds rows × width")
            };
            // Weights: (inputᵀ · delta + alpha · W) / n.
            let mut weight_gradient = span.weights_mut(gradient);
            weight_gradient.assign(&span.weights(&self.parameters));
            mat_mul(
                1.0 / n,
                layer_input.t(),
                delta,
                alpha / n,
                &mut weight_gradient,
            );
            // Biases: the column means of delta.
            let bias_gradient = &mut gradient[span.bias_range()];
            bias_gradient.fill(0.0);
            for row in delta.rows() {
                for (g, &d) in bias_gradient.iter_mut().zip(row) {
                    *g += d;
                }
            }
            for g in bias_gradient.iter_mut() {
                *g /= n;
            }
            if index > 0 {
                // Previous delta: (delta · Wᵀ), zero where the ReLU was off.
                let previous = &mut lower[index - 1][..rows * span.fan_in];
                let mut previous_view =
                    ArrayViewMut2::from_shape((rows, span.fan_in), &mut *previous)
                        .expect("the delta buffer holds rows × width");
                mat_mul(
                    1.0,
                    delta,
                    span.weights(&self.parameters).t(),
                    0.0,
                    &mut previous_view,
                );
                let activation = &workspace.activations[index - 1][..rows * span.fan_in];
                for (d, &a) in previous.iter_mut().zip(activation) {
                    if a <= 0.0 {
                        *d = 0.0;
                    }
                }
            }
        }
        loss
    }
}

/// `x · ln(y)`, with `0 · ln(0) = 0` (scipy's `xlogy`, which scikit-learn's losses use).
fn xlogy(x: f64, y: f64) -> f64 {
    if x == 0.0 {
        0.0
    } else {
        x * y.ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    fn check_gradient(output: ReluOutput, targets: Array2<f64>) {
        let x = array![
            [0.1, -0.4, 0.9],
            [0.5, 0.2, -0.3],
            [-0.7, 0.8, 0.05],
            [0.3, 0.3, 0.3],
            [1.0, -1.0, 0.5]
        ];
        let widths = [3, 6, 4, targets.ncols()];
        let network = ReluNetwork::initialise(&widths, output, &mut SeededRng::new(3));
        let alpha = 0.01;
        let mut workspace = ReluWorkspace::new(x.nrows(), &network);
        let mut gradient = vec![0.0; network.parameter_count()];
        network.loss_and_gradient(
            x.view(),
            targets.view(),
            alpha,
            &mut workspace,
            &mut gradient,
        );
        let loss_at = |parameters: &[f64]| {
            let mut moved = network.clone();
            moved.parameters_mut().copy_from_slice(parameters);
            let mut scratch = vec![0.0; parameters.len()];
            moved.loss_and_gradient(
                x.view(),
                targets.view(),
                alpha,
                &mut workspace.clone(),
                &mut scratch,
            )
        };
        let h = 1e-6;
        let mut nonzero = 0;
        for i in 0..network.parameter_count() {
            let mut plus = network.parameters().to_vec();
            plus[i] += h;
            let mut minus = network.parameters().to_vec();
            minus[i] -= h;
            let numeric = (loss_at(&plus) - loss_at(&minus)) / (2.0 * h);
            assert_abs_diff_eq!(gradient[i], numeric, epsilon = 1e-7);
            nonzero += usize::from(gradient[i].abs() > 1e-6);
        }
        // A check that passes on an all-zero gradient proves nothing: most entries move.
        assert!(nonzero > network.parameter_count() / 2, "{nonzero} nonzero");
    }

    #[test]
    fn softmax_cross_entropy_gradient_matches_finite_differences() {
        let y = array![
            [1.0, 0.0, 0.0],
            [0.0, 1.0, 0.0],
            [0.0, 0.0, 1.0],
            [1.0, 0.0, 0.0],
            [0.0, 1.0, 0.0]
        ];
        check_gradient(ReluOutput::Softmax, y);
    }

    #[test]
    fn logistic_cross_entropy_gradient_matches_finite_differences() {
        check_gradient(
            ReluOutput::Logistic,
            array![[1.0], [0.0], [1.0], [1.0], [0.0]],
        );
    }

    #[test]
    fn squared_error_gradient_matches_finite_differences() {
        check_gradient(
            ReluOutput::Identity,
            array![[0.5], [-1.0], [2.0], [0.0], [0.3]],
        );
    }

    #[test]
    fn initial_weights_follow_glorot_bounds_and_are_seeded() {
        let widths = [64, 100, 10];
        let a = ReluNetwork::initialise(&widths, ReluOutput::Softmax, &mut SeededRng::new(1));
        let b = ReluNetwork::initialise(&widths, ReluOutput::Softmax, &mut SeededRng::new(1));
        assert_eq!(a, b);
        assert_eq!(a.parameter_count(), 64 * 100 + 100 + 100 * 10 + 10);
        // sqrt(6 / 164) = 0.1913 for the first layer, sqrt(6 / 110) = 0.2335 for the second.
        let first = &a.parameters()[..6500];
        assert!(first.iter().all(|w| w.abs() <= (6.0f64 / 164.0).sqrt()));
        assert!(first.iter().any(|w| w.abs() > 0.18));
        let second = &a.parameters()[6500..];
        assert!(second.iter().any(|w| w.abs() > 0.2));
    }

    #[test]
    fn softmax_rows_are_probabilities_and_serde_round_trips() {
        let network =
            ReluNetwork::initialise(&[2, 5, 3], ReluOutput::Softmax, &mut SeededRng::new(4));
        let p = network.predict(array![[0.3, -2.0], [5.0, 1.0]].view());
        for row in p.rows() {
            assert_abs_diff_eq!(row.sum(), 1.0, epsilon = 1e-12);
            assert!(row.iter().all(|&v| v > 0.0));
        }
        let text = serde_json::to_string(&network).unwrap();
        let back: ReluNetwork = serde_json::from_str(&text).unwrap();
        assert_eq!(back, network);
        let broken = text.replace("[2,5,3]", "[2,5,4]");
        let err = serde_json::from_str::<ReluNetwork>(&broken).unwrap_err();
        assert!(err.to_string().contains("need 39 parameters"), "{err}");
        // Widths whose product wraps around must be refused, not matched by accident.
        let huge = format!("[{},{},3]", u64::MAX, u64::MAX);
        let err = serde_json::from_str::<ReluNetwork>(&text.replace("[2,5,3]", &huge)).unwrap_err();
        assert!(
            err.to_string().contains("more parameters than memory"),
            "{err}"
        );
    }
}
