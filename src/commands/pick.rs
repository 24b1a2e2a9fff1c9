//! `modelbench pick`: run the comparison on one file and recommend a model with its reasons.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::output::{errln, out, outln};
use crate::cli::PickArgs;
use crate::eval::folds::small_classes_warning;
use crate::eval::runner::{self, CompareSettings, Isolation, ModelSelection, RunEvent};
use crate::pick::{self, Recommendation};

/// Models in the order a budget should run them: cheap and quick first.
const CHEAP_FIRST: [&str; 13] = [
    "majority",
    "mean",
    "naive-bayes",
    "linear",
    "knn",
    "logistic",
    "decision-tree",
    "svm-linear",
    "svm-rbf",
    "svr",
    "random-forest",
    "sigmoid-net",
    "sigmoid-mlp",
];

pub fn run(args: &PickArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let executable =
        std::env::current_exe().context("Could not locate the modelbench executable")?;
    let chosen = runner::select_models(&ModelSelection {
        include: args.models.clone(),
        exclude: args.exclude.clone(),
    })?;
    let mut names: Vec<String> = chosen.iter().map(|m| m.name().to_string()).collect();
    names.sort_by_key(|n| {
        CHEAP_FIRST
            .iter()
            .position(|c| c == n)
            .unwrap_or(CHEAP_FIRST.len())
    });
    let load = args.load.to_options();
    let settings = CompareSettings {
        files: super::stdin_as_file(vec![args.file.clone()], &load)?,
        load,
        models: ModelSelection {
            include: Some(names),
            exclude: Vec::new(),
        },
        folds: args.folds as usize,
        repeats: args.repeats as usize,
        seed: args.seed,
        timeout: Duration::from_secs_f64(args.timeout),
        max_memory_mb: None,
        jobs: args.jobs as usize,
        out_dir: args
            .out
            .clone()
            .unwrap_or_else(|| runner::default_out_dir(Path::new("reports"), "pick")),
        isolation: Isolation::Worker(executable),
        command_line: std::env::args().collect(),
        experiments: false,
        experiment_folds: None,
        deadline: args.budget.map(|s| started + Duration::from_secs_f64(s)),
    };
    let mut unreadable = None;
    let comparison = runner::run(&settings, &mut |event| match event {
        RunEvent::Unreadable(file) => unreadable = Some(file.error.clone()),
        RunEvent::Dataset(record) => {
            for warning in &record.warnings {
                errln!("warning: {warning}");
            }
            if let Some(warning) = small_classes_warning(record) {
                errln!("warning: {warning}");
            }
        }
        RunEvent::Planned { cells } if !args.json => errln!("running {cells} cells..."),
        _ => {}
    })?;
    if let Some(error) = unreadable {
        anyhow::bail!(error);
    }
    if let Some(reason) = comparison
        .results
        .datasets
        .first()
        .and_then(|d| d.skipped.clone())
    {
        anyhow::bail!("cannot pick a model: {reason}");
    }
    let (document, _) = super::report::analyse_and_write(comparison.results, &comparison.out_dir)?;
    let analysis = document
        .datasets
        .first()
        .context("the comparison produced no analysis")?;
    let recommendation = pick::recommend(analysis)
        .context("no model completed its folds, so none can be recommended")?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&recommendation)?);
    } else {
        out!("{}", super::terminal_safe(&describe(&recommendation)));
        outln!("Reports: {}", comparison.out_dir.display());
    }
    if let Some(path) = &args.save {
        let line = super::fit::save_picked(args, analysis, &recommendation.model, path)?;
        // Keep stdout pure JSON under --json.
        match args.json {
            true => errln!("{}", super::terminal_safe(&line)),
            false => outln!("{}", super::terminal_safe(&line)),
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn describe(r: &Recommendation) -> String {
    let mut out = format!(
        "Recommended for {}: {}\n  {}\n",
        r.dataset, r.model, r.reason
    );
    if !r.runner_ups.is_empty() {
        out.push_str("Runner-ups:\n");
        for c in &r.runner_ups {
            out.push_str(&format!("  {}\n", c.reason));
        }
    }
    for warning in &r.warnings {
        out.push_str(&format!("warning: {warning}\n"));
    }
    if !r.skipped.is_empty() {
        out.push_str("Not considered:\n");
        for c in &r.skipped {
            out.push_str(&format!("  {}: {}\n", c.model, c.reason));
        }
    }
    out
}
