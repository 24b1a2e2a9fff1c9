//! The three losses boosting minimises, with scikit-learn's baselines, gradients and hessians:
//! half squared error (hessian 1), binary log-loss on the log-odds, and multiclass log-loss on
//! K raw scores through softmax (hessian `p_k (1 - p_k)`, as scikit-learn).
//!
//! Raw scores are stored class-major: `raw[k * rows + i]` is row `i`'s score for output `k`.

use serde::{Deserialize, Serialize};

/// Class frequencies are clipped to [EPS, 1 - EPS] before the log, so a class missing from the
/// training rows gives a very low, finite baseline (scikit-learn does the same).
const EPS: f64 = f64::EPSILON;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Loss {
    SquaredError,
    Binomial,
    Multinomial { classes: usize },
}

/// Training targets: values for regression, class indices for classification.
#[derive(Debug, Clone)]
pub enum Targets {
    Values(Vec<f64>),
    Classes(Vec<usize>),
}

impl Targets {
    fn value(&self, i: usize) -> f64 {
        match self {
            Targets::Values(v) => v[i],
            Targets::Classes(c) => c[i] as f64,
        }
    }

    fn class(&self, i: usize) -> usize {
        match self {
            Targets::Values(v) => v[i] as usize,
            Targets::Classes(c) => c[i],
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Targets::Values(v) => v.len(),
            Targets::Classes(c) => c.len(),
        }
    }
}

impl Loss {
    /// Raw scores per row: 1, or K for multiclass.
    pub fn outputs(&self) -> usize {
        match self {
            Loss::Multinomial { classes } => *classes,
            _ => 1,
        }
    }

    /// Whether every hessian is 1 (then histograms count rows instead of summing hessians).
    pub fn has_constant_hessian(&self) -> bool {
        matches!(self, Loss::SquaredError)
    }

    /// The best constant raw score per output: the mean, the log-odds of the positive rate, or
    /// the centred log class frequencies.
    pub fn baseline(&self, targets: &Targets) -> Vec<f64> {
        let n = targets.len() as f64;
        match self {
            Loss::SquaredError => {
                vec![(0..targets.len()).map(|i| targets.value(i)).sum::<f64>() / n]
            }
            Loss::Binomial => {
                let p = ((0..targets.len()).map(|i| targets.value(i)).sum::<f64>() / n)
                    .clamp(EPS, 1.0 - EPS);
                vec![(p / (1.0 - p)).ln()]
            }
            Loss::Multinomial { classes } => {
                let mut counts = vec![0.0; *classes];
                for i in 0..targets.len() {
                    counts[targets.class(i)] += 1.0;
                }
                let logs: Vec<f64> = counts
                    .iter()
                    .map(|c| (c / n).clamp(EPS, 1.0 - EPS).ln())
                    .collect();
                let mean = logs.iter().sum::<f64>() / *classes as f64;
                logs.iter().map(|l| l - mean).collect()
            }
        }
    }

    /// Fills gradients (and hessians, unless constant) of every output from the raw scores.
    pub fn gradients(
        &self,
        raw: &[f64],
        targets: &Targets,
        gradients: &mut [f64],
        hessians: &mut [f64],
    ) {
        let rows = targets.len();
        match self {
            Loss::SquaredError => {
                for i in 0..rows {
                    gradients[i] = raw[i] - targets.value(i);
                }
            }
            Loss::Binomial => {
                for i in 0..rows {
                    let p = sigmoid(raw[i]);
                    gradients[i] = p - targets.value(i);
                    hessians[i] = p * (1.0 - p);
                }
            }
            Loss::Multinomial { classes } => {
                let mut probabilities = vec![0.0; *classes];
                for i in 0..rows {
                    softmax((0..*classes).map(|k| raw[k * rows + i]), &mut probabilities);
                    let label = targets.class(i);
                    for (k, &p) in probabilities.iter().enumerate() {
                        gradients[k * rows + i] = p - if k == label { 1.0 } else { 0.0 };
                        hessians[k * rows + i] = p * (1.0 - p);
                    }
                }
            }
        }
    }

