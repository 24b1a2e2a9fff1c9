//! The protocol of a run: everything that decides its numbers (folds, repeats, seed, models,
//! experiments, how the files are read, the per-cell limits). It is stored in the run header
//! and rebuilt from it, so `compare`, `--resume`, `plan` and `run-cell` share one copy.
//!
//! Not here: where the run writes, how many cells run at once, or which machine runs them.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::data::LoadOptions;
use crate::models::{self, Model};

/// How every cell of a run is set up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Protocol {
    pub folds: usize,
    pub repeats: usize,
    pub seed: u64,
    /// Model names, resolved against the registry, in run order.
    pub models: Vec<String>,
    /// Whether the tuning-grid and learning-curve experiments run beside the main cells.
    pub experiments: bool,
    /// Folds of the first repeat the experiments run on (`--experiment-folds`); `None` runs
    /// them on every fold of the first repeat, as runs before this setting did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experiment_folds: Option<usize>,
    pub load: LoadOptions,
    /// Seconds one fit may take.
    pub timeout_s: f64,
    /// `--max-memory`: the address-space limit of each worker process, in MB.
    pub max_memory_mb: Option<u64>,
}

impl Protocol {
    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout_s)
    }

    /// The protocol's models, looked up in the registry.
    pub fn resolve_models(&self) -> anyhow::Result<Vec<Box<dyn Model>>> {
        select_models(&ModelSelection {
            include: Some(self.models.clone()),
            exclude: Vec::new(),
        })
    }
}

/// Which models to run, as the user asked.
#[derive(Debug, Clone, Default)]
pub struct ModelSelection {
    /// Names to run; `None` runs the default set.
    pub include: Option<Vec<String>>,
    /// Names to leave out.
    pub exclude: Vec<String>,
}

/// Resolves `--models` and `--exclude` against the registry.
pub fn select_models(selection: &ModelSelection) -> anyhow::Result<Vec<Box<dyn Model>>> {
    let known: Vec<String> = models::all_models()
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    let check = |name: &String| -> anyhow::Result<()> {
        if known.contains(name) {
            Ok(())
        } else {
            anyhow::bail!(
                "unknown model '{name}'; the models are: {} (see `modelbench models`)",
                known.join(", ")
            )
        }
    };
    selection.exclude.iter().try_for_each(check)?;
    let chosen = match &selection.include {
        Some(names) => {
            names.iter().try_for_each(check)?;
            names.iter().filter_map(|n| models::find_model(n)).collect()
        }
        None => models::default_models(),
    };
    let chosen: Vec<Box<dyn Model>> = chosen
        .into_iter()
        .filter(|m| !selection.exclude.iter().any(|e| e == m.name()))
        .collect();
    if chosen.is_empty() {
        anyhow::bail!("no model left to run after --models and --exclude");
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_model_names_are_refused_with_the_list() {
        let selection = ModelSelection {
            include: Some(vec!["no-such-model".into()]),
            exclude: Vec::new(),
        };
        let err = select_models(&selection).err().unwrap().to_string();
        assert!(
            err.contains("unknown model 'no-such-model'") && err.contains("majority"),
            "{err}"
        );
    }

    #[test]
    fn exclusions_apply_and_an_empty_selection_is_refused() {
        let selection = ModelSelection {
            include: Some(vec!["majority".into(), "knn".into()]),
            exclude: vec!["knn".into()],
        };
        let names: Vec<String> = select_models(&selection)
            .unwrap()
            .iter()
            .map(|m| m.name().to_string())
            .collect();
        assert_eq!(names, vec!["majority"]);
        let none = ModelSelection {
            include: Some(vec!["knn".into()]),
            exclude: vec!["knn".into()],
        };
        assert!(select_models(&none).is_err());
    }
}
