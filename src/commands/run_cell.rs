//! `modelbench run-cell`: run the cells of one index of a plan (a Slurm array task, a
//! Kubernetes pod, or by hand), each in its own worker process, writing each result to its
//! own file. Stopped by SIGTERM (`scancel`) or Ctrl-C, it writes nothing for the cell it was
//! running and exits with 130.

use super::output::errln;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::RunCellArgs;
use crate::eval::cell::CellStatus;
use crate::eval::executor::WorkerProcesses;
use crate::eval::{cell_selection, interrupt, plan_folder};

/// Environment variables a scheduler sets to an array task's index, in the order read.
pub const INDEX_VARIABLES: [&str; 2] = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"];

pub fn run(args: &RunCellArgs) -> anyhow::Result<ExitCode> {
    interrupt::install();
    let dir = std::path::absolute(&args.dir)
        .with_context(|| format!("Could not resolve '{}'", args.dir.display()))?;
    let plan_file = plan_folder::read_plan(&dir)?;
    let index = match args.index {
        Some(index) => Some(index),
        None => index_from_environment()?,
    };
    if index.is_none() && args.cells.is_none() {
        anyhow::bail!(
            "which cells? Give --index I (with --batch-size B: cells I*B to I*B+B-1) or --cells LIST; in a Slurm array or a Kubernetes Indexed Job the index comes from {}",
            INDEX_VARIABLES.join(" or ")
        );
    }
    let indexes = cell_selection::select_cells(
        plan_file.plan.cells.len(),
        args.cells.as_ref().map(|c| c.0.as_slice()),
        index,
        args.batch_size as usize,
    )?;
    let executable =
        std::env::current_exe().context("Could not locate the modelbench executable")?;
    let report = plan_folder::run_cells(
        &dir,
        &plan_file,
        &indexes,
        &WorkerProcesses { executable },
        args.rerun,
        &mut |cell, result| {
            let status = match result.status {
                CellStatus::Ok => "ok".to_string(),
                other => format!(
                    "{other:?}: {}",
                    result.reason.as_deref().unwrap_or("no reason given")
                ),
            };
            errln!(
                "cell {} ({} / {}, repeat {}, fold {}): {}",
                cell.index,
                cell.key.dataset,
                cell.key.model,
                cell.key.repeat,
                cell.key.fold,
                super::terminal_safe(&status)
            );
        },
    )?;
    let list = cell_selection::index_list;
    if !report.skipped.is_empty() {
        errln!("skipped (already done): {}", list(&report.skipped));
    }
    if !report.written_by_another.is_empty() {
        errln!(
            "written by another task meanwhile (its result is kept): {}",
            list(&report.written_by_another)
        );
    }
    if !report.interrupted.is_empty() || interrupt::requested() {
        errln!(
            "Interrupted: {} cell(s) written; rerun the rest with: modelbench run-cell {} --cells {}",
            report.ran.len(),
            super::shell_word(&dir.display().to_string()),
            list(&not_written(&indexes, &report))
        );
        return Ok(ExitCode::from(interrupt::EXIT_INTERRUPTED));
    }
    errln!(
        "{} cell(s) written to {}",
        report.ran.len(),
        dir.join(plan_folder::CELLS_DIR).display()
    );
    Ok(ExitCode::SUCCESS)
}

fn not_written(indexes: &[usize], report: &plan_folder::CellRunReport) -> Vec<usize> {
    indexes
        .iter()
        .copied()
        .filter(|i| {
            !report.ran.contains(i)
                && !report.skipped.contains(i)
                && !report.written_by_another.contains(i)
        })
        .collect()
}

/// The index a scheduler gave this task, if any.
fn index_from_environment() -> anyhow::Result<Option<usize>> {
    for name in INDEX_VARIABLES {
        if let Ok(value) = std::env::var(name) {
            return value.trim().parse::<usize>().map(Some).map_err(|_| {
                anyhow::anyhow!("{name} is '{value}', not an index; give --index I instead")
            });
        }
    }
    Ok(None)
}
