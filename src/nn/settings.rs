//! Hyperparameters of the sigmoid network, checked once before training.

use serde::{Deserialize, Serialize};

/// What the last layer computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutputActivation {
    /// Sigmoid outputs (classification: one unit per class, or the article's single unit).
    Sigmoid,
    /// Identity output (regression); its slope is 1.
    Linear,
}

/// How the per-row gradients are combined into one update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GradientScale {
    /// The article's rule: add up the rows' updates (step 1 on the summed gradient).
    Sum,
    /// Divide by the number of rows, so the learning rate does not depend on the data size.
    Mean,
}

/// Settings of a sigmoid network. Build one, then [`NetworkSettings::validate`] it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkSettings {
    /// Widths of the hidden layers; empty is the article's network with no hidden layer.
    pub hidden_layers: Vec<usize>,
    /// Step size of gradient descent.
    pub learning_rate: f64,
    /// Number of full-batch steps (the article runs 10000).
    pub iterations: usize,
    /// Whether each layer has a bias term (the article folds it into a constant input column).
    pub bias: bool,
    /// Activation of the output layer.
    pub output: OutputActivation,
    /// Sum or mean of the per-row gradients.
    pub gradient_scale: GradientScale,
    /// Seed of the uniform [-1, 1) weight initialisation.
    pub seed: u64,
}

impl Default for NetworkSettings {
    fn default() -> Self {
        NetworkSettings {
            hidden_layers: Vec::new(),
            learning_rate: 1.0,
            iterations: 10_000,
            bias: true,
            output: OutputActivation::Sigmoid,
            gradient_scale: GradientScale::Mean,
            seed: 1,
        }
    }
}

/// A setting that cannot train, with the rule it breaks and the value given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingsError {
    #[error("learning rate must be finite and greater than 0, but was {0}")]
    LearningRate(f64),
    #[error("hidden layer {index} must have at least one unit, but has 0")]
    EmptyHiddenLayer { index: usize },
    #[error("iterations must be at least 1, but was 0")]
    NoIterations,
}

impl NetworkSettings {
    /// Checks every setting; training only ever sees validated settings.
    pub fn validate(&self) -> Result<(), SettingsError> {
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(SettingsError::LearningRate(self.learning_rate));
        }
        if let Some(index) = self.hidden_layers.iter().position(|&w| w == 0) {
            return Err(SettingsError::EmptyHiddenLayer { index });
        }
        if self.iterations == 0 {
            return Err(SettingsError::NoIterations);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_settings_with_the_value() {
        let bad = NetworkSettings {
            learning_rate: -0.5,
            ..NetworkSettings::default()
        };
        assert_eq!(
            bad.validate().unwrap_err().to_string(),
            "learning rate must be finite and greater than 0, but was -0.5"
        );
        let empty = NetworkSettings {
            hidden_layers: vec![4, 0],
            ..NetworkSettings::default()
        };
        assert!(matches!(
            empty.validate(),
            Err(SettingsError::EmptyHiddenLayer { index: 1 })
        ));
        assert!(NetworkSettings::default().validate().is_ok());
    }
}
