//! A plan folder: a run handed out cell by cell, to a Slurm array, a Kubernetes Indexed Job
//! or any loop over indexes. `plan.json` holds the protocol (in the run header), every
//! dataset's absolute path, SHA-256 and folds, and the numbered cells; each cell's result is
//! written to its own file under `cells/` (a temporary file, then an atomic link, so a reader
//! never sees half a result and a second writer of the same cell changes nothing); collecting
//! reads them back into one [`RunResults`], listing the cells still missing or failed.

use std::collections::HashMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::cell::{CellResult, CellStatus};
use super::executor::{self, Executor};
use super::interrupt;
use super::plan::{Plan, PlannedCell};
use super::results::{write_atomically, RunHeader, RunResults};
use super::sources;

/// Bumped whenever `plan.json` or the cell files change incompatibly.
pub const PLAN_FORMAT_VERSION: u32 = 1;
/// The plan's file name in its folder.
pub const PLAN_FILE: &str = "plan.json";
/// The folder of cell results in a plan folder.
pub const CELLS_DIR: &str = "cells";

/// The contents of `plan.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanFile {
    pub plan_format_version: u32,
    /// The modelbench that planned it; cells must be run by the same version.
    pub modelbench_version: String,
    pub header: RunHeader,
    pub plan: Plan,
}

/// One cell's result file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellFile {
    pub index: usize,
    pub result: CellResult,
}

/// Writes a new plan folder at `dir`; refuses a folder that already holds a plan.
pub fn write_plan(dir: &Path, header: RunHeader, plan: Plan) -> anyhow::Result<PathBuf> {
    let dir = std::path::absolute(dir)
        .with_context(|| format!("Could not resolve the folder '{}'", dir.display()))?;
    let path = dir.join(PLAN_FILE);
    if path.exists() {
        anyhow::bail!(
            "{} already holds a plan (and maybe results); choose another --out or delete that folder",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir.join(CELLS_DIR))
        .with_context(|| format!("Could not create the plan folder '{}'", dir.display()))?;
    let file = PlanFile {
        plan_format_version: PLAN_FORMAT_VERSION,
        modelbench_version: env!("CARGO_PKG_VERSION").to_string(),
        header,
        plan,
    };
    let json = serde_json::to_vec_pretty(&file).context("Could not encode the plan")?;
    write_atomically(&path, &json)?;
    Ok(dir)
}

/// Reads `dir/plan.json`, refusing one written by another modelbench version or format.
pub fn read_plan(dir: &Path) -> anyhow::Result<PlanFile> {
    let path = dir.join(PLAN_FILE);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "Could not read '{}'; is '{}' a folder made by `modelbench plan`?",
            path.display(),
            dir.display()
        )
    })?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not JSON (cut short?); plan again", path.display()))?;
    let format = value.get("plan_format_version").and_then(|v| v.as_u64());
    let version = value
        .get("modelbench_version")
        .and_then(|v| v.as_str())
        .unwrap_or("an unknown version");
    let ours = env!("CARGO_PKG_VERSION");
    if format != Some(u64::from(PLAN_FORMAT_VERSION)) || version != ours {
        anyhow::bail!(
            "{} was planned by modelbench {version} (plan format {}); this is modelbench {ours} (plan format {PLAN_FORMAT_VERSION}). Run its cells with the modelbench that planned it, or plan again with this one",
            path.display(),
            format.map_or_else(|| "unknown".to_string(), |f| f.to_string())
        );
    }
    serde_json::from_value(value)
        .with_context(|| format!("{} is not a modelbench plan", path.display()))
}

/// The file of cell `index`.
pub fn cell_path(dir: &Path, index: usize) -> PathBuf {
    dir.join(CELLS_DIR).join(format!("{index:06}.json"))
}

/// How a cell file was found.
#[derive(Debug, Clone, PartialEq)]
pub enum CellState {
    Missing,
    /// Present but not a complete result of this cell (cut short, or another cell's).
    Unreadable(String),
    Done(Box<CellResult>),
}

/// Reads the result file of `cell`.
pub fn read_cell(dir: &Path, cell: &PlannedCell) -> CellState {
    let path = cell_path(dir, cell.index);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == ErrorKind::NotFound => return CellState::Missing,
        Err(e) => return CellState::Unreadable(format!("{}: {e}", path.display())),
    };
    match serde_json::from_slice::<CellFile>(&bytes) {
        Ok(file) if file.index == cell.index && file.result.key == cell.key => {
            CellState::Done(Box::new(file.result))
        }
        Ok(_) => CellState::Unreadable(format!(
            "{} holds the result of another cell; it is ignored",
            path.display()
        )),
        Err(e) => CellState::Unreadable(format!(
            "{} is not a complete cell result ({e}); it is ignored and the cell counted missing",
            path.display()
        )),
    }
}

