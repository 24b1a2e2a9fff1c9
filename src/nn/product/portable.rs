//! The microkernel for any CPU: a 4 × 8 tile in plain Rust that the compiler vectorises with
//! the baseline instruction set (SSE2 on x86-64).

use super::{Element, Kernel};

const MR: usize = 4;
const NR: usize = 8;

/// The portable kernel for `T`.
pub(super) fn kernel<T: Element>() -> Kernel<T> {
    Kernel {
        mr: MR,
        nr: NR,
        run: tile::<T>,
    }
}

/// # Safety
/// The arguments meet `MicroKernel`'s contract with `mr = 4`, `nr = 8`.
#[allow(clippy::too_many_arguments)]
unsafe fn tile<T: Element>(
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
    // SAFETY: the strip of A has kc steps of MR values, the panel kc · NR values; the tile's rows ×
    // cols values of C are inside C (the contract).
    unsafe {
        let b = std::slice::from_raw_parts(b, kc * NR);
        for (p, b_step) in b.chunks_exact(NR).enumerate() {
            let column = a.offset(p as isize * a_step);
            for (r, row) in sums.iter_mut().enumerate() {
                let value = *column.offset(r as isize * a_row_stride);
                for (sum, &other) in row.iter_mut().zip(b_step) {
                    *sum = *sum + value * other;
                }
            }
        }
        for (r, row) in sums.iter().enumerate().take(rows) {
            for (j, &sum) in row.iter().enumerate().take(cols) {
                let out = c.offset(r as isize * row_stride + j as isize * col_stride);
                *out = if beta == T::ZERO {
                    alpha * sum
                } else {
                    alpha * sum + beta * *out
                };
            }
        }
    }
}
