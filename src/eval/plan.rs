//! The planner: datasets × models × variants × repeats × folds → the ordered list of cells,
//! each with its seed (derived from the run's seed and the cell's key alone) and, for a model
//! that cannot work at this size, the reason it is refused. Pure: no files, no processes, no
//! clocks; every executor (local workers, a Slurm array, Kubernetes, in-process tests) runs
//! the same list and so gets the same numbers.

use serde::{Deserialize, Serialize};

use super::cell::{CellKey, CellResult, CellStatus};
use super::experiments;
use super::folds::FoldPlan;
use super::protocol::Protocol;
use super::results::DatasetRecord;
use crate::data::{Dataset, Target};
use crate::models::Model;
use crate::rng::SeededRng;

/// One cell of the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedCell {
    /// Position in the plan (the `run-cell --index` of a batch size of 1).
    pub index: usize,
    /// Position of its dataset in [`Plan::datasets`].
    pub dataset_index: usize,
    pub key: CellKey,
    pub seed: u64,
    /// Why the model is not run on this dataset (it cannot work at this size), when so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
}

impl PlannedCell {
    /// The result of a refused cell, settled without running anything.
    pub fn refused_result(&self) -> Option<CellResult> {
        self.refusal.as_ref().map(|reason| CellResult {
            key: self.key.clone(),
            status: CellStatus::Refused,
            reason: Some(reason.clone()),
            measurement: None,
            host: None,
        })
    }
}

/// Every dataset's record and every cell, in run order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub datasets: Vec<DatasetRecord>,
    pub cells: Vec<PlannedCell>,
}

/// Plans a run. `datasets` must have distinct names (see [`unique_name`]); `models` are the
/// protocol's models, resolved.
pub fn plan(protocol: &Protocol, datasets: &[Dataset], models: &[Box<dyn Model>]) -> Plan {
    let mut records = Vec::with_capacity(datasets.len());
    let mut cells = Vec::new();
    for (dataset_index, dataset) in datasets.iter().enumerate() {
        let record = plan_dataset(dataset, models, protocol);
        if let Some(folds) = &record.fold_plan {
            for model in models
                .iter()
                .filter(|m| record.models.iter().any(|n| n == m.name()))
            {
                let train_rows = dataset.n_rows() - dataset.n_rows() / protocol.folds;
                let refusal = model
                    .check_feasible(train_rows, dataset.features.ncols())
                    .err();
                for variant in experiments::variants(model.name(), protocol.experiments) {
                    let (repeats, fold_count) = if variant.all_repeats {
                        (folds.repeats(), folds.folds)
                    } else {
                        let limit = protocol.experiment_folds;
                        (1, experiments::experiment_folds(folds.folds, limit))
                    };
                    for repeat in 0..repeats {
                        for fold in 0..fold_count {
                            let key = CellKey {
                                dataset: dataset.name.clone(),
                                model: model.name().to_string(),
                                repeat,
                                fold,
                                setting: variant.setting.clone(),
                                train_percent: variant.train_percent,
                            };
                            cells.push(PlannedCell {
                                index: cells.len(),
                                dataset_index,
                                seed: cell_seed(protocol.seed, &key),
                                key,
                                refusal: refusal.clone(),
                            });
                        }
                    }
                }
            }
        }
        records.push(record);
    }
    Plan {
        datasets: records,
        cells,
    }
}

