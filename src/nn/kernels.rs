//! The inner loops of the training step: the fused elementwise passes and the choice of
//! matrix-product code.
//!
//! The elementwise passes: the bias, then the sigmoid over the whole slice (in full vectors,
//! not rows of 10) in the forward pass; error, slope and the bias gradient's column sums in one
//! pass in the backward pass. On x86-64 they run in a copy compiled for AVX-512F with FMA, or
//! for AVX2, chosen at run time. The copies compute bit-identical results (none fuses
//! multiply-adds) except the f64 sigmoid of the AVX-512 copy, which fuses its exponential and
//! replaces the division by a refined reciprocal: the exponentials and the divisions were a
//! quarter to a third of the f64 digits step (`perf record`), and this copy is within 2 ulp of
//! the others.
//!
//! Products too small for packing to pay off (the article's 4 × 3 example) run as a plain
//! triple loop. Larger ones run on one thread with kernels chosen at run time (AVX-512 or
//! AVX2): in f32 our packed product (`product/`), which allocates nothing once warm; in f64,
//! the type every model trains in, the `gemm` crate, which allocates its packing space on
//! every call but ran 1.2–1.7x faster than ours at every f64 shape measured side by side
//! (`cargo bench --bench matmul_backends`, BENCHMARKS.md), and kept the f64 digits step at
//! 2x numpy's where ours reached 1.4x. Both fuse multiply-adds, so large products differ from
//! the loop in the last bits.
//!
//! Not here: the order of the step's stages, which `training.rs` owns.

use ndarray::{ArrayBase, ArrayView2, DataMut, Ix2};

use super::product::{product, Destination, Element, Operand};
use super::{sigmoid, sigmoid_slope, Float};

/// Products of at most this many multiply-adds (m·k·n) use the plain loop: below it,
/// packing costs more than the arithmetic (the article's step, 4 × 3 → 1, was several times
/// faster with the loop, measured with the products that came before `product/`). That the
/// threshold is not too high was measured again with the current products (`training_step`
/// bench, iris step 120 × 4 → 16 → 3, whose products have 5,760–7,680 multiply-adds; AMD
/// EPYC Zen 4, three alternating runs): 10.9–12.2 µs in f64 and 16.7–19.3 µs in f32 at 2048,
/// against 28.7–32.1 and 23.9–30.0 µs at 8192, which sends them to the loop. Lower values
/// were not measured: no bench shape has products between 12 and 2048 multiply-adds.
pub(crate) const SMALL_PRODUCT: usize = 2048;

/// `c = alpha · a · b + beta · c`, with `beta = 0` ignoring what `c` held. `c` may be an
/// owned array or a view (the ReLU network writes into the first rows of its buffers).
/// In f32, allocates nothing once this thread's packing space has grown to the largest
/// product; in f64, large products allocate gemm's packing space (see the module's doc).
///
/// # Panics
/// If the shapes do not match (a programming error, never user input).
pub fn mat_mul<F: Float, S: DataMut<Elem = F>>(
    alpha: F,
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    beta: F,
    c: &mut ArrayBase<S, Ix2>,
) {
    let (m, k, n) = check_shapes(&a, &b, c);
    if m * k * n > SMALL_PRODUCT {
        if std::any::TypeId::of::<F>() == std::any::TypeId::of::<f32>() {
            packed::<F, S, f32>(alpha, a, b, beta, c);
        } else {
            gemm_crate(alpha, a, b, beta, c);
        }
        return;
    }
    for i in 0..m {
        for j in 0..n {
            let mut sum = F::zero();
            for p in 0..k {
                sum = sum + a[[i, p]] * b[[p, j]];
            }
            let out = &mut c[[i, j]];
            *out = if beta == F::zero() {
                alpha * sum
            } else {
                alpha * sum + beta * *out
            };
        }
    }
}

