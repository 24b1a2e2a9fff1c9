//! `modelbench collect`: merge a plan's cell results into `results.json`, write every report
//! (through the same function as `compare`), and name the cells still missing or failed with
//! the command that reruns exactly those.

use super::output::{errln, out, outln};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::eval::cell_selection::index_list;
use crate::eval::host;
use crate::eval::plan_folder;
use crate::eval::results::write_atomically;
use crate::eval::runner::RESULTS_FILE;
use crate::render::{answer, table};

pub fn run(dir: &Path) -> anyhow::Result<ExitCode> {
    let dir = std::path::absolute(dir)
        .with_context(|| format!("Could not resolve '{}'", dir.display()))?;
    let plan_file = plan_folder::read_plan(&dir)?;
    let total = plan_file.plan.cells.len();
    let mut collected = plan_folder::collect(&dir, plan_file)?;
    for why in &collected.unreadable {
        errln!("warning: {}", super::terminal_safe(why));
    }
    for mix in host::warn_about_mixed_cpus(&mut collected.results) {
        errln!(
            "warning: {}: {}",
            mix.dataset,
            super::terminal_safe(&mix.to_string())
        );
    }
    let results_path = dir.join(RESULTS_FILE);
    let json =
        serde_json::to_vec_pretty(&collected.results).context("Could not encode the results")?;
    write_atomically(&results_path, &json)?;
    let (document, written) = super::report::analyse_and_write(collected.results, &dir)?;
    for dataset in &document.results.datasets {
        let analysis = document.datasets.iter().find(|a| a.dataset == dataset.name);
        outln!(
            "{}",
            super::terminal_safe(&table::render(dataset, analysis))
        );
    }
    outln!("Results: {}", results_path.display());
    for path in written {
        outln!("Report:  {}", path.display());
    }
    outln!();
    out!("{}", super::terminal_safe(&answer::render(&document)));
    let dir_word = super::shell_word(&dir.display().to_string());
    let mut complete = true;
    if !collected.missing.is_empty() {
        complete = false;
        let list = index_list(&collected.missing);
        errln!(
            "{} of {total} cells have no result yet: {list}\n  run exactly those: modelbench run-cell {dir_word} --cells {list}\n  or on Slurm:       modelbench slurm {dir_word} --missing-only --submit",
            collected.missing.len()
        );
    }
    if !collected.failed.is_empty() {
        complete = false;
        let list = index_list(&collected.failed);
        errln!(
            "{} of {total} cells failed or timed out (the reasons are in the reports): {list}\n  rerun exactly those: modelbench run-cell {dir_word} --cells {list} --rerun",
            collected.failed.len()
        );
    }
    Ok(if complete {
        ExitCode::SUCCESS
    } else {
        super::exit_code::code(super::exit_code::INCOMPLETE)
    })
}
