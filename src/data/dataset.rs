//! The [`Dataset`] type and its assembly from a typed table: one-hot encoding of categorical
//! columns, the missing-value policy, task inference and class labels.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ndarray::Array2;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::columns::{plan_columns, IdentifierColumn};
use super::huge_pages::advise_huge_pages;
use super::read::RawTable;
use super::schema::{is_missing_token, parse_number_with, ColumnKind};
use super::{ColumnRef, DataError, DataErrorKind, DecimalMark, LoadOptions, MissingPolicy};

/// An integer target with at most this many distinct values is taken as classes.
const MAX_INTEGER_CLASSES: usize = 20;

/// Classification or regression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Task {
    Classification,
    Regression,
}

impl std::fmt::Display for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Task::Classification => "classification",
            Task::Regression => "regression",
        })
    }
}

/// What is predicted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Target {
    /// Class index per row, into `names` (sorted: numerically for integer labels).
    Classes {
        names: Vec<String>,
        labels: Vec<usize>,
    },
    /// A number per row.
    Values(Vec<f64>),
}

/// A column of the file as it became features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FeatureColumn {
    /// One numeric feature at `index`.
    Numeric { name: String, index: usize },
    /// One-hot features `first_index .. first_index + levels.len()`, one per level.
    Categorical {
        name: String,
        levels: Vec<String>,
        first_index: usize,
    },
}

/// What loading changed or noticed, for warnings and `inspect`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadReport {
    /// Data rows in the file.
    pub rows_in_file: usize,
    /// Rows removed because their target was missing.
    pub dropped_missing_target: usize,
    /// Rows removed by `--missing drop` because a feature was missing.
    pub dropped_missing_feature: usize,
    /// Missing feature cells left for imputation, per source column (name, count).
    pub missing_by_column: Vec<(String, usize)>,
    /// Non-numbers that `--numeric` turned into missing cells, per column (name, count).
    pub not_numbers_made_missing: Vec<(String, usize)>,
    /// The first column, read as row names (its header: empty or `Unnamed: 0`).
    pub row_names_column: Option<String>,
    /// Columns left out by `--drop`.
    pub dropped_columns: Vec<String>,
    /// Numeric columns left out as identifiers (`--keep` keeps one).
    pub identifier_columns: Vec<IdentifierColumn>,
    /// Columns read as categorical because `--categorical` names them.
    pub categorical_by_option: Vec<String>,
    /// The decimal mark numbers were read with.
    pub decimal: DecimalMark,
    /// Whether the decimal mark was sniffed from the file rather than given with `--decimal`.
    pub decimal_sniffed: bool,
    /// Sentences to show the user as warnings.
    pub warnings: Vec<String>,
    /// Sentences about how the file was read, shown by `inspect`.
    pub notes: Vec<String>,
}

/// A loaded table: features (NaN where a value is missing and left for imputation), the
/// target, and where it came from.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// File stem, used as the dataset's name in reports.
    pub name: String,
    pub path: PathBuf,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// Rows × encoded features.
    pub features: Array2<f64>,
    /// Name of each encoded feature (`column=level` for one-hot features).
    pub feature_names: Vec<String>,
    /// The source columns behind the features.
    pub columns: Vec<FeatureColumn>,
    pub target_name: String,
    pub target: Target,
    /// Row labels from the file's first column (R's row names, pandas' index), one per row,
    /// for reports and predictions; never a feature.
    pub row_names: Option<Vec<String>>,
    pub report: LoadReport,
}

impl Dataset {
    pub fn task(&self) -> Task {
        match self.target {
            Target::Classes { .. } => Task::Classification,
            Target::Values(_) => Task::Regression,
        }
    }

    pub fn n_rows(&self) -> usize {
        self.features.nrows()
    }

    /// Class names, empty for regression.
    pub fn class_names(&self) -> &[String] {
        match &self.target {
            Target::Classes { names, .. } => names,
            Target::Values(_) => &[],
        }
    }

    /// Rows per class, in class order; empty for regression.
    pub fn class_counts(&self) -> Vec<usize> {
        match &self.target {
            Target::Classes { names, labels } => {
                let mut counts = vec![0; names.len()];
                labels.iter().for_each(|&l| counts[l] += 1);
                counts
            }
            Target::Values(_) => Vec::new(),
        }
    }