/// Our packed product (`product/`) in either type, whatever [`mat_mul`] would choose: for
/// `cargo bench --bench matmul_backends`, which measures it beside gemm in f64 too, the
/// figures behind that choice.
///
/// # Panics
/// If the shapes do not match, or `F` is neither f32 nor f64.
pub fn packed_mat_mul<F: Float, S: DataMut<Elem = F>>(
    alpha: F,
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    beta: F,
    c: &mut ArrayBase<S, Ix2>,
) {
    check_shapes(&a, &b, c);
    let any = std::any::TypeId::of::<F>();
    if any == std::any::TypeId::of::<f32>() {
        packed::<F, S, f32>(alpha, a, b, beta, c);
    } else if any == std::any::TypeId::of::<f64>() {
        packed::<F, S, f64>(alpha, a, b, beta, c);
    } else {
        panic!("the packed product is written for f32 and f64");
    }
}

/// `(m, k, n)` of `c (m × n) = a (m × k) · b (k × n)`.
///
/// # Panics
/// If the shapes do not match (a programming error, never user input).
fn check_shapes<F, S: DataMut<Elem = F>>(
    a: &ArrayView2<F>,
    b: &ArrayView2<F>,
    c: &ArrayBase<S, Ix2>,
) -> (usize, usize, usize) {
    let (m, k) = a.dim();
    let n = b.ncols();
    assert!(
        b.nrows() == k && c.dim() == (m, n),
        "matrix product of {m}x{k} by {}x{n} into {:?}",
        b.nrows(),
        c.dim()
    );
    (m, k, n)
}

/// The `gemm` crate's product (for f64: see the module's doc).
fn gemm_crate<F: Float, S: DataMut<Elem = F>>(
    alpha: F,
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    beta: F,
    c: &mut ArrayBase<S, Ix2>,
) {
    let (m, k) = a.dim();
    let n = b.ncols();
    let (a_strides, b_strides) = (a.strides(), b.strides());
    let (c_rows, c_cols) = (c.strides()[0], c.strides()[1]);
    // SAFETY: the caller checked the shapes, and each pointer with its strides describes a
    // live ndarray array of exactly that shape; `c` is borrowed mutably, so it aliases
    // neither input. gemm computes dst = alpha·dst + beta·lhs·rhs (its names swapped against
    // BLAS) and reads dst only when asked to.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            c.as_mut_ptr(),
            c_cols,
            c_rows,
            beta != F::zero(),
            a.as_ptr(),
            a_strides[1],
            a_strides[0],
            b.as_ptr(),
            b_strides[1],
            b_strides[0],
            beta,
            alpha,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}

/// The packed product for `F`, which is `T` (checked by the caller through `TypeId`).
fn packed<F: Float, S: DataMut<Elem = F>, T: Element>(
    alpha: F,
    a: ArrayView2<F>,
    b: ArrayView2<F>,
    beta: F,
    c: &mut ArrayBase<S, Ix2>,
) {
    assert_eq!(std::any::TypeId::of::<F>(), std::any::TypeId::of::<T>());
    let (m, k) = a.dim();
    let n = b.ncols();
    // SAFETY: F and T are the same type (asserted), so values and pointers reinterpret as
    // themselves.
    let (alpha, beta) = unsafe {
        (
            std::mem::transmute_copy::<F, T>(&alpha),
            std::mem::transmute_copy::<F, T>(&beta),
        )
    };
    let operand = |x: &ArrayView2<F>| Operand {
        ptr: x.as_ptr().cast::<T>(),
        row_stride: x.strides()[0],
        col_stride: x.strides()[1],
    };
    let destination = Destination {
        ptr: c.as_mut_ptr().cast::<T>(),
        row_stride: c.strides()[0],
        col_stride: c.strides()[1],
    };
    // SAFETY: the caller checked the shapes; each pointer with its strides describes a live
    // ndarray array of exactly that shape, and `c` is borrowed mutably, so it aliases neither
    // input.
    unsafe { product(m, k, n, alpha, operand(&a), operand(&b), beta, destination) };
}

