//! `modelbench plan`: load the datasets, plan every cell and write the plan folder that
//! `run-cell`, `slurm`, `k8s` and `collect` work from. Nothing is written if a file cannot be
//! read.

use super::output::{errln, outln};
use std::process::ExitCode;

use crate::cli::PlanArgs;
use crate::eval::plan_folder;
use crate::eval::protocol::{select_models, Protocol};
use crate::eval::results::RunHeader;
use crate::eval::runner::{self, RunEvent};
use crate::eval::{plan, sources};

pub fn run(args: &PlanArgs) -> anyhow::Result<ExitCode> {
    let models = select_models(&args.study.selection())?;
    let protocol = Protocol {
        folds: args.study.folds as usize,
        repeats: args.study.repeats as usize,
        seed: args.study.seed,
        models: models.iter().map(|m| m.name().to_string()).collect(),
        experiments: !args.experiments.quick,
        experiment_folds: Some(args.experiments.experiment_folds as usize),
        load: args.load.to_options(),
        timeout_s: args.study.timeout,
        max_memory_mb: args.max_memory,
    };
    let files = sources::absolute_paths(&super::files_or_bundled(&args.files)?)?;
    let datasets = runner::load_all(&files, &protocol.load, &mut |event| {
        if let RunEvent::Unreadable(file) = event {
            errln!("Error: {}", super::terminal_safe(&file.error));
        }
    })?;
    let plan = plan::plan(&protocol, &datasets, &models);
    for record in &plan.datasets {
        for warning in &record.warnings {
            errln!(
                "warning: {}: {}",
                record.name,
                super::terminal_safe(warning)
            );
        }
        if let Some(reason) = &record.skipped {
            errln!("skipping {}: {}", record.name, super::terminal_safe(reason));
        }
    }
    let cells = plan.cells.len();
    let header = RunHeader::new(&protocol, files, std::env::args().collect(), &models);
    let dir = plan_folder::write_plan(&args.out, header, plan)?;
    let dir = super::shell_word(&dir.display().to_string());
    outln!("Planned {cells} cells in {dir}.");
    outln!("Run them on Slurm:      modelbench slurm {dir} --submit");
    outln!(
        "or one batch anywhere:  modelbench run-cell {dir} --index I   (I from 0 to {})",
        cells.saturating_sub(1)
    );
    outln!("then merge and report:  modelbench collect {dir}");
    Ok(ExitCode::SUCCESS)
}
