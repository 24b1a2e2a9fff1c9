//! `sigmoid-net`: the article's network with no hidden layer, one sigmoid output per class.
//!
//! It is [`crate::nn::Network`] as the article trains it (weights uniform in [-1, 1),
//! full-batch gradient descent on the squared error, "error times slope", 10000 iterations),
//! with two of its switches on: a bias per output, and the mean rather than the summed gradient
//! so that one learning rate suits any number of rows. Targets are one-hot; the prediction is
//! the output with the largest value, and the scores are the outputs divided by their row sum
//! (each output is clamped to at least 1e-12 first, so no score is exactly 0 and log-loss
//! stays finite).
//!
//! Without a hidden layer this is one independent logistic unit per class trained on squared
//! error: a one-vs-rest linear classifier. Learning rate 1 on standardized features had the best
//! mean 5-fold accuracy of 0.5, 1, 2, 5 and 10 over iris, wine, breast_cancer and digits (0.963;
//! 2 tied it within a row per fold: better on digits, worse on breast_cancer; winequality_red
//! gave 0.579 at both 1 and 2). The article's 10000 iterations are kept: they are what the
//! article runs, and the fit stays linear in size (digits: 64 → 10, a few seconds).
//!
//! The helpers shared with `sigmoid-mlp` (one-hot targets, scores from sigmoid outputs) live
//! here.

use ndarray::{Array1, Array2, ArrayView2};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{
    check_saved, check_saved_finite, read_saved, saved_matrix, write_saved, ClassScores, Fitted,
    Model, ModelError, ModelFacts, ModelRole, ModelSize, Prediction, TrainSet, MAX_SAVED_CLASSES,
};
use crate::data::Task;
use crate::nn::{GradientScale, Layer, Network, NetworkSettings, OutputActivation};

/// Smallest output kept before normalising, so that no score is exactly 0.
const MIN_OUTPUT: f64 = 1e-12;

/// The article's network without a hidden layer.
pub struct SigmoidNet {
    pub learning_rate: f64,
    pub iterations: usize,
}

impl Default for SigmoidNet {
    fn default() -> Self {
        SigmoidNet {
            learning_rate: 1.0,
            iterations: 10_000,
        }
    }
}

impl SigmoidNet {
    fn network_settings(&self, seed: u64) -> NetworkSettings {
        NetworkSettings {
            hidden_layers: Vec::new(),
            learning_rate: self.learning_rate,
            iterations: self.iterations,
            bias: true,
            output: OutputActivation::Sigmoid,
            gradient_scale: GradientScale::Mean,
            seed,
        }
    }
}

impl Model for SigmoidNet {
    fn name(&self) -> &'static str {
        "sigmoid-net"
    }
    fn description(&self) -> &'static str {
        "the article's sigmoid network, no hidden layer, one output per class (modelbench nn)"
    }
    fn facts(&self) -> ModelFacts {
        ModelFacts {
            role: ModelRole::Network,
            readability_rank: 9,
            cost_rank: 9,
            tuning_grid: &[],
        }
    }
    fn defaults_chosen_on_bundled_data(&self) -> bool {
        true
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification]
    }
    fn settings(&self) -> serde_json::Value {
        let settings = self.network_settings(0);
        json!({
            "hidden_layers": settings.hidden_layers,
            "learning_rate": settings.learning_rate,
            "iterations": settings.iterations,
            "bias": settings.bias,
            "output": settings.output,
            "gradient_scale": settings.gradient_scale,
            "loss": "squared error",
            "initial_weights": "uniform [-1, 1), seeded by the fold",
        })
    }
    fn wants_standardized_features(&self) -> bool {
        true
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        let (labels, n_classes) = train.classes()?;
        let targets = one_hot(labels, n_classes);
        let settings = self.network_settings(train.seed());
        let network = Network::<f64>::fit(train.features(), targets.view(), &settings)
            .map_err(|e| ModelError::new(format!("sigmoid network: {e}")))?;
        Ok(Box::new(FittedClassifierNetwork(network)))
    }
    fn load_fitted(&self, saved: &serde_json::Value) -> Result<Box<dyn Fitted>, ModelError> {
        let saved: SavedNetwork = read_saved(self.name(), saved)?;
        Ok(Box::new(saved.into_classifier(self.name())?))
    }
}