/// Forward pass after the product: adds the bias to every row of `values` (rows of `width`)
/// and applies the sigmoid when `squash`, in one pass.
pub(crate) fn activate_rows<F: Float>(
    values: &mut [F],
    width: usize,
    bias: Option<&[F]>,
    squash: bool,
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("fma")
    {
        // SAFETY: the CPU supports AVX-512F and FMA, the requirements of that copy.
        unsafe { avx512::activate_rows(values, width, bias, squash) };
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, the only requirement of the AVX2 copy.
        unsafe { avx2::activate_rows(values, width, bias, squash) };
        return;
    }
    activate_rows_body::<F, false>(values, width, bias, squash);
}

/// Output layer's delta: `(target - output) · slope(output)` (slope 1 for a linear output),
/// written to `delta`; with `bias_sums`, also its column sums. All slices are rows of `width`.
pub(crate) fn output_delta<F: Float>(
    delta: &mut [F],
    outputs: &[F],
    targets: &[F],
    width: usize,
    squash: bool,
    bias_sums: Option<&mut [F]>,
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("fma")
    {
        // SAFETY: the CPU supports AVX-512F and FMA, the requirements of that copy.
        unsafe { avx512::output_delta(delta, outputs, targets, width, squash, bias_sums) };
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, the only requirement of the AVX2 copy.
        unsafe { avx2::output_delta(delta, outputs, targets, width, squash, bias_sums) };
        return;
    }
    output_delta_body(delta, outputs, targets, width, squash, bias_sums);
}

/// Hidden layer's delta: the back-propagated error in `delta` times `slope(activation)`, in
/// place; with `bias_sums`, also its column sums.
pub(crate) fn hidden_delta<F: Float>(
    delta: &mut [F],
    activations: &[F],
    width: usize,
    bias_sums: Option<&mut [F]>,
) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512f") && std::arch::is_x86_feature_detected!("fma")
    {
        // SAFETY: the CPU supports AVX-512F and FMA, the requirements of that copy.
        unsafe { avx512::hidden_delta(delta, activations, width, bias_sums) };
        return;
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, the only requirement of the AVX2 copy.
        unsafe { avx2::hidden_delta(delta, activations, width, bias_sums) };
        return;
    }
    hidden_delta_body(delta, activations, width, bias_sums);
}

/// Column sums of `values` (rows of `width`) into `sums`.
pub(crate) fn column_sums<F: Float>(values: &[F], width: usize, sums: &mut [F]) {
    sums.fill(F::zero());
    if width == 0 {
        return;
    }
    for row in values.chunks_exact(width) {
        for (sum, &v) in sums.iter_mut().zip(row) {
            *sum = *sum + v;
        }
    }
}

/// `v = sigmoid(v)` over `values`. With `FAST_RECIPROCAL` (only in the AVX-512 copy), f64
/// values take [`avx512_reciprocal::sigmoid_f64`] (fused exponential, no division).
#[inline(always)]
fn sigmoid_in_place<F: Float, const FAST_RECIPROCAL: bool>(values: &mut [F]) {
    #[cfg(target_arch = "x86_64")]
    if FAST_RECIPROCAL {
        if let Some(values) = F::as_f64_slice_mut(values) {
            // SAFETY: only the AVX-512 copy passes `FAST_RECIPROCAL`, after checking the CPU for
            // AVX-512F and FMA.
            unsafe { avx512_reciprocal::sigmoid_f64(values) };
            return;
        }
    }
    for v in values.iter_mut() {
        *v = sigmoid(*v);
    }
}

