//! Every model modelbench knows, in the order reports list them. Adding a model: write its
//! file in `models/`, then add one line here.

use super::{baseline, fault, Model};

/// All models, default and optional.
pub fn all_models() -> Vec<Box<dyn Model>> {
    let mut models: Vec<Box<dyn Model>> = vec![
        // Neural networks and linear/probabilistic models:
        Box::new(super::sigmoid_net::SigmoidNet::default()),
        Box::new(super::sigmoid_mlp::SigmoidMlp::default()),
        Box::new(super::mlp::Mlp::default()),
        Box::new(super::logistic::Logistic::default()),
        Box::new(super::naive_bayes::NaiveBayesModel::default()),
        Box::new(super::knn::Knn::default()),
        Box::new(super::linear::Linear),
        // Trees and kernel machines:
        Box::new(super::decision_tree::DecisionTree::default()),
        Box::new(super::random_forest::RandomForest),
        Box::new(super::gradient_boosting::GradientBoosting::default()),
        Box::new(super::svm::SupportVectorClassifier(
            super::svm::KernelKind::Rbf,
        )),
        Box::new(super::svm::SupportVectorClassifier(
            super::svm::KernelKind::Linear,
        )),
        Box::new(super::svr::SupportVectorRegressor),
        Box::new(super::svm_linfa::LinfaSvm),
        Box::new(super::decision_tree_linfa::LinfaDecisionTree),
        Box::new(super::decision_tree_smartcore::SmartcoreDecisionTree::default()),
        Box::new(super::random_forest_smartcore::SmartcoreRandomForest),
        // Baselines:
        Box::new(baseline::Majority),
        Box::new(baseline::Mean),
    ];
    if std::env::var_os(fault::FAULT_MODELS_ENV).is_some() {
        use fault::{Fault, FaultModel};
        for kind in Fault::ALL {
            models.push(Box::new(FaultModel(kind)));
        }
    }
    models
}

/// The models `compare` runs when `--models` is not given.
pub fn default_models() -> Vec<Box<dyn Model>> {
    all_models()
        .into_iter()
        .filter(|m| m.is_default())
        .collect()
}

/// The model called `name` with the settings in `spec` (see [`Model::with_settings`]).
pub fn resolve_model(name: &str, spec: Option<&str>) -> Result<Box<dyn Model>, super::ModelError> {
    let model = find_model(name)
        .ok_or_else(|| super::ModelError::new(format!("unknown model '{name}'")))?;
    match spec {
        Some(spec) => model.with_settings(spec),
        None => Ok(model),
    }
}

/// The model called `name`, if any.
pub fn find_model(name: &str) -> Option<Box<dyn Model>> {
    all_models().into_iter().find(|m| m.name() == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_kebab_case() {
        let models = all_models();
        let mut names: Vec<&str> = models.iter().map(|m| m.name()).collect();
        assert!(names.iter().all(|n| n
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')));
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "duplicate model names");
    }

    #[test]
    fn every_model_declares_consistent_facts() {
        use crate::models::ModelRole;
        for model in all_models() {
            let facts = model.facts();
            let is_baseline_name = matches!(model.name(), "majority" | "mean");
            assert_eq!(
                facts.role == ModelRole::Baseline,
                is_baseline_name,
                "{}: only the majority/mean models are baselines",
                model.name()
            );
            for spec in facts.tuning_grid {
                assert!(
                    model.with_settings(spec).is_ok(),
                    "{}: grid setting '{spec}' is refused by the model",
                    model.name()
                );
            }
        }
    }
}
