//! Multiplicity: when every model is tested against the post-hoc best, some of those tests
//! come out "significant" by chance. Holm's step-down adjustment keeps the family-wise error
//! rate at α without assuming the tests are independent.

/// Holm-adjusted p-values, in the order given.
///
/// Sort the m p-values ascending, p(1) ≤ … ≤ p(m); the adjusted value of p(i) is
/// max over j ≤ i of min(1, (m − j + 1) · p(j)) (the running maximum keeps the order). Rejecting
/// where the adjusted value is below α is Holm's procedure. NaN stays NaN and is left out of
/// m. Matches `statsmodels.stats.multitest.multipletests(p, method="holm")`.
pub fn holm_adjust(p_values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..p_values.len())
        .filter(|&i| !p_values[i].is_nan())
        .collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]));
    let m = order.len();
    let mut adjusted = vec![f64::NAN; p_values.len()];
    let mut running = 0.0_f64;
    for (rank, &i) in order.iter().enumerate() {
        let scaled = ((m - rank) as f64 * p_values[i]).min(1.0);
        running = running.max(scaled);
        adjusted[i] = running;
    }
    adjusted
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn holm_by_hand() {
        // m = 4. Sorted: 0.01 (×4 = 0.04), 0.02 (×3 = 0.06), 0.03 (×2 = 0.06), 0.5 (×1 = 0.5).
        let adjusted = holm_adjust(&[0.03, 0.5, 0.01, 0.02]);
        for (got, want) in adjusted.iter().zip([0.06, 0.5, 0.04, 0.06]) {
            assert_abs_diff_eq!(*got, want, epsilon = 1e-12);
        }
    }

    #[test]
    fn running_maximum_and_cap_at_one() {
        // Sorted 0.001 (×3 = 0.003), 0.4 (×2 = 0.8), 0.45 (×1 = 0.45 → running max 0.8).
        let adjusted = holm_adjust(&[0.45, 0.001, 0.4]);
        for (got, want) in adjusted.iter().zip([0.8, 0.003, 0.8]) {
            assert_abs_diff_eq!(*got, want, epsilon = 1e-12);
        }
        assert_eq!(holm_adjust(&[0.9, 0.8]), vec![1.0, 1.0]);
    }

    #[test]
    fn nan_is_left_out_of_the_family() {
        let adjusted = holm_adjust(&[0.01, f64::NAN, 0.04]);
        assert!(adjusted[1].is_nan());
        // m = 2: 0.01 × 2 = 0.02, 0.04 × 1 = 0.04.
        assert_abs_diff_eq!(adjusted[0], 0.02, epsilon = 1e-12);
        assert_abs_diff_eq!(adjusted[2], 0.04, epsilon = 1e-12);
        assert!(holm_adjust(&[]).is_empty());
    }
}
