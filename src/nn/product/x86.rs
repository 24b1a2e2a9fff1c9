//! Microkernels for x86-64: AVX-512F (tile 12 × two 512-bit vectors) and AVX2 + FMA (tile
//! 6 × two 256-bit vectors), f32 and f64, chosen at run time. Each keeps its tile of C in
//! registers (24 or 12 accumulators), and per step of the inner dimension loads two vectors
//! of the packed B panel and broadcasts each value of the packed A strip.

use std::arch::x86_64::*;

use super::Kernel;

/// The f32 kernels: AVX-512F, then AVX2 + FMA.
const AVX512_F32: Kernel<f32> = Kernel {
    mr: 12,
    nr: 32,
    run: avx512_f32,
};
const AVX2_F32: Kernel<f32> = Kernel {
    mr: 6,
    nr: 16,
    run: avx2_f32,
};
/// The f64 kernels: AVX-512F, then AVX2 + FMA.
const AVX512_F64: Kernel<f64> = Kernel {
    mr: 12,
    nr: 16,
    run: avx512_f64,
};
const AVX2_F64: Kernel<f64> = Kernel {
    mr: 6,
    nr: 8,
    run: avx2_f64,
};

/// Of an (AVX-512F, AVX2 + FMA) pair, the kernels this CPU runs, narrowest first.
fn supported<T>(avx512: Kernel<T>, avx2: Kernel<T>) -> impl Iterator<Item = Kernel<T>> {
    let has_avx2 = is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma");
    let has_avx512 = is_x86_feature_detected!("avx512f");
    [(has_avx2, avx2), (has_avx512, avx512)]
        .into_iter()
        .filter_map(|(runs, kernel)| runs.then_some(kernel))
}

/// The widest kernel this CPU runs for f32, if any.
pub(super) fn kernel_f32() -> Option<Kernel<f32>> {
    supported(AVX512_F32, AVX2_F32).last()
}

/// The widest kernel this CPU runs for f64, if any.
pub(super) fn kernel_f64() -> Option<Kernel<f64>> {
    supported(AVX512_F64, AVX2_F64).last()
}

/// Every f32 kernel this CPU runs, for the tests.
#[cfg(test)]
pub(super) fn all_f32() -> Vec<Kernel<f32>> {
    supported(AVX512_F32, AVX2_F32).collect()
}

/// Every f64 kernel this CPU runs, for the tests.
#[cfg(test)]
pub(super) fn all_f64() -> Vec<Kernel<f64>> {
    supported(AVX512_F64, AVX2_F64).collect()
}

/// One microkernel (see `MicroKernel` in the parent for the contract): `$mr` rows, two
/// vectors of `$lanes` per row.
macro_rules! microkernel {
    ($name:ident, $t:ty, $feature:literal, $vector:ty, $lanes:literal, $mr:literal,
     $load:ident, $store:ident, $fmadd:ident, $set1:ident, $zero:ident, $mul:ident) => {
        /// # Safety
        /// The CPU supports the target features; the arguments meet `MicroKernel`'s contract
        /// with `mr` and `nr` of this kernel.
        #[target_feature(enable = $feature)]
        #[allow(clippy::too_many_arguments)]
        unsafe fn $name(
            kc: usize,
            a: *const $t,
            a_row_stride: isize,
            a_step: isize,
            b: *const $t,
            c: *mut $t,
            row_stride: isize,
            col_stride: isize,
            alpha: $t,
            beta: $t,
            rows: usize,
            cols: usize,
        ) {
            const NR: usize = 2 * $lanes;
            let mut left: [$vector; $mr] = [$zero(); $mr];
            let mut right: [$vector; $mr] = [$zero(); $mr];
            // SAFETY: the strip of A has kc steps of mr values, the panel kc · NR values; the tile's
            // rows × cols values of C are inside C (the contract).
            unsafe {
                let (mut a, mut b) = (a, b);
                for _ in 0..kc {
                    let b0 = $load(b);
                    let b1 = $load(b.add($lanes));
                    for r in 0..$mr {
                        let value = $set1(*a.offset(r as isize * a_row_stride));
                        left[r] = $fmadd(value, b0, left[r]);
                        right[r] = $fmadd(value, b1, right[r]);
                    }
                    a = a.offset(a_step);
                    b = b.add(NR);
                }
                let alpha_v = $set1(alpha);
                if rows == $mr && cols == NR && col_stride == 1 {
                    let beta_v = $set1(beta);
                    for r in 0..$mr {
                        let row = c.offset(r as isize * row_stride);
                        let mut x0 = $mul(left[r], alpha_v);
                        let mut x1 = $mul(right[r], alpha_v);
                        if beta != 0.0 {
                            x0 = $fmadd(beta_v, $load(row), x0);
                            x1 = $fmadd(beta_v, $load(row.add($lanes)), x1);
                        }
                        $store(row, x0);
                        $store(row.add($lanes), x1);
                    }
                } else {
                    let mut tile = [0.0 as $t; $mr * NR];
                    for r in 0..$mr {
                        $store(tile.as_mut_ptr().add(r * NR), $mul(left[r], alpha_v));
                        $store(
                            tile.as_mut_ptr().add(r * NR + $lanes),
                            $mul(right[r], alpha_v),
                        );
                    }
                    for r in 0..rows {
                        for j in 0..cols {
                            let out = c.offset(r as isize * row_stride + j as isize * col_stride);
                            let value = tile[r * NR + j];
                            *out = if beta == 0.0 {
                                value
                            } else {
                                beta.mul_add(*out, value)
                            };
                        }
                    }
                }
            }
        }
    };
}

