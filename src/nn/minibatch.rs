//! Mini-batch training of a [`ReluNetwork`] with Adam, as scikit-learn's `MLPClassifier` and
//! `MLPRegressor` train by default: batches of `min(200, rows)` in an order shuffled every
//! epoch, up to 200 epochs, stopping once the epoch's training loss has failed to improve on
//! the best so far by `tolerance` for more than `patience` epochs in a row.
//!
//! The epoch's loss is the row-weighted mean of its batches' losses, each taken before that
//! batch's update and including the L2 penalty, exactly what scikit-learn's `loss_curve_`
//! records. No validation split is held out (scikit-learn's `early_stopping` is off by
//! default).

use ndarray::{ArrayView2, ArrayViewMut2};
use serde::{Deserialize, Serialize};

use super::adam::{Adam, AdamSettings};
use super::relu_network::{ReluNetwork, ReluOutput, ReluWorkspace};
use crate::rng::SeededRng;

/// How a ReLU network is trained; the defaults are scikit-learn's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MinibatchSettings {
    /// Widths of the hidden layers.
    pub hidden_layers: Vec<usize>,
    pub adam: AdamSettings,
    /// L2 penalty, scaled as scikit-learn's `alpha`.
    pub alpha: f64,
    /// Rows per batch; `min(batch_size, rows)` is used.
    pub batch_size: usize,
    pub max_epochs: usize,
    /// An epoch "improves" when its loss is below the best so far minus this.
    pub tolerance: f64,
    /// Epochs without improvement tolerated before stopping (stops at one more).
    pub patience: usize,
    /// Seed of the initial weights and of the batch order.
    pub seed: u64,
}

impl Default for MinibatchSettings {
    fn default() -> Self {
        MinibatchSettings {
            hidden_layers: vec![100],
            adam: AdamSettings::default(),
            alpha: 1e-4,
            batch_size: 200,
            max_epochs: 200,
            tolerance: 1e-4,
            patience: 10,
            seed: 1,
        }
    }
}

/// A setting or input that cannot train, with the rule and the value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MinibatchError {
    #[error("{name} must be finite and greater than 0, but was {value}")]
    NotPositive { name: &'static str, value: f64 },
    #[error("{name} must lie in [0, 1), but was {value}")]
    Beta { name: &'static str, value: f64 },
    #[error("alpha must be finite and at least 0, but was {0}")]
    Alpha(f64),
    #[error("hidden layer {index} must have at least one unit, but has 0")]
    EmptyHiddenLayer { index: usize },
    #[error("cannot train on {rows} rows with {targets} target rows")]
    Shape { rows: usize, targets: usize },
    #[error("the training loss became {loss} at epoch {epoch}; try a smaller learning rate")]
    Diverged { epoch: usize, loss: f64 },
}

/// How training went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrainingReport {
    pub epochs: usize,
    /// Training loss of each epoch (scikit-learn's `loss_curve_`).
    pub loss_curve: Vec<f64>,
    /// False when training stopped at `max_epochs` rather than by the tolerance rule.
    pub converged: bool,
}

impl MinibatchSettings {
    /// Checks every setting once, before training.
    pub fn validate(&self) -> Result<(), MinibatchError> {
        let positive = [
            ("learning rate", self.adam.learning_rate),
            ("epsilon", self.adam.epsilon),
            ("batch size", self.batch_size as f64),
            ("max epochs", self.max_epochs as f64),
        ];
        for (name, value) in positive {
            if !(value.is_finite() && value > 0.0) {
                return Err(MinibatchError::NotPositive { name, value });
            }
        }
        for (name, value) in [("beta1", self.adam.beta1), ("beta2", self.adam.beta2)] {
            if !(0.0..1.0).contains(&value) {
                return Err(MinibatchError::Beta { name, value });
            }
        }
        if !(self.alpha.is_finite() && self.alpha >= 0.0) {
            return Err(MinibatchError::Alpha(self.alpha));
        }
        if let Some(index) = self.hidden_layers.iter().position(|&w| w == 0) {
            return Err(MinibatchError::EmptyHiddenLayer { index });
        }
        Ok(())
    }
}

