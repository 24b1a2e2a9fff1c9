//! `modelbench pick`: run the comparison on one file (or read an earlier run with `--from`)
//! and recommend a model with its reasons. The recommendation comes from the analysis
//! ([`crate::analysis::recommend`]); this file runs, prints, and is where a save step goes.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;

use super::output::{errln, out, outln};
use crate::analysis::document::{DatasetAnalysis, ReportDocument};
use crate::analysis::recommend::{self, Recommendation};
use crate::cli::PickArgs;
use crate::eval::folds::small_classes_warning;
use crate::eval::runner::{self, CompareSettings, Isolation, ModelSelection, RunEvent};
use crate::render::answer;

pub fn run(args: &PickArgs) -> anyhow::Result<ExitCode> {
    let (document, out_dir) = match &args.from {
        Some(from) => (super::report::load_run(from)?, None),
        None => {
            let (document, dir) = run_comparison(args)?;
            (document, Some(dir))
        }
    };
    let answers: Vec<(&DatasetAnalysis, Recommendation)> = document
        .datasets
        .iter()
        .filter_map(|a| recommend::recommend(a).map(|r| (a, r)))
        .collect();
    if answers.is_empty() {
        anyhow::bail!("no model completed its folds, so none can be recommended");
    }
    if args.json {
        let recommendations: Vec<&Recommendation> = answers.iter().map(|(_, r)| r).collect();
        let json = match recommendations.as_slice() {
            [one] => serde_json::to_string_pretty(one)?,
            many => serde_json::to_string_pretty(many)?,
        };
        outln!("{json}");
    } else {
        for (analysis, recommendation) in &answers {
            out!(
                "{}",
                super::terminal_safe(&answer::recommendation(recommendation, analysis))
            );
        }
        if let Some(dir) = &out_dir {
            outln!("Reports: {}", dir.display());
        }
    }
    if let Some(path) = &args.save {
        let (analysis, recommendation) = match answers.as_slice() {
            [one] => one,
            _ => anyhow::bail!("--save needs exactly one dataset, and this run has several"),
        };
        let line = super::fit::save_picked(args, analysis, &recommendation.chosen.model, path)?;
        // Keep stdout pure JSON under --json.
        match args.json {
            true => errln!("{}", super::terminal_safe(&line)),
            false => outln!("{}", super::terminal_safe(&line)),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs the comparison for `pick` (cheapest models first, so a budget skips the costly ones),
/// writes its reports, and returns the analysis with the output folder.
fn run_comparison(args: &PickArgs) -> anyhow::Result<(ReportDocument, std::path::PathBuf)> {
    let file = args
        .file
        .clone()
        .context("give a CSV file, or --from an earlier run")?;
    let started = Instant::now();
    let executable =
        std::env::current_exe().context("Could not locate the modelbench executable")?;
    let chosen = runner::select_models(&args.study.selection())?;
    let mut names: Vec<String> = chosen.iter().map(|m| m.name().to_string()).collect();
    let cost_rank = |name: &str| {
        chosen
            .iter()
            .find(|m| m.name() == name)
            .map_or(u8::MAX, |m| m.facts().cost_rank)
    };
    names.sort_by_key(|n| (cost_rank(n), n.clone()));
    let load = args.load.to_options();
    let settings = CompareSettings {
        files: super::stdin_as_file(vec![file], &load)?,
        load,
        models: ModelSelection {
            include: Some(names),
            exclude: Vec::new(),
        },
        folds: args.study.folds as usize,
        repeats: args.study.repeats as usize,
        seed: args.study.seed,
        timeout: Duration::from_secs_f64(args.study.timeout),
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
    Ok((document, comparison.out_dir))
}
