//! `modelbench compare`: run the comparison with a progress bar, then print a table per dataset
//! and the answer (pick, verdict, warnings, ranking); `--quiet` prints only the answer and
//! `--json` only the analysis document. Ctrl-C stops it cleanly (exit 130) with the command
//! that resumes it.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use super::output::{errln, out, outln};
use crate::cli::CompareArgs;
use crate::eval::cell::CellStatus;
use crate::eval::folds::small_classes_warning;
use crate::eval::interrupt;
use crate::eval::runner::{self, CompareSettings, Isolation, RunEvent};
use crate::render::{answer, table};

pub fn run(args: &CompareArgs) -> anyhow::Result<ExitCode> {
    let executable =
        std::env::current_exe().context("Could not locate the modelbench executable")?;
    interrupt::install();
    let comparison = match &args.resume {
        Some(dir) => {
            let mut progress = Progress::new(None);
            let comparison = runner::resume(
                dir,
                &args.files,
                Isolation::Worker(executable),
                args.jobs as usize,
                &mut |event| progress.handle(event),
            );
            progress.finish();
            comparison?
        }
        None => {
            let settings = settings_from(args, executable)?;
            let mut progress = Progress::new(Some(settings.folds * settings.repeats));
            let comparison = runner::run(&settings, &mut |event| progress.handle(event));
            progress.finish();
            let comparison = comparison?;
            if std::path::absolute(&settings.out_dir).ok().as_ref() != Some(&comparison.out_dir) {
                errln!(
                    "note: {} already holds a run; this run is in {}",
                    settings.out_dir.display(),
                    comparison.out_dir.display()
                );
            }
            comparison
        }
    };
    if let Some(stopped) = comparison.interrupted {
        errln!(
            "Interrupted: {} of {} cells are kept in {}.\nContinue with: modelbench compare --resume {}",
            stopped.kept,
            stopped.total,
            comparison.out_dir.display(),
            super::shell_word(&comparison.out_dir.display().to_string())
        );
        return Ok(ExitCode::from(interrupt::EXIT_INTERRUPTED));
    }

    let not_ok = |status| {
        comparison
            .results
            .cells
            .iter()
            .filter(|c| c.status == status)
            .count()
    };
    let (failed, timed_out) = (not_ok(CellStatus::Failed), not_ok(CellStatus::TimedOut));
    let (document, written) =
        super::report::analyse_and_write(comparison.results, &comparison.out_dir)?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        if !args.quiet {
            for dataset in &document.results.datasets {
                let analysis = document.datasets.iter().find(|a| a.dataset == dataset.name);
                outln!(
                    "{}",
                    super::terminal_safe(&table::render(dataset, analysis))
                );
            }
            outln!("Results: {}", comparison.results_path.display());
            for path in written {
                outln!("Report:  {}", path.display());
            }
            outln!();
        }
        out!("{}", super::terminal_safe(&answer::render(&document)));
    }
    if failed + timed_out > 0 {
        errln!(
            "The run completed, but {failed} cell(s) failed and {timed_out} timed out (see the reasons in the tables and reports); exit status {}.",
            super::exit_code::INCOMPLETE
        );
        return Ok(super::exit_code::code(super::exit_code::INCOMPLETE));
    }
    Ok(ExitCode::SUCCESS)
}

fn settings_from(
    args: &CompareArgs,
    executable: std::path::PathBuf,
) -> anyhow::Result<CompareSettings> {
    let load = args.load.to_options();
    Ok(CompareSettings {
        files: super::stdin_as_file(super::files_or_bundled(&args.files)?, &load)?,
        load,
        models: args.study.selection(),
        folds: args.study.folds as usize,
        repeats: args.study.repeats as usize,
        seed: args.study.seed,
        timeout: Duration::from_secs_f64(args.study.timeout),
        max_memory_mb: args.max_memory,
        jobs: args.jobs as usize,
        out_dir: args
            .out
            .clone()
            .unwrap_or_else(|| runner::default_out_dir(Path::new("reports"), "run")),
        isolation: Isolation::Worker(executable),
        command_line: std::env::args().collect(),
        experiments: !args.experiments.quick,
        experiment_folds: Some(args.experiments.experiment_folds as usize),
        deadline: None,
    })
}

/// A progress bar on a terminal; plain lines (one per finished dataset × model) otherwise.
struct Progress {
    bar: Option<ProgressBar>,
    /// Cells of one dataset × model, for the plain "model done" lines (unknown on resume).
    cells_per_model: Option<usize>,
    finished: HashMap<(String, String), (usize, usize)>,
}

impl Progress {
    fn new(cells_per_model: Option<usize>) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            let style = ProgressStyle::with_template(
                "{elapsed_precise} [{bar:30.cyan/blue}] {pos}/{len} cells  ETA {eta}  {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style.progress_chars("=> "));
            bar
        });
        Progress {
            bar,
            cells_per_model,
            finished: HashMap::new(),
        }
    }

    fn say(&self, text: &str) {
        let text = &super::terminal_safe(text);
        match &self.bar {
            Some(bar) => bar.println(text),
            None => errln!("{text}"),
        }
    }

    fn handle(&mut self, event: RunEvent) {
        match event {
            RunEvent::Unreadable(file) => self.say(&format!("Error: {}", file.error)),
            RunEvent::Dataset(record) => {
                for warning in &record.warnings {
                    self.say(&format!("warning: {}: {warning}", record.name));
                }
                if let Some(warning) = small_classes_warning(record) {
                    self.say(&format!("warning: {}: {warning}", record.name));
                }
                if let Some(reason) = &record.skipped {
                    self.say(&format!("skipping {}: {reason}", record.name));
                }
            }
            RunEvent::Resumed { kept, remaining } => self.say(&format!(
                "resuming: {kept} cells kept from the earlier run, {remaining} to run"
            )),
            RunEvent::Planned { cells } => {
                if let Some(bar) = &self.bar {
                    bar.set_length(cells as u64);
                } else {
                    errln!("running {cells} cells (dataset x model x fold)");
                }
            }
            RunEvent::CellDone {
                result,
                done,
                total,
            } => {
                let key = (result.key.dataset.clone(), result.key.model.clone());
                let entry = self.finished.entry(key).or_insert((0, 0));
                entry.0 += 1;
                if result.status == CellStatus::Ok {
                    entry.1 += 1;
                }
                let (count, ok) = *entry;
                match &self.bar {
                    Some(bar) => {
                        bar.set_position(done as u64);
                        bar.set_message(format!("{} / {}", result.key.dataset, result.key.model));
                    }
                    None if Some(count) == self.cells_per_model => errln!(
                        "[{done}/{total}] {} / {}: {ok} of {count} folds ok",
                        result.key.dataset,
                        result.key.model
                    ),
                    None => {}
                }
            }
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
