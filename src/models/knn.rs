//! `knn`: k nearest neighbours (k = 5, Euclidean, brute force) on standardized features, for
//! classification and regression, like scikit-learn's `KNeighborsClassifier(5)` and
//! `KNeighborsRegressor(5)`.
//!
//! Our own code rather than linfa-nn: the whole model is "keep the rows, find the closest ones",
//! and a brute-force search is exact, has no build step and is fast enough at the sizes
//! modelbench reads. Squared distances come in blocks of test rows from one matrix product,
//! `|a|² + |b|² - 2 a·b`, so the inner loop is ndarray's `dot`.
//!
//! - Neighbours are ordered by distance, then by training row (so equal distances resolve the
//!   same way on every run). When fewer than k rows were trained on, all of them vote.
//! - Classification: majority vote; a tie goes to the lowest class index, which is what
//!   scikit-learn does (its `predict` takes the arg-max of the vote fractions). Scores are the
//!   vote fractions, so they are probabilities.
//! - Regression: the mean target of the k neighbours.

use ndarray::{s, Array1, Array2, ArrayView2, Axis};
use serde_json::json;

use super::{
    check_saved, read_saved, saved_matrix, write_saved, ClassScores, Fitted, Model, ModelError,
    ModelFacts, ModelRole, ModelSize, Prediction, TrainSet, MAX_SAVED_CLASSES,
};
use crate::data::Task;

/// Neighbours that vote, as in scikit-learn's default.
const DEFAULT_K: usize = 5;
/// Test rows per distance block: bounds the block's memory to `BLOCK_ROWS × training rows`.
const BLOCK_ROWS: usize = 256;

/// k nearest neighbours, brute force.
pub struct Knn {
    pub k: usize,
}

impl Default for Knn {
    fn default() -> Self {
        Knn { k: DEFAULT_K }
    }
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
enum Targets {
    Classes {
        labels: Vec<usize>,
        n_classes: usize,
    },
    Values(Vec<f64>),
}

/// A fitted `knn` as saved in a model file: the stored rows and their targets.
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedKnn {
    k: usize,
    features: usize,
    /// Row-major, one row per stored training row.
    rows: Vec<f64>,
    targets: Targets,
}

struct FittedKnn {
    k: usize,
    rows: Array2<f64>,
    squared_norms: Array1<f64>,
    targets: Targets,
}

impl Model for Knn {
    fn name(&self) -> &'static str {
        "knn"
    }
    fn description(&self) -> &'static str {
        "k = 5 nearest neighbours, Euclidean on standardized features, brute force (our own code)"
    }
    fn facts(&self) -> ModelFacts {
        ModelFacts {
            role: ModelRole::Simple,
            readability_rank: 4,
            cost_rank: 3,
            tuning_grid: &[],
        }
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification, Task::Regression]
    }
    fn settings(&self) -> serde_json::Value {
        json!({
            "k": self.k,
            "metric": "euclidean",
            "weights": "uniform",
            "ties": "lowest class index",
        })
    }
    fn wants_standardized_features(&self) -> bool {
        true
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        if self.k == 0 {
            return Err(ModelError::new("k must be at least 1, but was 0"));
        }
        let targets = match train.classes() {
            Ok((labels, n_classes)) => Targets::Classes {
                labels: labels.to_vec(),
                n_classes,
            },
            Err(_) => Targets::Values(train.values()?.to_vec()),
        };
        let rows = train.features().to_owned();
        Ok(Box::new(FittedKnn::new(
            self.k.min(rows.nrows()),
            rows,
            targets,
        )))
    }
    fn load_fitted(&self, saved: &serde_json::Value) -> Result<Box<dyn Fitted>, ModelError> {
        let name = self.name();
        let saved: SavedKnn = read_saved(name, saved)?;
        let stored = match &saved.targets {
            Targets::Classes { labels, n_classes } => {
                check_saved(
                    name,
                    (2..=MAX_SAVED_CLASSES).contains(n_classes)
                        && labels.iter().all(|l| l < n_classes),
                    "stored labels do not lie in 0..n_classes",
                )?;
                labels.len()
            }
            Targets::Values(values) => {
                super::check_saved_finite(name, "stored targets", values)?;
                values.len()
            }
        };
        check_saved(
            name,
            saved.features > 0 && (1..=stored).contains(&saved.k),
            "k must lie in 1..=stored rows, with at least one feature",
        )?;
        let rows = saved_matrix(name, "stored rows", stored, saved.features, saved.rows)?;
        Ok(Box::new(FittedKnn::new(saved.k, rows, saved.targets)))
    }
}

impl FittedKnn {
    fn new(k: usize, rows: Array2<f64>, targets: Targets) -> Self {
        let squared_norms = rows.map_axis(Axis(1), |r| r.dot(&r));
        FittedKnn {
            k,
            rows,
            squared_norms,
            targets,
        }
    }

    /// Indices of the k nearest training rows of each row of `features`, nearest first.
    fn neighbours(&self, features: ArrayView2<f64>) -> Vec<Vec<usize>> {
        let mut result = Vec::with_capacity(features.nrows());
        let mut order: Vec<(f64, usize)> = Vec::with_capacity(self.rows.nrows());
        for start in (0..features.nrows()).step_by(BLOCK_ROWS) {
            let block = features.slice(s![start..(start + BLOCK_ROWS).min(features.nrows()), ..]);
            let products = block.dot(&self.rows.t());
            for (row, dots) in block.outer_iter().zip(products.outer_iter()) {
                let own = row.dot(&row);
                order.clear();
                order.extend(
                    dots.iter()
                        .zip(&self.squared_norms)
                        .enumerate()
                        .map(|(i, (&d, &n))| ((own + n - 2.0 * d).max(0.0), i)),
                );
                let by_distance =
                    |a: &(f64, usize), b: &(f64, usize)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1));
                if self.k < order.len() {
                    order.select_nth_unstable_by(self.k - 1, by_distance);
                }
                let nearest = &mut order[..self.k];
                nearest.sort_unstable_by(by_distance);
                result.push(nearest.iter().map(|&(_, i)| i).collect());
            }
        }
        result
    }
}

