//! The sigmoid and its slope, as the article defines them.

use super::Float;

/// The logistic sigmoid `1 / (1 + e^-x)`, with the vectorisable exponential of `exp.rs`.
#[inline(always)]
pub fn sigmoid<F: Float>(x: F) -> F {
    F::one() / (F::one() + (-x).exp_vectorisable())
}

/// The sigmoid's derivative written in terms of its output `s`: `s * (1 - s)`.
///
/// The article computes the slope from the layer's output rather than its input, which saves
/// a second exponential per unit.
#[inline(always)]
pub fn sigmoid_slope<F: Float>(output: F) -> F {
    output * (F::one() - output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn sigmoid_known_values() {
        assert_abs_diff_eq!(sigmoid(0.0_f64), 0.5);
        // 1 / (1 + e^-2) = 0.8807970779778823
        assert_abs_diff_eq!(sigmoid(2.0_f64), 0.880_797_077_977_882_3, epsilon = 1e-15);
        assert_abs_diff_eq!(
            sigmoid(-2.0_f64),
            1.0 - 0.880_797_077_977_882_3,
            epsilon = 1e-15
        );
    }

    #[test]
    fn slope_matches_finite_difference() {
        for &x in &[-3.0_f64, -0.5, 0.0, 0.7, 4.0] {
            let h = 1e-6;
            let numeric = (sigmoid(x + h) - sigmoid(x - h)) / (2.0 * h);
            assert_abs_diff_eq!(sigmoid_slope(sigmoid(x)), numeric, epsilon = 1e-9);
        }
    }
}
