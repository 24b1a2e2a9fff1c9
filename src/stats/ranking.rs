//! Many models across many data sets (Demšar 2006): average ranks, the Friedman test with the
//! Iman-Davenport F, the Nemenyi critical difference, and the groups of models a
//! critical-difference diagram joins with a bar.
//!
//! Scores are `scores[dataset][model]`, higher is better; rank 1 is the best model on a data set
//! and ties share the average of the ranks they span. The Friedman statistic is the tie-corrected
//! one, as `scipy.stats.friedmanchisquare` computes it.
//!
//! Not here: drawing the diagram (the report does that from [`nemenyi_groups`]) or post-hoc tests
//! other than Nemenyi. Pure functions: no printing, no I/O.

use super::distributions::{chi_squared_sf, f_sf};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// q_0.05 of the Nemenyi test for k = 2..=20 models: the studentized range quantile (infinite
/// degrees of freedom) divided by √2. k <= 10 as in Demšar (2006), Table 5(a); k = 11..=20 from
/// `scipy.stats.studentized_range.ppf(0.95, k, 1e6) / sqrt(2)` (SciPy gives k <= 10 the same).
const NEMENYI_Q_05: [f64; 19] = [
    1.960, 2.343, 2.569, 2.728, 2.850, 2.949, 3.031, 3.102, 3.164, 3.219, 3.268, 3.313, 3.354,
    3.391, 3.426, 3.458, 3.489, 3.517, 3.544,
];

/// Ranks of one data set's scores (1 = highest, ties averaged) and its tie term Σ (t³ - t) over
/// groups of t tied scores. `None` if empty or a score is NaN.
fn rank_row(scores: &[f64]) -> Option<(Vec<f64>, usize)> {
    if scores.is_empty() || scores.iter().any(|s| s.is_nan()) {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    // Descending; no NaN is left, so partial_cmp always answers.
    order.sort_by(|&a, &b| scores[b].partial_cmp(&scores[a]).unwrap_or(Ordering::Equal));
    let mut ranks = vec![0.0; scores.len()];
    let mut ties = 0;
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && scores[order[end]] == scores[order[start]] {
            end += 1;
        }
        // Positions start..end hold ranks start+1..=end; their average is (start + 1 + end) / 2.
        let shared = (start + 1 + end) as f64 / 2.0;
        for &model in &order[start..end] {
            ranks[model] = shared;
        }
        let group = end - start;
        ties += group * group * group - group;
        start = end;
    }
    Some((ranks, ties))
}

/// Ranks of each data set's scores, `ranks[dataset][model]`, with the summed tie term; `None` if
/// there are no data sets, no models, rows of different lengths, or a NaN score.
fn rank_table(scores: &[Vec<f64>]) -> Option<(Vec<Vec<f64>>, usize)> {
    let models = scores.first()?.len();
    if models == 0 || scores.iter().any(|row| row.len() != models) {
        return None;
    }
    let mut ties = 0;
    let mut ranks = Vec::with_capacity(scores.len());
    for row in scores {
        let (row_ranks, row_ties) = rank_row(row)?;
        ranks.push(row_ranks);
        ties += row_ties;
    }
    Some((ranks, ties))
}

/// Each model's rank averaged over the data sets (1 = best). `scores[dataset][model]`, higher is
/// better; ties get average ranks. `None` if empty, ragged, or a score is NaN.
pub fn average_ranks(scores: &[Vec<f64>]) -> Option<Vec<f64>> {
    let (ranks, _) = rank_table(scores)?;
    let datasets = ranks.len() as f64;
    let mut sums = vec![0.0; ranks[0].len()];
    for row in &ranks {
        for (sum, rank) in sums.iter_mut().zip(row) {
            *sum += rank;
        }
    }
    Some(sums.into_iter().map(|sum| sum / datasets).collect())
}