/// A fitted sigmoid network as saved in a model file (and read by the ONNX export).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedNetwork {
    /// Input layer first: `output = activation(input · weights + bias)`, sigmoid on every
    /// layer but a linear output.
    pub layers: Vec<SavedLayer>,
    pub output: OutputActivation,
    /// Regression only: the prediction is `output · target_scale + target_mean`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_mean: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_scale: Option<f64>,
}

/// One layer of a [`SavedNetwork`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedLayer {
    pub inputs: usize,
    pub outputs: usize,
    /// Row-major, `inputs` × `outputs`.
    pub weights: Vec<f64>,
    pub bias: Option<Vec<f64>>,
}

impl SavedNetwork {
    pub(super) fn from_network(network: &Network<f64>) -> Self {
        SavedNetwork {
            layers: network
                .layers
                .iter()
                .map(|layer| SavedLayer {
                    inputs: layer.weights.nrows(),
                    outputs: layer.weights.ncols(),
                    weights: layer.weights.iter().copied().collect(),
                    bias: layer.bias.as_ref().map(|b| b.to_vec()),
                })
                .collect(),
            output: network.output,
            target_mean: None,
            target_scale: None,
        }
    }

    /// The network, after checking that the layers chain and every number is finite.
    pub(super) fn to_network(&self, model: &str) -> Result<Network<f64>, ModelError> {
        check_saved(model, !self.layers.is_empty(), "the network has no layers")?;
        let chained = self
            .layers
            .windows(2)
            .all(|pair| pair[0].outputs == pair[1].inputs);
        check_saved(model, chained, "the network's layer widths do not chain")?;
        let layers = self
            .layers
            .iter()
            .map(|layer| {
                let weights = saved_matrix(
                    model,
                    "layer weights",
                    layer.inputs,
                    layer.outputs,
                    layer.weights.clone(),
                )?;
                let bias = match &layer.bias {
                    Some(bias) => {
                        check_saved(
                            model,
                            bias.len() == layer.outputs,
                            "a bias does not match its layer",
                        )?;
                        check_saved_finite(model, "biases", bias)?;
                        Some(Array1::from(bias.clone()))
                    }
                    None => None,
                };
                Ok(Layer { weights, bias })
            })
            .collect::<Result<Vec<_>, ModelError>>()?;
        Ok(Network {
            layers,
            output: self.output,
        })
    }

    pub(super) fn into_classifier(
        self,
        model: &str,
    ) -> Result<FittedClassifierNetwork, ModelError> {
        let network = self.to_network(model)?;
        check_saved(
            model,
            self.output == OutputActivation::Sigmoid
                && (2..=MAX_SAVED_CLASSES).contains(&network.outputs()),
            "a classifier network needs sigmoid outputs, one per class",
        )?;
        Ok(FittedClassifierNetwork(network))
    }
}

/// One row per label, 1 in the label's column and 0 elsewhere.
pub(super) fn one_hot(labels: &[usize], n_classes: usize) -> Array2<f64> {
    let mut targets = Array2::zeros((labels.len(), n_classes));
    for (row, &label) in labels.iter().enumerate() {
        targets[[row, label]] = 1.0;
    }
    targets
}

/// Classes and normalised scores from sigmoid outputs (rows × classes).
pub(super) fn classes_from_outputs(mut outputs: Array2<f64>) -> Result<Prediction, ModelError> {
    if outputs.iter().any(|v| !v.is_finite()) {
        return Err(ModelError::new(
            "the network's outputs are not finite; try a smaller learning rate",
        ));
    }
    let mut labels = Vec::with_capacity(outputs.nrows());
    for mut row in outputs.outer_iter_mut() {
        labels.push((0..row.len()).fold(0, |b, c| if row[c] > row[b] { c } else { b }));
        row.mapv_inplace(|v| v.max(MIN_OUTPUT));
        let total = row.sum();
        row /= total;
    }
    Ok(Prediction::Classes {
        labels,
        scores: Some(ClassScores {
            values: outputs,
            are_probabilities: true,
        }),
    })
}

