//! Predicting new rows with a loaded model: the table of predictions, its CSV form, and the
//! score when the new file has the target column.

use std::io::Write;

use super::document::SavedTarget;
use super::table::{NewRows, TargetCell};
use super::LoadedModel;
use crate::eval::metrics;
use crate::models::{ModelError, Prediction};

/// A loaded model's predictions for the rows of a new file.
#[derive(Debug, Clone)]
pub struct Predictions {
    /// Per prediction: the row's name when the file has row names, else its 1-based data
    /// row (the header not counted).
    pub rows: Vec<String>,
    pub prediction: Prediction,
    /// Class names (classification), in score-column order.
    pub labels: Vec<String>,
    pub target_name: String,
    pub score: Option<Score>,
}

/// How well the predictions match the new file's target column.
#[derive(Debug, Clone, PartialEq)]
pub enum Score {
    Classification {
        accuracy: f64,
        /// Rows with a target (rows whose target is missing are not scored).
        rows: usize,
        /// Rows whose class the model never saw (counted as wrong).
        unseen_classes: usize,
    },
    Regression {
        r2: f64,
        rmse: f64,
        rows: usize,
    },
}

impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Score::Classification {
                accuracy,
                rows,
                unseen_classes,
            } => {
                write!(f, "accuracy {accuracy:.4} on {rows} rows with a target")?;
                if *unseen_classes > 0 {
                    write!(
                        f,
                        " ({unseen_classes} of them of a class never seen in training, counted wrong)"
                    )?;
                }
                Ok(())
            }
            Score::Regression { r2, rmse, rows } => {
                write!(f, "R² {r2:.4}, RMSE {rmse:.4} on {rows} rows with a target")
            }
        }
    }
}

/// Prepares `rows` with the saved preprocessing and predicts them.
pub fn predict_rows(model: &LoadedModel, rows: &NewRows) -> Result<Predictions, ModelError> {
    let prepared = model.body.features.prepare(rows.features.clone());
    let prediction = model.fitted.predict(prepared.view())?;
    let labels = match &model.body.target {
        SavedTarget::Classification { labels, .. } => labels.clone(),
        SavedTarget::Regression { .. } => Vec::new(),
    };
    let score = rows
        .target
        .as_ref()
        .and_then(|cells| score(cells, &prediction));
    Ok(Predictions {
        rows: match &rows.row_names {
            Some(names) => names.clone(),
            None => (1..=rows.lines.len()).map(|r| r.to_string()).collect(),
        },
        prediction,
        labels,
        target_name: model.body.target.name().to_string(),
        score,
    })
}

fn score(cells: &[TargetCell], prediction: &Prediction) -> Option<Score> {
    match prediction {
        Prediction::Classes { labels, .. } => {
            let (mut right, mut rows, mut unseen) = (0usize, 0usize, 0usize);
            for (cell, &predicted) in cells.iter().zip(labels) {
                match cell {
                    TargetCell::Class(truth) => {
                        rows += 1;
                        right += usize::from(*truth == predicted);
                    }
                    TargetCell::UnseenClass => {
                        rows += 1;
                        unseen += 1;
                    }
                    TargetCell::Missing | TargetCell::Value(_) => {}
                }
            }
            (rows > 0).then(|| Score::Classification {
                accuracy: right as f64 / rows as f64,
                rows,
                unseen_classes: unseen,
            })
        }
        Prediction::Values(values) => {
            let (truth, predicted): (Vec<f64>, Vec<f64>) = cells
                .iter()
                .zip(values)
                .filter_map(|(cell, &p)| match cell {
                    TargetCell::Value(t) => Some((*t, p)),
                    _ => None,
                })
                .unzip();
            (!truth.is_empty()).then(|| {
                let m = metrics::regression_metrics(&truth, &predicted);
                Score::Regression {
                    r2: m.r2,
                    rmse: m.rmse,
                    rows: truth.len(),
                }
            })
        }
    }
}

/// Writes the predictions as CSV: `row` (the row name, or the row number), `prediction` and, for a classifier whose scores are
/// probabilities, one `probability_<class>` column per class.
pub fn write_csv(predictions: &Predictions, out: impl Write) -> csv::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    match &predictions.prediction {
        Prediction::Classes { labels, scores } => {
            let probabilities = scores.as_ref().filter(|s| s.are_probabilities);
            let mut header = vec!["row".to_string(), "prediction".to_string()];
            if probabilities.is_some() {
                header.extend(
                    predictions
                        .labels
                        .iter()
                        .map(|l| format!("probability_{l}")),
                );
            }
            writer.write_record(&header)?;
            for (i, &label) in labels.iter().enumerate() {
                let mut record = vec![
                    predictions.rows[i].clone(),
                    predictions.labels.get(label).cloned().unwrap_or_default(),
                ];
                if let Some(p) = probabilities {
                    record.extend(p.values.row(i).iter().map(|v| v.to_string()));
                }
                writer.write_record(&record)?;
            }
        }
        Prediction::Values(values) => {
            writer.write_record(["row", "prediction"])?;
            for (i, v) in values.iter().enumerate() {
                writer.write_record([predictions.rows[i].clone(), v.to_string()])?;
            }
        }
    }
    writer.flush()?;
    Ok(())
}
