//! Quantile binning of each feature to at most 255 `u8` codes, as scikit-learn's `_BinMapper`
//! does it: a feature with at most `max_bins` distinct values gets one bin per value (the
//! thresholds are the midpoints between neighbours); otherwise the thresholds are the
//! `max_bins - 1` evenly spaced percentiles (numpy's "midpoint" method). A value goes to the
//! first bin whose threshold it does not exceed, so "code <= b" means "value <= threshold b":
//! trees learned on codes predict on raw values with the same thresholds.
//!
//! Not handled here: missing values (a `TrainSet` has none) and categorical features.

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

use crate::rng::SeededRng;

/// scikit-learn bins thresholds from a subsample of this many rows on larger sets.
const BINNING_SUBSAMPLE: usize = 200_000;

/// Per-feature thresholds: code `b` holds the values in `(thresholds[b-1], thresholds[b]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BinMapper {
    thresholds: Vec<Vec<f64>>,
}

/// Binned rows, column-major: the codes of feature `f` are `codes[f * rows..(f + 1) * rows]`.
/// Histograms are built one feature at a time (as scikit-learn does), so that feature's bins
/// stay in the L1 cache while its column is read; row-major codes scattered each row over
/// the whole histogram, megabytes on wide data (784 features × 255 bins × 24 bytes).
/// Built only by [`BinMapper::transform`], so each code is below its feature's bin count
/// (histogram building relies on it).
#[derive(Debug, Clone)]
pub struct BinnedRows {
    codes: Vec<u8>,
    rows: usize,
    bin_counts: Vec<usize>,
}

impl BinnedRows {
    /// Feature `f`'s codes, one per row.
    pub fn column(&self, f: usize) -> &[u8] {
        &self.codes[f * self.rows..(f + 1) * self.rows]
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Bins per feature of the mapper that coded these rows.
    pub fn bin_counts(&self) -> &[usize] {
        &self.bin_counts
    }
}

impl BinMapper {
    /// Learns thresholds from the given `rows` of `x`. `max_bins` must lie
    /// in 2..=255; the seed picks the subsample on sets above 200,000 rows.
    pub fn fit(x: ArrayView2<f64>, rows: &[usize], max_bins: usize, seed: u64) -> Self {
        let mut sample: Vec<usize> = rows.to_vec();
        if sample.len() > BINNING_SUBSAMPLE {
            SeededRng::new(seed).shuffle(&mut sample);
            sample.truncate(BINNING_SUBSAMPLE);
        }
        let thresholds = (0..x.ncols())
            .map(|f| {
                let column: Vec<f64> = sample.iter().map(|&r| x[[r, f]]).collect();
                feature_thresholds(column, max_bins)
            })
            .collect();
        BinMapper { thresholds }
    }

    pub fn features(&self) -> usize {
        self.thresholds.len()
    }

    /// Codes in use for `feature` (one more than its thresholds).
    pub fn n_bins(&self, feature: usize) -> usize {
        self.thresholds[feature].len() + 1
    }

    /// The raw-value threshold of a split after code `bin` (`value <= threshold` goes left).
    pub fn threshold(&self, feature: usize, bin: usize) -> f64 {
        self.thresholds[feature][bin]
    }

    /// The codes of the given rows of `x`, in that order.
    pub fn transform(&self, x: ArrayView2<f64>, rows: &[usize]) -> BinnedRows {
        let features = self.features();
        let mut codes = Vec::with_capacity(rows.len() * features);
        for (f, thresholds) in self.thresholds.iter().enumerate() {
            let column = x.column(f);
            codes.extend(
                rows.iter()
                    .map(|&r| thresholds.partition_point(|&t| t < column[r]) as u8),
            );
        }
        BinnedRows {
            codes,
            rows: rows.len(),
            bin_counts: (0..features).map(|f| self.n_bins(f)).collect(),
        }
    }
}

/// Thresholds of one feature, from its (unsorted) values.
fn feature_thresholds(mut values: Vec<f64>, max_bins: usize) -> Vec<f64> {
    values.sort_unstable_by(f64::total_cmp);
    let mut distinct = values.clone();
    distinct.dedup();
    if distinct.len() <= max_bins {
        // Halving each side first keeps the midpoint of values near ±1.8e308 finite.
        distinct
            .windows(2)
            .map(|w| w[0] * 0.5 + w[1] * 0.5)
            .collect()
    } else {
        (1..max_bins)
            .map(|i| midpoint_percentile(&values, 100.0 * i as f64 / max_bins as f64))
            .collect()
    }
}

/// numpy's `percentile(sorted, q, method="midpoint")`: the mean of the two order statistics
/// around position `q / 100 * (n - 1)`, or the one at that position when it is whole.
fn midpoint_percentile(sorted: &[f64], q: f64) -> f64 {
    let position = q / 100.0 * (sorted.len() - 1) as f64;
    let lower = position.floor() as usize;
    let upper = position.ceil() as usize;
    if lower == upper {
        sorted[lower]
    } else {
        sorted[lower] * 0.5 + sorted[upper] * 0.5
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn few_distinct_values_get_one_bin_each_split_at_midpoints() {
        let x = Array2::from_shape_vec((5, 1), vec![3.0, 1.0, 2.0, 1.0, 3.0]).unwrap();
        let mapper = BinMapper::fit(x.view(), &[0, 1, 2, 3, 4], 255, 0);
        // Distinct 1, 2, 3: midpoints 1.5 and 2.5.
        assert_eq!(mapper.thresholds[0], vec![1.5, 2.5]);
        assert_eq!(mapper.n_bins(0), 3);
        let binned = mapper.transform(x.view(), &[0, 1, 2, 3, 4]);
        assert_eq!(binned.column(0), &[2, 0, 1, 0, 2]);
        // A value equal to a threshold stays in the lower bin (value <= threshold goes left).
        let edge = Array2::from_shape_vec((2, 1), vec![1.5, 99.0]).unwrap();
        assert_eq!(mapper.transform(edge.view(), &[0, 1]).column(0), &[0, 2]);
    }

    #[test]
    fn many_distinct_values_get_percentile_thresholds_like_numpy() {
        // 0..=9 into 4 bins: percentiles 25, 50, 75 of 10 values sit at positions 2.25, 4.5,
        // 6.75, so the midpoint method gives (2+3)/2, (4+5)/2, (6+7)/2.
        let values: Vec<f64> = (0..10).map(f64::from).collect();
        assert_eq!(feature_thresholds(values, 4), vec![2.5, 4.5, 6.5]);
        // A whole position takes the value there: 0..=4, 2 bins, 50th percentile at position 2.
        let values: Vec<f64> = (0..5).map(f64::from).collect();
        assert_eq!(feature_thresholds(values, 2), vec![2.0]);
    }

    #[test]
    fn a_constant_feature_has_one_bin_and_huge_values_stay_finite() {
        assert!(feature_thresholds(vec![7.0; 4], 255).is_empty());
        let t = feature_thresholds(vec![-1.7e308, 1.7e308], 255);
        assert_eq!(t, vec![0.0]);
    }
}
