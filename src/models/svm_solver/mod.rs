//! modelbench's own port of libsvm's training algorithm (svm.cpp, version 3.3x, as bundled in
//! scikit-learn): SMO with second-order working-set selection, shrinking and an LRU cache of
//! kernel columns bounded in bytes, on dense rows with vectorised kernel evaluation.
//!
//! Memory is the rows, a few vectors of length n and the cache (scikit-learn's default
//! `cache_size=200` MB): it never grows with n². The public pieces are the two problems the
//! SVMs solve ([`solve_classification`], [`solve_epsilon_regression`]) and the kernel.

mod cache;
mod kernel;
mod q_matrix;
mod smo;

pub use kernel::{dot, DenseRows, KernelFunction};

use q_matrix::{ClassificationQ, RegressionQ};
use smo::{solve, Problem};

/// scikit-learn's `cache_size=200` (MB of 2^20 bytes).
pub const DEFAULT_CACHE_BYTES: usize = 200 << 20;

/// Solver settings shared by classification and regression.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolverSettings {
    pub c: f64,
    /// Stopping tolerance on the maximal violation (scikit-learn's `tol`).
    pub tolerance: f64,
    pub shrinking: bool,
    pub cache_bytes: usize,
}

/// A solved dual problem: decision value = Σ coefficientᵢ K(rowᵢ, x) − rho.
#[derive(Debug, Clone)]
pub struct DualSolution {
    /// One per training row; zero for rows that are not support vectors.
    pub coefficients: Vec<f64>,
    pub rho: f64,
    pub iterations: usize,
    /// False when libsvm's iteration cap, max(10⁷, 100 l), stopped the solver.
    pub converged: bool,
}

/// Binary C-classification (libsvm's `solve_c_svc`): `positive[i]` says whether row i is
/// in the class whose decision values are positive.
pub fn solve_classification(
    kernel: KernelFunction,
    rows: DenseRows,
    positive: &[bool],
    settings: SolverSettings,
) -> DualSolution {
    let l = positive.len();
    let y: Vec<i8> = positive.iter().map(|&p| if p { 1 } else { -1 }).collect();
    let mut q = ClassificationQ::new(kernel, rows, y.clone(), settings.cache_bytes);
    let solution = solve(
        &mut q,
        Problem {
            p: vec![-1.0; l],
            y: y.clone(),
            alpha: vec![0.0; l],
            c_positive: settings.c,
            c_negative: settings.c,
            tolerance: settings.tolerance,
            shrinking: settings.shrinking,
        },
    );
    DualSolution {
        coefficients: solution
            .alpha
            .iter()
            .zip(&y)
            .map(|(a, &s)| a * s as f64)
            .collect(),
        rho: solution.rho,
        iterations: solution.iterations,
        converged: solution.converged,
    }
}