/// Trains a freshly initialised network on `inputs` (rows × features) and `targets` (rows ×
/// outputs; see [`ReluNetwork::loss_and_gradient`]).
pub fn train_relu_network(
    inputs: ArrayView2<f64>,
    targets: ArrayView2<f64>,
    output: ReluOutput,
    settings: &MinibatchSettings,
) -> Result<(ReluNetwork, TrainingReport), MinibatchError> {
    settings.validate()?;
    let rows = inputs.nrows();
    if rows == 0 || rows != targets.nrows() || inputs.ncols() == 0 || targets.ncols() == 0 {
        return Err(MinibatchError::Shape {
            rows,
            targets: targets.nrows(),
        });
    }
    let mut widths = vec![inputs.ncols()];
    widths.extend(&settings.hidden_layers);
    widths.push(targets.ncols());
    let mut init_rng = SeededRng::derive(settings.seed, 1);
    let mut order_rng = SeededRng::derive(settings.seed, 2);
    let mut network = ReluNetwork::initialise(&widths, output, &mut init_rng);

    let batch = settings.batch_size.min(rows);
    let (features, outputs) = (inputs.ncols(), targets.ncols());
    let mut workspace = ReluWorkspace::new(batch, &network);
    let mut gradient = vec![0.0; network.parameter_count()];
    let mut adam = Adam::new(network.parameter_count(), settings.adam);
    let mut batch_inputs = vec![0.0; batch * features];
    let mut batch_targets = vec![0.0; batch * outputs];
    let mut order: Vec<usize> = (0..rows).collect();

    let mut loss_curve = Vec::new();
    let mut best = f64::INFINITY;
    let mut without_improvement = 0;
    let mut converged = false;
    for epoch in 0..settings.max_epochs {
        order_rng.shuffle(&mut order);
        let mut summed_loss = 0.0;
        for chunk in order.chunks(batch) {
            let n = chunk.len();
            gather_rows(inputs, chunk, &mut batch_inputs[..n * features]);
            gather_rows(targets, chunk, &mut batch_targets[..n * outputs]);
            let x = ArrayView2::from_shape((n, features), &batch_inputs[..n * features])
                .expect("the batch buffer holds n × features");
            let y = ArrayView2::from_shape((n, outputs), &batch_targets[..n * outputs])
                .expect("the batch buffer holds n × outputs");
            let loss =
                network.loss_and_gradient(x, y, settings.alpha, &mut workspace, &mut gradient);
            summed_loss += loss * n as f64;
            adam.step(network.parameters_mut(), &gradient);
        }
        let loss = summed_loss / rows as f64;
        if !loss.is_finite() {
            return Err(MinibatchError::Diverged {
                epoch: epoch + 1,
                loss,
            });
        }
        loss_curve.push(loss);
        if loss > best - settings.tolerance {
            without_improvement += 1;
        } else {
            without_improvement = 0;
        }
        best = best.min(loss);
        if without_improvement > settings.patience {
            converged = true;
            break;
        }
    }
    let report = TrainingReport {
        epochs: loss_curve.len(),
        loss_curve,
        converged,
    };
    Ok((network, report))
}

/// Copies the rows `chosen` of `source` into `destination`, row after row.
fn gather_rows(source: ArrayView2<f64>, chosen: &[usize], destination: &mut [f64]) {
    let width = source.ncols();
    let mut view = ArrayViewMut2::from_shape((chosen.len(), width), destination)
        .expect("the destination holds chosen rows × width");
    for (mut to, &row) in view.rows_mut().into_iter().zip(chosen) {
        to.assign(&source.row(row));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    #[test]
    fn learns_xor_with_a_softmax_output() {
        let x = array![[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
        let y = array![[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]];
        let settings = MinibatchSettings {
            hidden_layers: vec![16],
            adam: AdamSettings {
                learning_rate: 0.01,
                ..AdamSettings::default()
            },
            max_epochs: 2000,
            patience: 50,
            seed: 3,
            ..MinibatchSettings::default()
        };
        let (network, report) =
            train_relu_network(x.view(), y.view(), ReluOutput::Softmax, &settings).unwrap();
        let p = network.predict(x.view());
        for (row, want) in [0, 1, 1, 0].into_iter().enumerate() {
            assert!(p[[row, want]] > 0.8, "row {row}: {p}");
        }
        // The loss fell from chance (ln 2 = 0.69) to near zero.
        assert!(report.loss_curve[0] > 0.5 && *report.loss_curve.last().unwrap() < 0.2);
    }

    #[test]
    fn stops_by_the_tolerance_rule_with_patience_plus_one_flat_epochs() {
        // A separable problem the network solves quickly; the loss flattens, then 11 epochs
        // without a gain of 1e-4 end training before the epoch limit.
        let x = Array2::from_shape_fn((40, 2), |(i, j)| {
            let side = if i < 20 { -1.0 } else { 1.0 };
            side + 0.1 * ((i * 7 + j * 3) % 5) as f64
        });
        let y = Array2::from_shape_fn((40, 1), |(i, _)| if i < 20 { 0.0 } else { 1.0 });
        let settings = MinibatchSettings {
            adam: AdamSettings {
                learning_rate: 0.05,
                ..AdamSettings::default()
            },
            tolerance: 1e-2,
            max_epochs: 500,
            ..MinibatchSettings::default()
        };
        let (network, report) =
            train_relu_network(x.view(), y.view(), ReluOutput::Logistic, &settings).unwrap();
        assert!(report.converged && report.epochs < 500, "{report:?}");
        let curve = &report.loss_curve;
        let best_before = curve[..curve.len() - 11]
            .iter()
            .fold(f64::INFINITY, |a, &b| a.min(b));
        assert!(curve[curve.len() - 11..]
            .iter()
            .all(|&l| l > best_before - 1e-2));
        let p = network.predict(x.view());
        assert!(p[[0, 0]] < 0.2 && p[[39, 0]] > 0.8, "{p}");
    }

    #[test]
    fn same_seed_same_network_and_bad_settings_refused() {
        let x = array![[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]];
        let y = array![[1.0], [0.0], [0.5]];
        let settings = MinibatchSettings {
            max_epochs: 5,
            ..MinibatchSettings::default()
        };
        let a = train_relu_network(x.view(), y.view(), ReluOutput::Identity, &settings).unwrap();
        let b = train_relu_network(x.view(), y.view(), ReluOutput::Identity, &settings).unwrap();
        assert_eq!(a, b);
        let bad = MinibatchSettings {
            alpha: -1.0,
            ..settings.clone()
        };
        assert_eq!(
            train_relu_network(x.view(), y.view(), ReluOutput::Identity, &bad)
                .unwrap_err()
                .to_string(),
            "alpha must be finite and at least 0, but was -1"
        );
        let short = array![[1.0]];
        assert!(matches!(
            train_relu_network(x.view(), short.view(), ReluOutput::Identity, &settings),
            Err(MinibatchError::Shape {
                rows: 3,
                targets: 1
            })
        ));
    }
}
