//! The inner loops of the training step: the fused elementwise passes and the choice of
//! matrix-product code.
//!
//! Each elementwise pass reads and writes its rows once: bias and sigmoid in the forward
//! pass; error, slope and the bias gradient's column sums in the backward pass. (Splitting the
//! forward pass into a bias pass and a sigmoid pass in padded SIMD blocks, so that narrow rows
//! have no scalar tail, measured no faster.) On x86-64
//! CPUs with AVX2 the passes run in a copy compiled for AVX2 (twice the SIMD width of the
//! baseline); both copies compute bit-identical results, since neither fuses multiply-adds.
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
/// matrixmultiply's packing and allocation cost more than the arithmetic (measured with the
/// `training_step` bench: the iris step, 120 × 4 → 16 → 3, is faster with either path at
/// this size, the article's step several times faster with the loop; measured with the
/// packing products that came before `product/`).
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
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, the only requirement of the AVX2 copy.
        unsafe { avx2::activate_rows(values, width, bias, squash) };
        return;
    }
    activate_rows_body(values, width, bias, squash);
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

#[inline(always)]
fn activate_rows_body<F: Float>(values: &mut [F], width: usize, bias: Option<&[F]>, squash: bool) {
    if width == 0 {
        return;
    }
    match (bias, squash) {
        (Some(bias), true) => {
            for row in values.chunks_exact_mut(width) {
                for (v, &b) in row.iter_mut().zip(bias) {
                    *v = sigmoid(*v + b);
                }
            }
        }
        (Some(bias), false) => {
            for row in values.chunks_exact_mut(width) {
                for (v, &b) in row.iter_mut().zip(bias) {
                    *v = *v + b;
                }
            }
        }
        (None, true) => {
            for v in values.iter_mut() {
                *v = sigmoid(*v);
            }
        }
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

/// The same passes compiled for AVX2; callers check the CPU first.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::Float;

    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn activate_rows<F: Float>(
        values: &mut [F],
        width: usize,
        bias: Option<&[F]>,
        squash: bool,
    ) {
        super::activate_rows_body(values, width, bias, squash);
    }

    /// # Safety
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
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
    /// The CPU must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn hidden_delta<F: Float>(
        delta: &mut [F],
        activations: &[F],
        width: usize,
        bias_sums: Option<&mut [F]>,
    ) {
        super::hidden_delta_body(delta, activations, width, bias_sums);
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