/// Epsilon-support vector regression (libsvm's `solve_epsilon_svr`).
pub fn solve_epsilon_regression(
    kernel: KernelFunction,
    rows: DenseRows,
    targets: &[f64],
    epsilon: f64,
    settings: SolverSettings,
) -> DualSolution {
    let l = targets.len();
    let p = targets
        .iter()
        .map(|t| epsilon - t)
        .chain(targets.iter().map(|t| epsilon + t))
        .collect();
    let y = (0..2 * l).map(|k| if k < l { 1 } else { -1 }).collect();
    let mut q = RegressionQ::new(kernel, rows, settings.cache_bytes);
    let solution = solve(
        &mut q,
        Problem {
            p,
            y,
            alpha: vec![0.0; 2 * l],
            c_positive: settings.c,
            c_negative: settings.c,
            tolerance: settings.tolerance,
            shrinking: settings.shrinking,
        },
    );
    DualSolution {
        coefficients: (0..l)
            .map(|i| solution.alpha[i] - solution.alpha[i + l])
            .collect(),
        rho: solution.rho,
        iterations: solution.iterations,
        converged: solution.converged,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    fn settings(shrinking: bool) -> SolverSettings {
        SolverSettings {
            c: 1.0,
            tolerance: 1e-3,
            shrinking,
            cache_bytes: DEFAULT_CACHE_BYTES,
        }
    }

    fn decision(kernel: KernelFunction, rows: &DenseRows, s: &DualSolution, x: &[f64]) -> f64 {
        let sx = kernel::dot(x, x);
        (0..rows.len())
            .map(|i| s.coefficients[i] * kernel.value(rows.row(i), rows.square(i), x, sx))
            .sum::<f64>()
            - s.rho
    }

    #[test]
    fn two_points_give_the_hand_solution() {
        // x = -1 (positive) and x = +1 (negative), linear kernel, C = 1. The hard-margin
        // solution w = -1, b = 0 needs α = ½ each (‖w‖² = α² ‖x₁ - x₂‖² = 4α²) — inside the
        // box, so decision(x) = -x exactly.
        let rows = DenseRows::new(vec![-1.0, 1.0], 1);
        for shrinking in [false, true] {
            let s = solve_classification(
                KernelFunction::Linear,
                rows.clone(),
                &[true, false],
                settings(shrinking),
            );
            assert!(s.converged);
            assert_abs_diff_eq!(s.coefficients[0], 0.5, epsilon = 1e-9);
            assert_abs_diff_eq!(s.coefficients[1], -0.5, epsilon = 1e-9);
            assert_abs_diff_eq!(s.rho, 0.0, epsilon = 1e-9);
            for x in [-2.0, 0.5, 3.0] {
                assert_abs_diff_eq!(
                    decision(KernelFunction::Linear, &rows, &s, &[x]),
                    -x,
                    epsilon = 1e-9
                );
            }
        }
    }

    #[test]
    fn a_separable_line_gets_its_maximal_margin() {
        // Positives at y >= 1, negatives at y <= -1 on a grid: the maximal margin separator is
        // y = 0 with w = (0, 1), b = 0, so decision(x) = x₂, whatever x₁ is.
        let mut values = Vec::new();
        let mut positive = Vec::new();
        for x1 in [-2.0, 0.0, 2.0] {
            for x2 in [1.0, 2.0, -1.0, -3.0] {
                values.extend([x1, x2]);
                positive.push(x2 > 0.0);
            }
        }
        let rows = DenseRows::new(values, 2);
        let s = solve_classification(
            KernelFunction::Linear,
            rows.clone(),
            &positive,
            settings(true),
        );
        for x in [[0.0, 0.0], [5.0, 0.5], [-3.0, -2.0]] {
            // Tolerance 1e-3 on the violation bounds the error of the decision function.
            assert_abs_diff_eq!(
                decision(KernelFunction::Linear, &rows, &s, &x),
                x[1],
                epsilon = 2e-3
            );
        }
        // Only the six rows on the margin are support vectors.
        let support = s.coefficients.iter().filter(|c| c.abs() > 0.0).count();
        assert!(support <= 6, "{support}");
    }

    #[test]
    fn regression_of_a_line_inside_the_tube_is_the_line() {
        // y = x on four points, linear kernel, epsilon 0.1: f(x) = w x + b with the smallest
        // |w| keeping every point within 0.1: w = 1 - 0.2/3 (the ends touch the tube), b = 0.
        let xs = [-1.5, -0.5, 0.5, 1.5];
        let rows = DenseRows::new(xs.to_vec(), 1);
        let s = solve_epsilon_regression(
            KernelFunction::Linear,
            rows.clone(),
            &xs,
            0.1,
            settings(true),
        );
        let slope = 1.0 - 0.2 / 3.0;
        for x in [-1.0, 0.0, 2.0] {
            assert_abs_diff_eq!(
                decision(KernelFunction::Linear, &rows, &s, &[x]),
                slope * x,
                epsilon = 2e-3
            );
        }
    }
}
