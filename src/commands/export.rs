//! `modelbench export`: write a saved model as ONNX.

use super::output::outln;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::persist;

pub fn run(model: &Path, onnx: &Path) -> anyhow::Result<ExitCode> {
    let loaded = persist::load(model)?;
    let bytes = persist::onnx::export(&loaded.body)
        .map_err(|why| anyhow::anyhow!("{}: {why}", model.display()))?;
    crate::eval::results::write_atomically(onnx, &bytes)
        .with_context(|| format!("Could not write the ONNX file '{}'", onnx.display()))?;
    outln!(
        "Wrote {} ({} bytes): input `features` (doubles, one column per source column in order, categorical columns as level codes, NaN for missing); see the file's metadata for the columns and class labels",
        onnx.display(),
        bytes.len()
    );
    Ok(ExitCode::SUCCESS)
}
