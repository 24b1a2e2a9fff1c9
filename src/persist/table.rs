//! Mapping a new CSV file onto a saved model's columns: by header name, in any order.
//!
//! Nothing is guessed silently: a column the model needs and the file lacks is an error naming
//! it; a column the model does not use is ignored with a note; text in a numeric column is an
//! error at its line and column; a category never seen in training becomes an all-zero one-hot
//! (with a warning counting the rows) or, with `--unseen error`, an error; a missing cell gets
//! the saved imputation (counted in a note).
//!
//! Cells are read as the training file was: with its decimal mark, and with `--numeric`
//! columns turning non-numbers into missing cells (the caller passes the saved load options).
//! An unnamed first column (R's `write.csv`) or pandas' `Unnamed: 0` holding distinct labels is
//! read as row names, which then label the predictions.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use ndarray::Array2;

use super::document::SavedTarget;
use super::schema::{FeatureSchema, SavedColumn};
use crate::data::{is_missing_token, parse_number, parse_number_with, DataError, LoadOptions};

/// pandas' header for an index written without a name; R writes an empty one.
const PANDAS_INDEX_NAME: &str = "Unnamed: 0";

/// What to do with a category the model never saw in training.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum UnseenPolicy {
    /// Encode it as all zeros in the column's one-hot features, with a warning counting rows.
    #[default]
    Zero,
    /// Stop with an error at the first one.
    Error,
}

/// A target cell of the new file, when the file has the target column.
#[derive(Debug, Clone, PartialEq)]
pub enum TargetCell {
    Missing,
    /// Index into the saved class labels.
    Class(usize),
    /// A class the model was not trained on: always predicted wrong.
    UnseenClass,
    Value(f64),
}

/// The new rows, encoded as the model's training features were (NaN where a cell is missing,
/// for the saved imputation to fill).
#[derive(Debug, Clone)]
pub struct NewRows {
    pub features: Array2<f64>,
    /// The file line each row starts on.
    pub lines: Vec<u64>,
    /// Each row's label, when the file's first column holds row names.
    pub row_names: Option<Vec<String>>,
    /// The target column's cells, when the file has it.
    pub target: Option<Vec<TargetCell>>,
    /// Ignored columns and imputed cells, for the user.
    pub notes: Vec<String>,
    /// Unseen categories, for the user.
    pub warnings: Vec<String>,
}

/// A new file that does not fit the model, with where.
#[derive(Debug)]
pub enum TableError {
    Data(DataError),
    MissingColumn {
        path: PathBuf,
        name: String,
        available: String,
    },
    Cell {
        path: PathBuf,
        line: u64,
        column: usize,
        name: String,
        problem: String,
    },
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableError::Data(e) => write!(f, "{e}"),
            TableError::MissingColumn {
                path,
                name,
                available,
            } => write!(
                f,
                "{}: the model needs column '{name}', which the file lacks (its columns: {available}); add the column (empty cells are imputed) or rename the one that holds it",
                path.display()
            ),
            TableError::Cell {
                path,
                line,
                column,
                name,
                problem,
            } => write!(
                f,
                "{}, line {line}, column {column} '{name}': {problem}",
                path.display()
            ),
        }
    }
}

impl std::error::Error for TableError {}

impl From<DataError> for TableError {
    fn from(e: DataError) -> Self {
        TableError::Data(e)
    }
}

