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

    /// All rows as one row-major matrix.
    pub fn matrix(&self) -> ndarray::ArrayView2<'_, f64> {
        ndarray::ArrayView2::from_shape((self.len(), self.width), &self.values)
            .expect("values hold len() rows of width")
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
        fill_body::<T, PortableDot>(self, x, square, rows, start, out);
    }

    /// Turns `dots` (x·y for the rows y of `rows`, in order, from a matrix product) into
    /// K(x, y) in place, where `square` is x·x. Predictions compute a block of rows' products
    /// with every support vector as one matrix product and finish them here.
    pub fn finish_products(self, dots: &mut [f64], square: f64, rows: &DenseRows) {
        if let KernelFunction::Rbf { gamma } = self {
            for (d, &sy) in dots.iter_mut().zip(&rows.squares) {
                *d = exp(-gamma * (square + sy - 2.0 * *d));
            }
        }
    }

    /// K(x, y) for two rows with squared norms `sx`, `sy`.
    #[inline(always)]
    pub fn value(self, x: &[f64], sx: f64, y: &[f64], sy: f64) -> f64 {
        match self {
            KernelFunction::Linear => dot(x, y),
            KernelFunction::Rbf { gamma } => exp(-gamma * (sx + sy - 2.0 * dot(x, y))),
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

/// A dot product implementation, chosen once per column pass.
trait DotProduct {
    fn dot(x: &[f64], y: &[f64]) -> f64;
}

/// The portable version: eight partial sums the compiler vectorises for the baseline CPU.
struct PortableDot;

impl DotProduct for PortableDot {
    #[inline(always)]
    fn dot(x: &[f64], y: &[f64]) -> f64 {
        dot(x, y)
    }
}

#[inline(always)]
fn fill_body<T: KernelValue, D: DotProduct>(
    kernel: KernelFunction,
    x: &[f64],
    square: f64,
    rows: &DenseRows,
    start: usize,
    out: &mut [T],
) {
    match kernel {
        KernelFunction::Linear => {
            for (k, slot) in out.iter_mut().enumerate() {
                *slot = T::from_f64(D::dot(x, rows.row(start + k)));
            }
        }
        KernelFunction::Rbf { gamma } => {
            // Exponents first, then one vectorisable pass of `exp` per block.
            const BLOCK: usize = 64;
            let mut exponents = [0.0f64; BLOCK];
            for (b, slots) in out.chunks_mut(BLOCK).enumerate() {
                let first = start + b * BLOCK;
                for (k, e) in exponents[..slots.len()].iter_mut().enumerate() {
                    let j = first + k;
                    *e = -gamma * (square + rows.square(j) - 2.0 * D::dot(x, rows.row(j)));
                }
                for (slot, &e) in slots.iter_mut().zip(&exponents) {
                    *slot = T::from_f64(exp(e));
                }
            }
        }
    }
}

/// eˣ for the kernel's exponents (x ≤ 0 up to rounding), within a few units in the last
/// place of libm's, written without calls or branches so that a block of them vectorises:
/// x = k ln 2 + r with |r| ≤ ln 2 / 2, eʳ by its Taylor polynomial to degree 13 (remainder
/// below 2⁻⁵⁵ relative), times 2ᵏ built from the exponent bits. Below -708 (where eˣ is
/// under 2⁻¹⁰²¹) it returns 0, as the kernel's values there are zero in f32 and f64 sums.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    const LOG2_E: f64 = std::f64::consts::LOG2_E;
    // ln 2 split as fdlibm does: the high part has trailing zero bits, so k · LN2_HI is exact.
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);
    // 1.5 · 2⁵²: adding it rounds to an integer kept in the low mantissa bits.
    const SHIFTER: f64 = 6_755_399_441_055_744.0;
    let clamped = x.clamp(-708.0, 709.0);
    let shifted = clamped * LOG2_E + SHIFTER;
    let k = shifted - SHIFTER;
    let r = (clamped - k * LN2_HI) - k * LN2_LO;
    let mut p = 1.0 / 6_227_020_800.0;
    for d in [
        479_001_600.0,
        39_916_800.0,
        3_628_800.0,
        362_880.0,
        40_320.0,
        5_040.0,
        720.0,
        120.0,
        24.0,
        6.0,
        2.0,
        1.0,
        1.0,
    ] {
        p = p * r + 1.0 / d;
    }
    let scale = f64::from_bits((shifted.to_bits().wrapping_add(1023)) << 52);
    if x < -708.0 {
        0.0
    } else {
        p * scale
    }
}