    /// Mean loss of raw scores (class-major, `targets.len()` rows), the early-stopping score.
    pub fn mean_loss(&self, raw: &[f64], targets: &Targets) -> f64 {
        let rows = targets.len();
        if rows == 0 {
            return 0.0;
        }
        let total: f64 = match self {
            Loss::SquaredError => (0..rows)
                .map(|i| 0.5 * (targets.value(i) - raw[i]).powi(2))
                .sum(),
            // log(1 + e^z) - y z, the log-loss written on the log-odds.
            Loss::Binomial => (0..rows)
                .map(|i| softplus(raw[i]) - targets.value(i) * raw[i])
                .sum(),
            Loss::Multinomial { classes } => (0..rows)
                .map(|i| {
                    let scores = (0..*classes).map(|k| raw[k * rows + i]);
                    log_sum_exp(scores) - raw[targets.class(i) * rows + i]
                })
                .sum(),
        };
        total / rows as f64
    }
}

pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

fn softplus(z: f64) -> f64 {
    if z > 0.0 {
        z + (-z).exp().ln_1p()
    } else {
        z.exp().ln_1p()
    }
}

fn log_sum_exp(scores: impl Iterator<Item = f64> + Clone) -> f64 {
    let max = scores.clone().fold(f64::NEG_INFINITY, f64::max);
    max + scores.map(|s| (s - max).exp()).sum::<f64>().ln()
}

/// Writes softmax of `scores` into `out` (shifted by the maximum, so no overflow).
pub fn softmax(scores: impl Iterator<Item = f64> + Clone, out: &mut [f64]) {
    let max = scores.clone().fold(f64::NEG_INFINITY, f64::max);
    let mut total = 0.0;
    for (o, s) in out.iter_mut().zip(scores) {
        *o = (s - max).exp();
        total += *o;
    }
    for o in out.iter_mut() {
        *o /= total;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn baselines_are_the_best_constants() {
        let values = Targets::Values(vec![1.0, 2.0, 6.0]);
        assert_eq!(Loss::SquaredError.baseline(&values), vec![3.0]);
        // One positive in four: log(0.25 / 0.75) = -ln 3.
        let binary = Targets::Classes(vec![0, 1, 0, 0]);
        assert_abs_diff_eq!(
            Loss::Binomial.baseline(&binary)[0],
            -(3f64.ln()),
            epsilon = 1e-12
        );
        // Frequencies 1/2, 1/4, 1/4: softmax of the baseline gives them back.
        let classes = Targets::Classes(vec![0, 0, 1, 2]);
        let base = Loss::Multinomial { classes: 3 }.baseline(&classes);
        let mut p = vec![0.0; 3];
        softmax(base.iter().copied(), &mut p);
        assert_abs_diff_eq!(p[0], 0.5, epsilon = 1e-12);
        assert_abs_diff_eq!(p[2], 0.25, epsilon = 1e-12);
        // A class absent from training gets a finite, very low score.
        let absent = Loss::Multinomial { classes: 3 }.baseline(&Targets::Classes(vec![0, 1]));
        assert!(absent[2].is_finite() && absent[2] < absent[0] - 30.0);
    }

    #[test]
    fn gradients_and_losses_match_hand_values() {
        let targets = Targets::Classes(vec![1, 0]);
        let (mut g, mut h) = (vec![0.0; 2], vec![0.0; 2]);
        Loss::Binomial.gradients(&[0.0, 0.0], &targets, &mut g, &mut h);
        // p = 0.5: gradient p - y, hessian p (1 - p) = 0.25.
        assert_eq!(g, vec![-0.5, 0.5]);
        assert_eq!(h, vec![0.25, 0.25]);
        assert_abs_diff_eq!(
            Loss::Binomial.mean_loss(&[0.0, 0.0], &targets),
            2f64.ln(),
            epsilon = 1e-12
        );
        // Three classes, equal scores: p = 1/3 each, loss ln 3.
        let three = Loss::Multinomial { classes: 3 };
        let (mut g, mut h) = (vec![0.0; 3], vec![0.0; 3]);
        let t = Targets::Classes(vec![2]);
        three.gradients(&[0.0; 3], &t, &mut g, &mut h);
        assert_abs_diff_eq!(g[2], 1.0 / 3.0 - 1.0, epsilon = 1e-12);
        assert_abs_diff_eq!(h[0], 2.0 / 9.0, epsilon = 1e-12);
        assert_abs_diff_eq!(three.mean_loss(&[0.0; 3], &t), 3f64.ln(), epsilon = 1e-12);
        // Extreme scores stay finite.
        assert!(Loss::Binomial
            .mean_loss(&[800.0], &Targets::Classes(vec![0]))
            .is_finite());
    }
}