/// The Friedman test that all models perform alike, and the Iman-Davenport F derived from it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FriedmanTest {
    /// Tie-corrected Friedman statistic (as `scipy.stats.friedmanchisquare`).
    pub chi_squared: f64,
    /// k - 1.
    pub df: usize,
    /// P(chi-squared with `df` degrees of freedom > `chi_squared`).
    pub p_value: f64,
    /// Iman-Davenport F = (N - 1) χ² / (N (k - 1) - χ²); +∞ when every data set ranks the models
    /// identically (χ² at its maximum N (k - 1)).
    #[serde(with = "super::json_float")]
    pub iman_davenport_f: f64,
    /// k - 1.
    pub f_df1: usize,
    /// (k - 1)(N - 1).
    pub f_df2: usize,
    /// P(F(f_df1, f_df2) > iman_davenport_f).
    pub f_p_value: f64,
}

/// The Friedman test over `scores[dataset][model]` (higher is better), N data sets, k models.
///
/// χ² = [12 / (N k (k+1)) Σ_j R_j² - 3 N (k+1)] / C with R_j the rank sums and the tie correction
/// C = 1 - Σ (t³ - t) / (N k (k² - 1)). When every data set ties all models, C = 0 and the
/// statistic is 0/0; it is reported as χ² = 0, p = 1 (no evidence of any difference), where SciPy
/// gives NaN. `None` unless N >= 2 and k >= 2, or if ragged or a score is NaN. (SciPy requires
/// k >= 3; the formula holds for k = 2.)
pub fn friedman(scores: &[Vec<f64>]) -> Option<FriedmanTest> {
    let (ranks, ties) = rank_table(scores)?;
    let (n, k) = (ranks.len(), ranks[0].len());
    if n < 2 || k < 2 {
        return None;
    }
    let (nf, kf) = (n as f64, k as f64);
    let mut rank_sums = vec![0.0; k];
    for row in &ranks {
        for (sum, rank) in rank_sums.iter_mut().zip(row) {
            *sum += rank;
        }
    }
    let sum_of_squares: f64 = rank_sums.iter().map(|r| r * r).sum();
    // Σ (t³ - t) reaches N k (k² - 1) exactly when every data set is one tie; integers, so exact.
    let all_tied = ties == n * k * (k * k - 1);
    let chi_squared = if all_tied {
        0.0
    } else {
        let correction = 1.0 - ties as f64 / (nf * kf * (kf * kf - 1.0));
        let uncorrected = 12.0 / (nf * kf * (kf + 1.0)) * sum_of_squares - 3.0 * nf * (kf + 1.0);
        (uncorrected / correction).max(0.0)
    };
    let (f_df1, f_df2) = (k - 1, (k - 1) * (n - 1));
    let denominator = nf * (kf - 1.0) - chi_squared;
    // χ² <= N (k - 1) always (Cauchy-Schwarz on the rank sums); rounding may reach or pass it.
    let limit = 1e-12 * nf * (kf - 1.0);
    let iman_davenport_f = if denominator <= limit {
        f64::INFINITY
    } else {
        (nf - 1.0) * chi_squared / denominator
    };
    Some(FriedmanTest {
        chi_squared,
        df: k - 1,
        p_value: chi_squared_sf(chi_squared, kf - 1.0),
        iman_davenport_f,
        f_df1,
        f_df2,
        f_p_value: f_sf(iman_davenport_f, f_df1 as f64, f_df2 as f64),
    })
}

/// Demšar 2006: CD = q_α √(k (k + 1) / (6 N)) at α = 0.05, for k models and N data sets; two
/// models differ significantly when their average ranks differ by at least CD. `None` for k
/// outside 2..=20 (the table's range) or N == 0.
pub fn nemenyi_critical_difference(models: usize, datasets: usize) -> Option<f64> {
    if datasets == 0 {
        return None;
    }
    let q = *NEMENYI_Q_05.get(models.checked_sub(2)?)?;
    let (k, n) = (models as f64, datasets as f64);
    Some(q * (k * (k + 1.0) / (6.0 * n)).sqrt())
}

