//! The data files of a run as it records them: absolute paths and SHA-256, so that a run can
//! be resumed or a planned cell run from any folder or machine, and a file that moved is found
//! again by its content, never by its name.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;
use sha2::{Digest, Sha256};

/// `files` as absolute paths (relative ones against the current folder; symbolic links kept).
pub fn absolute_paths(files: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    files
        .iter()
        .map(|f| {
            std::path::absolute(f).with_context(|| format!("Could not resolve '{}'", f.display()))
        })
        .collect()
}

/// The SHA-256 of a file's bytes, in lower-case hex (as the loader records it).
pub fn sha256_of_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Where the file recorded as `recorded` with hash `sha256` is now: at its recorded path if
/// the content is unchanged, else the first of `candidates` with that content. The error
/// names the file and says how to point at its new place (`--resume RUN_DIR FILE`).
pub fn locate(
    recorded: &Path,
    sha256: &str,
    candidates: &[PathBuf],
    run_dir: &Path,
) -> anyhow::Result<PathBuf> {
    let recorded_hash = sha256_of_file(recorded).ok();
    if recorded_hash.as_deref() == Some(sha256) {
        return Ok(recorded.to_path_buf());
    }
    for candidate in candidates {
        if sha256_of_file(candidate).ok().as_deref() == Some(sha256) {
            return std::path::absolute(candidate)
                .with_context(|| format!("Could not resolve '{}'", candidate.display()));
        }
    }
    let problem = match recorded_hash {
        Some(_) => "changed since the run started (its SHA-256 differs)",
        None => "is no longer there (moved or deleted)",
    };
    let searched = if candidates.is_empty() {
        String::new()
    } else {
        format!(
            "; none of the {} file(s) given has its content (SHA-256 {})",
            candidates.len(),
            &sha256[..sha256.len().min(12)]
        )
    };
    anyhow::bail!(
        "the dataset file {} {problem}{searched}. Pass the original file's current location: modelbench compare --resume {} FILE",
        recorded.display(),
        run_dir.display()
    )
}

/// Refuses a file whose loaded content no longer has the recorded hash (it changed while
/// being located).
pub fn check_hash(path: &Path, loaded: &str, recorded: &str, run_dir: &Path) -> anyhow::Result<()> {
    if loaded == recorded {
        return Ok(());
    }
    anyhow::bail!(
        "the dataset file {} changed since the run in {} started (its SHA-256 differs); restore it or start a new run",
        path.display(),
        run_dir.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_file_is_found_by_its_content_and_a_changed_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let original = dir.path().join("a.csv");
        std::fs::write(&original, "x,y\n1,2\n").unwrap();
        let hash = sha256_of_file(&original).unwrap();
        assert_eq!(hash.len(), 64);
        assert_eq!(locate(&original, &hash, &[], dir.path()).unwrap(), original);

        let moved = dir.path().join("moved.csv");
        let other = dir.path().join("other.csv");
        std::fs::rename(&original, &moved).unwrap();
        std::fs::write(&other, "x,y\n3,4\n").unwrap();
        let found = locate(
            &original,
            &hash,
            &[other.clone(), moved.clone()],
            dir.path(),
        )
        .unwrap();
        assert_eq!(found, moved);

        let err = locate(&original, &hash, std::slice::from_ref(&other), dir.path()).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("a.csv is no longer there") && text.contains("none of the 1 file"),
            "{text}"
        );
        std::fs::write(&original, "x,y\n9,9\n").unwrap();
        let text = locate(&original, &hash, &[], dir.path())
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("changed since the run started") && text.contains("--resume"),
            "{text}"
        );
    }
}
