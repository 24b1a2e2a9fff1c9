//! The Adam optimiser (Kingma and Ba, 2015) as scikit-learn's `AdamOptimizer` applies it: bias
//! correction folded into the step size, `epsilon` added to the root of the second moment.

use serde::{Deserialize, Serialize};

/// Adam's hyperparameters; the defaults are scikit-learn's (and the paper's).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AdamSettings {
    pub learning_rate: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub epsilon: f64,
}

impl Default for AdamSettings {
    fn default() -> Self {
        AdamSettings {
            learning_rate: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        }
    }
}

/// Adam's state for one flat parameter vector.
#[derive(Debug, Clone)]
pub struct Adam {
    settings: AdamSettings,
    steps: i32,
    first_moment: Vec<f64>,
    second_moment: Vec<f64>,
}

impl Adam {
    /// A fresh optimiser for `parameters` numbers (moments start at zero).
    pub fn new(parameters: usize, settings: AdamSettings) -> Self {
        Adam {
            settings,
            steps: 0,
            first_moment: vec![0.0; parameters],
            second_moment: vec![0.0; parameters],
        }
    }

    /// One update of `parameters` along `gradient`; allocates nothing.
    pub fn step(&mut self, parameters: &mut [f64], gradient: &[f64]) {
        let AdamSettings {
            learning_rate,
            beta1,
            beta2,
            epsilon,
        } = self.settings;
        self.steps = self.steps.saturating_add(1);
        let step_size =
            learning_rate * (1.0 - beta2.powi(self.steps)).sqrt() / (1.0 - beta1.powi(self.steps));
        let moments = self.first_moment.iter_mut().zip(&mut self.second_moment);
        for ((p, &g), (m, v)) in parameters.iter_mut().zip(gradient).zip(moments) {
            *m = beta1 * *m + (1.0 - beta1) * g;
            *v = beta2 * *v + (1.0 - beta2) * g * g;
            *p -= step_size * *m / (v.sqrt() + epsilon);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn first_step_moves_each_parameter_by_the_learning_rate() {
        // After one step m = 0.1 g, v = 0.001 g², step size = lr · sqrt(0.001) / 0.1, so the
        // move is lr · g / (|g| + eps / sqrt(0.001)) ≈ lr · sign(g).
        let mut adam = Adam::new(2, AdamSettings::default());
        let mut p = [1.0, -1.0];
        adam.step(&mut p, &[4.0, -0.5]);
        assert_abs_diff_eq!(p[0], 1.0 - 1e-3, epsilon = 1e-9);
        assert_abs_diff_eq!(p[1], -1.0 + 1e-3, epsilon = 1e-9);
    }

    #[test]
    fn minimises_a_quadratic() {
        // f(p) = (p - 3)², gradient 2 (p - 3).
        let mut adam = Adam::new(
            1,
            AdamSettings {
                learning_rate: 0.1,
                ..AdamSettings::default()
            },
        );
        let mut p = [0.0];
        for _ in 0..2000 {
            let g = [2.0 * (p[0] - 3.0)];
            adam.step(&mut p, &g);
        }
        assert_abs_diff_eq!(p[0], 3.0, epsilon = 1e-3);
    }
}