microkernel!(
    avx2_f32,
    f32,
    "avx2,fma",
    __m256,
    8,
    6,
    _mm256_loadu_ps,
    _mm256_storeu_ps,
    _mm256_fmadd_ps,
    _mm256_set1_ps,
    _mm256_setzero_ps,
    _mm256_mul_ps
);
microkernel!(
    avx2_f64,
    f64,
    "avx2,fma",
    __m256d,
    4,
    6,
    _mm256_loadu_pd,
    _mm256_storeu_pd,
    _mm256_fmadd_pd,
    _mm256_set1_pd,
    _mm256_setzero_pd,
    _mm256_mul_pd
);

/// The AVX-512 tile in plain Rust: the AVX-512 intrinsics need Rust 1.89, past this crate's
/// minimum version, so the compiler vectorises these loops over fixed-size arrays instead
/// (each row of the tile is two 512-bit registers, every multiply-add fused).
///
/// # Safety
/// The CPU supports AVX-512F; the arguments meet `MicroKernel`'s contract with `mr = MR`,
/// `nr = NR`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn tile_by_arrays<T: Fused, const MR: usize, const NR: usize>(
    kc: usize,
    a: *const T,
    a_row_stride: isize,
    a_step: isize,
    b: *const T,
    c: *mut T,
    row_stride: isize,
    col_stride: isize,
    alpha: T,
    beta: T,
    rows: usize,
    cols: usize,
) {
    let mut sums = [[T::ZERO; NR]; MR];
    // SAFETY: the strip of A has kc steps of MR values, the panel kc · NR values; the tile's
    // rows × cols values of C are inside C (the contract).
    unsafe {
        if a_row_stride == 1 && a_step == MR as isize {
            // A packed strip: its offsets are constants, no chain of address additions.
            for p in 0..kc {
                let panel_row = b.add(p * NR).cast::<[T; NR]>().read_unaligned();
                let column = a.add(p * MR).cast::<[T; MR]>().read_unaligned();
                for (row, &value) in sums.iter_mut().zip(&column) {
                    for (sum, &other) in row.iter_mut().zip(&panel_row) {
                        *sum = value.fused(other, *sum);
                    }
                }
            }
        } else {
            let (mut a, mut b) = (a, b);
            for _ in 0..kc {
                let panel_row = b.cast::<[T; NR]>().read_unaligned();
                for (r, row) in sums.iter_mut().enumerate() {
                    let value = *a.offset(r as isize * a_row_stride);
                    for (sum, &other) in row.iter_mut().zip(&panel_row) {
                        *sum = value.fused(other, *sum);
                    }
                }
                a = a.offset(a_step);
                b = b.add(NR);
            }
        }
        if rows == MR && cols == NR && col_stride == 1 {
            for (r, row) in sums.iter().enumerate() {
                let out = c.offset(r as isize * row_stride).cast::<[T; NR]>();
                let mut values = [T::ZERO; NR];
                if beta == T::ZERO {
                    for (value, &sum) in values.iter_mut().zip(row) {
                        *value = alpha * sum;
                    }
                } else {
                    let old = out.read_unaligned();
                    for ((value, &sum), &old) in values.iter_mut().zip(row).zip(&old) {
                        *value = beta.fused(old, alpha * sum);
                    }
                }
                out.write_unaligned(values);
            }
        } else {
            for (r, row) in sums.iter().enumerate().take(rows) {
                for (j, &sum) in row.iter().enumerate().take(cols) {
                    let out = c.offset(r as isize * row_stride + j as isize * col_stride);
                    *out = if beta == T::ZERO {
                        alpha * sum
                    } else {
                        beta.fused(*out, alpha * sum)
                    };
                }
            }
        }
    }
}

/// A fused multiply-add the compiler turns into one instruction where FMA is enabled.
trait Fused: super::Element {
    fn fused(self, other: Self, add: Self) -> Self;
}

impl Fused for f32 {
    #[inline(always)]
    fn fused(self, other: f32, add: f32) -> f32 {
        self.mul_add(other, add)
    }
}

impl Fused for f64 {
    #[inline(always)]
    fn fused(self, other: f64, add: f64) -> f64 {
        self.mul_add(other, add)
    }
}

macro_rules! array_kernel {
    ($name:ident, $t:ty, $mr:literal, $nr:literal) => {
        /// # Safety
        /// As for `tile_by_arrays`.
        #[target_feature(enable = "avx512f,fma")]
        #[allow(clippy::too_many_arguments)]
        unsafe fn $name(
            kc: usize,
            a: *const $t,
            a_row_stride: isize,
            a_step: isize,
            b: *const $t,
            c: *mut $t,
            row_stride: isize,
            col_stride: isize,
            alpha: $t,
            beta: $t,
            rows: usize,
            cols: usize,
        ) {
            // SAFETY: the caller's contract is this function's.
            unsafe {
                tile_by_arrays::<$t, $mr, $nr>(
                    kc,
                    a,
                    a_row_stride,
                    a_step,
                    b,
                    c,
                    row_stride,
                    col_stride,
                    alpha,
                    beta,
                    rows,
                    cols,
                )
            }
        }
    };
}

array_kernel!(avx512_f32, f32, 12, 32);
array_kernel!(avx512_f64, f64, 12, 16);
