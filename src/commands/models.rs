//! `modelbench models`: every model, its tasks, whether it runs by default, and its settings.

use std::process::ExitCode;

use crate::models;

pub fn run() -> anyhow::Result<ExitCode> {
    for model in models::all_models() {
        let tasks: Vec<String> = model.tasks().iter().map(|t| t.to_string()).collect();
        println!(
            "{}{}\n  {}\n  tasks: {}; features standardized: {}\n  settings: {}\n",
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
