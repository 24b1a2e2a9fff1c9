//! `modelbench k8s`: write a Kubernetes Indexed Job manifest that runs a plan's cells, one
//! batch per pod. Kubernetes gives each pod its index in `JOB_COMPLETION_INDEX`, which
//! `run-cell` reads. The plan folder and the datasets must be on a shared volume, mounted in
//! the pods at the same absolute paths they were planned with.

use super::output::outln;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::K8sArgs;
use crate::eval::{cell_selection, plan_folder};

/// What the manifest needs.
#[derive(Debug, Clone, PartialEq)]
pub struct JobSpec {
    pub name: String,
    pub image: String,
    pub plan_dir: PathBuf,
    pub completions: usize,
    pub parallelism: u32,
    pub batch_size: usize,
    pub mem: String,
    pub claim: String,
    pub mount: PathBuf,
}

pub fn run(args: &K8sArgs) -> anyhow::Result<ExitCode> {
    let dir = std::path::absolute(&args.dir)
        .with_context(|| format!("Could not resolve '{}'", args.dir.display()))?;
    let plan_file = plan_folder::read_plan(&dir)?;
    let (batch_size, completions) = cell_selection::batches(
        plan_file.plan.cells.len(),
        args.batch_size.map(|b| b as usize),
    )?;
    let mut paths = vec![dir.clone()];
    paths.extend(plan_file.plan.datasets.iter().map(|d| d.path.clone()));
    let mount = match &args.mount {
        Some(mount) => std::path::absolute(mount)
            .with_context(|| format!("Could not resolve '{}'", mount.display()))?,
        None => match common_folder(&paths) {
            root if root.parent().is_none() => anyhow::bail!(
                "the plan folder and the datasets share no folder below {}; put them on the shared volume (and plan there), or name its mount path with --mount",
                root.display()
            ),
            common => common,
        },
    };
    if let Some(outside) = paths.iter().find(|p| !p.starts_with(&mount)) {
        anyhow::bail!(
            "{} is not under the mount path {}; the pods would not see it (choose --mount, or plan with the datasets on the shared volume)",
            outside.display(),
            mount.display()
        );
    }
    let spec = JobSpec {
        name: job_name(&dir),
        image: args.image.clone(),
        plan_dir: dir.clone(),
        completions,
        parallelism: args.parallelism,
        batch_size,
        mem: args.mem.clone(),
        claim: args.claim.clone(),
        mount,
    };
    let out = dir.join("k8s");
    std::fs::create_dir_all(&out)
        .with_context(|| format!("Could not create '{}'", out.display()))?;
    let path = out.join("job.yaml");
    crate::eval::results::write_atomically(&path, manifest(&spec).as_bytes())?;
    outln!(
        "Wrote {} ({completions} pods of {batch_size} cell(s), {} at once).",
        path.display(),
        args.parallelism
    );
    outln!(
        "Run it: kubectl apply -f {}; when it is done: modelbench collect {}",
        super::shell_word(&path.display().to_string()),
        super::shell_word(&dir.display().to_string())
    );
    Ok(ExitCode::SUCCESS)
}

/// The deepest folder holding every path.
fn common_folder(paths: &[PathBuf]) -> PathBuf {
    let mut common: PathBuf = paths
        .first()
        .and_then(|p| p.parent())
        .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
    while !paths.iter().all(|p| p.starts_with(&common)) {
        if !common.pop() {
            return PathBuf::from("/");
        }
    }
    common
}

/// A Kubernetes object name (lower-case letters, digits, '-', at most 63 characters) from the
/// plan folder's name.
fn job_name(dir: &Path) -> String {
    let stem: String = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let name = format!("modelbench-{}", stem.trim_matches('-'));
    name.chars()
        .take(63)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// A YAML string (JSON's string syntax is valid YAML).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string always encodes as JSON")
}

/// The Indexed Job manifest.
pub fn manifest(spec: &JobSpec) -> String {
    let plan_dir = spec.plan_dir.display().to_string();
    format!(
        "# Written by `modelbench k8s`: runs the plan in {plan_dir}\n\
# as an Indexed Job; each pod runs `modelbench run-cell` on the batch JOB_COMPLETION_INDEX.\n\
# The claim {claim} must hold the plan folder and the datasets under {mount}.\n\
apiVersion: batch/v1\n\
kind: Job\n\
metadata:\n\
\x20 name: {name}\n\
spec:\n\
\x20 completionMode: Indexed\n\
\x20 completions: {completions}\n\
\x20 parallelism: {parallelism}\n\
\x20 backoffLimit: {completions}\n\
\x20 template:\n\
\x20   spec:\n\
\x20     restartPolicy: Never\n\
\x20     containers:\n\
\x20       - name: cells\n\
\x20         image: {image}\n\
\x20         command: [\"modelbench\", \"run-cell\", {plan_dir_q}, \"--batch-size\", \"{batch}\"]\n\
\x20         resources:\n\
\x20           requests: {{cpu: \"1\", memory: {mem}}}\n\
\x20           limits: {{cpu: \"1\", memory: {mem}}}\n\
\x20         volumeMounts:\n\
\x20           - name: data\n\
\x20             mountPath: {mount_q}\n\
\x20     volumes:\n\
\x20       - name: data\n\
\x20         persistentVolumeClaim:\n\
\x20           claimName: {claim_q}\n",
        claim = spec.claim,
        mount = spec.mount.display(),
        name = quoted(&spec.name),
        completions = spec.completions,
        parallelism = spec.parallelism,
        image = quoted(&spec.image),
        plan_dir_q = quoted(&plan_dir),
        batch = spec.batch_size,
        mem = quoted(&spec.mem),
        mount_q = quoted(&spec.mount.display().to_string()),
        claim_q = quoted(&spec.claim),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_is_an_indexed_job_running_run_cell() {
        let text = manifest(&JobSpec {
            name: job_name(Path::new("/data/Plan 1")),
            image: "registry.example/modelbench:0.1".into(),
            plan_dir: "/data/Plan 1".into(),
            completions: 12,
            parallelism: 3,
            batch_size: 2,
            mem: "2Gi".into(),
            claim: "bench".into(),
            mount: "/data".into(),
        });
        for line in [
            "  name: \"modelbench-plan-1\"",
            "  completionMode: Indexed",
            "  completions: 12",
            "  parallelism: 3",
            "          command: [\"modelbench\", \"run-cell\", \"/data/Plan 1\", \"--batch-size\", \"2\"]",
            "              mountPath: \"/data\"",
            "            claimName: \"bench\"",
        ] {
            assert!(text.lines().any(|l| l == line), "missing '{line}' in\n{text}");
        }
    }

    #[test]
    fn the_mount_is_the_deepest_common_folder() {
        let paths = [
            PathBuf::from("/shared/plans/p1"),
            PathBuf::from("/shared/data/iris.csv"),
        ];
        assert_eq!(common_folder(&paths), PathBuf::from("/shared"));
        assert_eq!(
            common_folder(&[PathBuf::from("/a/b/c")]),
            PathBuf::from("/a/b")
        );
    }
}