#[inline(always)]
fn activate_rows_body<F: Float, const FAST_RECIPROCAL: bool>(
    values: &mut [F],
    width: usize,
    bias: Option<&[F]>,
    squash: bool,
) {
    if width == 0 {
        return;
    }
    match (bias, squash) {
        (Some(bias), true) => {
            // Bias row by row, then the sigmoid over the whole slice: the same values as
            // `sigmoid(v + b)` per element, but the exponentials run in full vectors rather
            // than in rows of `width` (10 outputs leave most of a vector's lanes idle).
            for row in values.chunks_exact_mut(width) {
                for (v, &b) in row.iter_mut().zip(bias) {
                    *v = *v + b;
                }
            }
            sigmoid_in_place::<F, FAST_RECIPROCAL>(values);
        }
        (Some(bias), false) => {
            for row in values.chunks_exact_mut(width) {
                for (v, &b) in row.iter_mut().zip(bias) {
                    *v = *v + b;
                }
            }
        }
        (None, true) => sigmoid_in_place::<F, FAST_RECIPROCAL>(values),
        (None, false) => {}
    }
}

#[inline(always)]
fn output_delta_body<F: Float>(
    delta: &mut [F],
    outputs: &[F],
    targets: &[F],
    width: usize,
    squash: bool,
    bias_sums: Option<&mut [F]>,
) {
    let error = |t: F, o: F| {
        if squash {
            (t - o) * sigmoid_slope(o)
        } else {
            t - o
        }
    };
    match bias_sums {
        Some(sums) if width > 0 => {
            sums.fill(F::zero());
            let rows = delta
                .chunks_exact_mut(width)
                .zip(outputs.chunks_exact(width))
                .zip(targets.chunks_exact(width));
            for ((d_row, o_row), t_row) in rows {
                for (((d, &o), &t), sum) in d_row.iter_mut().zip(o_row).zip(t_row).zip(&mut *sums) {
                    *d = error(t, o);
                    *sum = *sum + *d;
                }
            }
        }
        _ => {
            for ((d, &o), &t) in delta.iter_mut().zip(outputs).zip(targets) {
                *d = error(t, o);
            }
        }
    }
}

#[inline(always)]
fn hidden_delta_body<F: Float>(
    delta: &mut [F],
    activations: &[F],
    width: usize,
    bias_sums: Option<&mut [F]>,
) {
    match bias_sums {
        Some(sums) if width > 0 => {
            sums.fill(F::zero());
            let rows = delta
                .chunks_exact_mut(width)
                .zip(activations.chunks_exact(width));
            for (d_row, a_row) in rows {
                for ((d, &a), sum) in d_row.iter_mut().zip(a_row).zip(&mut *sums) {
                    *d = *d * sigmoid_slope(a);
                    *sum = *sum + *d;
                }
            }
        }
        _ => {
            for (d, &a) in delta.iter_mut().zip(activations) {
                *d = *d * sigmoid_slope(a);
            }
        }
    }
}

/// The elementwise passes compiled for one x86 feature level; callers check the CPU first.
/// The arithmetic is the same in every copy (no fused multiply-add), so results do not depend
/// on which copy runs.
#[cfg(target_arch = "x86_64")]
macro_rules! elementwise_copy {
    ($module:ident, $feature:literal, $fast_reciprocal:literal) => {
        mod $module {
            use super::Float;

            /// # Safety
            #[doc = concat!("The CPU must support ", $feature, ".")]
            #[target_feature(enable = $feature)]
            pub(super) unsafe fn activate_rows<F: Float>(
                values: &mut [F],
                width: usize,
                bias: Option<&[F]>,
                squash: bool,
            ) {
                super::activate_rows_body::<F, $fast_reciprocal>(values, width, bias, squash);
            }

            /// # Safety
            #[doc = concat!("The CPU must support ", $feature, ".")]
            #[target_feature(enable = $feature)]
            pub(super) unsafe fn output_delta<F: Float>(
                delta: &mut [F],
                outputs: &[F],
                targets: &[F],
                width: usize,
                squash: bool,
                bias_sums: Option<&mut [F]>,
            ) {
                super::output_delta_body(delta, outputs, targets, width, squash, bias_sums);
            }

            /// # Safety
            #[doc = concat!("The CPU must support ", $feature, ".")]
            #[target_feature(enable = $feature)]
            pub(super) unsafe fn hidden_delta<F: Float>(
                delta: &mut [F],
                activations: &[F],
                width: usize,
                bias_sums: Option<&mut [F]>,
            ) {
                super::hidden_delta_body(delta, activations, width, bias_sums);
            }
        }
    };
}

