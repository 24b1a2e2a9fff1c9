//! Kernel functions on dense rows. libsvm walks sparse nodes one product at a time; here a
//! row is a contiguous `f64` slice and a column of kernel values is one pass of dot products
//! with eight independent sums, which the compiler vectorises. On x86-64 CPUs with AVX2 and
//! FMA the pass runs in a copy compiled for them, chosen at run time.

use serde::{Deserialize, Serialize};

/// The kernel of a support vector machine (scikit-learn's names and formulas).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type")]
pub enum KernelFunction {
    /// x·y
    Linear,
    /// exp(-gamma ‖x-y‖²), computed as libsvm does: exp(-gamma (x·x + y·y - 2 x·y)).
    Rbf { gamma: f64 },
}

/// Rows of equal width stored one after another, with each row's squared norm.
#[derive(Debug, Clone)]
pub struct DenseRows {
    values: Vec<f64>,
    width: usize,
    squares: Vec<f64>,
}

impl DenseRows {
    /// `values` holds the rows one after another; `width` must divide its length.
    pub fn new(values: Vec<f64>, width: usize) -> Self {
        let squares = values
            .chunks_exact(width.max(1))
            .map(|row| dot(row, row))
            .collect();
        DenseRows {
            values,
            width,
            squares,
        }
    }

    pub fn len(&self) -> usize {
        self.squares.len()
    }

    pub fn row(&self, i: usize) -> &[f64] {
        &self.values[i * self.width..(i + 1) * self.width]
    }

    pub fn square(&self, i: usize) -> f64 {
        self.squares[i]
    }

    /// Exchanges rows `i` and `j` (the solver's shrinking reorders its variables).
    pub fn swap(&mut self, i: usize, j: usize) {
        if i == j {
            return;
        }
        let (low, high) = (i.min(j), i.max(j));
        let (head, tail) = self.values.split_at_mut(high * self.width);
        head[low * self.width..(low + 1) * self.width].swap_with_slice(&mut tail[..self.width]);
        self.squares.swap(i, j);
    }
}

impl KernelFunction {
    /// K(x, row j) for the rows `start..start + out.len()` of `rows`, into `out`, where
    /// `square` is x·x.
    pub fn fill<T: KernelValue>(
        self,
        x: &[f64],
        square: f64,
        rows: &DenseRows,
        start: usize,
        out: &mut [T],
    ) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
        {
            // SAFETY: the CPU supports AVX2 and FMA, the only requirements of that copy.
            unsafe { avx2::fill(self, x, square, rows, start, out) };
            return;
        }
        fill_body(self, x, square, rows, start, out);
    }

    /// K(x, y) for two rows with squared norms `sx`, `sy`.
    pub fn value(self, x: &[f64], sx: f64, y: &[f64], sy: f64) -> f64 {
        match self {
            KernelFunction::Linear => dot(x, y),
            KernelFunction::Rbf { gamma } => (-gamma * (sx + sy - 2.0 * dot(x, y))).exp(),
        }
    }
}

/// Where kernel values are stored: the cache keeps f32 (as libsvm), predictions f64.
pub trait KernelValue: Copy {
    fn from_f64(value: f64) -> Self;
}

impl KernelValue for f32 {
    #[inline(always)]
    fn from_f64(value: f64) -> Self {
        value as f32
    }
}

impl KernelValue for f64 {
    #[inline(always)]
    fn from_f64(value: f64) -> Self {
        value
    }
}

#[inline(always)]
fn fill_body<T: KernelValue>(
    kernel: KernelFunction,
    x: &[f64],
    square: f64,
    rows: &DenseRows,
    start: usize,
    out: &mut [T],
) {
    for (k, slot) in out.iter_mut().enumerate() {
        let j = start + k;
        *slot = T::from_f64(kernel.value(x, square, rows.row(j), rows.square(j)));
    }
}

/// x·y with eight independent partial sums, so the loop vectorises.
#[inline(always)]
pub fn dot(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    let mut sums = [0.0f64; 8];
    let mut xc = x.chunks_exact(8);
    let mut yc = y.chunks_exact(8);
    for (a, b) in (&mut xc).zip(&mut yc) {
        for k in 0..8 {
            sums[k] += a[k] * b[k];
        }
    }
    let mut tail = 0.0;
    for (a, b) in xc.remainder().iter().zip(yc.remainder()) {
        tail += a * b;
    }
    ((sums[0] + sums[4]) + (sums[1] + sums[5])) + ((sums[2] + sums[6]) + (sums[3] + sums[7])) + tail
}

/// The same pass compiled for AVX2 and FMA; callers check the CPU first.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{DenseRows, KernelFunction, KernelValue};

    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn fill<T: KernelValue>(
        kernel: KernelFunction,
        x: &[f64],
        square: f64,
        rows: &DenseRows,
        start: usize,
        out: &mut [T],
    ) {
        super::fill_body(kernel, x, square, rows, start, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn dot_matches_the_plain_sum_for_every_length() {
        for n in 0..20 {
            let x: Vec<f64> = (0..n).map(|i| i as f64 * 0.5 - 3.0).collect();
            let y: Vec<f64> = (0..n).map(|i| 1.0 + (i % 3) as f64).collect();
            let plain: f64 = x.iter().zip(&y).map(|(a, b)| a * b).sum();
            assert_abs_diff_eq!(dot(&x, &y), plain, epsilon = 1e-12);
        }
    }

    #[test]
    fn kernels_follow_their_formulas_and_rows_swap() {
        let mut rows = DenseRows::new(vec![0.0, 0.0, 1.0, 2.0, 3.0, -1.0], 2);
        let rbf = KernelFunction::Rbf { gamma: 0.5 };
        let mut out = [0.0f64; 3];
        rbf.fill(rows.row(1), rows.square(1), &rows, 0, &mut out);
        // ‖(1,2)-(0,0)‖² = 5, 0, ‖(1,2)-(3,-1)‖² = 13.
        assert_abs_diff_eq!(out[0], (-2.5f64).exp(), epsilon = 1e-15);
        assert_abs_diff_eq!(out[1], 1.0, epsilon = 1e-15);
        assert_abs_diff_eq!(out[2], (-6.5f64).exp(), epsilon = 1e-15);
        let mut lin = [0.0f32; 2];
        KernelFunction::Linear.fill(&[1.0, 1.0], 2.0, &rows, 1, &mut lin);
        assert_eq!(lin, [3.0, 2.0]);
        rows.swap(2, 0);
        assert_eq!(rows.row(0), &[3.0, -1.0]);
        assert_eq!(rows.row(2), &[0.0, 0.0]);
        assert_abs_diff_eq!(rows.square(0), 10.0);
    }
}
