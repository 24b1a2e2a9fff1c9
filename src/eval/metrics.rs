//! Scores of a prediction against the truth, computed here rather than by linfa (whose
//! precision and recall are swapped against scikit-learn's and whose multi-class F1 is not
//! macro-F1). Definitions follow scikit-learn's so results can be compared.

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

/// Probabilities are clipped to [EPS, 1 - EPS] before the logarithm, as scikit-learn does.
/// scikit-learn (since 1.5) clips probabilities to [eps, 1 − eps] with eps the machine epsilon
/// of the dtype (2.22e-16 for f64), not 1e-15.
const LOG_LOSS_EPS: f64 = f64::EPSILON;

/// Classification scores of one fold. Metrics that need scores or probabilities are `None`
/// when the model gives none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassificationMetrics {
    pub accuracy: f64,
    pub balanced_accuracy: f64,
    pub macro_f1: f64,
    /// Binary: ROC AUC of the positive class; multi-class: macro one-vs-rest AUC.
    pub roc_auc: Option<f64>,
    pub log_loss: Option<f64>,
    /// Mean over rows of the summed squared difference between probabilities and the one-hot truth.
    pub brier: Option<f64>,
}

/// Regression scores of one fold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegressionMetrics {
    pub r2: f64,
    pub rmse: f64,
    pub mae: f64,
}

/// Fraction of rows predicted right.
pub fn accuracy(truth: &[usize], predicted: &[usize]) -> f64 {
    let right = truth.iter().zip(predicted).filter(|(t, p)| t == p).count();
    right as f64 / truth.len().max(1) as f64
}

/// Mean recall over the classes present in `truth` (scikit-learn's balanced_accuracy_score).
pub fn balanced_accuracy(truth: &[usize], predicted: &[usize], n_classes: usize) -> f64 {
    let (tp, _, support) = confusion_counts(truth, predicted, n_classes);
    let recalls: Vec<f64> = (0..n_classes)
        .filter(|&c| support[c] > 0)
        .map(|c| tp[c] as f64 / support[c] as f64)
        .collect();
    recalls.iter().sum::<f64>() / recalls.len().max(1) as f64
}

/// Unweighted mean of per-class F1 over classes present in the truth or the prediction
/// (scikit-learn's f1_score(average="macro"); a class with no true and no predicted rows is
/// left out, and 0/0 counts as 0).
pub fn macro_f1(truth: &[usize], predicted: &[usize], n_classes: usize) -> f64 {
    let (tp, predicted_count, support) = confusion_counts(truth, predicted, n_classes);
    let f1s: Vec<f64> = (0..n_classes)
        .filter(|&c| support[c] + predicted_count[c] > 0)
        .map(|c| 2.0 * tp[c] as f64 / (support[c] + predicted_count[c]) as f64)
        .collect();
    f1s.iter().sum::<f64>() / f1s.len().max(1) as f64
}

/// True positives, predicted count and true count per class.
fn confusion_counts(
    truth: &[usize],
    predicted: &[usize],
    n_classes: usize,
) -> (Vec<usize>, Vec<usize>, Vec<usize>) {
    let mut tp = vec![0; n_classes];
    let mut predicted_count = vec![0; n_classes];
    let mut support = vec![0; n_classes];
    for (&t, &p) in truth.iter().zip(predicted) {
        support[t] += 1;
        predicted_count[p] += 1;
        if t == p {
            tp[t] += 1;
        }
    }
    (tp, predicted_count, support)
}

/// Area under the ROC curve of `scores` for `positive` rows, ties counted half (the
/// Mann-Whitney form). `None` when one side is empty.
pub fn binary_auc(positive: &[bool], scores: &[f64]) -> Option<f64> {
    let n_pos = positive.iter().filter(|&&p| p).count();
    let n_neg = positive.len() - n_pos;
    if n_pos == 0 || n_neg == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    // Average ranks over ties, then the rank-sum of the positives.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        let average_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += order[i..=j].iter().filter(|&&r| positive[r]).count() as f64 * average_rank;
        i = j + 1;
    }
    let u = rank_sum - (n_pos * (n_pos + 1)) as f64 / 2.0;
    Some(u / (n_pos * n_neg) as f64)
}

