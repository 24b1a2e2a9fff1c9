//! Every model modelbench knows, in the order reports list them. Adding a model: write its
//! file in `models/`, then add one line here.

use super::{baseline, Model};

/// All models, default and optional.
pub fn all_models() -> Vec<Box<dyn Model>> {
    vec![
        // Neural networks and linear/probabilistic models:
        // (sigmoid-net, sigmoid-mlp, logistic, naive-bayes, knn, linear go here)
        // Trees and kernel machines:
        // (decision-tree, random-forest, svm-rbf, svm-linear, svr, decision-tree-linfa go here)
        // Baselines:
        Box::new(baseline::Majority),
        Box::new(baseline::Mean),
    ]
}

/// The models `compare` runs when `--models` is not given.
pub fn default_models() -> Vec<Box<dyn Model>> {
    all_models()
        .into_iter()
        .filter(|m| m.is_default())
        .collect()
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
}