/// The dataset's record: which models apply, its folds, or why it is skipped.
fn plan_dataset(
    dataset: &Dataset,
    models: &[Box<dyn Model>],
    protocol: &Protocol,
) -> DatasetRecord {
    let task = dataset.task();
    let applicable: Vec<String> = models
        .iter()
        .filter(|m| m.tasks().contains(&task))
        .map(|m| m.name().to_string())
        .collect();
    let min_rows = 2 * protocol.folds;
    let skipped = if dataset.n_rows() < min_rows {
        Some(format!(
            "{} rows is too few for {}-fold cross-validation (needs at least {min_rows}); lower --folds",
            dataset.n_rows(),
            protocol.folds
        ))
    } else if applicable.is_empty() {
        Some(format!("none of the selected models handles {task}"))
    } else {
        None
    };
    let fold_seed = SeededRng::derive(protocol.seed, fnv1a(dataset.name.as_bytes())).next_u64();
    let fold_plan = skipped.is_none().then(|| match &dataset.target {
        Target::Classes { names, labels } => FoldPlan::stratified(
            labels,
            names.len(),
            protocol.folds,
            protocol.repeats,
            fold_seed,
        ),
        Target::Values(values) => {
            FoldPlan::plain(values.len(), protocol.folds, protocol.repeats, fold_seed)
        }
    });
    DatasetRecord {
        name: dataset.name.clone(),
        path: dataset.path.clone(),
        sha256: dataset.sha256.clone(),
        task,
        rows: dataset.n_rows(),
        features: dataset.features.ncols(),
        feature_names: dataset.feature_names.clone(),
        target: dataset.target_name.clone(),
        class_names: dataset.class_names().to_vec(),
        class_counts: dataset.class_counts(),
        warnings: dataset.report.warnings.clone(),
        skipped,
        models: applicable,
        fold_plan,
    }
}

/// A name not used by an earlier dataset (two files may share a stem): `name`, `name-2`, ...
pub fn unique_name(name: &str, earlier: &[String]) -> String {
    let taken = |n: &str| earlier.iter().any(|e| e == n);
    if !taken(name) {
        return name.to_string();
    }
    (2..)
        .map(|i| format!("{name}-{i}"))
        .find(|n| !taken(n))
        .expect("some suffix is free")
}

/// The seed of one cell, from the run's seed and the cell's key alone.
pub fn cell_seed(seed: u64, key: &CellKey) -> u64 {
    let label = format!("{}/{}/{}/{}", key.dataset, key.model, key.repeat, key.fold);
    SeededRng::derive(seed, fnv1a(label.as_bytes())).next_u64()
}

