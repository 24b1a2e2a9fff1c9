//! Matrix products with few output columns (a single-layer network's 10 outputs, a logistic
//! regression's 10 classes) on a block of input rows: the forward product `X · W` and the
//! gradient `Xᵀ · delta`, both written for row-major `X` as it is stored, without packing.
//!
//! A general GEMM packs its operands and computes tiles of a fixed width (8 to 16 columns for
//! f64 with AVX-512), so 10 columns waste much of each tile and packing the input costs a pass
//! over it. Here both products run along the features, which are contiguous in `X`: the
//! forward product keeps `4 rows × 4 outputs` dot products of 8 lanes in registers, reading the
//! weights transposed (`Wᵀ`, outputs × features); the gradient keeps `4 outputs × 32 features`
//! of `Gᵀ` in registers and streams the rows once per group of 4 outputs.
//!
//! On x86-64 the loops run in copies compiled for AVX-512 or AVX2 with fused multiply-adds,
//! chosen at run time; otherwise in plain code (separate multiply and add). Results therefore
//! differ from `mat_mul`'s in the last bits, and between CPUs.

use super::Float;

/// Features per SIMD chunk: one AVX-512 register of f64.
const LANES: usize = 8;

/// Which compiled copy of the loops this CPU runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NarrowKernels {
    #[cfg(target_arch = "x86_64")]
    Avx512,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    Plain,
}

impl NarrowKernels {
    /// The fastest copy this CPU supports.
    pub(crate) fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("fma")
            {
                return NarrowKernels::Avx512;
            }
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                return NarrowKernels::Avx2;
            }
        }
        NarrowKernels::Plain
    }

    /// `out = x · w` for `x` (rows × `features`, row-major), `w_t` the weights transposed
    /// (`outputs` × `features`), `out` rows × `outputs`.
    pub(crate) fn forward<F: Float>(
        self,
        x: &[F],
        features: usize,
        w_t: &[F],
        outputs: usize,
        out: &mut [F],
    ) {
        let rows = out.len() / outputs.max(1);
        assert!(
            x.len() == rows * features && w_t.len() == outputs * features,
            "narrow forward product: {} inputs, {} weights for {rows} x {features} -> {outputs}",
            x.len(),
            w_t.len()
        );
        if rows == 0 || outputs == 0 {
            return;
        }
        match self {
            // SAFETY: `detect` chose this copy because the CPU has AVX-512F and FMA.
            #[cfg(target_arch = "x86_64")]
            NarrowKernels::Avx512 => unsafe {
                simd::forward_avx512(x, features, w_t, outputs, out)
            },
            // SAFETY: `detect` chose this copy because the CPU has AVX2 and FMA.
            #[cfg(target_arch = "x86_64")]
            NarrowKernels::Avx2 => unsafe { simd::forward_avx2(x, features, w_t, outputs, out) },
            NarrowKernels::Plain => forward_body::<F, false>(x, features, w_t, outputs, out),
        }
    }

    /// `g_t += deltaᵀ · x`, i.e. the gradient `xᵀ · delta` transposed (`outputs` × `features`),
    /// for `x` rows × `features` and `delta` rows × `outputs`.
    pub(crate) fn accumulate_gradient<F: Float>(
        self,
        x: &[F],
        features: usize,
        delta: &[F],
        outputs: usize,
        g_t: &mut [F],
    ) {
        let rows = delta.len() / outputs.max(1);
        assert!(
            x.len() == rows * features && g_t.len() == outputs * features,
            "narrow gradient product: {} inputs, {} gradients for {rows} x {features} -> {outputs}",
            x.len(),
            g_t.len()
        );
        if rows == 0 || outputs == 0 {
            return;
        }
        match self {
            // SAFETY: as in `forward`.
            #[cfg(target_arch = "x86_64")]
            NarrowKernels::Avx512 => unsafe {
                simd::gradient_avx512(x, features, delta, outputs, g_t)
            },
            // SAFETY: as in `forward`.
            #[cfg(target_arch = "x86_64")]
            NarrowKernels::Avx2 => unsafe { simd::gradient_avx2(x, features, delta, outputs, g_t) },
            NarrowKernels::Plain => gradient_body::<F, false>(x, features, delta, outputs, g_t),
        }
    }
}

