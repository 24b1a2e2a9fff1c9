//! `modelbench models`: every model, its tasks, whether it runs by default, and its settings;
//! `--json` gives the same (and the model's facts) to programs.

use std::process::ExitCode;

use serde::Serialize;

use super::output::{out, outln};
use crate::data::Task;
use crate::models::{self, ModelRole};

/// One model as `models --json` lists it.
#[derive(Serialize)]
struct ModelEntry {
    name: &'static str,
    description: &'static str,
    tasks: &'static [Task],
    default: bool,
    standardized_features: bool,
    settings: serde_json::Value,
    role: ModelRole,
    readability_rank: u8,
    cost_rank: u8,
    tuning_grid: &'static [&'static str],
}

pub fn run(json: bool) -> anyhow::Result<ExitCode> {
    if json {
        let entries: Vec<ModelEntry> = models::all_models()
            .iter()
            .map(|model| {
                let facts = model.facts();
                ModelEntry {
                    name: model.name(),
                    description: model.description(),
                    tasks: model.tasks(),
                    default: model.is_default(),
                    standardized_features: model.wants_standardized_features(),
                    settings: model.settings(),
                    role: facts.role,
                    readability_rank: facts.readability_rank,
                    cost_rank: facts.cost_rank,
                    tuning_grid: facts.tuning_grid,
                }
            })
            .collect();
        outln!("{}", serde_json::to_string_pretty(&entries)?);
        return Ok(ExitCode::SUCCESS);
    }
    for model in models::all_models() {
        let tasks: Vec<String> = model.tasks().iter().map(|t| t.to_string()).collect();
        out!(
            "{}{}\n  {}\n  tasks: {}; features standardized: {}\n  settings: {}\n\n",
            model.name(),
            if model.is_default() {
                ""
            } else {
                "  (not run by default; name it with --models)"
            },
            model.description(),
            tasks.join(", "),
            if model.wants_standardized_features() {
                "yes"
            } else {
                "no"
            },
            model.settings()
        );
    }
    Ok(ExitCode::SUCCESS)
}