/// x·y with eight independent partial sums (two vectors of four), so the loop vectorises.
#[inline(always)]
pub fn dot(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    let mut low = [0.0f64; 4];
    let mut high = [0.0f64; 4];
    let whole = n / 8 * 8;
    let mut i = 0;
    while i < whole {
        let (a, b) = (&x[i..i + 8], &y[i..i + 8]);
        for k in 0..4 {
            low[k] += a[k] * b[k];
            high[k] += a[k + 4] * b[k + 4];
        }
        i += 8;
    }
    let mut tail = 0.0;
    for k in whole..n {
        tail += x[k] * y[k];
    }
    ((low[0] + high[0]) + (low[1] + high[1])) + ((low[2] + high[2]) + (low[3] + high[3])) + tail
}

/// The same pass compiled for AVX2 and FMA, with an explicit 256-bit dot product (LLVM
/// vectorises the portable one only 128 bits wide, with shuffles); callers check the CPU.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{DenseRows, DotProduct, KernelFunction, KernelValue};
    use std::arch::x86_64::*;

    struct Avx2Dot;

    impl DotProduct for Avx2Dot {
        #[inline(always)]
        fn dot(x: &[f64], y: &[f64]) -> f64 {
            // SAFETY: only used inside `fill`, which runs on CPUs with AVX2 and FMA.
            unsafe { dot(x, y) }
        }
    }

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
        super::fill_body::<T, Avx2Dot>(kernel, x, square, rows, start, out);
    }

    /// x·y with two 4-wide fused multiply-add sums.
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    #[inline]
    unsafe fn dot(x: &[f64], y: &[f64]) -> f64 {
        let n = x.len().min(y.len());
        let (px, py) = (x.as_ptr(), y.as_ptr());
        let mut sum0 = _mm256_setzero_pd();
        let mut sum1 = _mm256_setzero_pd();
        let mut i = 0;
        // SAFETY (loads): every load reads 4 values at i..i + 4 <= n of both slices.
        while i + 8 <= n {
            sum0 = _mm256_fmadd_pd(_mm256_loadu_pd(px.add(i)), _mm256_loadu_pd(py.add(i)), sum0);
            sum1 = _mm256_fmadd_pd(
                _mm256_loadu_pd(px.add(i + 4)),
                _mm256_loadu_pd(py.add(i + 4)),
                sum1,
            );
            i += 8;
        }
        if i + 4 <= n {
            sum0 = _mm256_fmadd_pd(_mm256_loadu_pd(px.add(i)), _mm256_loadu_pd(py.add(i)), sum0);
            i += 4;
        }
        let sum = _mm256_add_pd(sum0, sum1);
        let pair = _mm_add_pd(_mm256_castpd256_pd128(sum), _mm256_extractf128_pd(sum, 1));
        let mut total = _mm_cvtsd_f64(_mm_add_sd(pair, _mm_unpackhi_pd(pair, pair)));
        while i < n {
            total += x[i] * y[i];
            i += 1;
        }
        total
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn avx2_dot_matches_the_portable_one() {
            if !(is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")) {
                return;
            }
            for n in 0..40 {
                let x: Vec<f64> = (0..n).map(|i| (i as f64 * 0.37).sin()).collect();
                let y: Vec<f64> = (0..n).map(|i| 1.0 - i as f64 * 0.1).collect();
                // SAFETY: the CPU was checked above.
                let fast = unsafe { super::dot(&x, &y) };
                assert!((fast - super::super::dot(&x, &y)).abs() < 1e-12, "{n}");
            }
        }
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
    fn exp_agrees_with_libm_to_a_few_ulps() {
        let mut x = -720.0;
        while x < 1.0 {
            let (fast, libm) = (exp(x), x.exp());
            if x < -708.0 {
                assert_eq!(fast, 0.0);
            } else {
                assert!(
                    (fast - libm).abs() <= 4.0 * f64::EPSILON * libm,
                    "{x}: {fast} {libm}"
                );
            }
            x += 0.013_7;
        }
        assert_eq!(exp(0.0), 1.0);
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
