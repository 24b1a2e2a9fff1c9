//! `naive-bayes`: Gaussian naive Bayes from linfa-bayes (`GaussianNb`), with scikit-learn's
//! `GaussianNB()` default variance smoothing (1e-9 × the largest feature variance).
//!
//! linfa-bayes fits the per-class means, variances and priors; an earlier probe found it equal
//! to scikit-learn. Predictions are made here from its joint log-likelihoods rather than its
//! `predict`/`predict_proba`: its `predict` breaks ties in hash-map order, and its
//! `predict_proba` exponentiates without subtracting the row maximum, which underflows to NaN
//! on many-feature data such as digits. We normalise with the log-sum-exp trick instead, take
//! the arg-max with ties to the lowest class index, and give a class absent from the training
//! fold probability 0.
//!
//! Features are used unscaled (a Gaussian per feature and class does not need scaling).

use std::collections::HashMap;

use linfa::traits::Fit;
use linfa::DatasetBase;
use linfa_bayes::{GaussianNb, NaiveBayes};
use ndarray::{Array1, Array2, ArrayView2, Axis};
use serde_json::json;

use super::{
    check_saved, check_saved_finite, read_saved, write_saved, ClassScores, Fitted, Model,
    ModelError, ModelFacts, ModelRole, ModelSize, Prediction, TrainSet, MAX_SAVED_CLASSES,
};
use crate::data::Task;

/// scikit-learn's default: this fraction of the largest feature variance is added to every
/// variance, so that a constant feature within a class does not divide by zero.
const DEFAULT_VAR_SMOOTHING: f64 = 1e-9;

/// Gaussian naive Bayes (linfa-bayes).
pub struct NaiveBayesModel {
    pub var_smoothing: f64,
}

impl Default for NaiveBayesModel {
    fn default() -> Self {
        NaiveBayesModel {
            var_smoothing: DEFAULT_VAR_SMOOTHING,
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct FittedNaiveBayes {
    model: GaussianNb<f64, usize>,
    n_classes: usize,
    n_features: usize,
    classes_seen: usize,
}

impl Model for NaiveBayesModel {
    fn name(&self) -> &'static str {
        "naive-bayes"
    }
    fn description(&self) -> &'static str {
        "Gaussian naive Bayes (linfa-bayes GaussianNb, scikit-learn's variance smoothing)"
    }
    fn facts(&self) -> ModelFacts {
        ModelFacts {
            role: ModelRole::Simple,
            readability_rank: 3,
            cost_rank: 1,
            tuning_grid: &[],
        }
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification]
    }
    fn settings(&self) -> serde_json::Value {
        json!({ "var_smoothing": self.var_smoothing })
    }
    fn wants_standardized_features(&self) -> bool {
        false
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        let (labels, n_classes) = train.classes()?;
        let x = train.features();
        // linfa's smoothing is relative to the largest variance: if that is 0 every variance
        // stays 0 and the likelihoods become NaN, so refuse it here.
        let variances = x.var_axis(Axis(0), 0.0);
        // Values near ±1.8e308 overflow the variance to infinity or NaN.
        if variances.iter().any(|v| !v.is_finite()) {
            return Err(ModelError::new(
                "naive Bayes cannot estimate a variance: a feature's values are too large (their squares pass 1.8e308); rescale that feature",
            ));
        }
        let largest_variance = variances.iter().fold(0.0f64, |a, &b| a.max(b));
        if largest_variance <= 0.0 {
            return Err(ModelError::new(
                "naive Bayes needs at least one feature that varies in the training fold",
            ));
        }
        let dataset = DatasetBase::new(x, Array1::from(labels.to_vec()));
        let model = GaussianNb::<f64, usize>::params()
            .var_smoothing(self.var_smoothing)
            .fit(&dataset)
            .map_err(|e| ModelError::new(format!("linfa-bayes GaussianNb: {e}")))?;
        let mut seen = vec![false; n_classes];
        labels.iter().for_each(|&l| seen[l] = true);
        Ok(Box::new(FittedNaiveBayes {
            model,
            n_classes,
            n_features: x.ncols(),
            classes_seen: seen.iter().filter(|&&s| s).count(),
        }))
    }
    fn load_fitted(&self, saved: &serde_json::Value) -> Result<Box<dyn Fitted>, ModelError> {
        let name = self.name();
        // linfa-bayes would panic on a mean or variance of the wrong length: check a mirror of
        // its serialized form first.
        #[derive(serde::Deserialize)]
        struct ClassInfo {
            prior: f64,
            theta: Array1<f64>,
            sigma: Array1<f64>,
        }
        #[derive(serde::Deserialize)]
        struct Model {
            class_info: HashMap<usize, ClassInfo>,
        }
        #[derive(serde::Deserialize)]
        struct Mirror {
            model: Model,
            n_classes: usize,
            n_features: usize,
        }
        let mirror: Mirror = read_saved(name, saved)?;
        check_saved(
            name,
            (2..=MAX_SAVED_CLASSES).contains(&mirror.n_classes)
                && !mirror.model.class_info.is_empty()
                && mirror
                    .model
                    .class_info
                    .keys()
                    .all(|&c| c < mirror.n_classes),
            "its classes do not lie in 0..n_classes",
        )?;
        for info in mirror.model.class_info.values() {
            check_saved(
                name,
                info.theta.len() == mirror.n_features && info.sigma.len() == mirror.n_features,
                "a class's means or variances do not match the features",
            )?;
            check_saved_finite(name, "means", &info.theta)?;
            check_saved(
                name,
                info.sigma.iter().all(|v| v.is_finite() && *v > 0.0)
                    && info.prior.is_finite()
                    && info.prior > 0.0,
                "variances and priors must be positive and finite",
            )?;
        }
        let fitted: FittedNaiveBayes = read_saved(name, saved)?;
        Ok(Box::new(fitted))
    }
}