/// The bars of a critical-difference diagram: maximal groups of models whose average ranks all
/// lie within less than `critical_difference` of each other, each listed best rank first, groups
/// ordered by their best rank. Models that differ significantly from all others are in no group.
/// `None` if a rank is NaN or `critical_difference` is negative or not finite.
pub fn nemenyi_groups(average_ranks: &[f64], critical_difference: f64) -> Option<Vec<Vec<usize>>> {
    if average_ranks.iter().any(|r| r.is_nan())
        || !(critical_difference.is_finite() && critical_difference >= 0.0)
    {
        return None;
    }
    let mut order: Vec<usize> = (0..average_ranks.len()).collect();
    let rank = |model: usize| average_ranks[model];
    order.sort_by(|&a, &b| rank(a).partial_cmp(&rank(b)).unwrap_or(Ordering::Equal));
    let mut groups = Vec::new();
    let mut reached = 0;
    for start in 0..order.len() {
        let mut end = start;
        while end + 1 < order.len()
            && rank(order[end + 1]) - rank(order[start]) < critical_difference
        {
            end += 1;
        }
        // A group that ends where an earlier one ended is contained in it.
        if end > start && end > reached {
            groups.push(order[start..=end].to_vec());
            reached = end;
        }
    }
    Some(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Five data sets x four models with ties in rows 2, 3 and 5; the same table is `SCORES` in
    /// benches/reference/stats_reference.py.
    fn score_table() -> Vec<Vec<f64>> {
        vec![
            vec![0.90, 0.85, 0.80, 0.70],
            vec![0.75, 0.75, 0.70, 0.60],
            vec![0.80, 0.82, 0.82, 0.82],
            vec![0.66, 0.70, 0.64, 0.60],
            vec![0.95, 0.95, 0.90, 0.90],
        ]
    }

    fn assert_close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance,
            "actual {actual:e}, expected {expected:e}"
        );
    }

    #[test]
    fn row_ranks_average_ties() {
        // benches/reference/stats_reference.py, ranking(): scipy.stats.rankdata(-row).
        let expected = [
            [1.0, 2.0, 3.0, 4.0],
            [1.5, 1.5, 3.0, 4.0],
            [4.0, 2.0, 2.0, 2.0],
            [2.0, 1.0, 3.0, 4.0],
            [1.5, 1.5, 3.5, 3.5],
        ];
        let (ranks, ties) = rank_table(&score_table()).expect("valid table");
        for (row, expected_row) in ranks.iter().zip(expected) {
            assert_eq!(row.as_slice(), expected_row.as_slice());
        }
        // Tie term: row 2 one pair (2³ - 2 = 6), row 3 a triple (27 - 3 = 24), row 5 two pairs
        // (12): 42.
        assert_eq!(ties, 42);
    }

    #[test]
    fn average_ranks_match_scipy() {
        // benches/reference/stats_reference.py, ranking(): column means of the rankdata ranks.
        // Hand check, model 0: (1 + 1.5 + 4 + 2 + 1.5) / 5 = 10 / 5 = 2.
        let ranks = average_ranks(&score_table()).expect("valid table");
        for (actual, expected) in ranks.iter().zip([2.0, 1.6, 2.9, 3.5]) {
            assert_close(*actual, expected, 1e-15);
        }
    }

    #[test]
    fn friedman_matches_scipy() {
        // Hand check: rank sums 10, 8, 14.5, 17.5, Σ R² = 680.5; 12/(5·4·5) · 680.5 - 3·5·5
        // = 81.66 - 75 = 6.66; C = 1 - 42/(5·4·15) = 0.86; χ² = 6.66/0.86 = 7.744186;
        // F = 4 · 7.744186 / (15 - 7.744186) = 4.269231.
        // benches/reference/stats_reference.py, ranking(): scipy.stats.friedmanchisquare over
        // the columns; F by the formula, its p-value from scipy.stats.f.sf(F, 3, 12).
        let test = friedman(&score_table()).expect("valid table");
        assert_close(test.chi_squared, 7.74418604651162e+00, 1e-12);
        assert_eq!(test.df, 3);
        assert_close(test.p_value, 5.16053152369592e-02, 1e-12);
        assert_close(test.iman_davenport_f, 4.26923076923076e+00, 1e-12);
        assert_eq!((test.f_df1, test.f_df2), (3, 12));
        assert_close(test.f_p_value, 2.87082485731841e-02, 1e-12);
    }

    #[test]
    fn friedman_edge_cases() {
        // Every data set ties every model: no evidence of a difference, not NaN.
        let tied = vec![vec![0.5; 3]; 4];
        let test = friedman(&tied).expect("valid table");
        assert_eq!((test.chi_squared, test.p_value), (0.0, 1.0));
        assert_eq!((test.iman_davenport_f, test.f_p_value), (0.0, 1.0));
        // Identical rankings everywhere: χ² = N (k - 1) = 3 · 2 = 6, F = +∞, p(F) = 0.
        let agreed = vec![vec![0.9, 0.8, 0.7]; 3];
        let test = friedman(&agreed).expect("valid table");
        assert_close(test.chi_squared, 6.0, 1e-12);
        assert_eq!(test.iman_davenport_f, f64::INFINITY);
        assert_eq!(test.f_p_value, 0.0);
        // Too small, ragged, NaN.
        assert!(friedman(&[vec![0.9, 0.8]]).is_none());
        assert!(friedman(&[vec![0.9], vec![0.8]]).is_none());
        assert!(friedman(&[vec![0.9, 0.8], vec![0.8]]).is_none());
        assert!(friedman(&[vec![0.9, f64::NAN], vec![0.8, 0.7]]).is_none());
        assert!(average_ranks(&[]).is_none());
        assert!(average_ranks(&[vec![]]).is_none());
        assert!(average_ranks(&[vec![0.1, 0.2], vec![0.3]]).is_none());
        assert!(average_ranks(&[vec![f64::NAN, 0.2]]).is_none());
    }

    #[test]
    fn nemenyi_critical_difference_from_the_table() {
        // benches/reference/stats_reference.py, ranking(): 2.569 · √(4·5 / (6·5)) = 2.569 · √(2/3)
        // = 2.0975797164.
        let cd = nemenyi_critical_difference(4, 5).expect("k in table");
        assert_close(cd, 2.09757971640333e+00, 1e-12);
        assert_close(cd, 2.569 * (2.0f64 / 3.0).sqrt(), 1e-15);
        // k = 2: 1.960 · √(2·3 / 6) = 1.96 with N = 1.
        assert_close(
            nemenyi_critical_difference(2, 1).expect("k in table"),
            1.96,
            1e-15,
        );
        assert!(nemenyi_critical_difference(1, 5).is_none());
        // k = 12 (SciPy's studentized range): 3.268 * sqrt(12 * 13 / 30).
        let cd = nemenyi_critical_difference(12, 5).expect("k in table");
        assert!(
            (cd - 3.268 * (12.0f64 * 13.0 / 30.0).sqrt()).abs() < 1e-12,
            "{cd}"
        );
        assert!(nemenyi_critical_difference(21, 5).is_none());
        assert!(nemenyi_critical_difference(4, 0).is_none());
    }

    #[test]
    fn nemenyi_groups_join_models_within_the_difference() {
        // Ranks 2.0, 1.6, 2.9, 3.5 with CD 2.0976: sorted 1.6 (model 1), 2.0 (0), 2.9 (2),
        // 3.5 (3); 3.5 - 1.6 = 1.9 < CD, so all four form one group.
        let ranks = [2.0, 1.6, 2.9, 3.5];
        assert_eq!(nemenyi_groups(&ranks, 2.0976), Some(vec![vec![1, 0, 2, 3]]));
        // CD 1.0: 1.6 to 2.0 (0.4 < 1) and 2.0 to 2.9 (0.9 < 1) but not 1.6 to 2.9 (1.3);
        // 2.9 to 3.5 (0.6). Groups {1, 0}, {0, 2}, {2, 3}.
        let groups = nemenyi_groups(&ranks, 1.0);
        assert_eq!(groups, Some(vec![vec![1, 0], vec![0, 2], vec![2, 3]]));
        // A difference of exactly CD is significant: no group.
        assert_eq!(nemenyi_groups(&[1.0, 2.0], 1.0), Some(vec![]));
        assert!(nemenyi_groups(&[1.0, f64::NAN], 1.0).is_none());
        assert!(nemenyi_groups(&[1.0, 2.0], -1.0).is_none());
    }
}