impl Fitted for FittedKnn {
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        if features.ncols() != self.rows.ncols() {
            return Err(ModelError::new(format!(
                "knn was trained on {} features but got {}",
                self.rows.ncols(),
                features.ncols()
            )));
        }
        let neighbours = self.neighbours(features);
        match &self.targets {
            Targets::Classes { labels, n_classes } => {
                let mut fractions = Array2::zeros((features.nrows(), *n_classes));
                let mut predicted = Vec::with_capacity(features.nrows());
                for (mut row, nearest) in fractions.outer_iter_mut().zip(&neighbours) {
                    for &i in nearest {
                        row[labels[i]] += 1.0;
                    }
                    // Lowest class index among the most voted, as scikit-learn.
                    let best = (0..*n_classes).fold(0, |b, c| if row[c] > row[b] { c } else { b });
                    predicted.push(best);
                    row /= nearest.len() as f64;
                }
                Ok(Prediction::Classes {
                    labels: predicted,
                    scores: Some(ClassScores {
                        values: fractions,
                        are_probabilities: true,
                    }),
                })
            }
            Targets::Values(values) => Ok(Prediction::Values(
                neighbours
                    .iter()
                    .map(|nearest| {
                        nearest.iter().map(|&i| values[i]).sum::<f64>() / nearest.len() as f64
                    })
                    .collect(),
            )),
        }
    }
    fn size(&self) -> ModelSize {
        ModelSize {
            stored_rows: Some(self.rows.nrows()),
            ..ModelSize::default()
        }
    }
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        write_saved(&SavedKnn {
            k: self.k,
            features: self.rows.ncols(),
            rows: self.rows.iter().copied().collect(),
            targets: self.targets.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::TargetSlice;
    use approx::assert_abs_diff_eq;
    use ndarray::array;

    fn classify(
        model: &Knn,
        x: &Array2<f64>,
        labels: &[usize],
        n: usize,
        test: &Array2<f64>,
    ) -> (Vec<usize>, Array2<f64>) {
        crate::models::fit_and_classify(model, x, labels, n, test)
    }

    #[test]
    fn separates_two_classes_with_vote_fractions() {
        let x = array![
            [0.0, 0.0],
            [0.1, 0.0],
            [0.0, 0.1],
            [5.0, 5.0],
            [5.1, 5.0],
            [5.0, 5.1]
        ];
        let model = Knn { k: 3 };
        let (labels, scores) = classify(
            &model,
            &x,
            &[0, 0, 0, 1, 1, 1],
            2,
            &array![[0.05, 0.05], [4.9, 5.2]],
        );
        assert_eq!(labels, vec![0, 1]);
        assert_eq!(scores.row(0).to_vec(), vec![1.0, 0.0]);
    }

    #[test]
    fn three_classes_and_ties_go_to_the_lowest_class() {
        let x = array![[0.0], [1.0], [10.0], [11.0], [20.0], [21.0]];
        let labels = [0, 0, 1, 1, 2, 2];
        let (predicted, _) = classify(
            &Knn { k: 2 },
            &x,
            &labels,
            3,
            &array![[0.5], [10.4], [20.6]],
        );
        assert_eq!(predicted, vec![0, 1, 2]);
        // At 5.5 the two nearest are row 1 (class 0, distance 4.5) and row 2 (class 1,
        // distance 4.5): one vote each, so class 0 wins.
        let (predicted, scores) = classify(&Knn { k: 2 }, &x, &labels, 3, &array![[5.5]]);
        assert_eq!(predicted, vec![0]);
        assert_eq!(scores.row(0).to_vec(), vec![0.5, 0.5, 0.0]);
    }

    #[test]
    fn regression_averages_the_neighbours_of_a_line() {
        // y = 2x + 1 at x = 0..9; the 3 nearest to 4.2 are 4, 5, 3: mean y = 9.
        let x = Array2::from_shape_fn((10, 1), |(i, _)| i as f64);
        let y: Vec<f64> = (0..10).map(|i| 2.0 * i as f64 + 1.0).collect();
        let train = TrainSet::new(x.view(), TargetSlice::Values(&y), 0).unwrap();
        let fitted = Knn { k: 3 }.fit(&train).unwrap();
        let Prediction::Values(values) = fitted.predict(array![[4.2], [100.0]].view()).unwrap()
        else {
            panic!("regressor returned classes")
        };
        assert_abs_diff_eq!(values[0], 9.0, epsilon = 1e-12);
        assert_abs_diff_eq!(values[1], (15.0 + 17.0 + 19.0) / 3.0, epsilon = 1e-12);
        assert_eq!(fitted.size().stored_rows, Some(10));
    }

    #[test]
    fn fewer_rows_than_k_all_vote_and_results_are_deterministic() {
        let x = array![[0.0], [1.0]];
        let (a, scores) = classify(&Knn::default(), &x, &[0, 1], 2, &array![[0.2]]);
        let (b, _) = classify(&Knn::default(), &x, &[0, 1], 2, &array![[0.2]]);
        assert_eq!(a, b);
        assert_eq!(scores.row(0).to_vec(), vec![0.5, 0.5]);
    }
}
