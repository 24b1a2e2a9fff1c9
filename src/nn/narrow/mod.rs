//! Matrix products with few output columns (a single-layer network's 10 outputs, a logistic
//! regression's 10 classes) on a block of input rows: the forward product `X · W` and the
//! gradient `Xᵀ · delta`, both written for row-major `X` as it is stored, without packing.
//!
//! A general GEMM packs its operands and computes tiles of a fixed width (8 to 16 columns for
//! f64 with AVX-512), so 10 columns waste much of each tile and packing the input costs a pass
//! over it. Here both products run along the features, which are contiguous in `X`: the
//! forward product keeps a tile of `rows × outputs` dot products in registers, one SIMD chunk
//! of features each, reading the weights transposed (`Wᵀ`, outputs × features); the gradient
//! keeps a tile of `outputs × chunks of features` of `Gᵀ` in registers and streams the rows once
//! per group of outputs. The forward product, which is the first to read a block of rows, also
//! asks the cache for the rows the caller reads next.
//!
//! On x86-64 the loops run in copies compiled for AVX-512 or AVX2 with fused multiply-adds,
//! chosen at run time, each with tiles sized to its registers (32 of 512 bits, 16 of 256 bits);
//! otherwise in plain code (separate multiply and add). Results therefore differ from
//! `mat_mul`'s in the last bits, and between CPUs.

use super::Float;

#[cfg(target_arch = "x86_64")]
mod avx2_f64;

/// A compiled copy of the loops. Public so that `benches/narrow_products.rs` can time every
/// copy a CPU runs; the models call [`NarrowKernels::detect`]'s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NarrowKernels {
    /// AVX-512F with FMA.
    #[cfg(target_arch = "x86_64")]
    Avx512,
    /// AVX2 with FMA.
    #[cfg(target_arch = "x86_64")]
    Avx2,
    /// Plain code: separate multiply and add, whatever the compiler makes of it.
    Plain,
}

impl NarrowKernels {
    /// The fastest copy this CPU supports.
    pub fn detect() -> Self {
        Self::available()[0]
    }

    /// Every copy this CPU can run, fastest first.
    pub fn available() -> Vec<Self> {
        let mut copies = Vec::new();
        #[cfg(target_arch = "x86_64")]
        {
            let fma = std::arch::is_x86_feature_detected!("fma");
            if fma && std::arch::is_x86_feature_detected!("avx512f") {
                copies.push(NarrowKernels::Avx512);
            }
            if fma && std::arch::is_x86_feature_detected!("avx2") {
                copies.push(NarrowKernels::Avx2);
            }
        }
        copies.push(NarrowKernels::Plain);
        copies
    }