/// FNV-1a: a stable hash for deriving seeds from names (std's hasher may change between
/// Rust releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{load_csv_bytes, LoadOptions};
    use crate::models::find_model;
    use std::path::Path;

    fn protocol(folds: usize, repeats: usize, experiments: bool) -> Protocol {
        Protocol {
            folds,
            repeats,
            seed: 7,
            models: Vec::new(),
            experiments,
            experiment_folds: None,
            load: LoadOptions::default(),
            timeout_s: 10.0,
            max_memory_mb: None,
        }
    }

    /// `rows` rows of two features and a two-class (or numeric) target.
    fn dataset(name: &str, rows: usize, classes: bool) -> Dataset {
        let mut text = String::from("a,b,y\n");
        for i in 0..rows {
            let y = if classes {
                ["x", "z"][i % 2].to_string()
            } else {
                format!("{}.5", i * 7 % 13)
            };
            text.push_str(&format!("{},{},{y}\n", i % 5, (i * 3) % 7));
        }
        let mut dataset = load_csv_bytes(
            Path::new("test.csv"),
            text.as_bytes(),
            &LoadOptions::default(),
        )
        .unwrap();
        dataset.name = name.to_string();
        dataset
    }

    fn models(names: &[&str]) -> Vec<Box<dyn Model>> {
        names.iter().map(|n| find_model(n).unwrap()).collect()
    }

    #[test]
    fn cells_are_ordered_dataset_model_repeat_fold_and_numbered() {
        let plan = plan(
            &protocol(3, 2, false),
            &[dataset("a", 30, true), dataset("b", 30, true)],
            &models(&["majority", "knn"]),
        );
        // 2 datasets x 2 models x 2 repeats x 3 folds.
        assert_eq!(plan.cells.len(), 24);
        assert!(plan.cells.iter().enumerate().all(|(i, c)| c.index == i));
        let k = |i: usize| {
            let c = &plan.cells[i];
            (
                c.key.dataset.as_str(),
                c.key.model.as_str(),
                c.key.repeat,
                c.key.fold,
            )
        };
        assert_eq!(k(0), ("a", "majority", 0, 0));
        assert_eq!(k(2), ("a", "majority", 0, 2));
        assert_eq!(k(3), ("a", "majority", 1, 0));
        assert_eq!(k(6), ("a", "knn", 0, 0));
        assert_eq!(k(12), ("b", "majority", 0, 0));
        assert_eq!(plan.cells[12].dataset_index, 1);
        assert!(plan.cells.iter().all(|c| c.refusal.is_none()));
    }

    #[test]
    fn experiments_run_on_the_first_repeat_only() {
        let plan = plan(
            &protocol(3, 2, true),
            &[dataset("a", 30, true)],
            &models(&["knn"]),
        );
        let main = plan.cells.iter().filter(|c| c.key.is_main()).count();
        let extra: Vec<&PlannedCell> = plan.cells.iter().filter(|c| !c.key.is_main()).collect();
        assert_eq!(main, 2 * 3);
        assert_eq!(extra.len(), experiments::LEARNING_CURVE_PERCENTS.len() * 3);
        assert!(extra.iter().all(|c| c.key.repeat == 0));
    }

    #[test]
    fn experiment_folds_limit_the_experiments_not_the_main_comparison() {
        let mut p = protocol(5, 2, true);
        p.experiment_folds = Some(2);
        let plan = plan(&p, &[dataset("a", 40, true)], &models(&["decision-tree"]));
        let main = plan.cells.iter().filter(|c| c.key.is_main()).count();
        let extra: Vec<&PlannedCell> = plan.cells.iter().filter(|c| !c.key.is_main()).collect();
        assert_eq!(main, 2 * 5);
        let variants = experiments::tuning_grid("decision-tree").len()
            + experiments::LEARNING_CURVE_PERCENTS.len();
        assert_eq!(extra.len(), variants * 2);
        assert!(extra.iter().all(|c| c.key.repeat == 0 && c.key.fold < 2));
    }

    #[test]
    fn tiny_datasets_are_skipped_and_models_must_fit_the_task() {
        let plan = plan(
            &protocol(5, 1, false),
            &[dataset("tiny", 6, true), dataset("numbers", 40, false)],
            &models(&["majority", "mean"]),
        );
        assert!(plan.datasets[0]
            .skipped
            .as_deref()
            .unwrap()
            .contains("too few"));
        assert_eq!(plan.datasets[0].fold_plan, None);
        assert_eq!(plan.datasets[1].models, vec!["mean"]);
        assert!(plan
            .cells
            .iter()
            .all(|c| c.key.dataset == "numbers" && c.key.model == "mean"));
        assert_eq!(plan.cells.len(), 5);
    }

    #[test]
    fn same_inputs_same_plan_and_seeds_depend_on_the_key_only() {
        let make = |seed| {
            let mut p = protocol(4, 2, false);
            p.seed = seed;
            plan(&p, &[dataset("a", 40, true)], &models(&["knn"]))
        };
        assert_eq!(make(1), make(1));
        assert_ne!(make(1).cells[0].seed, make(2).cells[0].seed);
        assert_ne!(make(1).datasets[0].fold_plan, make(2).datasets[0].fold_plan);
        let seeds: std::collections::HashSet<u64> = make(1).cells.iter().map(|c| c.seed).collect();
        assert_eq!(seeds.len(), 8, "every cell has its own seed");
        let key = |fold| CellKey {
            dataset: "iris".into(),
            model: "knn".into(),
            repeat: 0,
            fold,
            setting: None,
            train_percent: None,
        };
        assert_eq!(cell_seed(7, &key(1)), cell_seed(7, &key(1)));
        assert_ne!(cell_seed(7, &key(1)), cell_seed(7, &key(2)));
        assert_ne!(cell_seed(7, &key(1)), cell_seed(8, &key(1)));
    }

    #[test]
    fn shared_names_get_a_suffix() {
        let taken = vec!["iris".to_string(), "iris-2".to_string()];
        assert_eq!(unique_name("wine", &taken), "wine");
        assert_eq!(unique_name("iris", &taken), "iris-3");
    }
}
