//! The saved feature schema: the source columns a model expects, how each is encoded
//! (numeric, or one-hot over its training levels), the imputation fitted on the training rows
//! and the standardization the model was trained with.
//!
//! It is the evaluation's preprocessing (`eval::cell`: impute, then standardize when the model
//! wants it), fitted on all rows, so new data goes through exactly what the model saw.

use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use crate::data::impute::Imputer;
use crate::data::scale::Standardizer;
use crate::data::{Dataset, FeatureColumn};

/// One source column of the training file, in file order (the target left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SavedColumn {
    /// One feature; a missing cell becomes `impute` (the training mean).
    Numeric { name: String, impute: f64 },
    /// One feature per level (one-hot, in this order); a missing cell becomes the level
    /// `impute` (the most frequent in training).
    Categorical {
        name: String,
        levels: Vec<String>,
        impute: String,
    },
}

impl SavedColumn {
    pub fn name(&self) -> &str {
        match self {
            SavedColumn::Numeric { name, .. } | SavedColumn::Categorical { name, .. } => name,
        }
    }

    /// How many encoded features it becomes.
    pub fn width(&self) -> usize {
        match self {
            SavedColumn::Numeric { .. } => 1,
            SavedColumn::Categorical { levels, .. } => levels.len(),
        }
    }
}

/// Standardization of each encoded feature: `(x / prescale - mean) / scale`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedScaling {
    /// A power of two, 1 unless the training values were beyond 2^500.
    pub prescale: Vec<f64>,
    pub mean: Vec<f64>,
    pub scale: Vec<f64>,
}

/// The columns a model expects and the preprocessing between them and the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureSchema {
    pub columns: Vec<SavedColumn>,
    /// Present when the model was trained on standardized features.
    pub scaling: Option<SavedScaling>,
}

impl FeatureSchema {
    /// Fits the preprocessing on every row of `dataset` and returns the schema with the
    /// prepared features the model is to be trained on.
    pub fn fit(dataset: &Dataset, standardize: bool) -> (Self, Array2<f64>) {
        let imputer = Imputer::fit(dataset.features.view(), &dataset.columns);
        let mut features = dataset.features.clone();
        imputer.apply(&mut features);
        let fill = imputer.fill_values();
        let columns = dataset
            .columns
            .iter()
            .map(|column| match column {
                FeatureColumn::Numeric { name, index } => SavedColumn::Numeric {
                    name: name.clone(),
                    impute: fill[*index],
                },
                FeatureColumn::Categorical {
                    name,
                    levels,
                    first_index,
                } => {
                    let mode = (0..levels.len())
                        .find(|&l| fill[first_index + l] == 1.0)
                        .unwrap_or(0);
                    SavedColumn::Categorical {
                        name: name.clone(),
                        levels: levels.clone(),
                        impute: levels.get(mode).cloned().unwrap_or_default(),
                    }
                }
            })
            .collect();
        let scaling = standardize.then(|| {
            let scaler = Standardizer::fit(features.view());
            features = scaler.transform(features.view());
            let (prescale, mean, scale) = scaler.parts();
            SavedScaling {
                prescale: prescale.to_vec(),
                mean: mean.to_vec(),
                scale: scale.to_vec(),
            }
        });
        (FeatureSchema { columns, scaling }, features)
    }

    /// Encoded features in all.
    pub fn width(&self) -> usize {
        self.columns.iter().map(SavedColumn::width).sum()
    }

    /// The fill value of every encoded feature.
    pub fn fill_values(&self) -> Vec<f64> {
        let mut fill = Vec::with_capacity(self.width());
        for column in &self.columns {
            match column {
                SavedColumn::Numeric { impute, .. } => fill.push(*impute),
                SavedColumn::Categorical { levels, impute, .. } => {
                    fill.extend(levels.iter().map(|l| if l == impute { 1.0 } else { 0.0 }))
                }
            }
        }
        fill
    }

    /// Imputes and standardizes encoded features (NaN where a cell was missing), as in training.
    pub fn prepare(&self, mut features: Array2<f64>) -> Array2<f64> {
        Imputer::from_fill_values(self.fill_values()).apply(&mut features);
        match &self.scaling {
            Some(s) => Standardizer::from_parts(
                Array1::from(s.prescale.clone()),
                Array1::from(s.mean.clone()),
                Array1::from(s.scale.clone()),
            )
            .transform(features.view()),
            None => features,
        }
    }

    /// Checks what a file could get wrong: names, levels, impute values, scaling lengths and
    /// finiteness. The error says which rule failed.
    pub fn validate(&self) -> Result<(), String> {
        if self.columns.is_empty() {
            return Err("the model has no feature columns".into());
        }
        let mut names = std::collections::BTreeSet::new();
        for column in &self.columns {
            if !names.insert(column.name()) {
                return Err(format!("feature column '{}' appears twice", column.name()));
            }
            match column {
                SavedColumn::Numeric { name, impute } if !impute.is_finite() => {
                    return Err(format!("column '{name}' has a non-finite imputation value"))
                }
                SavedColumn::Categorical {
                    name,
                    levels,
                    impute,
                } => {
                    let distinct: std::collections::BTreeSet<&String> = levels.iter().collect();
                    if levels.is_empty() || distinct.len() != levels.len() {
                        return Err(format!("column '{name}' has no levels or a repeated level"));
                    }
                    if !levels.contains(impute) {
                        return Err(format!(
                            "column '{name}' imputes '{impute}', which is not one of its levels"
                        ));
                    }
                }
                SavedColumn::Numeric { .. } => {}
            }
        }
        if let Some(s) = &self.scaling {
            let width = self.width();
            if s.prescale.len() != width || s.mean.len() != width || s.scale.len() != width {
                return Err(format!(
                    "the scaling has {}/{}/{} entries for {width} encoded features",
                    s.prescale.len(),
                    s.mean.len(),
                    s.scale.len()
                ));
            }
            let finite_nonzero = |v: &f64| v.is_finite() && *v != 0.0;
            if !(s.prescale.iter().all(finite_nonzero)
                && s.scale.iter().all(finite_nonzero)
                && s.mean.iter().all(|v| v.is_finite()))
            {
                return Err("the scaling has a non-finite or zero entry".into());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn prepared_training_rows_match_the_evaluation_preprocessing() {
        let csv = b"x,c,y\n1,a,0\n,b,1\n3,b,0\n5,,1\n";
        let dataset = crate::data::load_csv_bytes(
            Path::new("t.csv"),
            csv,
            &crate::data::LoadOptions::default(),
        )
        .expect("test data loads");
        let (schema, prepared) = FeatureSchema::fit(&dataset, true);
        // x: mean of 1, 3, 5 = 3; c: b twice, a once, so b.
        assert_eq!(
            schema.columns,
            vec![
                SavedColumn::Numeric {
                    name: "x".into(),
                    impute: 3.0
                },
                SavedColumn::Categorical {
                    name: "c".into(),
                    levels: vec!["a".into(), "b".into()],
                    impute: "b".into()
                }
            ]
        );
        assert_eq!(schema.prepare(dataset.features.clone()), prepared);
        let mut imputed = dataset.features.clone();
        Imputer::fit(dataset.features.view(), &dataset.columns).apply(&mut imputed);
        let expected = Standardizer::fit(imputed.view()).transform(imputed.view());
        assert_eq!(prepared, expected);
        assert_eq!(schema.validate(), Ok(()));
    }
}