    /// `out = x · w` for `x` (rows × `features`, row-major), `w_t` the weights transposed
    /// (`outputs` × `features`), `out` rows × `outputs`. `next` is memory the caller reads
    /// next (the next block's rows; empty for none): it is asked into the cache as the product
    /// runs.
    pub fn forward<F: Float>(
        self,
        x: &[F],
        features: usize,
        w_t: &[F],
        outputs: usize,
        out: &mut [F],
        next: &[F],
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
                simd::forward_avx512(x, features, w_t, outputs, out, next)
            },
            // SAFETY: `detect` chose this copy because the CPU has AVX2 and FMA.
            #[cfg(target_arch = "x86_64")]
            NarrowKernels::Avx2 => {
                match (
                    F::as_f64_slice(x),
                    F::as_f64_slice(w_t),
                    F::as_f64_slice(next),
                ) {
                    (Some(x), Some(w_t), Some(next)) => {
                        let out = F::as_f64_slice_mut(out).expect("F is f64: x is");
                        // SAFETY: as above; the lengths were checked above.
                        unsafe { avx2_f64::forward(x, features, w_t, outputs, out, next) }
                    }
                    // SAFETY: as above.
                    _ => unsafe { simd::forward_avx2(x, features, w_t, outputs, out, next) },
                }
            }
            NarrowKernels::Plain => {
                forward_body::<F, false, 8, 4, 4>(x, features, w_t, outputs, out, next)
            }
        }
    }

    /// `g_t += deltaᵀ · x`, i.e. the gradient `xᵀ · delta` transposed (`outputs` × `features`),
    /// for `x` rows × `features` and `delta` rows × `outputs`.
    pub fn accumulate_gradient<F: Float>(
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
            NarrowKernels::Plain => {
                gradient_body::<F, false, 8, 4, 4>(x, features, delta, outputs, g_t)
            }
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

/// The chunk of `L` values of `values` starting at `at`, without a bounds check: a check in
/// the innermost loop kept the accumulators in memory rather than in registers (measured: the
/// forward tile ran at half speed). Callers check the range once per tile.
///
/// # Safety
/// `at + L <= values.len()`.
#[inline(always)]
unsafe fn chunk<F: Float, const L: usize>(values: &[F], at: usize) -> [F; L] {
    debug_assert!(at + L <= values.len());
    // SAFETY: the caller guarantees the range; `read_unaligned` needs no alignment.
    unsafe { std::ptr::read_unaligned(values.as_ptr().add(at).cast::<[F; L]>()) }
}

/// Sum of the lanes, pairwise: the upper half added to the lower until one is left (`L` is a
/// power of two).
#[inline(always)]
fn lane_sum<F: Float, const L: usize>(mut v: [F; L]) -> F {
    let mut half = L / 2;
    while half > 0 {
        for i in 0..half {
            v[i] = v[i] + v[i + half];
        }
        half /= 2;
    }
    v[0]
}

/// Cache lines of memory that a product asks the CPU for as it runs: the next block's rows, so
/// that they are in L2 when the next block starts instead of being read from memory at the
/// pace of the kernel's loads. A hint only (no effect off x86-64).
struct PrefetchStream {
    next: *const u8,
    end: *const u8,
}

impl PrefetchStream {
    /// Bytes per cache line.
    const LINE: usize = 64;

    fn over<F>(values: &[F]) -> Self {
        let range = values.as_ptr_range();
        PrefetchStream {
            next: range.start.cast(),
            end: range.end.cast(),
        }
    }

    /// Asks for the next `lines` lines, if any are left, into L2 (`T1`: asking for L1 as well
    /// measured slower, as it evicts the block being computed).
    #[inline(always)]
    fn advance(&mut self, lines: usize) {
        for _ in 0..lines {
            if self.next >= self.end {
                return;
            }
            #[cfg(target_arch = "x86_64")]
            // SAFETY: a prefetch never faults and reads nothing the program sees.
            unsafe {
                use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T1};
                _mm_prefetch::<_MM_HINT_T1>(self.next.cast::<i8>());
            }
            self.next = self.next.wrapping_add(Self::LINE);
        }
    }
}

/// Lines asked for per chunk step of a forward tile. A block of 41 rows of 784 f64 features
/// takes about 3,200 chunk steps with 10 outputs, and the next block is about 4,000 lines: two
/// per step have it asked for by two thirds of the way. Measured on 4,000 × 784 -> 10 f64 in
/// blocks of 41 rows (AVX-512, Zen 4): the forward product over blocks read from memory rose
/// from 18–21 to 22–26 GFLOP/s with 2 or 3 lines per step; 1 gained less.
const PREFETCH_PER_CHUNK: usize = 2;

/// The forward product in tiles of `R` rows × `J` outputs of `L`-lane chunks; leftover rows
/// one at a time, leftover outputs two, then one at a time.
#[inline(always)]
fn forward_body<F: Float, const FMA: bool, const L: usize, const R: usize, const J: usize>(
    x: &[F],
    features: usize,
    w_t: &[F],
    outputs: usize,
    out: &mut [F],
    next: &[F],
) {
    let rows = out.len() / outputs;
    let mut stream = PrefetchStream::over(next);
    let mut r = 0;
    while r + R <= rows {
        forward_rows::<F, FMA, L, R, J>(x, features, w_t, outputs, out, r, &mut stream);
        r += R;
    }
    while r < rows {
        forward_rows::<F, FMA, L, 1, J>(x, features, w_t, outputs, out, r, &mut stream);
        r += 1;
    }
}