    /// Whether any feature value is missing (left as NaN for imputation).
    pub fn has_missing(&self) -> bool {
        self.report.missing_by_column.iter().any(|(_, n)| *n > 0)
    }
}

/// Types, checks and encodes `table`'s columns into a [`Dataset`]; its `sha256` is left empty
/// for the caller, who hashes the bytes alongside.
pub(crate) fn build(
    path: &Path,
    mut table: RawTable,
    options: &LoadOptions,
) -> Result<Dataset, DataError> {
    let err = |kind| DataError::file(path, kind);
    let plan = plan_columns(path, &mut table, options)?;
    let decimal = plan.decimal;
    let target_index = plan.target;
    let target_ref = ColumnRef::new(target_index, &table.headers[target_index]);
    let feature_indices: Vec<usize> = plan.features.iter().map(|f| f.column).collect();

    // Walk the rows once: apply the missing policy, parse numbers, collect levels.
    let mut levels: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); feature_indices.len()];
    let mut not_numbers = vec![0usize; feature_indices.len()];
    let mut kept_rows: Vec<usize> = Vec::new();
    let mut report = LoadReport {
        rows_in_file: table.n_rows(),
        ..LoadReport::default()
    };
    // Numeric features whose every value is a finite number need no check on any row (the
    // common case); the row walk looks at the others only, in file order as before.
    let to_check: Vec<usize> = plan
        .features
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind == ColumnKind::Categorical || !f.all_finite)
        .map(|(f, _)| f)
        .collect();
    // A file of plain decimals whose features need no check keeps every row (its target
    // cells are numbers, so none is missing): nothing to look at row by row.
    let keeps_every_row = table.nan_numbers() == 0 && to_check.is_empty();
    if keeps_every_row {
        kept_rows.extend(0..table.n_rows());
    }
    let rows_to_check = if keeps_every_row { 0 } else { table.n_rows() };
    for (r, &line) in table.lines.iter().enumerate().take(rows_to_check) {
        // A plain decimal (a number in the table) is never a missing token: only other
        // cells are looked at.
        if table.number(r, target_index).is_nan() && is_missing_token(table.cell(r, target_index)) {
            if options.missing == MissingPolicy::Error {
                let target_cell = table.cell(r, target_index);
                return Err(missing_error(path, line, target_ref.clone(), target_cell));
            }
            report.dropped_missing_target += 1;
            continue;
        }
        let mut row_has_missing = false;
        for &f in &to_check {
            let feature = &plan.features[f];
            let value = table.number(r, feature.column);
            if feature.kind == ColumnKind::Numeric && value.is_finite() {
                // A number (so not missing) and finite: nothing to check, the common case.
                continue;
            }
            let col = feature.column;
            let cell = table.cell(r, col);
            let column = || ColumnRef::new(col, &table.headers[col]);
            let missing = is_missing_token(cell);
            let forced_not_number = feature.forced_numeric && !missing && value.is_nan();
            if missing || forced_not_number {
                if options.missing == MissingPolicy::Error {
                    return Err(missing_error(path, line, column(), cell));
                }
                if !missing {
                    not_numbers[f] += 1;
                }
                row_has_missing = true;
                continue;
            }
            match feature.kind {
                ColumnKind::Numeric => {
                    check_number(path, line, column, cell, feature.numeric_share, value)?;
                }
                ColumnKind::Categorical => {
                    levels[f].insert(cell);
                }
            }
        }
        if row_has_missing && options.missing == MissingPolicy::Drop {
            report.dropped_missing_feature += 1;
            continue;
        }
        kept_rows.push(r);
    }
    if kept_rows.is_empty() && report.dropped_missing_feature == 0 {
        // No missing-value policy helps here: a missing target is never imputed.
        return Err(err(DataErrorKind::NoTargetValues {
            rows: report.dropped_missing_target,
        })
        .at_column(target_ref.clone()));
    }
    if kept_rows.is_empty() {
        let dropped = report.dropped_missing_target + report.dropped_missing_feature;
        return Err(err(DataErrorKind::NoRowsLeft { dropped }));
    }

    // Encode: numeric columns as they are, categorical ones one-hot, in file order.
    let mut columns = Vec::new();
    let mut feature_names = Vec::new();
    let mut level_index: Vec<BTreeMap<&str, usize>> = Vec::new();
    for (f, feature) in plan.features.iter().enumerate() {
        let col = feature.column;
        let name = table.headers[col].clone();
        match feature.kind {
            ColumnKind::Numeric => {
                columns.push(FeatureColumn::Numeric {
                    name: name.clone(),
                    index: feature_names.len(),
                });
                feature_names.push(name);
                level_index.push(BTreeMap::new());
            }
            ColumnKind::Categorical => {
                let distinct = levels[f].len();
                if distinct > options.max_categories {
                    return Err(err(DataErrorKind::Identifier {
                        distinct,
                        rows: kept_rows.len(),
                    })
                    .at_column(ColumnRef::new(col, &name)));
                }
                let level_names: Vec<String> = levels[f].iter().map(|s| s.to_string()).collect();
                columns.push(FeatureColumn::Categorical {
                    name: name.clone(),
                    levels: level_names.clone(),
                    first_index: feature_names.len(),
                });
                feature_names.extend(level_names.iter().map(|l| format!("{name}={l}")));
                level_index.push(levels[f].iter().enumerate().map(|(i, l)| (*l, i)).collect());
            }
        }
    }

    // Each kept row's line and target number, taken before the table's numbers may become
    // the matrix (then in the same pass).
    let mut target_cells: Vec<(u64, f64)> = Vec::with_capacity(kept_rows.len());

    // Row by row into the matrix's own buffer; numeric cells are the table's numbers (NaN:
    // a missing cell, or a non-number that `--numeric` made missing).
    let n_features = feature_names.len();
    let mut matrix = Vec::new();
    let mut missing_counts = vec![0usize; feature_indices.len()];
    // Numeric features as (file column, matrix column), those that may hold NaN apart so
    // that the common copy counts nothing.
    let mut numeric = Vec::new();
    let mut numeric_with_missing = Vec::new();
    let mut categorical = Vec::new();
    for (f, (feature, column)) in plan.features.iter().zip(&columns).enumerate() {
        match column {
            FeatureColumn::Numeric { index, .. } if feature.all_finite => {
                numeric.push((feature.column, *index))
            }
            FeatureColumn::Numeric { index, .. } => {
                numeric_with_missing.push((f, feature.column, *index))
            }
            FeatureColumn::Categorical {
                first_index,
                levels,
                ..
            } => categorical.push((f, feature.column, *first_index, levels.len())),
        }
    }
    let in_file_order = numeric.windows(2).all(|pair| pair[0].0 < pair[1].0);
    let in_place = categorical.is_empty() && numeric_with_missing.is_empty() && in_file_order;
    if in_place {
        // Every feature a finite number, in file order (the common case): the table's numbers
        // become the matrix, each kept row's features moved down over the columns left out
        // (the target, ...). No new buffer to fault in: the k-th value of a kept row goes
        // where no value still to be read lies (i * features + k <= r * width + column_k,
        // as i <= r, features <= width and k <= column_k), so one forward pass is exact.
        debug_assert!(numeric
            .iter()
            .enumerate()
            .all(|(i, &(_, index))| i == index));
        let width = table.headers.len();
        matrix = table.take_numbers();
        let mut to = 0;
        for &r in &kept_rows {
            // Row r's values are all still in place: no write so far reached r * width.
            target_cells.push((table.lines[r], matrix[r * width + target_index]));
            for &(column, _) in &numeric {
                matrix[to] = matrix[r * width + column];
                to += 1;
            }
        }
        matrix.truncate(to);
        matrix.shrink_to_fit();
    } else {
        target_cells.extend(
            kept_rows
                .iter()
                .map(|&r| (table.lines[r], table.number(r, target_index))),
        );
        if n_features > 0 {
            matrix.reserve_exact(kept_rows.len() * n_features);
            advise_huge_pages(&matrix);
            matrix.resize(kept_rows.len() * n_features, 0.0);
            for (out, &r) in matrix.chunks_exact_mut(n_features).zip(&kept_rows) {
                let numbers = table.row_numbers(r);
                for &(column, index) in &numeric {
                    out[index] = numbers[column];
                }
                for &(f, column, index) in &numeric_with_missing {
                    let value = numbers[column];
                    out[index] = value;
                    missing_counts[f] += usize::from(value.is_nan());
                }
                for &(f, column, first_index, n_levels) in &categorical {
                    let raw = table.cell(r, column);
                    if is_missing_token(raw) {
                        missing_counts[f] += 1;
                        out[first_index..first_index + n_levels].fill(f64::NAN);
                    } else {
                        let level = level_index[f].get(raw).copied().unwrap_or(0);
                        out[first_index + level] = 1.0;
                    }
                }
            }
        }
    }
    let features = Array2::from_shape_vec((kept_rows.len(), n_features), matrix)
        .expect("the matrix has kept rows times features values");
    report.missing_by_column = feature_indices
        .iter()
        .zip(&missing_counts)
        .map(|(&col, &n)| (table.headers[col].clone(), n))
        .collect();
    report.not_numbers_made_missing = feature_indices
        .iter()
        .zip(&not_numbers)
        .filter(|(_, &n)| n > 0)
        .map(|(&col, &n)| (table.headers[col].clone(), n))
        .collect();
    report.row_names_column = plan.row_names.map(|c| table.headers[c].clone());
    report.dropped_columns = plan
        .dropped
        .iter()
        .map(|&c| table.headers[c].clone())
        .collect();
    report.identifier_columns = plan.identifiers.clone();
    report.categorical_by_option = plan
        .features
        .iter()
        .filter(|f| {
            f.kind == ColumnKind::Categorical
                && options.categorical.contains(&table.headers[f.column])
        })
        .map(|f| table.headers[f.column].clone())
        .collect();
    report.decimal = decimal;
    report.decimal_sniffed = plan.decimal_sniffed;

    let target_text = |i: usize| table.cell(kept_rows[i], target_index);
    let target = build_target(
        path,
        &target_ref,
        &target_cells,
        target_text,
        options,
        decimal,
    )?;
    write_warnings(&mut report);
    let row_names = plan.row_names.map(|c| {
        kept_rows
            .iter()
            .map(|&r| table.cell(r, c).to_string())
            .collect()
    });

    Ok(Dataset {
        name: path.file_stem().map_or_else(
            || "dataset".to_string(),
            |s| s.to_string_lossy().into_owned(),
        ),
        path: path.to_path_buf(),
        sha256: String::new(),
        features,
        feature_names,
        columns,
        target_name: target_ref.name.clone(),
        target,
        row_names,
        report,
    })
}

