//! The floors every model must beat: `majority` (most frequent class) and `mean` (mean target).

use ndarray::{Array2, ArrayView2};
use serde_json::json;

use super::{
    check_saved, check_saved_finite, read_saved, write_saved, ClassScores, Fitted, Model,
    ModelError, ModelFacts, ModelRole, ModelSize, Prediction, TrainSet, MAX_SAVED_CLASSES,
};
use crate::data::Task;

/// Predicts the training fold's most frequent class (ties: lowest class index).
pub struct Majority;

#[derive(serde::Serialize, serde::Deserialize)]
struct FittedMajority {
    class: usize,
    priors: Vec<f64>,
}

impl Model for Majority {
    fn name(&self) -> &'static str {
        "majority"
    }
    fn description(&self) -> &'static str {
        "predicts the most frequent class of the training fold: the floor every model must beat"
    }
    fn facts(&self) -> ModelFacts {
        ModelFacts {
            role: ModelRole::Baseline,
            readability_rank: 0,
            cost_rank: 0,
            tuning_grid: &[],
        }
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification]
    }
    fn settings(&self) -> serde_json::Value {
        json!({})
    }
    fn wants_standardized_features(&self) -> bool {
        false
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        let (labels, n_classes) = train.classes()?;
        let mut counts = vec![0usize; n_classes];
        labels.iter().for_each(|&l| counts[l] += 1);
        let class =
            (0..n_classes).fold(0, |best, c| if counts[c] > counts[best] { c } else { best });
        let priors = counts
            .iter()
            .map(|&c| c as f64 / labels.len() as f64)
            .collect();
        Ok(Box::new(FittedMajority { class, priors }))
    }
    fn load_fitted(&self, saved: &serde_json::Value) -> Result<Box<dyn Fitted>, ModelError> {
        let fitted: FittedMajority = read_saved(self.name(), saved)?;
        let classes = fitted.priors.len();
        check_saved(
            self.name(),
            (2..=MAX_SAVED_CLASSES).contains(&classes) && fitted.class < classes,
            "the class is not one of the priors",
        )?;
        check_saved_finite(self.name(), "priors", &fitted.priors)?;
        Ok(Box::new(fitted))
    }
}

impl Fitted for FittedMajority {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        let rows = features.nrows();
        let values = Array2::from_shape_fn((rows, self.priors.len()), |(_, c)| self.priors[c]);
        Ok(Prediction::Classes {
            labels: vec![self.class; rows],
            scores: Some(ClassScores {
                values,
                are_probabilities: true,
            }),
        })
    }
    fn size(&self) -> ModelSize {
        ModelSize {
            parameters: Some(self.priors.len()),
            ..ModelSize::default()
        }
    }
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        write_saved(self)
    }
}

/// Predicts the training fold's mean target.
pub struct Mean;

#[derive(serde::Serialize, serde::Deserialize)]
struct FittedMean(f64);

impl Model for Mean {
    fn name(&self) -> &'static str {
        "mean"
    }
    fn description(&self) -> &'static str {
        "predicts the mean target of the training fold: the regression floor (R^2 near 0)"
    }
    fn facts(&self) -> ModelFacts {
        ModelFacts {
            role: ModelRole::Baseline,
            readability_rank: 0,
            cost_rank: 0,
            tuning_grid: &[],
        }
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Regression]
    }
    fn settings(&self) -> serde_json::Value {
        json!({})
    }
    fn wants_standardized_features(&self) -> bool {
        false
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        let values = train.values()?;
        Ok(Box::new(FittedMean(
            values.iter().sum::<f64>() / values.len() as f64,
        )))
    }
    fn load_fitted(&self, saved: &serde_json::Value) -> Result<Box<dyn Fitted>, ModelError> {
        let fitted: FittedMean = read_saved(self.name(), saved)?;
        check_saved_finite(self.name(), "the mean", [&fitted.0])?;
        Ok(Box::new(fitted))
    }
}

impl Fitted for FittedMean {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        Ok(Prediction::Values(vec![self.0; features.nrows()]))
    }
    fn size(&self) -> ModelSize {
        ModelSize {
            parameters: Some(1),
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
    use ndarray::array;

    #[test]
    fn majority_predicts_most_frequent_class_with_priors() {
        let x = array![[0.0], [1.0], [2.0], [3.0]];
        let train = TrainSet::new(
            x.view(),
            TargetSlice::Classes {
                labels: &[1, 1, 0, 2],
                n_classes: 3,
            },
            0,
        )
        .unwrap();
        let fitted = Majority.fit(&train).unwrap();
        let Prediction::Classes { labels, scores } = fitted.predict(x.view()).unwrap() else {
            panic!("classifier returned values")
        };
        assert_eq!(labels, vec![1; 4]);
        assert_eq!(
            scores.unwrap().values.row(0).to_vec(),
            vec![0.25, 0.5, 0.25]
        );
    }

    #[test]
    fn mean_predicts_the_training_mean() {
        let x = array![[0.0], [1.0]];
        let train = TrainSet::new(x.view(), TargetSlice::Values(&[2.0, 4.0]), 0).unwrap();
        assert_eq!(
            Mean.fit(&train).unwrap().predict(x.view()).unwrap(),
            Prediction::Values(vec![3.0, 3.0])
        );
    }
}