/// Rows `first..first + R` of the forward product, in groups of `J`, then 2, then 1 outputs.
#[inline(always)]
fn forward_rows<F: Float, const FMA: bool, const L: usize, const R: usize, const J: usize>(
    x: &[F],
    features: usize,
    w_t: &[F],
    outputs: usize,
    out: &mut [F],
    first: usize,
    stream: &mut PrefetchStream,
) {
    let mut j = 0;
    while j + J <= outputs {
        forward_tile::<F, FMA, L, R, J>(x, features, w_t, outputs, out, (first, j), stream);
        j += J;
    }
    while j + 2 <= outputs {
        forward_tile::<F, FMA, L, R, 2>(x, features, w_t, outputs, out, (first, j), stream);
        j += 2;
    }
    while j < outputs {
        forward_tile::<F, FMA, L, R, 1>(x, features, w_t, outputs, out, (first, j), stream);
        j += 1;
    }
}

/// `R` rows × `J` outputs of the forward product, starting at `(first row, first output)`:
/// dot products along the features.
// Indices address rows, outputs and lanes of several arrays at once.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn forward_tile<F: Float, const FMA: bool, const L: usize, const R: usize, const J: usize>(
    x: &[F],
    features: usize,
    w_t: &[F],
    outputs: usize,
    out: &mut [F],
    (first_row, first_output): (usize, usize),
    stream: &mut PrefetchStream,
) {
    let x = &x[first_row * features..(first_row + R) * features];
    let w_t = &w_t[first_output * features..(first_output + J) * features];
    let mut acc = [[[F::zero(); L]; J]; R];
    let chunks = features / L;
    for c in 0..chunks {
        let at = c * L;
        stream.advance(PREFETCH_PER_CHUNK);
        // SAFETY: `at + L <= features`, and the slices hold `R` and `J` whole rows of
        // `features` (the slicing above panics otherwise).
        let xv: [[F; L]; R] = std::array::from_fn(|i| unsafe { chunk(x, i * features + at) });
        for jj in 0..J {
            // SAFETY: as above.
            let wv: [F; L] = unsafe { chunk(w_t, jj * features + at) };
            add_output_products::<F, FMA, L, R, J>(&mut acc, &xv, jj, wv);
        }
    }
    for i in 0..R {
        for jj in 0..J {
            let mut sum = lane_sum(acc[i][jj]);
            for p in chunks * L..features {
                sum = madd::<F, FMA>(x[i * features + p], w_t[jj * features + p], sum);
            }
            out[(first_row + i) * outputs + first_output + jj] = sum;
        }
    }
}

/// `acc[i][jj] += xv[i] · wv` lane by lane for every row `i` of a forward tile: one chunk of
/// output `jj`'s weights against the tile's rows.
// Indices address rows and lanes of two arrays at once.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn add_output_products<
    F: Float,
    const FMA: bool,
    const L: usize,
    const R: usize,
    const J: usize,
>(
    acc: &mut [[[F; L]; J]; R],
    xv: &[[F; L]; R],
    jj: usize,
    wv: [F; L],
) {
    for i in 0..R {
        for l in 0..L {
            acc[i][jj][l] = madd::<F, FMA>(xv[i][l], wv[l], acc[i][jj][l]);
        }
    }
}

/// The gradient in tiles of `J` outputs × `C` chunks of `L` features; leftover outputs two,
/// then one at a time.
#[inline(always)]
fn gradient_body<F: Float, const FMA: bool, const L: usize, const J: usize, const C: usize>(
    x: &[F],
    features: usize,
    delta: &[F],
    outputs: usize,
    g_t: &mut [F],
) {
    let mut j = 0;
    while j + J <= outputs {
        gradient_outputs::<F, FMA, L, J, C>(x, features, delta, outputs, g_t, j);
        j += J;
    }
    while j + 2 <= outputs {
        gradient_outputs::<F, FMA, L, 2, C>(x, features, delta, outputs, g_t, j);
        j += 2;
    }
    while j < outputs {
        gradient_outputs::<F, FMA, L, 1, C>(x, features, delta, outputs, g_t, j);
        j += 1;
    }
}