/// `a · b + c`, fused where the copy was compiled with FMA.
#[inline(always)]
fn madd<F: Float, const FMA: bool>(a: F, b: F, c: F) -> F {
    if FMA {
        a.mul_add(b, c)
    } else {
        a * b + c
    }
}

/// The chunk of `LANES` values of `values` starting at `at`, without a bounds check: a check
/// in the innermost loop kept the accumulators in memory rather than in registers (measured:
/// the forward tile ran at half speed). Callers check the range once per tile.
///
/// # Safety
/// `at + LANES <= values.len()`.
#[inline(always)]
unsafe fn chunk<F: Float>(values: &[F], at: usize) -> [F; LANES] {
    debug_assert!(at + LANES <= values.len());
    // SAFETY: the caller guarantees the range; `read_unaligned` needs no alignment.
    unsafe { std::ptr::read_unaligned(values.as_ptr().add(at).cast::<[F; LANES]>()) }
}

/// Sum of the lanes, pairwise.
#[inline(always)]
fn lane_sum<F: Float>(v: [F; LANES]) -> F {
    let quad = [v[0] + v[4], v[1] + v[5], v[2] + v[6], v[3] + v[7]];
    (quad[0] + quad[2]) + (quad[1] + quad[3])
}

#[inline(always)]
fn forward_body<F: Float, const FMA: bool>(
    x: &[F],
    features: usize,
    w_t: &[F],
    outputs: usize,
    out: &mut [F],
) {
    let rows = out.len() / outputs;
    let mut r = 0;
    while r + 4 <= rows {
        forward_rows::<F, FMA, 4>(x, features, w_t, outputs, out, r);
        r += 4;
    }
    while r < rows {
        forward_rows::<F, FMA, 1>(x, features, w_t, outputs, out, r);
        r += 1;
    }
}

/// Rows `first..first + R` of the forward product, in groups of 4, then 2, then 1 outputs.
#[inline(always)]
fn forward_rows<F: Float, const FMA: bool, const R: usize>(
    x: &[F],
    features: usize,
    w_t: &[F],
    outputs: usize,
    out: &mut [F],
    first: usize,
) {
    let mut j = 0;
    while j + 4 <= outputs {
        forward_tile::<F, FMA, R, 4>(x, features, w_t, outputs, out, first, j);
        j += 4;
    }
    if j + 2 <= outputs {
        forward_tile::<F, FMA, R, 2>(x, features, w_t, outputs, out, first, j);
        j += 2;
    }
    while j < outputs {
        forward_tile::<F, FMA, R, 1>(x, features, w_t, outputs, out, first, j);
        j += 1;
    }
}

/// `R` rows × `J` outputs of the forward product: dot products along the features.
// Indices address rows, outputs and lanes of several arrays at once.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn forward_tile<F: Float, const FMA: bool, const R: usize, const J: usize>(
    x: &[F],
    features: usize,
    w_t: &[F],
    outputs: usize,
    out: &mut [F],
    first_row: usize,
    first_output: usize,
) {
    let x = &x[first_row * features..(first_row + R) * features];
    let w_t = &w_t[first_output * features..(first_output + J) * features];
    let mut acc = [[[F::zero(); LANES]; J]; R];
    let chunks = features / LANES;
    for c in 0..chunks {
        let at = c * LANES;
        // SAFETY: `at + LANES <= features`, and the slices hold `R` and `J` whole rows of
        // `features` (the slicing above panics otherwise).
        let xv: [[F; LANES]; R] = std::array::from_fn(|i| unsafe { chunk(x, i * features + at) });
        for jj in 0..J {
            // SAFETY: as above.
            let wv = unsafe { chunk(w_t, jj * features + at) };
            for i in 0..R {
                for l in 0..LANES {
                    acc[i][jj][l] = madd::<F, FMA>(xv[i][l], wv[l], acc[i][jj][l]);
                }
            }
        }
    }
    for i in 0..R {
        for jj in 0..J {
            let mut sum = lane_sum(acc[i][jj]);
            for p in chunks * LANES..features {
                sum = madd::<F, FMA>(x[i * features + p], w_t[jj * features + p], sum);
            }
            out[(first_row + i) * outputs + first_output + jj] = sum;
        }
    }
}

