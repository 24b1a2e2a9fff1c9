//! The forward product of [`super`] for f64 with AVX2 and FMA, written in intrinsics.
//!
//! In plain Rust like the other copies it spilled: with the AVX-512 copy's chunks of 8 f64 (two
//! registers each) and with chunks of 4, which LLVM compiled into 128-bit halves with the
//! accumulators on the stack. On a 41-row block of 784 features × 10 outputs (Zen 4 running this
//! copy) the plain copy ran at 12–18 GFLOP/s, the tile shapes tried in plain code at 11–27 in a
//! probe, and this one at 28–36 (`cargo bench --bench narrow_products`). Here the registers are
//! named, so the compiler has nothing to choose.

use std::arch::x86_64::{
    __m256d, _mm256_fmadd_pd, _mm256_loadu_pd, _mm256_setzero_pd, _mm256_storeu_pd,
};

use super::{lane_sum, PrefetchStream, PREFETCH_PER_CHUNK};

/// f64 values per 256-bit register.
const LANES: usize = 4;

/// Rows per tile.
const ROWS: usize = 3;

/// Outputs per tile: `ROWS × OUTPUTS` accumulators and `ROWS` rows' chunks take 12 of the 16
/// registers.
const OUTPUTS: usize = 3;

/// `out = x · w` as [`super::NarrowKernels::forward`].
///
/// # Safety
/// The CPU must support AVX2 and FMA; the lengths must agree as `forward` checks.
#[target_feature(enable = "avx2,fma")]
pub(super) unsafe fn forward(
    x: &[f64],
    features: usize,
    w_t: &[f64],
    outputs: usize,
    out: &mut [f64],
    next: &[f64],
) {
    let rows = out.len() / outputs;
    let mut stream = PrefetchStream::over(next);
    let mut r = 0;
    while r + ROWS <= rows {
        // SAFETY: this function's own requirements.
        unsafe { forward_rows::<ROWS>(x, features, w_t, outputs, out, r, &mut stream) };
        r += ROWS;
    }
    while r < rows {
        // SAFETY: as above.
        unsafe { forward_rows::<1>(x, features, w_t, outputs, out, r, &mut stream) };
        r += 1;
    }
}

/// Rows `first..first + R` in groups of `OUTPUTS`, then 2, then 1 outputs.
///
/// # Safety
/// As [`forward`].
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn forward_rows<const R: usize>(
    x: &[f64],
    features: usize,
    w_t: &[f64],
    outputs: usize,
    out: &mut [f64],
    first: usize,
    stream: &mut PrefetchStream,
) {
    let mut j = 0;
    while j + OUTPUTS <= outputs {
        // SAFETY: as above.
        unsafe { tile::<R, OUTPUTS>(x, features, w_t, outputs, out, (first, j), stream) };
        j += OUTPUTS;
    }
    while j + 2 <= outputs {
        // SAFETY: as above.
        unsafe { tile::<R, 2>(x, features, w_t, outputs, out, (first, j), stream) };
        j += 2;
    }
    while j < outputs {
        // SAFETY: as above.
        unsafe { tile::<R, 1>(x, features, w_t, outputs, out, (first, j), stream) };
        j += 1;
    }
}

/// `R` rows × `J` outputs from `(first row, first output)`: dot products along the features.
///
/// # Safety
/// As [`forward`].
// Indices address rows and outputs of several arrays at once.
#[allow(clippy::needless_range_loop)]
#[target_feature(enable = "avx2,fma")]
#[inline]
unsafe fn tile<const R: usize, const J: usize>(
    x: &[f64],
    features: usize,
    w_t: &[f64],
    outputs: usize,
    out: &mut [f64],
    (first_row, first_output): (usize, usize),
    stream: &mut PrefetchStream,
) {
    let x = &x[first_row * features..(first_row + R) * features];
    let w_t = &w_t[first_output * features..(first_output + J) * features];
    let mut acc = [[_mm256_setzero_pd(); J]; R];
    let chunks = features / LANES;
    for c in 0..chunks {
        let at = c * LANES;
        stream.advance(PREFETCH_PER_CHUNK);
        // SAFETY: `at + LANES <= features`, and the slices hold `R` and `J` whole rows of
        // `features` (the slicing above panics otherwise).
        let xv: [__m256d; R] =
            std::array::from_fn(|i| unsafe { _mm256_loadu_pd(x.as_ptr().add(i * features + at)) });
        for jj in 0..J {
            // SAFETY: as above.
            let wv = unsafe { _mm256_loadu_pd(w_t.as_ptr().add(jj * features + at)) };
            for i in 0..R {
                acc[i][jj] = _mm256_fmadd_pd(xv[i], wv, acc[i][jj]);
            }
        }
    }
    for i in 0..R {
        for jj in 0..J {
            let mut lanes = [0.0; LANES];
            // SAFETY: `lanes` holds 4 f64.
            unsafe { _mm256_storeu_pd(lanes.as_mut_ptr(), acc[i][jj]) };
            let mut sum = lane_sum(lanes);
            for p in chunks * LANES..features {
                sum = x[i * features + p].mul_add(w_t[jj * features + p], sum);
            }
            out[(first_row + i) * outputs + first_output + jj] = sum;
        }
    }
}