/// Outputs `first..first + J` of the gradient, in tiles of `C` chunks of features, then single
/// chunks, then single features.
#[inline(always)]
fn gradient_outputs<F: Float, const FMA: bool, const L: usize, const J: usize, const C: usize>(
    x: &[F],
    features: usize,
    delta: &[F],
    outputs: usize,
    g_t: &mut [F],
    first: usize,
) {
    let mut p = 0;
    while p + C * L <= features {
        gradient_tile::<F, FMA, L, J, C>(x, features, delta, outputs, g_t, first, p);
        p += C * L;
    }
    while p + L <= features {
        gradient_tile::<F, FMA, L, J, 1>(x, features, delta, outputs, g_t, first, p);
        p += L;
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

/// `J` outputs × `C` chunks of `L` features of `g_t`, held in registers over all rows.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn gradient_tile<F: Float, const FMA: bool, const L: usize, const J: usize, const C: usize>(
    x: &[F],
    features: usize,
    delta: &[F],
    outputs: usize,
    g_t: &mut [F],
    first_output: usize,
    first_feature: usize,
) {
    let at = |jj: usize, c: usize| (first_output + jj) * features + first_feature + c * L;
    // The tile lies inside `g_t` and inside every row of `x`, so the unchecked reads below stay
    // in range.
    assert!(at(J - 1, C - 1) + L <= g_t.len() && first_feature + C * L <= features);
    let rows = delta.len() / outputs;
    assert!(x.len() >= rows * features && first_output + J <= outputs);
    // SAFETY: the first assert.
    let mut acc: [[[F; L]; C]; J] =
        std::array::from_fn(|jj| std::array::from_fn(|c| unsafe { chunk(g_t, at(jj, c)) }));
    for r in 0..rows {
        let row_start = r * features + first_feature;
        // SAFETY: both asserts: the row's tile ends at or before the row's end.
        let xv: [[F; L]; C] = std::array::from_fn(|c| unsafe { chunk(x, row_start + c * L) });
        let d = &delta[r * outputs + first_output..r * outputs + first_output + J];
        for jj in 0..J {
            for c in 0..C {
                for l in 0..L {
                    acc[jj][c][l] = madd::<F, FMA>(xv[c][l], d[jj], acc[jj][c][l]);
                }
            }
        }
    }
    for jj in 0..J {
        for c in 0..C {
            g_t[at(jj, c)..at(jj, c) + L].copy_from_slice(&acc[jj][c]);
        }
    }
}

/// The loops compiled for AVX-512 and for AVX2, both with FMA; callers check the CPU first.
///
/// Tile shapes: with AVX-512, chunks of 8 lanes (one register of f64) in forward tiles of 4
/// rows × 4 outputs and gradient tiles of 4 outputs × 4 chunks (16 accumulators of 32
/// registers). With AVX2 the gradient takes chunks of one 256-bit register (4 f64 or 8 f32) in
/// tiles of 4 outputs × 3 chunks: 12 accumulators, so that a row's chunks and a broadcast
/// delta fit beside them in the 16 registers. Chunks of 8 f64 in tiles of 4 × 4, as before,
/// spilled: on a 41-row block of 784 features × 10 outputs (Zen 4 running this copy) the f64
/// gradient measured 18–25 GFLOP/s against 45–47 in 4 × 3 tiles of 4 lanes, and the f32 one
/// 61 against 85. The f32 forward product keeps the 4 × 4 tiles of 8 lanes (52 GFLOP/s there;
/// the smaller tiles measured slower).
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
        next: &[F],
    ) {
        forward_body::<F, true, 8, 4, 4>(x, features, w_t, outputs, out, next);
    }

    /// The f32 forward product (f64 has its own copy in intrinsics, `avx2_f64`).
    ///
    /// # Safety
    /// The CPU must support AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn forward_avx2<F: Float>(
        x: &[F],
        features: usize,
        w_t: &[F],
        outputs: usize,
        out: &mut [F],
        next: &[F],
    ) {
        forward_body::<F, true, 8, 4, 4>(x, features, w_t, outputs, out, next);
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
        gradient_body::<F, true, 8, 4, 4>(x, features, delta, outputs, g_t);
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
        if std::mem::size_of::<F>() == 8 {
            gradient_body::<F, true, 4, 4, 3>(x, features, delta, outputs, g_t);
        } else {
            gradient_body::<F, true, 8, 4, 3>(x, features, delta, outputs, g_t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every copy this CPU runs against the plain triple loop in f64, on shapes that exercise
    /// each tile and tail of every copy: rows not a multiple of 4 or 3, outputs not a multiple
    /// of 4 or 3, features with whole tiles, single chunks and single features left over.
    fn check_every_copy<F: Float>(tolerance: f64) {
        for (rows, features, outputs) in [
            (1, 1, 1),
            (3, 7, 2),
            (9, 40, 10),
            (13, 784, 10),
            (7, 784, 5),
            (8, 33, 5),
            (5, 73, 4),
            (6, 70, 7),
            (4, 64, 3),
            (10, 100, 8),
        ] {
            let value = |v: f64| <F as Float>::from_f64(v);
            let wide = |v: F| <F as Float>::to_f64(v);
            let x: Vec<F> = (0..rows * features)
                .map(|i| value(((i * 37) % 19) as f64 / 9.0 - 1.0))
                .collect();
            let w_t: Vec<F> = (0..outputs * features)
                .map(|i| value(((i * 11) % 23) as f64 / 11.0 - 1.0))
                .collect();
            let delta: Vec<F> = (0..rows * outputs)
                .map(|i| value(((i * 5) % 7) as f64 / 3.0 - 1.0))
                .collect();
            let start: Vec<F> = (0..outputs * features)
                .map(|i| value(i as f64 * 0.01))
                .collect();
            let mut expected_out = vec![0.0; rows * outputs];
            let mut expected_g: Vec<f64> = start.iter().map(|&v| wide(v)).collect();
            for r in 0..rows {
                for j in 0..outputs {
                    for p in 0..features {
                        let xv = wide(x[r * features + p]);
                        expected_out[r * outputs + j] += xv * wide(w_t[j * features + p]);
                        expected_g[j * features + p] += xv * wide(delta[r * outputs + j]);
                    }
                }
            }
            for kernels in NarrowKernels::available() {
                let mut out = vec![F::nan(); rows * outputs];
                // Something to prefetch: the rows themselves, as the next block would be.
                kernels.forward(&x, features, &w_t, outputs, &mut out, &x);
                let mut g = start.clone();
                kernels.accumulate_gradient(&x, features, &delta, outputs, &mut g);
                let shape = format!("{kernels:?} {rows} x {features} -> {outputs}");
                for (a, b) in out.iter().zip(&expected_out) {
                    let a = wide(*a);
                    assert!(
                        (a - b).abs() < tolerance,
                        "{shape}: forward {a} against {b}"
                    );
                }
                for (a, b) in g.iter().zip(&expected_g) {
                    let a = wide(*a);
                    assert!(
                        (a - b).abs() < tolerance,
                        "{shape}: gradient {a} against {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn every_copy_matches_the_plain_products_in_f64() {
        check_every_copy::<f64>(1e-12);
    }

    #[test]
    fn every_copy_matches_the_plain_products_in_f32() {
        // Sums of up to 784 products of magnitude <= 1 and gradients up to about 80.
        check_every_copy::<f32>(1e-3);
    }

    #[test]
    fn the_fastest_copy_comes_first_and_plain_is_always_there() {
        let copies = NarrowKernels::available();
        assert_eq!(copies[0], NarrowKernels::detect());
        assert_eq!(copies.last(), Some(&NarrowKernels::Plain));
    }
}
