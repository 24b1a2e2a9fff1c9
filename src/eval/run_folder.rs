//! Run folders: a run claims its folder by creating the log in it exclusively, so two runs
//! (started in the same second, or pointed at the same `--out`) never share one; the second
//! takes `DIR-2`, `DIR-3`, ...

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

use anyhow::Context;

// The run's log: creating it exclusively is what claims the folder.
use super::runner::LOG_FILE;

/// Creates the run folder `dir` and claims it by creating its log exclusively; when another
/// run holds it (or starts at the same instant), the next free `DIR-2`, `DIR-3`, ... is used.
/// Returns the claimed folder as an absolute path.
pub fn claim_run_folder(dir: &Path) -> anyhow::Result<PathBuf> {
    let base = std::path::absolute(dir)
        .with_context(|| format!("Could not resolve the output folder '{}'", dir.display()))?;
    let name = base
        .file_name()
        .map_or_else(|| "run".into(), |n| n.to_string_lossy().into_owned());
    for attempt in 1..10_000 {
        let candidate = if attempt == 1 {
            base.clone()
        } else {
            base.with_file_name(format!("{name}-{attempt}"))
        };
        std::fs::create_dir_all(&candidate).with_context(|| {
            format!(
                "Could not create the output folder '{}'",
                candidate.display()
            )
        })?;
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(candidate.join(LOG_FILE))
        {
            Ok(_) => return Ok(candidate),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(e).with_context(|| {
                    format!(
                        "Could not create a results log in '{}'",
                        candidate.display()
                    )
                })
            }
        }
    }
    anyhow::bail!(
        "'{}' and 9,999 numbered folders beside it already hold runs; choose another --out",
        base.display()
    )
}

/// The default output folder for a run: `reports/<prefix>-<unix seconds>` (made unique when
/// the run claims it, see [`claim_run_folder`]).
pub fn default_out_dir(reports: &Path, prefix: &str) -> PathBuf {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    reports.join(format!("{prefix}-{seconds}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_runs_into_one_folder_get_distinct_folders() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("run-1");
        let claims: Vec<PathBuf> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| claim_run_folder(&out).unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let distinct: std::collections::HashSet<&PathBuf> = claims.iter().collect();
        assert_eq!(distinct.len(), 4, "{claims:?}");
        assert!(claims.contains(&out));
        assert!(claims.contains(&root.path().join("run-1-4")));
    }
}
