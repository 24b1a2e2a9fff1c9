//! `modelbench predict`: apply a saved model to a CSV file.

use super::output::{errln, outln};
use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::PredictArgs;
use crate::data::LoadOptions;
use crate::persist::{self, predict, table};

pub fn run(args: &PredictArgs) -> anyhow::Result<ExitCode> {
    let model = persist::load(&args.model)?;
    // Cells are read as the training file's were (decimal mark, `--numeric` columns, what
    // `--drop` left out); the delimiter is the new file's own, sniffed unless given.
    let saved = &model.body.training.load_options;
    let options = LoadOptions {
        delimiter: args.delimiter,
        max_bytes: args.max_bytes,
        decimal: args.decimal.or(saved.decimal),
        drop: saved.drop.clone(),
        numeric: saved.numeric.clone(),
        ..LoadOptions::default()
    };
    let rows = table::read_new_rows(
        &args.file,
        &options,
        &model.body.features,
        &model.body.target,
        args.unseen,
    )?;
    let predictions = predict::predict_rows(&model, &rows).with_context(|| {
        format!(
            "{} could not predict {}",
            model.body.model.name,
            args.file.display()
        )
    })?;
    let to_stdout = args.out.as_os_str() == "-";
    // Notes and the score go to stderr when the predictions fill stdout.
    let say = |line: String| {
        let line = super::terminal_safe(&line);
        if to_stdout {
            errln!("{line}");
        } else {
            outln!("{line}");
        }
    };
    for note in &rows.notes {
        say(format!("note: {note}"));
    }
    for warning in &rows.warnings {
        say(format!("warning: {warning}"));
    }
    if to_stdout {
        let mut out = std::io::stdout().lock();
        predict::write_csv(&predictions, &mut out).context("Could not write the predictions")?;
        out.flush()?;
    } else {
        let mut bytes = Vec::new();
        predict::write_csv(&predictions, &mut bytes).context("Could not write the predictions")?;
        crate::eval::results::write_atomically(&args.out, &bytes)?;
        say(format!(
            "Wrote {} predictions of {} to {}",
            predictions.rows.len(),
            predictions.target_name,
            args.out.display()
        ));
    }
    match &predictions.score {
        Some(score) => say(format!("Score of {}: {score}", model.body.model.name)),
        None => say(format!(
            "No score: the file has no '{}' column with values",
            predictions.target_name
        )),
    }
    Ok(ExitCode::SUCCESS)
}