fn missing_error(path: &Path, line: u64, column: ColumnRef, cell: &str) -> DataError {
    DataError::file(
        path,
        DataErrorKind::Missing {
            value: cell.to_string(),
        },
    )
    .at_line(line)
    .at_column(column)
}

fn check_number(
    path: &Path,
    line: u64,
    column: impl Fn() -> ColumnRef,
    cell: &str,
    numeric_share: u32,
    parsed: f64,
) -> Result<f64, DataError> {
    let located = |kind| {
        DataError::file(path, kind)
            .at_line(line)
            .at_column(column())
    };
    // `parsed` is the cell as `schema::parse_column` read it: NaN when it is not a number.
    match parsed {
        v if v.is_finite() => Ok(v),
        v if v.is_infinite() => Err(located(DataErrorKind::Infinite {
            value: cell.to_string(),
        })),
        _ => Err(located(DataErrorKind::NonNumeric {
            value: cell.to_string(),
            numeric_share,
        })),
    }
}

/// The target from its kept rows' cells: `cells[i]` is row i's line and its plain decimal
/// (NaN when the cell is not one), `text(i)` its text, asked for only where needed.
fn build_target<'t>(
    path: &Path,
    column: &ColumnRef,
    cells: &[(u64, f64)],
    text: impl Fn(usize) -> &'t str,
    options: &LoadOptions,
    decimal: DecimalMark,
) -> Result<Target, DataError> {
    let located = |kind, line| {
        DataError::file(path, kind)
            .at_line(line)
            .at_column(column.clone())
    };
    // A plain decimal read with the file is what `parse_number_with` gives for it, whatever
    // the decimal mark (it has no comma).
    let numbers: Option<Vec<f64>> = cells
        .iter()
        .enumerate()
        .map(|(i, &(_, plain))| {
            if plain.is_nan() {
                parse_number_with(text(i), decimal)
            } else {
                Some(plain)
            }
        })
        .collect();
    let all_integers = numbers.as_ref().is_some_and(|v| {
        v.iter()
            .all(|x| x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15)
    });
    let task = options.task.unwrap_or_else(|| match &numbers {
        None => Task::Classification,
        Some(values) if all_integers => {
            let distinct: BTreeSet<i64> = values.iter().map(|&x| x as i64).collect();
            if distinct.len() <= MAX_INTEGER_CLASSES {
                Task::Classification
            } else {
                Task::Regression
            }
        }
        Some(_) => Task::Regression,
    });

    match task {
        Task::Regression => {
            let mut values = Vec::with_capacity(cells.len());
            for (i, &(line, _)) in cells.iter().enumerate() {
                let cell = || text(i);
                // Parsed above when every cell is a number; parsed again only to find the
                // one that is not.
                let parsed = match &numbers {
                    Some(numbers) => Some(numbers[i]),
                    None => parse_number_with(cell(), decimal),
                };
                match parsed {
                    Some(v) if v.is_finite() => values.push(v),
                    Some(_) => {
                        return Err(located(
                            DataErrorKind::Infinite {
                                value: cell().to_string(),
                            },
                            line,
                        ))
                    }
                    None => {
                        return Err(located(
                            DataErrorKind::NonNumericTarget {
                                value: cell().to_string(),
                            },
                            line,
                        ))
                    }
                }
            }
            Ok(Target::Values(values))
        }
        Task::Classification => {
            // Integer labels are ordered and named by value ("1.0" and "1" are one class).
            let keys: Vec<String> = match (&numbers, all_integers) {
                (Some(values), true) => values.iter().map(|&x| format!("{}", x as i64)).collect(),
                _ => (0..cells.len()).map(|i| text(i).to_string()).collect(),
            };
            let names: Vec<String> = if all_integers {
                let set: BTreeSet<i64> = keys.iter().filter_map(|k| k.parse().ok()).collect();
                set.into_iter().map(|x| x.to_string()).collect()
            } else {
                keys.iter()
                    .cloned()
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect()
            };
            if names.len() < 2 {
                let class = names.first().cloned().unwrap_or_default();
                return Err(DataError::file(path, DataErrorKind::SingleClass { class })
                    .at_column(column.clone()));
            }
            let index: BTreeMap<&str, usize> = names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.as_str(), i))
                .collect();
            let labels: Vec<usize> = keys
                .iter()
                .map(|k| index.get(k.as_str()).copied().unwrap_or(0))
                .collect();
            if options.task == Some(Task::Classification) {
                refuse_mostly_single_row_classes(path, column, names.len(), &labels)?;
            }
            Ok(Target::Classes { names, labels })
        }
    }
}

