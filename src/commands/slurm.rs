//! `modelbench slurm`: write the `sbatch` scripts that run a plan as a Slurm job array (one
//! batch of cells per array task) and collect it afterwards (`--dependency=afterany`), and
//! with `--submit` submit both. `--missing-only` covers just the cells without a result.

use super::output::outln;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::Context;

use crate::cli::SlurmArgs;
use crate::eval::cell_selection::{self, index_list};
use crate::eval::plan_folder;

/// Where the scripts and the task logs go in the plan folder.
pub const SLURM_DIR: &str = "slurm";

/// What the array script needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ArraySpec {
    pub executable: PathBuf,
    pub plan_dir: PathBuf,
    pub tasks: usize,
    pub batch_size: usize,
    pub max_concurrent: u32,
    pub partition: Option<String>,
    pub time: String,
    pub mem: String,
    /// Only these cells (for `--missing-only`); `None` for the whole plan.
    pub cells: Option<Vec<usize>>,
}

pub fn run(args: &SlurmArgs) -> anyhow::Result<ExitCode> {
    let dir = std::path::absolute(&args.dir)
        .with_context(|| format!("Could not resolve '{}'", args.dir.display()))?;
    let plan_file = plan_folder::read_plan(&dir)?;
    let cells = if args.missing_only {
        let missing = plan_folder::missing_cells(&dir, &plan_file.plan);
        if missing.is_empty() {
            outln!(
                "Every cell has a result; nothing to submit. Merge them: modelbench collect {}",
                super::shell_word(&dir.display().to_string())
            );
            return Ok(ExitCode::SUCCESS);
        }
        Some(missing)
    } else {
        None
    };
    let count = cells.as_ref().map_or(plan_file.plan.cells.len(), Vec::len);
    let (batch_size, tasks) = cell_selection::batches(count, args.batch_size.map(|b| b as usize))?;
    let time = args
        .time
        .clone()
        .unwrap_or_else(|| default_time(batch_size, plan_file.header.timeout_s));
    let spec = ArraySpec {
        executable: std::env::current_exe()
            .context("Could not locate the modelbench executable")?,
        plan_dir: dir.clone(),
        tasks,
        batch_size,
        max_concurrent: args.max_concurrent,
        partition: args.partition.clone(),
        time,
        mem: args.mem.clone(),
        cells,
    };
    let slurm_dir = dir.join(SLURM_DIR);
    std::fs::create_dir_all(slurm_dir.join("logs"))
        .with_context(|| format!("Could not create '{}'", slurm_dir.display()))?;
    let array_path = slurm_dir.join(if args.missing_only {
        "array-missing.sbatch"
    } else {
        "array.sbatch"
    });
    let collect_path = slurm_dir.join("collect.sbatch");
    write_script(&array_path, &array_script(&spec))?;
    write_script(&collect_path, &collect_script(&spec))?;
    outln!(
        "Wrote {} ({tasks} array tasks of {batch_size} cell(s), at most {} at once) and {}",
        array_path.display(),
        args.max_concurrent,
        collect_path.display()
    );
    if !args.submit {
        outln!(
            "Submit them: modelbench slurm {} {}--submit",
            super::shell_word(&dir.display().to_string()),
            if args.missing_only {
                "--missing-only "
            } else {
                ""
            }
        );
        return Ok(ExitCode::SUCCESS);
    }
    let array_job = sbatch(&[], &array_path)?;
    let collect_job = sbatch(
        &[format!("--dependency=afterany:{array_job}")],
        &collect_path,
    )?;
    outln!("Submitted array job {array_job} and collect job {collect_job} (runs after every task ends)");
    outln!("array_job={array_job}");
    outln!("collect_job={collect_job}");
    Ok(ExitCode::SUCCESS)
}

/// The array task's time limit: every cell of its batch at its timeout, plus 30 s each for
/// loading and the worker process, as `D-HH:MM:SS`.
fn default_time(batch_size: usize, timeout_s: f64) -> String {
    let seconds = (batch_size as f64 * (timeout_s + 30.0)).ceil() as u64;
    let minutes = seconds.div_ceil(60).max(1);
    format!(
        "{}-{:02}:{:02}:00",
        minutes / (24 * 60),
        minutes / 60 % 24,
        minutes % 60
    )
}

fn word(path: &Path) -> String {
    super::shell_word(&path.display().to_string())
}

