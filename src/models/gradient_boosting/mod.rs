//! `gradient-boosting`: histogram gradient-boosted trees, written here after measuring the
//! crates (see BENCHMARKS.md), with scikit-learn's `HistGradientBoosting*` defaults: 100
//! rounds, learning rate 0.1, trees of at most 31 leaves with at least 20 rows each, 255 bins,
//! no L2, early stopping only above 10,000 training rows. Binary classes use log-loss on one
//! tree per round, K > 2 classes softmax with K trees per round, regression squared error.
//!
//! Parts: `binning` (values to u8 codes), `histogram` (per-node sums), `grower` (one tree, best
//! leaf first), `loss` (baselines and gradients), `booster` (the rounds, early stopping).

mod binning;
mod booster;
mod grower;
mod histogram;
mod loss;
#[cfg(test)]
mod tests;

use ndarray::{Array2, ArrayView2};
use serde_json::json;

use super::{
    check_saved, check_saved_finite, parse_settings, read_saved, write_saved, ClassScores, Fitted,
    Model, ModelError, ModelFacts, ModelRole, ModelSize, Prediction, TrainSet, MAX_SAVED_CLASSES,
};
use crate::data::Task;
use booster::{BoostSettings, Booster, EarlyStopping, EARLY_STOPPING_ABOVE_ROWS};
use grower::tree_depth;
use loss::{sigmoid, softmax, Loss, Targets};

/// Histogram gradient boosting with the given settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct GradientBoosting {
    settings: BoostSettings,
}

/// A fitted booster; its loss says whether it scores classes or predicts values.
struct FittedBoosting {
    booster: Booster,
}

impl Model for GradientBoosting {
    fn name(&self) -> &'static str {
        "gradient-boosting"
    }
    fn description(&self) -> &'static str {
        "histogram gradient-boosted trees (own code, scikit-learn HistGradientBoosting defaults): \
         100 rounds, learning rate 0.1, 31 leaves, softmax for K classes"
    }
    fn facts(&self) -> ModelFacts {
        ModelFacts {
            role: ModelRole::Ensemble,
            // A sum of hundreds of trees: harder to read than a forest's vote.
            readability_rank: 7,
            cost_rank: 8,
            tuning_grid: &[
                "learning_rate=0.05",
                "learning_rate=0.3",
                "max_leaf_nodes=15",
                "max_leaf_nodes=63",
            ],
        }
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification, Task::Regression]
    }
    fn settings(&self) -> serde_json::Value {
        let s = &self.settings;
        json!({
            "implementation": "modelbench histogram gradient boosting",
            "max_iter": s.max_iter,
            "learning_rate": s.learning_rate,
            "max_leaf_nodes": s.max_leaf_nodes,
            "min_samples_leaf": s.min_samples_leaf,
            "max_bins": s.max_bins,
            "l2_regularization": s.l2_regularization,
            "min_hessian_to_split": 1e-3,
            "early_stopping": s.early_stopping,
            "early_stopping_auto_above_rows": EARLY_STOPPING_ABOVE_ROWS,
            "validation_fraction": 0.1,
            "n_iter_no_change": 10,
            "tol": 1e-7,
            "loss": {"binary": "log-loss", "multiclass": "softmax log-loss, K trees per round",
                     "regression": "squared error"},
            "seed": "the training set's seed (validation split)",
        })
    }
    fn wants_standardized_features(&self) -> bool {
        false
    }
    fn with_settings(&self, spec: &str) -> Result<Box<dyn Model>, ModelError> {
        let mut model = *self;
        let s = &mut model.settings;
        for (key, value) in parse_settings(spec)? {
            let whole = value.fract() == 0.0 && (1.0..=1e9).contains(&value);
            match key.as_str() {
                "learning_rate" if value > 0.0 && value <= 10.0 => s.learning_rate = value,
                "max_leaf_nodes" if whole && value >= 2.0 => s.max_leaf_nodes = value as usize,
                "max_iter" if whole => s.max_iter = value as usize,
                "min_samples_leaf" if whole => s.min_samples_leaf = value as usize,
                "max_bins" if whole && (2.0..=255.0).contains(&value) => {
                    s.max_bins = value as usize
                }
                "l2_regularization" if value >= 0.0 && value.is_finite() => {
                    s.l2_regularization = value
                }
                "early_stopping" if value == 0.0 || value == 1.0 => {
                    s.early_stopping = if value == 1.0 {
                        EarlyStopping::Always
                    } else {
                        EarlyStopping::Never
                    }
                }
                _ => {
                    return Err(ModelError::new(format!(
                        "gradient-boosting cannot set {key}={value} (settings: learning_rate in \
                         (0, 10], max_leaf_nodes >= 2, max_iter >= 1, min_samples_leaf >= 1, \
                         max_bins in 2..=255, l2_regularization >= 0, early_stopping 0 or 1)"
                    )))
                }
            }
        }
        Ok(Box::new(model))
    }
    fn load_fitted(&self, saved: &serde_json::Value) -> Result<Box<dyn Fitted>, ModelError> {
        let booster: Booster = read_saved(self.name(), saved)?;
        check_saved_booster(self.name(), &booster)?;
        Ok(Box::new(FittedBoosting { booster }))
    }
    fn fit(&self, train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        let (targets, loss) = match train.classes() {
            Ok((labels, 2)) => (Targets::Classes(labels.to_vec()), Loss::Binomial),
            Ok((labels, classes)) => (
                Targets::Classes(labels.to_vec()),
                Loss::Multinomial { classes },
            ),
            Err(_) => (
                Targets::Values(train.values()?.to_vec()),
                Loss::SquaredError,
            ),
        };
        let booster = Booster::fit(
            train.features(),
            &targets,
            loss,
            &self.settings,
            train.seed(),
        );
        Ok(Box::new(FittedBoosting { booster }))
    }
}