impl Fitted for FittedNaiveBayes {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        if features.ncols() != self.n_features {
            return Err(ModelError::new(format!(
                "naive-bayes was trained on {} features but got {}",
                self.n_features,
                features.ncols()
            )));
        }
        let joint: HashMap<&usize, Array1<f64>> = self.model.joint_log_likelihood(features);
        let mut scores = Array2::from_elem((features.nrows(), self.n_classes), f64::NEG_INFINITY);
        for (&class, column) in joint {
            if class < self.n_classes {
                scores.column_mut(class).assign(&column);
            }
        }
        let mut labels = Vec::with_capacity(features.nrows());
        for mut row in scores.outer_iter_mut() {
            let best = (0..row.len()).fold(0, |b, c| if row[c] > row[b] { c } else { b });
            let top = row[best];
            if !top.is_finite() {
                return Err(ModelError::new(
                    "naive Bayes likelihoods are not finite for a test row",
                ));
            }
            row.mapv_inplace(|v| (v - top).exp());
            let total = row.sum();
            row /= total;
            labels.push(best);
        }
        Ok(Prediction::Classes {
            labels,
            scores: Some(ClassScores {
                values: scores,
                are_probabilities: true,
            }),
        })
    }
    fn size(&self) -> ModelSize {
        // A mean and a variance per feature and class, and a prior per class.
        ModelSize {
            parameters: Some(self.classes_seen * (2 * self.n_features + 1)),
            ..ModelSize::default()
        }
    }
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        write_saved(self)
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
        test: &Array2<f64>,
    ) -> (Vec<usize>, Array2<f64>) {
        let train = TrainSet::new(
            x.view(),
            TargetSlice::Classes {
                labels,
                n_classes: n,
            },
            0,
        )
        .unwrap();
        let fitted = NaiveBayesModel::default().fit(&train).unwrap();
        let Prediction::Classes { labels, scores } = fitted.predict(test.view()).unwrap() else {
            panic!("classifier returned values")
        };
        (labels, scores.unwrap().values)
    }

    #[test]
    fn separates_two_classes_with_probabilities() {
        let x = array![
            [-2.0, -1.0],
            [-1.0, -1.0],
            [-1.0, -2.0],
            [1.0, 1.0],
            [1.0, 2.0],
            [2.0, 1.0]
        ];
        let (labels, scores) = classify(
            &x,
            &[0, 0, 0, 1, 1, 1],
            2,
            &array![[-1.5, -1.5], [1.5, 1.5]],
        );
        assert_eq!(labels, vec![0, 1]);
        assert!(scores[[0, 0]] > 0.99 && scores[[1, 1]] > 0.99, "{scores}");
        for row in scores.outer_iter() {
            assert_abs_diff_eq!(row.sum(), 1.0, epsilon = 1e-12);
        }
    }

    #[test]
    fn three_classes_with_one_absent_from_training() {
        let x = array![[0.0], [0.2], [5.0], [5.2], [10.0], [10.2]];
        let (labels, _) = classify(&x, &[0, 0, 1, 1, 2, 2], 3, &array![[0.1], [5.1], [10.1]]);
        assert_eq!(labels, vec![0, 1, 2]);
        // Class 3 never occurs: probability 0, never predicted.
        let (labels, scores) = classify(&x, &[0, 0, 1, 1, 2, 2], 4, &array![[7.0]]);
        assert!(labels[0] < 3);
        assert_eq!(scores[[0, 3]], 0.0);
    }

    #[test]
    fn far_rows_keep_finite_probabilities_and_results_repeat() {
        // exp of the raw log-likelihood underflows here; the normalised scores must not.
        let x = array![[0.0, 0.0], [0.1, 0.1], [1.0, 1.0], [1.1, 1.1]];
        let far = array![[400.0, 400.0]];
        let (a, scores) = classify(&x, &[0, 0, 1, 1], 2, &far);
        let (b, _) = classify(&x, &[0, 0, 1, 1], 2, &far);
        assert_eq!(a, vec![1]);
        assert_eq!(a, b);
        assert!(scores.iter().all(|p| p.is_finite()));
    }

    #[test]
    fn constant_features_are_refused_not_nan() {
        let x = array![[1.0], [1.0]];
        let train = TrainSet::new(
            x.view(),
            TargetSlice::Classes {
                labels: &[0, 1],
                n_classes: 2,
            },
            0,
        )
        .unwrap();
        assert!(NaiveBayesModel::default().fit(&train).is_err());
    }
}