/// ROC AUC from per-class scores: binary uses the second class's score; multi-class is the
/// unweighted mean of one-vs-rest AUCs over classes present in the fold (`None` if any class
/// AUC is undefined, e.g. a fold holding one class only).
pub fn roc_auc(truth: &[usize], scores: ArrayView2<f64>) -> Option<f64> {
    let n_classes = scores.ncols();
    if n_classes == 2 {
        let positive: Vec<bool> = truth.iter().map(|&t| t == 1).collect();
        return binary_auc(&positive, &scores.column(1).to_vec());
    }
    let mut aucs = Vec::new();
    for c in 0..n_classes {
        let positive: Vec<bool> = truth.iter().map(|&t| t == c).collect();
        if !positive.iter().any(|&p| p) {
            continue;
        }
        aucs.push(binary_auc(&positive, &scores.column(c).to_vec())?);
    }
    (!aucs.is_empty()).then(|| aucs.iter().sum::<f64>() / aucs.len() as f64)
}

/// Mean negative log-probability of the true class, each probability clipped to
/// [eps, 1 − eps] first (scikit-learn's `log_loss`; rows are not renormalised).
pub fn log_loss(truth: &[usize], probabilities: ArrayView2<f64>) -> f64 {
    let total: f64 = truth
        .iter()
        .enumerate()
        .map(|(row, &t)| {
            -probabilities[[row, t]]
                .clamp(LOG_LOSS_EPS, 1.0 - LOG_LOSS_EPS)
                .ln()
        })
        .sum();
    total / truth.len().max(1) as f64
}

/// The Brier score as scikit-learn 1.9's `brier_score_loss` (`scale_by_half="auto"`): for two
/// classes the mean of (p(class 1) − 1[truth = 1])², for more the mean over rows of the sum
/// over classes of (p − 1[class = truth])². (The two-class value is half the sum over both
/// columns, since both columns err by the same amount.)
pub fn brier(truth: &[usize], probabilities: ArrayView2<f64>) -> f64 {
    let scale = if probabilities.ncols() == 2 { 0.5 } else { 1.0 };
    let total: f64 = truth
        .iter()
        .enumerate()
        .map(|(row, &t)| {
            probabilities
                .row(row)
                .iter()
                .enumerate()
                .map(|(c, &p)| {
                    let y = if c == t { 1.0 } else { 0.0 };
                    (p - y) * (p - y)
                })
                .sum::<f64>()
        })
        .sum();
    scale * total / truth.len().max(1) as f64
}

