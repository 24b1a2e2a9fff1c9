//! The extra experiments behind two of the article's claims, run beside the main comparison:
//! a small tuning grid ("architectures need tuning") and learning curves ("networks need lots
//! of data"). They run on the first repeat only, and by default on its first
//! [`DEFAULT_EXPERIMENT_FOLDS`] folds, to keep their cost to a fraction of the main run's
//! (`--experiment-folds` asks for more); `compare --quick` leaves them out.

/// Folds of the first repeat the experiments run on unless `--experiment-folds` says
/// otherwise. Why two: the sigmoid networks' tuning grid and learning curves on all five folds
/// took 58% of the main job's fit time (reports/sample, before this default); on two folds each
/// grid point and curve point is still a mean over two held-out folds of the same rows the
/// main comparison uses, and they are descriptive (the claims report a spread and a curve,
/// not a significance test). The number was not chosen by looking at the bundled datasets'
/// scores.
pub const DEFAULT_EXPERIMENT_FOLDS: usize = 2;

/// The folds of a repeat an experiment runs on, given the run's `folds` and its
/// `--experiment-folds` (`None`: all of them).
pub fn experiment_folds(folds: usize, limit: Option<usize>) -> usize {
    limit.map_or(folds, |limit| limit.clamp(1, folds))
}

/// Shares of the training fold for the learning curves (100% is the main comparison).
pub const LEARNING_CURVE_PERCENTS: [u8; 3] = [10, 25, 50];

/// Settings of the tuning grid of `model` (declared in the model's own file, see
/// [`crate::models::ModelFacts`]); empty for an unknown model.
pub fn tuning_grid(model: &str) -> &'static [&'static str] {
    crate::models::find_model(model).map_or(&[], |m| m.facts().tuning_grid)
}

/// One way to run a model on a dataset's folds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub setting: Option<String>,
    pub train_percent: Option<u8>,
    /// Whether it runs on every repeat (the main comparison) or the first only.
    pub all_repeats: bool,
}

/// The main comparison of `model`, then its experiments when `with_experiments` is set.
pub fn variants(model: &str, with_experiments: bool) -> Vec<Variant> {
    let mut all = vec![Variant {
        setting: None,
        train_percent: None,
        all_repeats: true,
    }];
    if with_experiments {
        all.extend(tuning_grid(model).iter().map(|spec| Variant {
            setting: Some(spec.to_string()),
            train_percent: None,
            all_repeats: false,
        }));
        all.extend(LEARNING_CURVE_PERCENTS.iter().map(|&percent| Variant {
            setting: None,
            train_percent: Some(percent),
            all_repeats: false,
        }));
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::resolve_model;

    #[test]
    fn every_grid_setting_is_accepted_by_its_model() {
        for model in ["sigmoid-mlp", "decision-tree"] {
            for spec in tuning_grid(model) {
                assert!(resolve_model(model, Some(spec)).is_ok(), "{model}: {spec}");
            }
        }
    }

    #[test]
    fn experiment_folds_are_capped_by_the_run_folds() {
        assert_eq!(experiment_folds(5, None), 5);
        assert_eq!(experiment_folds(5, Some(2)), 2);
        assert_eq!(experiment_folds(3, Some(10)), 3);
        assert_eq!(experiment_folds(5, Some(0)), 1);
    }

    #[test]
    fn quick_runs_only_the_main_variant() {
        assert_eq!(variants("knn", false).len(), 1);
        assert_eq!(
            variants("knn", true).len(),
            1 + LEARNING_CURVE_PERCENTS.len()
        );
        assert_eq!(
            variants("decision-tree", true).len(),
            1 + 3 + LEARNING_CURVE_PERCENTS.len()
        );
    }
}