#[inline(always)]
fn gradient_body<F: Float, const FMA: bool>(
    x: &[F],
    features: usize,
    delta: &[F],
    outputs: usize,
    g_t: &mut [F],
) {
    let mut j = 0;
    while j + 4 <= outputs {
        gradient_outputs::<F, FMA, 4>(x, features, delta, outputs, g_t, j);
        j += 4;
    }
    if j + 2 <= outputs {
        gradient_outputs::<F, FMA, 2>(x, features, delta, outputs, g_t, j);
        j += 2;
    }
    while j < outputs {
        gradient_outputs::<F, FMA, 1>(x, features, delta, outputs, g_t, j);
        j += 1;
    }
}

/// Outputs `first..first + J` of the gradient, in tiles of 4 chunks of features, then single
/// chunks, then single features.
#[inline(always)]
fn gradient_outputs<F: Float, const FMA: bool, const J: usize>(
    x: &[F],
    features: usize,
    delta: &[F],
    outputs: usize,
    g_t: &mut [F],
    first: usize,
) {
    let mut p = 0;
    while p + 4 * LANES <= features {
        gradient_tile::<F, FMA, J, 4>(x, features, delta, outputs, g_t, first, p);
        p += 4 * LANES;
    }
    while p + LANES <= features {
        gradient_tile::<F, FMA, J, 1>(x, features, delta, outputs, g_t, first, p);
        p += LANES;
    }
    let rows = delta.len() / outputs;
    for jj in 0..J {
        for q in p..features {
            let mut sum = g_t[(first + jj) * features + q];
            for r in 0..rows {
                sum = madd::<F, FMA>(x[r * features + q], delta[r * outputs + first + jj], sum);
            }
            g_t[(first + jj) * features + q] = sum;
        }
    }
}

/// `J` outputs × `C` chunks of features of `g_t`, held in registers over all rows.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn gradient_tile<F: Float, const FMA: bool, const J: usize, const C: usize>(
    x: &[F],
    features: usize,
    delta: &[F],
    outputs: usize,
    g_t: &mut [F],
    first_output: usize,
    first_feature: usize,
) {
    let at = |jj: usize, c: usize| (first_output + jj) * features + first_feature + c * LANES;
    // The tile lies inside `g_t` and inside every row of `x`, so the unchecked reads below stay
    // in range.
    assert!(at(J - 1, C - 1) + LANES <= g_t.len() && first_feature + C * LANES <= features);
    let rows = delta.len() / outputs;
    assert!(x.len() >= rows * features && first_output + J <= outputs);
    // SAFETY: the first assert.
    let mut acc: [[[F; LANES]; C]; J] =
        std::array::from_fn(|jj| std::array::from_fn(|c| unsafe { chunk(g_t, at(jj, c)) }));
    for r in 0..rows {
        let row_start = r * features + first_feature;
        // SAFETY: both asserts: the row's tile ends at or before the row's end.
        let xv: [[F; LANES]; C] =
            std::array::from_fn(|c| unsafe { chunk(x, row_start + c * LANES) });
        let d = &delta[r * outputs + first_output..r * outputs + first_output + J];
        for jj in 0..J {
            for c in 0..C {
                for l in 0..LANES {
                    acc[jj][c][l] = madd::<F, FMA>(xv[c][l], d[jj], acc[jj][c][l]);
                }
            }
        }
    }
    for jj in 0..J {
        for c in 0..C {
            g_t[at(jj, c)..at(jj, c) + LANES].copy_from_slice(&acc[jj][c]);
        }
    }
}

