//! Filling missing feature values with statistics of the training rows only, so that nothing
//! about a test fold leaks into the model.

use ndarray::{Array2, ArrayView2, Axis};

use super::FeatureColumn;

/// Fill values per encoded feature, fitted on training rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Imputer {
    fill: Vec<f64>,
}

impl Imputer {
    /// Mean of each numeric column and the most frequent level of each categorical column,
    /// over the rows of `features` given (the training fold). A column with no value in those
    /// rows is filled with 0 (numeric) or its first level (categorical).
    pub fn fit(features: ArrayView2<f64>, columns: &[FeatureColumn]) -> Self {
        let mut fill = vec![0.0; features.ncols()];
        for column in columns {
            match column {
                FeatureColumn::Numeric { index, .. } => {
                    let (sum, count) = features
                        .column(*index)
                        .iter()
                        .filter(|v| !v.is_nan())
                        .fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
                    fill[*index] = match count {
                        0 => 0.0,
                        _ if sum.is_finite() => sum / count as f64,
                        // Values near f64::MAX overflow the sum; their mean does not.
                        _ => features
                            .column(*index)
                            .iter()
                            .filter(|v| !v.is_nan())
                            .map(|v| v / count as f64)
                            .sum(),
                    };
                }
                FeatureColumn::Categorical {
                    levels,
                    first_index,
                    ..
                } => {
                    let block =
                        features.slice(ndarray::s![.., *first_index..first_index + levels.len()]);
                    let counts: Vec<f64> = block
                        .axis_iter(Axis(1))
                        .map(|c| c.iter().filter(|v| !v.is_nan()).sum())
                        .collect();
                    // Ties go to the first level, so the choice is deterministic.
                    let mode =
                        (0..counts.len())
                            .fold(0, |best, i| if counts[i] > counts[best] { i } else { best });
                    if !levels.is_empty() {
                        fill[first_index + mode] = 1.0;
                    }
                }
            }
        }
        Imputer { fill }
    }

    /// The fill value of each encoded feature (one-hot of the mode for a categorical column),
    /// for saving with a model.
    pub fn fill_values(&self) -> &[f64] {
        &self.fill
    }

    /// An imputer with the given fill values (read back from a model file).
    pub fn from_fill_values(fill: Vec<f64>) -> Self {
        Imputer { fill }
    }

    /// Replaces every NaN in `features` with its column's fill value.
    pub fn apply(&self, features: &mut Array2<f64>) {
        for mut row in features.axis_iter_mut(Axis(0)) {
            row.zip_mut_with(&ndarray::aview1(&self.fill), |v, &f| {
                if v.is_nan() {
                    *v = f;
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn fills_mean_and_mode_from_the_given_rows_only() {
        let columns = vec![
            FeatureColumn::Numeric {
                name: "x".into(),
                index: 0,
            },
            FeatureColumn::Categorical {
                name: "c".into(),
                levels: vec!["a".into(), "b".into()],
                first_index: 1,
            },
        ];
        let nan = f64::NAN;
        // Training rows: x = 1, 3 (mean 2); c = b, b, a (mode b).
        let train = array![[1.0, 0.0, 1.0], [3.0, 0.0, 1.0], [nan, 1.0, 0.0]];
        let imputer = Imputer::fit(train.view(), &columns);
        let mut test = array![[nan, nan, nan], [10.0, 1.0, 0.0]];
        imputer.apply(&mut test);
        assert_eq!(test, array![[2.0, 0.0, 1.0], [10.0, 1.0, 0.0]]);
    }

    #[test]
    fn mean_of_values_near_the_largest_double_is_finite() {
        let columns = vec![FeatureColumn::Numeric {
            name: "x".into(),
            index: 0,
        }];
        // 1e308 + 1e308 overflows; the mean of 1e308, 1e308 and -1e307 is 1.9e308 / 3.
        let train = array![[1e308], [1e308], [-1e307], [f64::NAN]];
        let mut filled = train.clone();
        Imputer::fit(train.view(), &columns).apply(&mut filled);
        let expected = 1e308 / 3.0 * 1.9;
        assert!((filled[[3, 0]] / expected - 1.0).abs() < 1e-12, "{filled}");
    }
}