/// How writing a cell's file went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    Written,
    /// Another task wrote this cell first; its file is kept and this result dropped.
    AlreadyThere,
}

/// Writes cell `index`'s result atomically: a temporary file in `cells/`, then a hard link
/// to its name, which fails if the name exists, so of two tasks writing one cell the second
/// is a no-op. With `replace`, an existing result is replaced (by an atomic rename).
pub fn write_cell(
    dir: &Path,
    index: usize,
    result: &CellResult,
    replace: bool,
) -> anyhow::Result<Written> {
    let path = cell_path(dir, index);
    let json = serde_json::to_vec_pretty(&CellFile {
        index,
        result: result.clone(),
    })
    .context("Could not encode a cell result")?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let temporary = dir
        .join(CELLS_DIR)
        .join(format!(".{index:06}.{}.{stamp}.tmp", std::process::id()));
    let write = || -> std::io::Result<Written> {
        {
            use std::io::Write;
            let mut file = std::fs::File::create(&temporary)?;
            file.write_all(&json)?;
            file.sync_all()?;
        }
        if replace {
            std::fs::rename(&temporary, &path)?;
            return Ok(Written::Written);
        }
        let linked = std::fs::hard_link(&temporary, &path);
        let _ = std::fs::remove_file(&temporary);
        match linked {
            Ok(()) => Ok(Written::Written),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(Written::AlreadyThere),
            Err(e) => Err(e),
        }
    };
    write().with_context(|| format!("Could not write the cell result '{}'", path.display()))
}

/// What a `run-cell` call did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CellRunReport {
    pub ran: Vec<usize>,
    /// Already had a result (and `rerun` was not asked).
    pub skipped: Vec<usize>,
    /// Another task wrote the cell while this one ran it.
    pub written_by_another: Vec<usize>,
    /// Cut short by a stop request (SIGTERM from `scancel`, Ctrl-C): nothing written.
    pub interrupted: Vec<usize>,
}

/// Runs the cells `indexes` of the plan in `dir` with `executor`, one after another, writing
/// each result to its file. Cells with a result are skipped unless `rerun`. Every dataset the
/// cells need is checked against its planned SHA-256 first; a changed file refuses the run and
/// is named.
pub fn run_cells(
    dir: &Path,
    plan_file: &PlanFile,
    indexes: &[usize],
    executor: &dyn Executor,
    rerun: bool,
    on_cell: &mut dyn FnMut(&PlannedCell, &CellResult),
) -> anyhow::Result<CellRunReport> {
    let plan = &plan_file.plan;
    let protocol = plan_file.header.protocol();
    let mut checked: HashMap<usize, ()> = HashMap::new();
    for &index in indexes {
        let cell = &plan.cells[index];
        if cell.refusal.is_some() || checked.contains_key(&cell.dataset_index) {
            continue;
        }
        let record = &plan.datasets[cell.dataset_index];
        let found = sources::sha256_of_file(&record.path).with_context(|| {
            format!(
                "Could not read the dataset file {} of the plan in {}",
                record.path.display(),
                dir.display()
            )
        })?;
        if found != record.sha256 {
            anyhow::bail!(
                "the dataset file {} changed since it was planned (its SHA-256 differs), so its cells would not compare; restore the file or plan again",
                record.path.display()
            );
        }
        checked.insert(cell.dataset_index, ());
    }
    let mut report = CellRunReport::default();
    for &index in indexes {
        let cell = &plan.cells[index];
        let state = read_cell(dir, cell);
        if !rerun && matches!(state, CellState::Done(_)) {
            report.skipped.push(index);
            continue;
        }
        // A file cut short (or another cell's) is replaced, not kept as if written by a peer.
        let replace = rerun || matches!(state, CellState::Unreadable(_));
        let record = &plan.datasets[cell.dataset_index];
        let Some(result) = executor::run_cell(executor, cell, record, &protocol, None) else {
            report.interrupted.push(index);
            continue;
        };
        match write_cell(dir, index, &result, replace)? {
            Written::Written => report.ran.push(index),
            Written::AlreadyThere => report.written_by_another.push(index),
        }
        on_cell(cell, &result);
        if interrupt::requested() {
            break;
        }
    }
    Ok(report)
}