#[cfg(target_arch = "x86_64")]
elementwise_copy!(avx2, "avx2", false);
#[cfg(target_arch = "x86_64")]
elementwise_copy!(avx512, "avx512f,fma", true);

/// The f64 sigmoid for AVX-512 with FMA, in plain Rust that the compiler vectorises (the
/// AVX-512 intrinsics need Rust 1.89, past this crate's minimum version): the exponential's
/// multiply-adds fused, and the division replaced by a reciprocal refined with fused
/// multiply-adds (`vdivpd` takes about 16 cycles per 8 values on current cores and bounded this
/// pass). Within 2 ulp of the plain sigmoid (the tests compare), so the network's outputs may
/// differ in the last bits from a CPU without AVX-512.
#[cfg(target_arch = "x86_64")]
mod avx512_reciprocal {
    use crate::nn::exp::exp_f64_with;

    /// Largest `-x` whose `1 + e^-x` the reciprocal below takes: its first estimate needs the
    /// quotient to be a normal number. Below `x = -700` the sigmoid is under 1e-304 either way.
    const MOST_NEGATIVE: f64 = 700.0;

    /// `1 / d` for `1 <= d <= 1 + e^700`: a first estimate from the bits (subtracting the
    /// exponent from a constant, about 12% relative error), then Newton steps
    /// `y += y · (1 − d · y)` with the residual fused, each doubling the correct bits; the fifth
    /// leaves the rounding of the last step.
    #[inline(always)]
    pub(super) fn reciprocal(d: f64) -> f64 {
        const MAGIC: u64 = 0x7FDE_6238_22FC_16E6;
        let mut y = f64::from_bits(MAGIC.wrapping_sub(d.to_bits()));
        for _ in 0..2 {
            let error = (-d).mul_add(y, 1.0);
            y = y.mul_add(error.mul_add(error, error), y);
        }
        let error = (-d).mul_add(y, 1.0);
        y.mul_add(error, y)
    }