/// Reads `path` and encodes its rows for a model with `schema` and `target`.
pub fn read_new_rows(
    path: &Path,
    options: &LoadOptions,
    schema: &FeatureSchema,
    target: &SavedTarget,
    unseen: UnseenPolicy,
) -> Result<NewRows, TableError> {
    let bytes = crate::data::read_file(path, options)?;
    let table = crate::data::parse_raw_table(path, &bytes, options)?;
    let position: HashMap<&str, usize> = table
        .headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    let mut sources = Vec::with_capacity(schema.columns.len());
    for column in &schema.columns {
        let index =
            position
                .get(column.name())
                .copied()
                .ok_or_else(|| TableError::MissingColumn {
                    path: path.to_path_buf(),
                    name: column.name().to_string(),
                    available: table.headers.join(", "),
                })?;
        sources.push(index);
    }
    let target_index = position.get(target.name()).copied();
    let row_names = (!sources.contains(&0) && target_index != Some(0))
        .then(|| row_names(&table))
        .flatten();
    let mut notes = Vec::new();
    let ignored: Vec<&str> = table
        .headers
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            !sources.contains(i) && Some(*i) != target_index && !(*i == 0 && row_names.is_some())
        })
        .map(|(_, h)| h.as_str())
        .collect();
    if !ignored.is_empty() {
        let dropped: Vec<&str> = ignored
            .iter()
            .copied()
            .filter(|h| options.drop.iter().any(|d| d == *h))
            .collect();
        let why = if dropped.is_empty() {
            String::new()
        } else {
            format!(" (left out by --drop in training: {})", dropped.join(", "))
        };
        notes.push(format!(
            "ignored {} column(s) the model does not use: {}{why}",
            ignored.len(),
            ignored.join(", ")
        ));
    }
    let decimal = options.decimal.unwrap_or_default();
    let forced_numeric: Vec<bool> = schema
        .columns
        .iter()
        .map(|c| options.numeric.iter().any(|n| n == c.name()))
        .collect();
    let mut made_missing: BTreeMap<&str, usize> = BTreeMap::new();

    let rows = table.n_rows();
    let mut features = Array2::<f64>::zeros((rows, schema.width()));
    let mut imputed: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unseen_rows: BTreeMap<&str, usize> = BTreeMap::new();
    let level_maps: Vec<HashMap<&str, usize>> = schema
        .columns
        .iter()
        .map(|c| match c {
            SavedColumn::Categorical { levels, .. } => levels
                .iter()
                .enumerate()
                .map(|(i, l)| (l.as_str(), i))
                .collect(),
            SavedColumn::Numeric { .. } => HashMap::new(),
        })
        .collect();
    for (r, row) in table.rows().enumerate() {
        let line = table.lines[r];
        let mut at = 0;
        for (c, column) in schema.columns.iter().enumerate() {
            let cell = &row[sources[c]];
            let located = |problem: String| TableError::Cell {
                path: path.to_path_buf(),
                line,
                column: sources[c] + 1,
                name: column.name().to_string(),
                problem,
            };
            let width = column.width();
            let number = match column {
                SavedColumn::Numeric { .. } if !is_missing_token(cell) => {
                    parse_number_with(cell, decimal)
                }
                _ => None,
            };
            let not_a_forced_number = forced_numeric[c] && number.is_none();
            if not_a_forced_number && !is_missing_token(cell) {
                *made_missing.entry(column.name()).or_default() += 1;
            }
            if is_missing_token(cell) || not_a_forced_number {
                *imputed.entry(column.name()).or_default() += 1;
                features
                    .row_mut(r)
                    .slice_mut(ndarray::s![at..at + width])
                    .fill(f64::NAN);
            } else {
                match column {
                    SavedColumn::Numeric { .. } => match number {
                        Some(v) if v.is_finite() => features[[r, at]] = v,
                        Some(_) => {
                            return Err(located(format!(
                                "'{cell}' is infinite; replace it with a finite number or leave the cell empty to impute it"
                            )))
                        }
                        None => {
                            return Err(located(format!(
                                "'{cell}' is not a number, but the model was trained on this column as numeric; fix the value, or leave the cell empty to impute it"
                            )))
                        }
                    },
                    SavedColumn::Categorical { levels, .. } => match level_maps[c].get(cell) {
                        Some(&level) => features[[r, at + level]] = 1.0,
                        None if unseen == UnseenPolicy::Zero => {
                            *unseen_rows.entry(column.name()).or_default() += 1
                        }
                        None => {
                            return Err(located(format!(
                                "category '{cell}' was not seen in training (levels: {}); fix the value, or use --unseen zero to encode it as all zeros",
                                levels.join(", ")
                            )))
                        }
                    },
                }
            }
            at += width;
        }
    }
    if !made_missing.is_empty() {
        let list: Vec<String> = made_missing
            .iter()
            .map(|(n, k)| format!("{n} ({k})"))
            .collect();
        notes.push(format!(
            "{} non-numbers read as missing in --numeric column(s), as in training: {}",
            made_missing.values().sum::<usize>(),
            list.join(", ")
        ));
    }
    if !imputed.is_empty() {
        let list: Vec<String> = imputed.iter().map(|(n, k)| format!("{n} ({k})")).collect();
        notes.push(format!(
            "{} missing cells filled with the saved imputation (training mean or most frequent level): {}",
            imputed.values().sum::<usize>(),
            list.join(", ")
        ));
    }
    let warnings = unseen_rows
        .iter()
        .map(|(name, k)| {
            format!("{k} row(s) have a category of '{name}' never seen in training; encoded as all zeros (use --unseen error to refuse them)")
        })
        .collect();
    let target = match target_index {
        None => None,
        Some(index) => Some(read_target(path, &table, index, target)?),
    };
    Ok(NewRows {
        features,
        lines: table.lines.clone(),
        row_names,
        target,
        notes,
        warnings,
    })
}