/// The cells of a plan folder, merged.
#[derive(Debug, Clone)]
pub struct Collected {
    /// Header and datasets from the plan; the cells with a result, in plan order.
    pub results: RunResults,
    /// Plan indexes without a (readable) result.
    pub missing: Vec<usize>,
    /// Why some files were ignored (cut short, another cell's).
    pub unreadable: Vec<String>,
    /// Plan indexes whose result is failed or timed out.
    pub failed: Vec<usize>,
}

/// Reads every cell file of the plan in `dir`. Refuses a folder where no cell has a result.
pub fn collect(dir: &Path, plan_file: PlanFile) -> anyhow::Result<Collected> {
    let mut cells = Vec::new();
    let mut missing = Vec::new();
    let mut unreadable = Vec::new();
    let mut failed = Vec::new();
    for cell in &plan_file.plan.cells {
        match read_cell(dir, cell) {
            CellState::Done(result) => {
                if matches!(result.status, CellStatus::Failed | CellStatus::TimedOut) {
                    failed.push(cell.index);
                }
                cells.push(*result);
            }
            CellState::Missing => missing.push(cell.index),
            CellState::Unreadable(why) => {
                unreadable.push(why);
                missing.push(cell.index);
            }
        }
    }
    if cells.is_empty() {
        anyhow::bail!(
            "no cell of the plan in {} has a result yet ({} cells planned); run them first: modelbench slurm {} --submit, or modelbench run-cell {} --index I",
            dir.display(),
            plan_file.plan.cells.len(),
            dir.display(),
            dir.display()
        );
    }
    Ok(Collected {
        results: RunResults {
            header: plan_file.header,
            datasets: plan_file.plan.datasets,
            cells,
        },
        missing,
        unreadable,
        failed,
    })
}

/// The cells of the plan in `dir` without a readable result, in plan order.
pub fn missing_cells(dir: &Path, plan: &Plan) -> Vec<usize> {
    plan.cells
        .iter()
        .filter(|c| !matches!(read_cell(dir, c), CellState::Done(_)))
        .map(|c| c.index)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::cell::CellKey;

    fn planned(index: usize) -> PlannedCell {
        PlannedCell {
            index,
            dataset_index: 0,
            key: CellKey {
                dataset: "iris".into(),
                model: "knn".into(),
                repeat: 0,
                fold: index,
                setting: None,
                train_percent: None,
            },
            seed: 1,
            refusal: None,
        }
    }

    fn result(cell: &PlannedCell, status: CellStatus) -> CellResult {
        CellResult {
            key: cell.key.clone(),
            status,
            reason: None,
            measurement: None,
            host: None,
        }
    }

    #[test]
    fn the_second_writer_of_a_cell_is_a_no_op_and_truncated_files_count_missing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(CELLS_DIR)).unwrap();
        let cell = planned(3);
        assert_eq!(read_cell(dir.path(), &cell), CellState::Missing);
        let first = result(&cell, CellStatus::Ok);
        let second = result(&cell, CellStatus::Failed);
        assert_eq!(
            write_cell(dir.path(), 3, &first, false).unwrap(),
            Written::Written
        );
        assert_eq!(
            write_cell(dir.path(), 3, &second, false).unwrap(),
            Written::AlreadyThere
        );
        assert_eq!(
            read_cell(dir.path(), &cell),
            CellState::Done(Box::new(first))
        );
        let names: Vec<String> = std::fs::read_dir(dir.path().join(CELLS_DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["000003.json"], "no temporary file left");
        // --rerun replaces it.
        write_cell(dir.path(), 3, &second, true).unwrap();
        assert_eq!(
            read_cell(dir.path(), &cell),
            CellState::Done(Box::new(second))
        );
        // A file cut short is ignored, and so is another cell's result under this name.
        let path = cell_path(dir.path(), 3);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, &text[..text.len() / 2]).unwrap();
        assert!(
            matches!(read_cell(dir.path(), &cell), CellState::Unreadable(w) if w.contains("not a complete cell result"))
        );
        std::fs::write(&path, &text).unwrap();
        assert!(matches!(
            read_cell(dir.path(), &planned(4)),
            CellState::Missing
        ));
        std::fs::copy(&path, cell_path(dir.path(), 4)).unwrap();
        assert!(
            matches!(read_cell(dir.path(), &planned(4)), CellState::Unreadable(w) if w.contains("another cell"))
        );
    }
}
