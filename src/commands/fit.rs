//! `modelbench fit`: train one model on every row of a file and save it.

use super::output::outln;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::FitArgs;
use crate::persist;

pub fn run(args: &FitArgs) -> anyhow::Result<ExitCode> {
    let saved = persist::train_and_save(
        &args.file,
        &args.load.to_options(),
        &args.model,
        args.seed,
        None,
        &args.out,
    )?;
    outln!(
        "{}",
        super::terminal_safe(&describe_saved(&saved, &args.out))
    );
    Ok(ExitCode::SUCCESS)
}

/// One line saying what was saved where (shared with `pick --save`).
pub(crate) fn describe_saved(saved: &persist::SavedSummary, out: &std::path::Path) -> String {
    format!(
        "Saved {} trained on all {} rows ({} feature columns) to {} ({} bytes); use it with `modelbench predict {} NEW.csv`",
        saved.model,
        saved.rows,
        saved.features,
        out.display(),
        saved.bytes,
        out.display()
    )
}

/// The cross-validated scores of `model` in a `pick` run's analysis, for the model file.
pub(crate) fn cv_scores_of(
    analysis: &crate::analysis::document::DatasetAnalysis,
    model: &str,
    folds: usize,
    repeats: usize,
) -> Option<persist::CvScores> {
    let summary = analysis.summaries.iter().find(|s| s.model == model)?;
    let headline = summary.headline.as_ref()?;
    Some(persist::CvScores {
        score_name: analysis.score_name.clone(),
        mean: headline.mean,
        sd: headline.sd,
        folds,
        repeats,
        folds_ok: summary.folds_ok,
        folds_total: summary.folds_total,
    })
}

/// `pick --save`: trains the recommended model on every row and saves it with its scores.
pub(crate) fn save_picked(
    args: &crate::cli::PickArgs,
    analysis: &crate::analysis::document::DatasetAnalysis,
    model: &str,
    out: &std::path::Path,
) -> anyhow::Result<String> {
    let study = &args.study;
    let scores = cv_scores_of(
        analysis,
        model,
        study.folds as usize,
        study.repeats as usize,
    );
    let file = args
        .file
        .as_ref()
        .context("--save trains the picked model on the CSV file, so give the file (not --from)")?;
    let saved = persist::train_and_save(file, &args.load.to_options(), model, study.seed, scores, out)
        .with_context(|| {
            format!(
                "pick --save: the recommended {model} was not saved (the comparison's reports are kept)"
            )
        })?;
    Ok(describe_saved(&saved, out))
}