/// Checks that `features` has the columns the network was trained on.
pub(super) fn check_width(
    network: &Network<f64>,
    features: ArrayView2<f64>,
) -> Result<(), ModelError> {
    if features.ncols() == network.inputs() {
        Ok(())
    } else {
        Err(ModelError::new(format!(
            "the network was trained on {} features but got {}",
            network.inputs(),
            features.ncols()
        )))
    }
}

/// A trained network with one sigmoid output per class.
pub(super) struct FittedClassifierNetwork(pub(super) Network<f64>);

impl Fitted for FittedClassifierNetwork {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        check_width(&self.0, features)?;
        classes_from_outputs(self.0.predict(features))
    }
    fn size(&self) -> ModelSize {
        ModelSize {
            parameters: Some(self.0.parameter_count()),
            ..ModelSize::default()
        }
    }
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        write_saved(&SavedNetwork::from_network(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::TargetSlice;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    fn classify(
        x: &Array2<f64>,
        labels: &[usize],
        n: usize,
        seed: u64,
    ) -> (Vec<usize>, Array2<f64>) {
        let train = TrainSet::new(
            x.view(),
            TargetSlice::Classes {
                labels,
                n_classes: n,
            },
            seed,
        )
        .unwrap();
        let model = SigmoidNet {
            iterations: 2000,
            ..SigmoidNet::default()
        };
        let Prediction::Classes { labels, scores } =
            model.fit(&train).unwrap().predict(x.view()).unwrap()
        else {
            panic!("classifier returned values")
        };
        (labels, scores.unwrap().values)
    }

    #[test]
    fn separates_two_classes_with_normalised_scores() {
        let x = array![
            [-1.0, -1.2],
            [-0.8, -1.0],
            [-1.1, -0.7],
            [1.0, 0.9],
            [0.8, 1.2],
            [1.2, 1.0]
        ];
        let (labels, scores) = classify(&x, &[0, 0, 0, 1, 1, 1], 2, 1);
        assert_eq!(labels, vec![0, 0, 0, 1, 1, 1]);
        for row in scores.outer_iter() {
            assert_abs_diff_eq!(row.sum(), 1.0, epsilon = 1e-12);
            assert!(row.iter().all(|&p| p > 0.0));
        }
    }

    #[test]
    fn separates_three_classes() {
        let x = array![
            [0.0, 0.0],
            [0.2, 0.1],
            [3.0, 0.0],
            [3.1, 0.2],
            [0.0, 3.0],
            [0.1, 3.2]
        ];
        let (labels, _) = classify(&x, &[0, 0, 1, 1, 2, 2], 3, 7);
        assert_eq!(labels, vec![0, 0, 1, 1, 2, 2]);
    }

    #[test]
    fn same_seed_same_model_and_size_counts_weights_and_biases() {
        let x = array![[0.0, 1.0], [1.0, 0.0], [0.5, 0.5], [1.0, 1.0]];
        let labels = [0, 1, 0, 1];
        assert_eq!(classify(&x, &labels, 2, 3), classify(&x, &labels, 2, 3));
        let train = TrainSet::new(
            x.view(),
            TargetSlice::Classes {
                labels: &labels,
                n_classes: 2,
            },
            3,
        )
        .unwrap();
        let fitted = SigmoidNet {
            iterations: 10,
            ..SigmoidNet::default()
        }
        .fit(&train)
        .unwrap();
        assert_eq!(fitted.size().parameters, Some(2 * 2 + 2));
        assert!(fitted.predict(array![[1.0]].view()).is_err());
    }

    #[test]
    fn refuses_regression_targets() {
        let x = array![[0.0], [1.0]];
        let train = TrainSet::new(x.view(), TargetSlice::Values(&[1.0, 3.0]), 0).unwrap();
        assert!(SigmoidNet::default().fit(&train).is_err());
    }
}