/// Checks a loaded booster before it predicts: shapes consistent with its loss, finite numbers,
/// and trees whose children come after their parent, so walking a tree always ends at a leaf
/// (a crafted cycle would otherwise loop forever).
fn check_saved_booster(name: &str, booster: &Booster) -> Result<(), ModelError> {
    let outputs = booster.loss.outputs();
    if let Loss::Multinomial { classes } = booster.loss {
        check_saved(
            name,
            (3..=MAX_SAVED_CLASSES).contains(&classes),
            "a softmax booster needs 3 to 65536 classes",
        )?;
    }
    check_saved(name, booster.features >= 1, "it has no features")?;
    check_saved(
        name,
        booster.baseline.len() == outputs,
        "its baseline does not have one value per output",
    )?;
    check_saved(
        name,
        booster.rounds.checked_mul(outputs) == Some(booster.trees.len()),
        "its tree count is not rounds x outputs",
    )?;
    check_saved_finite(name, "baseline", &booster.baseline)?;
    for nodes in &booster.trees {
        check_saved(name, !nodes.is_empty(), "a tree has no nodes")?;
        for (index, node) in nodes.iter().enumerate() {
            check_saved_finite(name, "leaf value", [&node.value])?;
            if node.is_leaf() {
                continue;
            }
            let child_ok = |child: u32| (child as usize) > index && (child as usize) < nodes.len();
            check_saved(
                name,
                child_ok(node.left) && child_ok(node.right),
                "a split's children must come after it in its tree",
            )?;
            check_saved(
                name,
                (node.feature as usize) < booster.features && !node.threshold.is_nan(),
                "a split names a feature it does not have, or has no threshold",
            )?;
        }
    }
    Ok(())
}

impl Fitted for FittedBoosting {
    fn to_saved(&self) -> Result<serde_json::Value, ModelError> {
        write_saved(&self.booster)
    }
    fn predict(&self, features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        if features.ncols() != self.booster.features {
            return Err(ModelError::new(format!(
                "gradient boosting was fitted on {} features but got {}",
                self.booster.features,
                features.ncols()
            )));
        }
        let raw = self.booster.raw_scores(features);
        let probabilities = match self.booster.loss {
            Loss::SquaredError => return Ok(Prediction::Values(raw.column(0).to_vec())),
            Loss::Binomial => Array2::from_shape_fn((raw.nrows(), 2), |(i, k)| {
                let p = sigmoid(raw[[i, 0]]);
                if k == 1 {
                    p
                } else {
                    1.0 - p
                }
            }),
            Loss::Multinomial { classes } => {
                let mut p = Array2::<f64>::zeros((raw.nrows(), classes));
                for (scores, mut out) in raw.rows().into_iter().zip(p.rows_mut()) {
                    let out = out
                        .as_slice_mut()
                        .expect("a fresh array's rows are contiguous");
                    softmax(scores.iter().copied(), out);
                }
                p
            }
        };
        let labels = probabilities
            .rows()
            .into_iter()
            .map(|row| {
                // The first of equal probabilities, as numpy's argmax.
                row.iter()
                    .enumerate()
                    .fold((0, f64::NEG_INFINITY), |best, (k, &p)| {
                        if p > best.1 {
                            (k, p)
                        } else {
                            best
                        }
                    })
                    .0
            })
            .collect();
        Ok(Prediction::Classes {
            labels,
            scores: Some(ClassScores {
                values: probabilities,
                are_probabilities: true,
            }),
        })
    }
    fn size(&self) -> ModelSize {
        let trees = &self.booster.trees;
        let leaves = trees
            .iter()
            .map(|t| t.iter().filter(|n| n.is_leaf()).count())
            .sum();
        ModelSize {
            parameters: None,
            tree_nodes: Some(trees.iter().map(Vec::len).sum()),
            tree_depth: trees.iter().map(|t| tree_depth(t)).max(),
            leaves: Some(leaves),
            ..ModelSize::default()
        }
    }
}