/// A forced classification target where more than half the classes have a single row is a
/// measurement read as labels (1000 distinct floats make 1000 classes): no fold can both train
/// and test such a class, so every score would be meaningless. Refused, with the way out.
fn refuse_mostly_single_row_classes(
    path: &Path,
    column: &ColumnRef,
    classes: usize,
    labels: &[usize],
) -> Result<(), DataError> {
    let mut counts = vec![0usize; classes];
    labels.iter().for_each(|&l| counts[l] += 1);
    let single_row = counts.iter().filter(|&&c| c == 1).count();
    if 2 * single_row > classes {
        return Err(DataError::file(
            path,
            DataErrorKind::MostlySingleRowClasses {
                classes,
                single_row,
            },
        )
        .at_column(column.clone()));
    }
    Ok(())
}

fn write_warnings(report: &mut LoadReport) {
    if let Some(column) = &report.row_names_column {
        let header = if column.is_empty() {
            "an empty name".to_string()
        } else {
            format!("the name '{column}'")
        };
        report.warnings.push(format!(
            "the first column (with {header}) holds a different label on every row: read as row names, not a feature"
        ));
    }
    for identifier in &report.identifier_columns {
        let shape = match identifier.in_order_from {
            Some(first) => format!(
                "its values are {first}..{} in file order, a row number",
                first + identifier.rows as i64 - 1
            ),
            None => format!("its {} values are all different integers", identifier.rows),
        };
        report.warnings.push(format!(
            "left out '{}' as an identifier ({shape}): an ID predicts nothing and can leak the order of the file; keep it with --keep {}",
            identifier.name, identifier.name
        ));
    }
    for (name, count) in &report.not_numbers_made_missing {
        report.warnings.push(format!(
            "--numeric: {count} cells of '{name}' are not numbers and are treated as missing"
        ));
    }
    if report.decimal == DecimalMark::Comma {
        report.notes.push(if report.decimal_sniffed {
            "numbers are read with a decimal comma (5,1 is 5.1), sniffed from the file; --decimal . turns this off".to_string()
        } else {
            "numbers are read with a decimal comma (5,1 is 5.1), as --decimal , asks".to_string()
        });
    }
    if !report.dropped_columns.is_empty() {
        report.notes.push(format!(
            "left out by --drop: {}",
            report.dropped_columns.join(", ")
        ));
    }
    if !report.categorical_by_option.is_empty() {
        report.notes.push(format!(
            "read as categorical by --categorical: {}",
            report.categorical_by_option.join(", ")
        ));
    }
    if report.dropped_missing_target > 0 {
        report.warnings.push(format!(
            "dropped {} of {} rows whose target is missing",
            report.dropped_missing_target, report.rows_in_file
        ));
    }
    if report.dropped_missing_feature > 0 {
        report.warnings.push(format!(
            "dropped {} of {} rows with a missing feature (--missing drop)",
            report.dropped_missing_feature, report.rows_in_file
        ));
    }
    let missing: Vec<String> = report
        .missing_by_column
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(name, n)| format!("{name} ({n})"))
        .collect();
    if !missing.is_empty() {
        report.warnings.push(format!(
            "{} missing feature cells will be imputed (mean for numeric, most frequent level for categorical, fitted on training rows): {}",
            report.missing_by_column.iter().map(|(_, n)| n).sum::<usize>(),
            missing.join(", ")
        ));
    }
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{load_csv_bytes, LoadingThreads};

    /// The features and target of a file of plain decimals (the matrix made from the table's
    /// numbers in place, the target taken in the same pass) are the ones read cell by cell:
    /// target in the middle, a dropped column, rows read as spans (padded, quoted) among
    /// plain ones, and the same file with a missing cell (the copying path).
    #[test]
    fn features_and_target_are_the_cells_whatever_the_path() {
        let mut text = String::from("a,b,t,c,d\n");
        for i in 0..60 {
            let row = match i % 10 {
                3 => format!(" {i}.5 ,-{},{}.25,\"{}\",7\n", i % 9, i % 7, i % 4),
                _ => format!("{i}.5,-{},{}.25,{},7\n", i % 9, i % 7, i * 3 % 11),
            };
            text.push_str(&row);
        }
        let mut options = LoadOptions {
            target: Some("t".to_string()),
            drop: vec!["d".to_string()],
            ..LoadOptions::default()
        };
        options.task = Some(Task::Regression);
        let expected = |text: &str| -> (Vec<Vec<f64>>, Vec<f64>) {
            let mut features = Vec::new();
            let mut target = Vec::new();
            for line in text.lines().skip(1) {
                let cells: Vec<f64> = line
                    .split(',')
                    .map(|c| c.trim().trim_matches('"').parse().unwrap_or(f64::NAN))
                    .collect();
                features.push(vec![cells[0], cells[1], cells[3]]);
                target.push(cells[2]);
            }
            (features, target)
        };
        for text in [text.clone(), text.replacen(",-5,", ",NA,", 1)] {
            for threads in [LoadingThreads::One, LoadingThreads::Hash] {
                crate::data::set_loading_threads(threads);
                let dataset =
                    load_csv_bytes(Path::new("t.csv"), text.as_bytes(), &options).expect("loads");
                let (features, target) = expected(&text);
                let rows: Vec<Vec<f64>> = dataset
                    .features
                    .rows()
                    .into_iter()
                    .map(|r| r.to_vec())
                    .collect();
                let bits = |rows: &[Vec<f64>]| -> Vec<Vec<u64>> {
                    rows.iter()
                        .map(|r| r.iter().map(|v| v.to_bits()).collect())
                        .collect()
                };
                assert_eq!(bits(&rows), bits(&features), "{text}");
                match &dataset.target {
                    Target::Values(values) => assert_eq!(values, &target),
                    other => panic!("a regression target, not {other:?}"),
                }
            }
        }
        crate::data::set_loading_threads(LoadingThreads::Hash);
    }
}