    /// `v = 1 / (1 + e^-v)` over `values`.
    ///
    /// # Safety
    /// The CPU must support AVX-512F and FMA.
    #[target_feature(enable = "avx512f,fma")]
    pub(super) unsafe fn sigmoid_f64(values: &mut [f64]) {
        for v in values.iter_mut() {
            // `clamp` keeps NaN as NaN.
            let d = 1.0 + exp_f64_with::<true>((-*v).clamp(-708.0, MOST_NEGATIVE));
            *v = reciprocal(d);
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn ulps(a: f64, b: f64) -> u64 {
            (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
        }

        #[test]
        fn reciprocal_within_one_ulp_of_division() {
            let mut worst = 0;
            let mut exact = 0;
            let mut count = 0;
            let mut d = 1.0_f64;
            // 1 + e^-x spans [1, 1 + e^700].
            while d < 1e304 {
                for i in 0..8 {
                    let x = d * (1.0 + i as f64 * 1e-3);
                    let y = reciprocal(x);
                    worst = worst.max(ulps(y, 1.0 / x));
                    exact += usize::from(y == 1.0 / x);
                    count += 1;
                }
                d *= 1.0137;
            }
            assert!(worst <= 1, "worst {worst} ulp");
            // Nearly always the correctly rounded quotient.
            assert!(exact * 100 >= count * 99, "{exact} of {count} exact");
        }

        #[test]
        fn sigmoid_matches_the_plain_one_within_two_ulp_at_every_length() {
            if !(is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("fma")) {
                return;
            }
            for len in [0, 1, 7, 8, 9, 17, 100, 4000] {
                let inputs: Vec<f64> = (0..len).map(|i| (i as f64 - 50.0) * 0.37).collect();
                let mut fast = inputs.clone();
                // SAFETY: the CPU supports AVX-512F and FMA (checked above).
                unsafe { sigmoid_f64(&mut fast) };
                for (&f, &x) in fast.iter().zip(&inputs) {
                    let plain = crate::nn::sigmoid(x);
                    assert!(ulps(f, plain) <= 2, "sigmoid({x}): {f} against {plain}");
                }
            }
            let mut special = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 800.0, -800.0];
            // SAFETY: as above.
            unsafe { sigmoid_f64(&mut special) };
            assert!(special[0].is_nan());
            assert_eq!(special[1], 1.0);
            assert!(special[2] > 0.0 && special[2] < 1e-300);
            assert_eq!(special[3], 1.0);
            assert!(special[4] > 0.0 && special[4] < 1e-300);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    #[test]
    fn small_and_large_products_agree() {
        // 3 × 2 times 2 × 2 uses the plain loop: [[1,2],[3,4],[5,6]] · [[1,0],[1,1]].
        let a = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
        let b = array![[1.0, 0.0], [1.0, 1.0]];
        let mut c = array![[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]];
        mat_mul(2.0, a.view(), b.view(), 1.0, &mut c);
        // 2 · [[3,2],[7,4],[11,6]] + 1
        assert_eq!(c, array![[7.0, 5.0], [15.0, 9.0], [23.0, 13.0]]);
        let big = Array2::from_shape_fn((40, 30), |(i, j)| (i * 31 + j) as f64 % 7.0 - 3.0);
        let other = Array2::from_shape_fn((30, 20), |(i, j)| (i + 2 * j) as f64 % 5.0 - 2.0);
        let mut via_loop = Array2::from_elem((40, 20), f64::NAN);
        for i in 0..40 {
            for j in 0..20 {
                via_loop[[i, j]] = (0..30).map(|p| big[[i, p]] * other[[p, j]]).sum();
            }
        }
        // Integers times integers: exact in any summation order, so gemm must match exactly;
        // NaN in `c` must be ignored when beta is 0.
        let mut via_gemm = Array2::from_elem((40, 20), f64::NAN);
        mat_mul(1.0, big.view(), other.view(), 0.0, &mut via_gemm);
        assert_eq!(via_gemm, via_loop);
        // Through a transposed view, with alpha and beta: c = 0.5 · big · other + 3 · c.
        let stored_t = big.t().to_owned();
        let mut scaled = Array2::from_elem((40, 20), 2.0);
        mat_mul(0.5, stored_t.t(), other.view(), 3.0, &mut scaled);
        assert_eq!(scaled, via_loop.mapv(|v| 0.5 * v + 6.0));
    }

    #[test]
    fn deltas_and_column_sums_in_one_pass() {
        // Rows of width 2: output 0.5 has slope 0.25; (1 - 0.5) · 0.25 = 0.125.
        let outputs = [0.5, 0.5, 0.5, 0.5];
        let targets = [1.0, 0.0, 0.0, 1.0];
        let mut delta = [0.0; 4];
        let mut sums = [9.0; 2];
        output_delta(&mut delta, &outputs, &targets, 2, true, Some(&mut sums));
        assert_eq!(delta, [0.125, -0.125, -0.125, 0.125]);
        assert_eq!(sums, [0.0, 0.0]);
        let mut hidden = [1.0, 2.0, 3.0, 4.0];
        hidden_delta(&mut hidden, &outputs, 2, Some(&mut sums));
        assert_eq!(hidden, [0.25, 0.5, 0.75, 1.0]);
        assert_eq!(sums, [1.0, 1.5]);
        let mut check = [0.0; 2];
        column_sums(&hidden, 2, &mut check);
        assert_eq!(check, sums);
    }
}
