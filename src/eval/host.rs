//! The machine a cell ran on (host name and CPU model), recorded with each cell so that a run
//! spread over a cluster says where its timings come from, and the check that warns when one
//! model's cells ran on different CPU models (its timings then do not compare).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::results::RunResults;

/// Where a cell ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostInfo {
    pub host: String,
    pub cpu: String,
}

impl HostInfo {
    /// This machine, as the operating system names it ("unknown" where it does not say).
    pub fn current() -> HostInfo {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .or_else(|| std::env::var("HOSTNAME").ok())
            .or_else(|| std::env::var("COMPUTERNAME").ok())
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "unknown".to_string());
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|text| cpu_model_from(&text))
            .unwrap_or_else(|| "unknown".to_string());
        HostInfo { host, cpu }
    }
}

/// The first "model name" line of a /proc/cpuinfo text.
fn cpu_model_from(cpuinfo: &str) -> Option<String> {
    cpuinfo
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(key, _)| key.trim() == "model name")
        .map(|(_, value)| value.trim().to_string())
        .filter(|name| !name.is_empty())
}

/// One model on one dataset whose cells ran on more than one CPU model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixedCpus {
    pub dataset: String,
    pub model: String,
    pub cpus: Vec<String>,
}

impl std::fmt::Display for MixedCpus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}'s cells ran on {} different CPU models ({}); its fit and predict times do not compare with each other or with other models",
            self.model,
            self.cpus.len(),
            self.cpus.join("; ")
        )
    }
}

/// Every (dataset, model) whose cells name more than one CPU model, in name order.
pub fn mixed_cpus(results: &RunResults) -> Vec<MixedCpus> {
    let mut seen: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for cell in &results.cells {
        if let Some(host) = &cell.host {
            seen.entry((cell.key.dataset.as_str(), cell.key.model.as_str()))
                .or_default()
                .insert(host.cpu.as_str());
        }
    }
    seen.into_iter()
        .filter(|(_, cpus)| cpus.len() > 1)
        .map(|((dataset, model), cpus)| MixedCpus {
            dataset: dataset.to_string(),
            model: model.to_string(),
            cpus: cpus.into_iter().map(str::to_string).collect(),
        })
        .collect()
}

/// Adds each [`MixedCpus`] warning to its dataset's warnings (which every report shows), once.
pub fn warn_about_mixed_cpus(results: &mut RunResults) -> Vec<MixedCpus> {
    let mixed = mixed_cpus(results);
    for mix in &mixed {
        let text = mix.to_string();
        if let Some(record) = results.datasets.iter_mut().find(|d| d.name == mix.dataset) {
            if !record.warnings.contains(&text) {
                record.warnings.push(text);
            }
        }
    }
    mixed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::cell::{CellKey, CellResult, CellStatus};
    use crate::eval::results::tests::{dataset_record, header};

    fn cell(model: &str, fold: usize, cpu: Option<&str>) -> CellResult {
        CellResult {
            key: CellKey {
                dataset: "iris".into(),
                model: model.into(),
                repeat: 0,
                fold,
                setting: None,
                train_percent: None,
            },
            status: CellStatus::Ok,
            reason: None,
            measurement: None,
            host: cpu.map(|c| HostInfo {
                host: format!("node-{c}"),
                cpu: c.into(),
            }),
        }
    }

    #[test]
    fn warns_only_for_a_model_whose_cells_ran_on_different_cpus() {
        let mut results = RunResults {
            header: header(),
            datasets: vec![dataset_record("iris")],
            cells: vec![
                cell("knn", 0, Some("Xeon A")),
                cell("knn", 1, Some("Xeon B")),
                cell("tree", 0, Some("Xeon A")),
                cell("tree", 1, Some("Xeon A")),
                cell("old", 0, None),
                cell("old", 1, Some("Xeon B")),
            ],
        };
        let mixed = warn_about_mixed_cpus(&mut results);
        assert_eq!(
            mixed,
            vec![MixedCpus {
                dataset: "iris".into(),
                model: "knn".into(),
                cpus: vec!["Xeon A".into(), "Xeon B".into()],
            }]
        );
        assert_eq!(results.datasets[0].warnings.len(), 1);
        assert!(
            results.datasets[0].warnings[0].contains("knn's cells ran on 2 different CPU models")
        );
        // Idempotent: collecting twice does not repeat the warning.
        warn_about_mixed_cpus(&mut results);
        assert_eq!(results.datasets[0].warnings.len(), 1);
    }

    #[test]
    fn reads_the_model_name_line() {
        let text =
            "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nmodel name\t: other\n";
        assert_eq!(
            cpu_model_from(text).as_deref(),
            Some("Intel(R) Xeon(R) CPU @ 2.20GHz")
        );
        assert_eq!(cpu_model_from("processor : 0\n"), None);
        let here = HostInfo::current();
        assert!(!here.host.is_empty() && !here.cpu.is_empty());
    }
}