/// The loops compiled for AVX-512 and for AVX2, both with FMA; callers check the CPU first.
#[cfg(target_arch = "x86_64")]
mod simd {
    use super::{forward_body, gradient_body, Float};

    /// # Safety
    /// The CPU must support AVX-512F and FMA.
    #[target_feature(enable = "avx512f,fma")]
    pub(super) unsafe fn forward_avx512<F: Float>(
        x: &[F],
        features: usize,
        w_t: &[F],
        outputs: usize,
        out: &mut [F],
    ) {
        forward_body::<F, true>(x, features, w_t, outputs, out);
    }

    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn forward_avx2<F: Float>(
        x: &[F],
        features: usize,
        w_t: &[F],
        outputs: usize,
        out: &mut [F],
    ) {
        forward_body::<F, true>(x, features, w_t, outputs, out);
    }

    /// # Safety
    /// The CPU must support AVX-512F and FMA.
    #[target_feature(enable = "avx512f,fma")]
    pub(super) unsafe fn gradient_avx512<F: Float>(
        x: &[F],
        features: usize,
        delta: &[F],
        outputs: usize,
        g_t: &mut [F],
    ) {
        gradient_body::<F, true>(x, features, delta, outputs, g_t);
    }

    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn gradient_avx2<F: Float>(
        x: &[F],
        features: usize,
        delta: &[F],
        outputs: usize,
        g_t: &mut [F],
    ) {
        gradient_body::<F, true>(x, features, delta, outputs, g_t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every copy this CPU runs against the plain triple loop, on shapes that exercise each
    /// tile and tail: rows not a multiple of 4, outputs not a multiple of 4, features with
    /// whole tiles, single chunks and single features left over.
    #[test]
    fn every_copy_matches_the_plain_products() {
        let mut copies = vec![NarrowKernels::Plain, NarrowKernels::detect()];
        copies.dedup();
        for (rows, features, outputs) in [
            (1, 1, 1),
            (3, 7, 2),
            (9, 40, 10),
            (13, 784, 10),
            (8, 33, 5),
            (5, 73, 4),
            (6, 70, 7),
            (4, 64, 3),
        ] {
            let x: Vec<f64> = (0..rows * features)
                .map(|i| ((i * 37) % 19) as f64 / 9.0 - 1.0)
                .collect();
            let w_t: Vec<f64> = (0..outputs * features)
                .map(|i| ((i * 11) % 23) as f64 / 11.0 - 1.0)
                .collect();
            let delta: Vec<f64> = (0..rows * outputs)
                .map(|i| ((i * 5) % 7) as f64 / 3.0 - 1.0)
                .collect();
            let start: Vec<f64> = (0..outputs * features).map(|i| i as f64 * 0.01).collect();
            let mut expected_out = vec![0.0; rows * outputs];
            let mut expected_g = start.clone();
            for r in 0..rows {
                for j in 0..outputs {
                    for p in 0..features {
                        let xv = x[r * features + p];
                        expected_out[r * outputs + j] += xv * w_t[j * features + p];
                        expected_g[j * features + p] += xv * delta[r * outputs + j];
                    }
                }
            }
            for kernels in &copies {
                let mut out = vec![f64::NAN; rows * outputs];
                kernels.forward(&x, features, &w_t, outputs, &mut out);
                let mut g = start.clone();
                kernels.accumulate_gradient(&x, features, &delta, outputs, &mut g);
                let shape = format!("{kernels:?} {rows} x {features} -> {outputs}");
                for (a, b) in out.iter().zip(&expected_out) {
                    assert!((a - b).abs() < 1e-12, "{shape}: forward {a} against {b}");
                }
                for (a, b) in g.iter().zip(&expected_g) {
                    assert!((a - b).abs() < 1e-12, "{shape}: gradient {a} against {b}");
                }
            }
        }
    }
}