/// R², RMSE and MAE. R² is 1 - SS_res / SS_tot; for a constant truth it is 1 when the
/// prediction is exact and 0 otherwise (scikit-learn's convention).
pub fn regression_metrics(truth: &[f64], predicted: &[f64]) -> RegressionMetrics {
    let n = truth.len().max(1) as f64;
    let mean = truth.iter().sum::<f64>() / n;
    let ss_res: f64 = truth
        .iter()
        .zip(predicted)
        .map(|(t, p)| (t - p) * (t - p))
        .sum();
    let ss_tot: f64 = truth.iter().map(|t| (t - mean) * (t - mean)).sum();
    let r2 = if ss_tot > 0.0 {
        1.0 - ss_res / ss_tot
    } else if ss_res == 0.0 {
        1.0
    } else {
        0.0
    };
    RegressionMetrics {
        r2,
        rmse: (ss_res / n).sqrt(),
        mae: truth
            .iter()
            .zip(predicted)
            .map(|(t, p)| (t - p).abs())
            .sum::<f64>()
            / n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;
    use ndarray::{array, Array2};

    // truth     0 0 0 1 1 2
    // predicted 0 0 1 1 2 2
    const TRUTH: [usize; 6] = [0, 0, 0, 1, 1, 2];
    const PRED: [usize; 6] = [0, 0, 1, 1, 2, 2];

    #[test]
    fn accuracy_balanced_accuracy_and_macro_f1_by_hand() {
        // 4 of 6 right.
        assert_abs_diff_eq!(accuracy(&TRUTH, &PRED), 4.0 / 6.0);
        // Recalls: 2/3, 1/2, 1/1 -> mean 13/18.
        assert_abs_diff_eq!(
            balanced_accuracy(&TRUTH, &PRED, 3),
            13.0 / 18.0,
            epsilon = 1e-12
        );
        // F1 = 2tp / (support + predicted): class 0: 4/5; class 1: 2/4; class 2: 2/3.
        // Mean = (0.8 + 0.5 + 0.6667) / 3 = 0.6555...
        assert_abs_diff_eq!(
            macro_f1(&TRUTH, &PRED, 3),
            (0.8 + 0.5 + 2.0 / 3.0) / 3.0,
            epsilon = 1e-12
        );
    }

    #[test]
    fn auc_counts_ties_half() {
        // Positives scored 0.8, 0.4; negatives 0.4, 0.1. Pairs: (0.8>0.4) (0.8>0.1) (0.4=0.4 half) (0.4>0.1)
        // = 3.5 of 4.
        let auc = binary_auc(&[true, true, false, false], &[0.8, 0.4, 0.4, 0.1]).unwrap();
        assert_abs_diff_eq!(auc, 0.875);
        assert_eq!(binary_auc(&[true, true], &[0.1, 0.2]), None);
        // Scores that order perfectly give 1, reversed 0.
        assert_abs_diff_eq!(binary_auc(&[false, true], &[0.1, 0.9]).unwrap(), 1.0);
        assert_abs_diff_eq!(binary_auc(&[false, true], &[0.9, 0.1]).unwrap(), 0.0);
    }

    #[test]
    fn multiclass_auc_is_macro_one_vs_rest() {
        let truth = [0, 1, 2];
        let perfect = array![[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]];
        assert_abs_diff_eq!(roc_auc(&truth, perfect.view()).unwrap(), 1.0);
    }

    #[test]
    fn log_loss_and_brier_by_hand() {
        let truth = [0, 1];
        let p = array![[0.8, 0.2], [0.4, 0.6]];
        // -(ln 0.8 + ln 0.6) / 2
        assert_abs_diff_eq!(
            log_loss(&truth, p.view()),
            -(0.8f64.ln() + 0.6f64.ln()) / 2.0,
            epsilon = 1e-12
        );
        // Binary: (p1 − y)²: row 0 0.2² = 0.04, row 1 0.4² = 0.16; mean 0.1.
        assert_abs_diff_eq!(brier(&truth, p.view()), 0.1, epsilon = 1e-12);
    }

    /// Values printed by scikit-learn 1.9.1 (`brier_score_loss`, `log_loss`) for these inputs:
    /// python3 -c "from sklearn.metrics import brier_score_loss as b, log_loss as l; ..."
    #[test]
    fn brier_and_log_loss_match_scikit_learn() {
        let truth = [0, 1, 1, 0, 1];
        let p1 = [0.1, 0.8, 0.6, 0.4, 1.0];
        let binary =
            Array2::from_shape_fn((5, 2), |(r, c)| if c == 1 { p1[r] } else { 1.0 - p1[r] });
        assert_abs_diff_eq!(
            brier(&truth, binary.view()),
            0.07400000000000001,
            epsilon = 1e-15
        );
        assert_abs_diff_eq!(
            log_loss(&truth, binary.view()),
            0.27003106290080353,
            epsilon = 1e-14
        );
        let truth = [0, 1, 2, 2, 1];
        let multi = array![
            [0.7, 0.2, 0.1],
            [0.1, 0.8, 0.1],
            [0.2, 0.2, 0.6],
            [0.0, 0.0, 1.0],
            [1.0, 0.0, 0.0]
        ];
        assert_abs_diff_eq!(brier(&truth, multi.view()), 0.488, epsilon = 1e-15);
        // The last row gives the true class probability 0, clipped to f64::EPSILON.
        assert_abs_diff_eq!(
            log_loss(&truth, multi.view()),
            7.426859501627217,
            epsilon = 1e-12
        );
    }

    #[test]
    fn regression_metrics_by_hand() {
        // truth 1 2 3 (mean 2, SS_tot 2); predicted 1 2 5: SS_res 4 -> R² = -1; RMSE sqrt(4/3); MAE 2/3.
        let m = regression_metrics(&[1.0, 2.0, 3.0], &[1.0, 2.0, 5.0]);
        assert_abs_diff_eq!(m.r2, -1.0);
        assert_abs_diff_eq!(m.rmse, (4.0f64 / 3.0).sqrt());
        assert_abs_diff_eq!(m.mae, 2.0 / 3.0);
    }
}