/// The first column's cells when they are row names, as the loader reads them: the header
/// empty (R) or `Unnamed: 0` (pandas), every cell present and different from the others.
fn row_names(table: &crate::data::RawTable<'_>) -> Option<Vec<String>> {
    let header = table.headers.first()?;
    if !header.is_empty() && header != PANDAS_INDEX_NAME {
        return None;
    }
    let mut seen = HashSet::with_capacity(table.n_rows());
    let names: Vec<String> = table.rows().map(|row| row[0].to_string()).collect();
    names
        .iter()
        .all(|n| !n.is_empty() && seen.insert(n.as_str()))
        .then_some(names)
}

fn read_target(
    path: &Path,
    table: &crate::data::RawTable<'_>,
    index: usize,
    target: &SavedTarget,
) -> Result<Vec<TargetCell>, TableError> {
    let mut cells = Vec::with_capacity(table.n_rows());
    match target {
        SavedTarget::Classification { labels, .. } => {
            let integers = labels.iter().all(|l| l.parse::<i64>().is_ok());
            let key = |cell: &str| match parse_number(cell) {
                Some(x) if integers && x.fract() == 0.0 && x.abs() < 1e15 => {
                    format!("{}", x as i64)
                }
                _ => cell.to_string(),
            };
            let class: HashMap<&str, usize> = labels
                .iter()
                .enumerate()
                .map(|(i, l)| (l.as_str(), i))
                .collect();
            for row in table.rows() {
                let cell = &row[index];
                cells.push(if is_missing_token(cell) {
                    TargetCell::Missing
                } else {
                    match class.get(key(cell).as_str()) {
                        Some(&i) => TargetCell::Class(i),
                        None => TargetCell::UnseenClass,
                    }
                });
            }
        }
        SavedTarget::Regression { name } => {
            for (r, row) in table.rows().enumerate() {
                let cell = &row[index];
                cells.push(if is_missing_token(cell) {
                    TargetCell::Missing
                } else {
                    match parse_number(cell) {
                        Some(v) if v.is_finite() => TargetCell::Value(v),
                        _ => {
                            return Err(TableError::Cell {
                                path: path.to_path_buf(),
                                line: table.lines[r],
                                column: index + 1,
                                name: name.clone(),
                                problem: format!(
                                    "target '{cell}' is not a finite number, so the score cannot be computed; fix it or leave it empty"
                                ),
                            })
                        }
                    }
                });
            }
        }
    }
    Ok(cells)
}