/// The array job: each task runs its batch of cells with `run-cell`, which reads
/// `SLURM_ARRAY_TASK_ID`.
pub fn array_script(spec: &ArraySpec) -> String {
    let logs = spec.plan_dir.join(SLURM_DIR).join("logs");
    let mut text = String::from("#!/bin/bash\n");
    text.push_str("#SBATCH --job-name=modelbench-cells\n");
    text.push_str(&format!(
        "#SBATCH --array=0-{}%{}\n",
        spec.tasks.saturating_sub(1),
        spec.max_concurrent
    ));
    text.push_str("#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n");
    text.push_str(&format!("#SBATCH --mem={}\n", spec.mem));
    text.push_str(&format!("#SBATCH --time={}\n", spec.time));
    if let Some(partition) = &spec.partition {
        text.push_str(&format!("#SBATCH --partition={partition}\n"));
    }
    text.push_str(&format!(
        "#SBATCH --output={}\n",
        logs.join("cells-%A_%a.out").display()
    ));
    text.push_str(&format!(
        "# Written by `modelbench slurm`: each array task runs {} cell(s) of the plan in\n# {}, writing each result to its cells/ folder.\nset -eu\n",
        spec.batch_size,
        spec.plan_dir.display()
    ));
    text.push_str(&format!(
        "exec {} run-cell {} --batch-size {}",
        word(&spec.executable),
        word(&spec.plan_dir),
        spec.batch_size
    ));
    if let Some(cells) = &spec.cells {
        text.push_str(&format!(" --cells {}", index_list(cells)));
    }
    text.push('\n');
    text
}

/// The collect job, submitted to run after the array whatever its tasks' outcome.
pub fn collect_script(spec: &ArraySpec) -> String {
    let logs = spec.plan_dir.join(SLURM_DIR).join("logs");
    let mut text = String::from("#!/bin/bash\n#SBATCH --job-name=modelbench-collect\n");
    text.push_str("#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n");
    text.push_str(&format!(
        "#SBATCH --mem={}\n#SBATCH --time=0-00:30:00\n",
        spec.mem
    ));
    if let Some(partition) = &spec.partition {
        text.push_str(&format!("#SBATCH --partition={partition}\n"));
    }
    text.push_str(&format!(
        "#SBATCH --output={}\n",
        logs.join("collect-%j.out").display()
    ));
    text.push_str("# Written by `modelbench slurm`: merges the cell results and writes the reports.\nset -eu\n");
    text.push_str(&format!(
        "exec {} collect {}\n",
        word(&spec.executable),
        word(&spec.plan_dir)
    ));
    text
}

fn write_script(path: &Path, text: &str) -> anyhow::Result<()> {
    crate::eval::results::write_atomically(path, text.as_bytes())
}

/// Submits `script` with `sbatch --parsable` and returns the job id.
fn sbatch(extra: &[String], script: &Path) -> anyhow::Result<String> {
    let output = Command::new("sbatch")
        .arg("--parsable")
        .args(extra)
        .arg(script)
        .output()
        .with_context(|| {
            format!(
                "Could not run sbatch (is this a Slurm login node?); the script is {}",
                script.display()
            )
        })?;
    if !output.status.success() {
        anyhow::bail!(
            "sbatch refused {}: {}",
            script.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    // `--parsable` prints `jobid` or `jobid;cluster`.
    let text = String::from_utf8_lossy(&output.stdout);
    let id = text.trim().split(';').next().unwrap_or("").to_string();
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
        anyhow::bail!("sbatch printed '{}', not a job id", text.trim());
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(cells: Option<Vec<usize>>) -> ArraySpec {
        ArraySpec {
            executable: "/opt/modelbench".into(),
            plan_dir: "/scratch/my plan".into(),
            tasks: 250,
            batch_size: 4,
            max_concurrent: 20,
            partition: Some("short".into()),
            time: "0-00:20:00".into(),
            mem: "2G".into(),
            cells,
        }
    }

    #[test]
    fn the_array_script_holds_every_setting_and_the_run_cell_command() {
        let text = array_script(&spec(None));
        for line in [
            "#SBATCH --array=0-249%20",
            "#SBATCH --cpus-per-task=1",
            "#SBATCH --mem=2G",
            "#SBATCH --time=0-00:20:00",
            "#SBATCH --partition=short",
            "#SBATCH --output=/scratch/my plan/slurm/logs/cells-%A_%a.out",
            "exec /opt/modelbench run-cell '/scratch/my plan' --batch-size 4",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing '{line}' in\n{text}"
            );
        }
        let missing = array_script(&spec(Some(vec![3, 4, 5, 9])));
        assert!(
            missing.contains("--batch-size 4 --cells 3-5,9\n"),
            "{missing}"
        );
        let collect = collect_script(&spec(None));
        assert!(collect.contains("exec /opt/modelbench collect '/scratch/my plan'\n"));
    }

    #[test]
    fn default_time_covers_the_batch_at_its_timeout() {
        assert_eq!(default_time(1, 300.0), "0-00:06:00");
        assert_eq!(default_time(6, 300.0), "0-00:33:00");
        assert_eq!(default_time(100, 3600.0), "4-04:50:00");
    }
}
