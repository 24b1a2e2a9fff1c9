//! Our own packed matrix product, `C = alpha · A · B + beta · C` on one thread, for f32 and
//! f64, that allocates nothing once warm: the packing space is a per-thread buffer reused by
//! every product on that thread (it grows to the largest product's need and stays).
//!
//! The blocking follows BLIS: a block of B (`KC` rows × up to `nc` columns) is packed into
//! panels `nr` wide that stay in L2; for each `mr`-row strip of A, that strip is packed once
//! (it stays in L1) and a register-blocked microkernel multiplies it by every panel of B.
//! Packing pads with zeros, so the microkernels only ever see full tiles; edge tiles are
//! written back through a small buffer. When A is row-major and all of B fits that budget
//! packed (a hidden layer's forward product), B is packed whole and each strip of A runs
//! through the whole inner dimension instead (`strips_outer`). The microkernels (`x86.rs`:
//! AVX-512F, AVX2 + FMA; `portable.rs`: any CPU) are chosen at run time with
//! `is_x86_feature_detected!`.
//!
//! Why, beside the `gemm` crate: gemm allocates its packing buffers and a flag vector on every
//! call, with no way to pass workspace in, and its weight-gradient product (Aᵀ · B with a long
//! inner dimension) ran at less than half its forward rate in the mnist step. `mat_mul` runs
//! f32 products here and keeps f64 ones on gemm, which measured faster in f64
//! (`cargo bench --bench matmul_backends` prints both side by side).

mod portable;
#[cfg(target_arch = "x86_64")]
mod x86;

use std::cell::RefCell;

/// Rows of A (and of B) taken per packed block: the inner dimension of one microkernel call.
const KC: usize = 256;
/// Bytes of one packed block of B, `KC` × `nc`: about half the L2 cache of current cores.
const B_BLOCK_BYTES: usize = 512 * 1024;
/// Bytes of one packed block of A, when A is packed (not read in place): with the block of B,
/// within L2.
const A_BLOCK_BYTES: usize = 768 * 1024;

/// An element type the packed product supports: f32 or f64.
pub(crate) trait Element:
    Copy + PartialEq + std::ops::Add<Output = Self> + std::ops::Mul<Output = Self> + 'static
{
    const ZERO: Self;
    const ONE: Self;
    /// The best microkernel for this CPU.
    fn kernel() -> Kernel<Self>;
}

/// Signature of a microkernel: `C[..rows, ..cols] = alpha · A · B̃ + beta · C` for one strip
/// of A (`mr` rows × `kc`: row `r` at step `p` is `a[r · a_row_stride + p · a_step]`, packed
/// as `(1, mr)` or read in place from a row-major A as `(row stride, 1)`) and one packed panel
/// `b` (`kc` × `nr`). With `beta == 0`, C is not read.
///
/// # Safety
/// `a` addresses `mr` × `kc` and `b` holds `kc · nr` readable values; `c` with the strides
/// addresses `rows` × `cols` writable values (`rows ≤ mr`, `cols ≤ nr`) that alias neither.
pub(crate) type MicroKernel<T> = unsafe fn(
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
);

/// A microkernel with its tile: `mr` rows of C by `nr` columns.
#[derive(Clone, Copy)]
pub(crate) struct Kernel<T> {
    pub mr: usize,
    pub nr: usize,
    pub run: MicroKernel<T>,
}

impl Element for f32 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    fn kernel() -> Kernel<f32> {
        #[cfg(target_arch = "x86_64")]
        if let Some(kernel) = x86::kernel_f32() {
            return kernel;
        }
        portable::kernel::<f32>()
    }
}

impl Element for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    fn kernel() -> Kernel<f64> {
        #[cfg(target_arch = "x86_64")]
        if let Some(kernel) = x86::kernel_f64() {
            return kernel;
        }
        portable::kernel::<f64>()
    }
}

/// A matrix operand: its first element and the distance (in elements) between rows and
/// between columns.
#[derive(Clone, Copy)]
pub(crate) struct Operand<T> {
    pub ptr: *const T,
    pub row_stride: isize,
    pub col_stride: isize,
}

impl<T> Operand<T> {
    fn transposed(self) -> Self {
        Operand {
            ptr: self.ptr,
            row_stride: self.col_stride,
            col_stride: self.row_stride,
        }
    }
}

/// The destination: like [`Operand`], writable.
#[derive(Clone, Copy)]
pub(crate) struct Destination<T> {
    pub ptr: *mut T,
    pub row_stride: isize,
    pub col_stride: isize,
}

impl<T> Destination<T> {
    /// The same destination from element (`row`, `col`) on; the caller keeps it inside C.
    fn offset(self, row: usize, col: usize) -> Self {
        Destination {
            ptr: self
                .ptr
                .wrapping_offset(row as isize * self.row_stride + col as isize * self.col_stride),
            ..self
        }
    }
}

/// Share of a tile's lanes that carry real values when `rows` and `cols` are cut in tiles.
fn tile_use(rows: usize, cols: usize, mr: usize, nr: usize) -> f64 {
    (rows * cols) as f64 / (rows.next_multiple_of(mr) * cols.next_multiple_of(nr)) as f64
}

/// `C = alpha · A · B + beta · C` with A `m` × `k`, B `k` × `n`, C `m` × `n`; `beta == 0`
/// ignores what C held (NaN included).
///
/// # Safety
/// Each operand's pointer and strides address a live matrix of the stated shape; C is
/// writable and overlaps neither A nor B.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn product<T: Element>(
    m: usize,
    k: usize,
    n: usize,
    alpha: T,
    a: Operand<T>,
    b: Operand<T>,
    beta: T,
    c: Destination<T>,
) {
    // SAFETY: the caller's contract; the kernel is the one this CPU runs.
    unsafe { product_with(T::kernel(), m, k, n, alpha, a, b, beta, c) }
}

/// [`product`] with a given microkernel (the tests run every kernel the CPU supports).
///
/// # Safety
/// As for [`product`]; the CPU runs `kernel`.
#[allow(clippy::too_many_arguments)]
unsafe fn product_with<T: Element>(
    kernel: Kernel<T>,
    m: usize,
    k: usize,
    n: usize,
    alpha: T,
    a: Operand<T>,
    b: Operand<T>,
    beta: T,
    c: Destination<T>,
) {
    if m == 0 || n == 0 {
        return;
    }
    // Narrow results (a 10-class output layer) waste most of a tile's vector lanes; the
    // transposed product Cᵀ = Bᵀ · Aᵀ puts the narrow side on the tile's short edge instead,
    // but only pays when Aᵀ, which becomes the packed right operand, has contiguous rows (A
    // stored by columns, as in the weight gradient Hᵀ · delta): gathering it value by value
    // cost more than the wasted lanes (the digits and mnist steps' output product H · W).
    let transpose = a.row_stride == 1
        && tile_use(n, m, kernel.mr, kernel.nr) > 1.1 * tile_use(m, n, kernel.mr, kernel.nr);
    let (m, n, a, b, c) = if transpose {
        let c_t = Destination {
            ptr: c.ptr,
            row_stride: c.col_stride,
            col_stride: c.row_stride,
        };
        (n, m, b.transposed(), a.transposed(), c_t)
    } else {
        (m, n, a, b, c)
    };
    if k == 0 {
        // SAFETY: the caller's contract on C.
        unsafe { scale(m, n, beta, c) };
        return;
    }
    if whole_b_in_l2::<T>(kernel, a, k, n) {
        with_packing_space::<T>(whole_b_len(kernel, k, n) + KC * kernel.mr, |space| {
            // SAFETY: `space` holds that many values, the caller's contract covers the rest.
            unsafe { strips_outer(kernel, m, k, n, alpha, a, b, beta, c, space) }
        });
        return;
    }
    with_packing_space::<T>(packing_len::<T>(kernel, m, n), |space| {
        // SAFETY: `space` holds `packing_len` values, the caller's contract covers the rest.
        unsafe { blocked(kernel, m, k, n, alpha, a, b, beta, c, space) }
    });
}

/// Whether [`strips_outer`] runs this product: A is row-major (read in place), the inner
/// dimension spans more than one block, and all of B, packed, fits the block of B's budget.
fn whole_b_in_l2<T: Element>(kernel: Kernel<T>, a: Operand<T>, k: usize, n: usize) -> bool {
    a.col_stride == 1
        && k > KC
        && whole_b_len(kernel, k, n) * std::mem::size_of::<T>() <= B_BLOCK_BYTES
}

/// Values of all of B packed: its `k` rows in blocks of `KC`, each cut in panels.
fn whole_b_len<T: Element>(kernel: Kernel<T>, k: usize, n: usize) -> usize {
    k * n.next_multiple_of(kernel.nr)
}

/// The product for a row-major A and a B small enough to stay packed in L2 whole (the
/// forward product X · W of a hidden layer): B is packed once, then each strip of A runs
/// through every block of the inner dimension before the next strip. A strip is `mr`
/// consecutive rows, one contiguous stretch of memory read once from start to end, which the
/// prefetcher follows; block by block ([`blocked`]) A would be swept `k / KC` times, a short
/// piece of each of `mr` far-apart rows at a time (on a 5000 × 784 X, 80 against 105 GFLOP/s
/// for the same product on 600 rows, AMD EPYC with AVX-512).
///
/// # Safety
/// As for [`blocked`]; `space` holds [`whole_b_len`] + `KC · mr` writable values.
#[allow(clippy::too_many_arguments)]
unsafe fn strips_outer<T: Element>(
    kernel: Kernel<T>,
    m: usize,
    k: usize,
    n: usize,
    alpha: T,
    a: Operand<T>,
    b: Operand<T>,
    beta: T,
    c: Destination<T>,
    space: *mut T,
) {
    let (mr, nr) = (kernel.mr, kernel.nr);
    let n_padded = n.next_multiple_of(nr);
    let packed_b = space;
    // SAFETY: the strip buffer follows all of B inside `space`.
    let packed_strip = unsafe { space.add(whole_b_len(kernel, k, n)) };
    // Block `pc` of B starts after the `pc` rows before it, each `n_padded` values.
    for pc in (0..k).step_by(KC) {
        let kc = KC.min(k - pc);
        // SAFETY: rows pc..pc + kc of B lie inside B; the block fits in `space`.
        unsafe {
            let origin = b.ptr.offset(pc as isize * b.row_stride);
            pack_b(
                kc,
                n,
                nr,
                origin,
                b.row_stride,
                b.col_stride,
                packed_b.add(pc * n_padded),
            );
        }
    }
    for ic in (0..m).step_by(mr) {
        let rows = mr.min(m - ic);
        for pc in (0..k).step_by(KC) {
            let kc = KC.min(k - pc);
            let beta_here = if pc == 0 { beta } else { T::ONE };
            // SAFETY: (ic, pc) lies inside A, A's columns are contiguous (col_stride 1); the
            // buffer holds KC · mr values; block pc of B holds its panels; rows ic.. of C
            // lie inside C.
            unsafe {
                let origin = a.ptr.offset(ic as isize * a.row_stride + pc as isize);
                let strip = row_major_strip(kc, rows, mr, origin, a.row_stride, packed_strip);
                strip_times_panels(
                    kernel,
                    kc,
                    strip,
                    packed_b.add(pc * n_padded),
                    n,
                    c.offset(ic, 0),
                    alpha,
                    beta_here,
                );
            }
        }
    }
}

/// Columns of B in one packed block.
fn block_cols<T: Element>(kernel: Kernel<T>, n: usize) -> usize {
    let most = (B_BLOCK_BYTES / (KC * std::mem::size_of::<T>()) / kernel.nr).max(1) * kernel.nr;
    most.min(n.next_multiple_of(kernel.nr))
}

/// Rows of A in one packed block.
fn block_rows<T: Element>(kernel: Kernel<T>, m: usize) -> usize {
    let most = (A_BLOCK_BYTES / (KC * std::mem::size_of::<T>()) / kernel.mr).max(1) * kernel.mr;
    most.min(m.next_multiple_of(kernel.mr))
}

/// Values of packing space an `m` × `n` product needs: one block of B, one block of A.
fn packing_len<T: Element>(kernel: Kernel<T>, m: usize, n: usize) -> usize {
    KC * block_cols(kernel, n) + block_rows(kernel, m) / kernel.mr * strip_len::<T>(KC, kernel.mr)
}

/// Values from one packed strip of A to the next in a packed block: the strip's `kc · mr`
/// and one cache line more. Without that line, strips 12 KiB apart (256 × 12 f32) start at
/// the same offset within 4 KiB, so packing, which writes a piece of every strip in turn,
/// sends all of them to the same set of L1 lines.
fn strip_len<T>(kc: usize, mr: usize) -> usize {
    kc * mr + 64 / std::mem::size_of::<T>()
}

/// # Safety
/// As for [`product`]; `space` holds [`packing_len`] writable values.
#[allow(clippy::too_many_arguments)]
unsafe fn blocked<T: Element>(
    kernel: Kernel<T>,
    m: usize,
    k: usize,
    n: usize,
    alpha: T,
    a: Operand<T>,
    b: Operand<T>,
    beta: T,
    c: Destination<T>,
    space: *mut T,
) {
    let (mr, nr) = (kernel.mr, kernel.nr);
    let nc_most = block_cols(kernel, n);
    let mc_most = block_rows(kernel, m);
    let packed_b = space;
    // SAFETY: the block of A follows the block of B inside `space`.
    let packed_a = unsafe { space.add(KC * nc_most) };
    for jc in (0..n).step_by(nc_most) {
        let nc = nc_most.min(n - jc);
        for pc in (0..k).step_by(KC) {
            let kc = KC.min(k - pc);
            // Later blocks of the inner dimension add to what the first wrote.
            let beta_here = if pc == 0 { beta } else { T::ONE };
            // SAFETY: (pc, jc) lies inside B; the block fits the space (nc ≤ nc_most).
            unsafe {
                let origin = b
                    .ptr
                    .offset(pc as isize * b.row_stride + jc as isize * b.col_stride);
                pack_b(kc, nc, nr, origin, b.row_stride, b.col_stride, packed_b);
            }
            for ib in (0..m).step_by(mc_most) {
                let mc = mc_most.min(m - ib);
                // A full strip of a row-major A is read in place: packing it would cost a
                // pass over A as long as the arithmetic when B is narrow (128 columns).
                // Otherwise the whole block of A is packed in one pass that reads A's
                // contiguous columns in order (the weight gradient's Xᵀ), which the
                // prefetcher follows; strip by strip it would jump between rows of X.
                let in_place = a.col_stride == 1;
                if !in_place {
                    // SAFETY: the block lies inside A; the space holds mc_most · KC values.
                    unsafe {
                        let origin = a
                            .ptr
                            .offset(ib as isize * a.row_stride + pc as isize * a.col_stride);
                        pack_a_block(kc, mc, mr, origin, a.row_stride, a.col_stride, packed_a);
                    }
                }
                for (strip_index, ic) in (ib..ib + mc).step_by(mr).enumerate() {
                    let rows = mr.min(m - ic);
                    let strip = if !in_place {
                        Strip {
                            // SAFETY: strip `strip_index` of the packed block.
                            ptr: unsafe { packed_a.add(strip_index * strip_len::<T>(kc, mr)) }
                                .cast_const(),
                            row_stride: 1,
                            step: mr as isize,
                            rows,
                        }
                    } else {
                        // SAFETY: (ic, pc) lies inside A; the space holds a packed strip.
                        let origin =
                            unsafe { a.ptr.offset(ic as isize * a.row_stride + pc as isize) };
                        // The next strip's rows are in no cache yet and the prefetcher does not
                        // follow twelve rows at once: ask for them while this strip computes.
                        if ic + 2 * mr <= m {
                            // SAFETY: the next strip lies inside A (checked just above).
                            prefetch_rows(
                                unsafe { origin.offset(mr as isize * a.row_stride) },
                                mr,
                                kc,
                                a.row_stride,
                            );
                        }
                        // SAFETY: as above.
                        unsafe { row_major_strip(kc, rows, mr, origin, a.row_stride, packed_a) }
                    };
                    // SAFETY: the strip and the block of B hold kc · mr and kc · nc values;
                    // the tiles at (ic, jc..jc + nc) lie inside C.
                    unsafe {
                        strip_times_panels(
                            kernel,
                            kc,
                            strip,
                            packed_b,
                            nc,
                            c.offset(ic, jc),
                            alpha,
                            beta_here,
                        );
                    }
                }
            }
        }
    }
}

/// A strip of A as a microkernel reads it: row `r` at step `p` is
/// `ptr[r · row_stride + p · step]`, `rows` ≤ `mr` rows.
#[derive(Clone, Copy)]
struct Strip<T> {
    ptr: *const T,
    row_stride: isize,
    step: isize,
    rows: usize,
}

/// The strip of a row-major A at `origin`: read in place when it has all `mr` rows, else
/// packed (zero-padded) into `buffer`.
///
/// # Safety
/// `origin` addresses `rows` × `kc` values, rows `row_stride` apart, columns contiguous;
/// `buffer` holds `kc · mr` writable values.
unsafe fn row_major_strip<T: Element>(
    kc: usize,
    rows: usize,
    mr: usize,
    origin: *const T,
    row_stride: isize,
    buffer: *mut T,
) -> Strip<T> {
    if rows == mr {
        return Strip {
            ptr: origin,
            row_stride,
            step: 1,
            rows,
        };
    }
    // SAFETY: the caller's contract.
    unsafe { pack_a(kc, rows, mr, origin, row_stride, 1, buffer) };
    Strip {
        ptr: buffer.cast_const(),
        row_stride: 1,
        step: mr as isize,
        rows,
    }
}

/// Runs the microkernel on `strip` and every panel of a packed block of B (`cols` columns,
/// panel `j` at `panels + j · kc · nr`), writing the tiles of C from `c` rightwards.
///
/// # Safety
/// The strip holds `kc` steps of its rows, the block `kc` × `cols` rounded up to `nr`; `c`
/// addresses `strip.rows` × `cols` writable values that alias neither.
#[allow(clippy::too_many_arguments)]
unsafe fn strip_times_panels<T: Element>(
    kernel: Kernel<T>,
    kc: usize,
    strip: Strip<T>,
    panels: *const T,
    cols: usize,
    c: Destination<T>,
    alpha: T,
    beta: T,
) {
    for jr in (0..cols).step_by(kernel.nr) {
        // SAFETY: the caller's contract; panel jr / nr and the tile at column jr are inside.
        unsafe {
            (kernel.run)(
                kc,
                strip.ptr,
                strip.row_stride,
                strip.step,
                panels.add(jr * kc),
                c.offset(0, jr).ptr,
                c.row_stride,
                c.col_stride,
                alpha,
                beta,
                strip.rows,
                kernel.nr.min(cols - jr),
            );
        }
    }
}

/// Asks the CPU to bring `rows` rows of `len` values, `row_stride` apart, into its caches; a
/// hint only (no effect off x86-64).
fn prefetch_rows<T>(origin: *const T, rows: usize, len: usize, row_stride: isize) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let per_line = (64 / std::mem::size_of::<T>()).max(1);
        for r in 0..rows {
            let row = origin.wrapping_offset(r as isize * row_stride);
            for start in (0..len).step_by(per_line) {
                // SAFETY: a prefetch never faults and reads nothing the program sees.
                unsafe { _mm_prefetch::<_MM_HINT_T0>(row.wrapping_add(start).cast::<i8>()) };
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (origin, rows, len, row_stride);
}

/// Packs `rows` (≤ `mr`) rows of A over `kc` columns: `mr` values per column, zero-padded.
///
/// # Safety
/// `a` addresses `rows` × `kc` values with the strides; `out` holds `kc · mr` values.
unsafe fn pack_a<T: Element>(
    kc: usize,
    rows: usize,
    mr: usize,
    a: *const T,
    row_stride: isize,
    col_stride: isize,
    out: *mut T,
) {
    // SAFETY: every index stays inside the ranges the contract gives.
    unsafe {
        if row_stride == 1 && rows == mr {
            // A read transposed (the weight gradient's Xᵀ): each column is contiguous; a copy
            // of a length known at compile time, not a call to memcpy per column.
            match mr {
                12 => pack_columns::<T, 12>(kc, a, col_stride, out),
                6 => pack_columns::<T, 6>(kc, a, col_stride, out),
                4 => pack_columns::<T, 4>(kc, a, col_stride, out),
                _ => pack_columns_any(kc, mr, a, col_stride, out),
            }
        } else if row_stride == 1 {
            for p in 0..kc {
                let column = a.offset(p as isize * col_stride);
                let dst = out.add(p * mr);
                std::ptr::copy_nonoverlapping(column, dst, rows);
                for r in rows..mr {
                    *dst.add(r) = T::ZERO;
                }
            }
        } else {
            for r in 0..rows {
                let row = a.offset(r as isize * row_stride);
                for p in 0..kc {
                    *out.add(p * mr + r) = *row.offset(p as isize * col_stride);
                }
            }
            for r in rows..mr {
                for p in 0..kc {
                    *out.add(p * mr + r) = T::ZERO;
                }
            }
        }
    }
}

/// Packs a block of A, `mc` rows × `kc`, into strips of `mr` rows (`kc · mr` values each,
/// [`strip_len`] apart), the last zero-padded.
///
/// # Safety
/// `a` addresses `mc` × `kc` values with the strides; `out` holds `mc / mr` (rounded up)
/// strips of [`strip_len`] values.
unsafe fn pack_a_block<T: Element>(
    kc: usize,
    mc: usize,
    mr: usize,
    a: *const T,
    row_stride: isize,
    col_stride: isize,
    out: *mut T,
) {
    let full = mc / mr;
    // SAFETY: every strip and column stays inside the block and the output.
    unsafe {
        if row_stride == 1 {
            // Column by column of the block, each contiguous, each cut into the strips.
            match mr {
                12 => pack_block_columns::<T, 12>(kc, full, a, col_stride, out),
                6 => pack_block_columns::<T, 6>(kc, full, a, col_stride, out),
                4 => pack_block_columns::<T, 4>(kc, full, a, col_stride, out),
                _ => {
                    for strip in 0..full {
                        let origin = a.add(strip * mr);
                        pack_a(
                            kc,
                            mr,
                            mr,
                            origin,
                            row_stride,
                            col_stride,
                            out.add(strip * strip_len::<T>(kc, mr)),
                        );
                    }
                }
            }
        } else {
            for strip in 0..full {
                let origin = a.offset((strip * mr) as isize * row_stride);
                pack_a(
                    kc,
                    mr,
                    mr,
                    origin,
                    row_stride,
                    col_stride,
                    out.add(strip * strip_len::<T>(kc, mr)),
                );
            }
        }
        if full * mr < mc {
            let origin = a.offset((full * mr) as isize * row_stride);
            pack_a(
                kc,
                mc - full * mr,
                mr,
                origin,
                row_stride,
                col_stride,
                out.add(full * strip_len::<T>(kc, mr)),
            );
        }
    }
}

/// The `strips` full strips of a block of A stored by columns (row stride 1).
///
/// # Safety
/// As for [`pack_a_block`].
#[inline(always)]
unsafe fn pack_block_columns<T: Element, const MR: usize>(
    kc: usize,
    strips: usize,
    a: *const T,
    col_stride: isize,
    out: *mut T,
) {
    for p in 0..kc {
        // SAFETY: column p holds strips · MR values; slot (strip, p) is inside the output.
        unsafe {
            let column = a.offset(p as isize * col_stride);
            for strip in 0..strips {
                let values = column.add(strip * MR).cast::<[T; MR]>().read_unaligned();
                out.add(strip * strip_len::<T>(kc, MR) + p * MR)
                    .cast::<[T; MR]>()
                    .write_unaligned(values);
            }
        }
    }
}

/// Copies `kc` contiguous runs of `MR` values, `col_stride` apart, one after another: the
/// columns of a strip of A stored by columns, or the rows of a panel of B.
///
/// # Safety
/// `a` addresses `kc` runs of `MR` values `col_stride` apart; `out` holds `kc · MR` values.
#[inline(always)]
unsafe fn pack_columns<T: Element, const MR: usize>(
    kc: usize,
    a: *const T,
    col_stride: isize,
    out: *mut T,
) {
    for p in 0..kc {
        // SAFETY: column p of the strip and slot p of the output are inside their buffers.
        unsafe {
            let column = a.offset(p as isize * col_stride).cast::<[T; MR]>();
            out.add(p * MR)
                .cast::<[T; MR]>()
                .write_unaligned(column.read_unaligned());
        }
    }
}

/// [`pack_columns`] for a tile size without its own copy.
///
/// # Safety
/// As for [`pack_columns`] with `MR = mr`.
unsafe fn pack_columns_any<T: Element>(
    kc: usize,
    mr: usize,
    a: *const T,
    col_stride: isize,
    out: *mut T,
) {
    for p in 0..kc {
        // SAFETY: as above.
        unsafe {
            std::ptr::copy_nonoverlapping(a.offset(p as isize * col_stride), out.add(p * mr), mr);
        }
    }
}

/// Packs a block of B, `kc` × `nc`, into panels of `nr` columns (`kc · nr` values each,
/// row by row), the last zero-padded.
///
/// # Safety
/// `b` addresses `kc` × `nc` values with the strides; `out` holds `kc · nc` rounded up to
/// `nr` values.
unsafe fn pack_b<T: Element>(
    kc: usize,
    nc: usize,
    nr: usize,
    b: *const T,
    row_stride: isize,
    col_stride: isize,
    out: *mut T,
) {
    // SAFETY: every index stays inside the ranges the contract gives.
    unsafe {
        for (panel, j0) in (0..nc).step_by(nr).enumerate() {
            let cols = nr.min(nc - j0);
            let dst = out.add(panel * kc * nr);
            let origin = b.offset(j0 as isize * col_stride);
            if col_stride == 1 && cols == nr {
                // Copies of a length known at compile time, not a call to memcpy per row.
                match nr {
                    32 => pack_columns::<T, 32>(kc, origin, row_stride, dst),
                    16 => pack_columns::<T, 16>(kc, origin, row_stride, dst),
                    8 => pack_columns::<T, 8>(kc, origin, row_stride, dst),
                    _ => pack_columns_any(kc, nr, origin, row_stride, dst),
                }
            } else if col_stride == 1 {
                for p in 0..kc {
                    let row = dst.add(p * nr);
                    std::ptr::copy_nonoverlapping(
                        origin.offset(p as isize * row_stride),
                        row,
                        cols,
                    );
                    for j in cols..nr {
                        *row.add(j) = T::ZERO;
                    }
                }
            } else {
                for p in 0..kc {
                    let row = dst.add(p * nr);
                    let src = origin.offset(p as isize * row_stride);
                    for j in 0..cols {
                        *row.add(j) = *src.offset(j as isize * col_stride);
                    }
                    for j in cols..nr {
                        *row.add(j) = T::ZERO;
                    }
                }
            }
        }
    }
}

/// `C = beta · C` (zero when `beta == 0`), for an empty inner dimension.
///
/// # Safety
/// As for [`product`].
unsafe fn scale<T: Element>(m: usize, n: usize, beta: T, c: Destination<T>) {
    for i in 0..m {
        for j in 0..n {
            // SAFETY: (i, j) lies inside C.
            unsafe {
                let value = c
                    .ptr
                    .offset(i as isize * c.row_stride + j as isize * c.col_stride);
                *value = if beta == T::ZERO {
                    T::ZERO
                } else {
                    beta * *value
                };
            }
        }
    }
}

/// A cache line, the unit the packing space is allocated in so that it starts aligned.
#[derive(Clone, Copy)]
#[repr(C, align(64))]
struct Line([u8; 64]);

thread_local! {
    /// The packing space of this thread's products; grows, never shrinks.
    static PACKING_SPACE: RefCell<Vec<Line>> = const { RefCell::new(Vec::new()) };
}

/// Runs `work` with `len` values of packing space: this thread's reused buffer, or (if a
/// product is already using it, which nothing does today) a fresh one.
fn with_packing_space<T>(len: usize, work: impl FnOnce(*mut T)) {
    let lines = (len * std::mem::size_of::<T>()).div_ceil(64);
    let mut work = Some(work);
    let mut run = |space: &mut Vec<Line>| {
        if space.len() < lines {
            space.resize(lines, Line([0; 64]));
        }
        if let Some(work) = work.take() {
            work(space.as_mut_ptr().cast::<T>());
        }
    };
    PACKING_SPACE.with(|cell| match cell.try_borrow_mut() {
        Ok(mut space) => run(&mut space),
        Err(_) => run(&mut Vec::new()),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reference product in f64 over integers (exact in any order).
    fn reference(m: usize, k: usize, n: usize, a: &[f64], b: &[f64]) -> Vec<f64> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                c[i * n + j] = (0..k).map(|p| a[i * k + p] * b[p * n + j]).sum();
            }
        }
        c
    }

    fn check<T: Element + From<i8> + Into<f64> + std::fmt::Debug>(
        kernel: Kernel<T>,
        m: usize,
        k: usize,
        n: usize,
    ) {
        let a: Vec<f64> = (0..m * k).map(|i| ((i * 7 + 3) % 9) as f64 - 4.0).collect();
        let b: Vec<f64> = (0..k * n).map(|i| ((i * 5 + 1) % 7) as f64 - 3.0).collect();
        let expected = reference(m, k, n, &a, &b);
        let convert = |v: &[f64]| v.iter().map(|&x| T::from(x as i8)).collect::<Vec<T>>();
        let (a_t, b_t) = (convert(&a), convert(&b));
        // Aᵀ stored k × m, read through strides, as the weight gradient does.
        let mut a_stored_t = vec![T::ZERO; m * k];
        for i in 0..m {
            for p in 0..k {
                a_stored_t[p * m + i] = a_t[i * k + p];
            }
        }
        let operands = [
            Operand {
                ptr: a_t.as_ptr(),
                row_stride: k as isize,
                col_stride: 1,
            },
            Operand {
                ptr: a_stored_t.as_ptr(),
                row_stride: 1,
                col_stride: m as isize,
            },
        ];
        for a_op in operands {
            // beta = 0 over a C that held other values, row-major.
            let mut c = vec![T::from(9); m * n];
            let b_op = Operand {
                ptr: b_t.as_ptr(),
                row_stride: n as isize,
                col_stride: 1,
            };
            // SAFETY: the operands describe the vectors above, shapes as stated.
            unsafe {
                product_with(
                    kernel,
                    m,
                    k,
                    n,
                    T::ONE,
                    a_op,
                    b_op,
                    T::ZERO,
                    Destination {
                        ptr: c.as_mut_ptr(),
                        row_stride: n as isize,
                        col_stride: 1,
                    },
                );
            }
            let got: Vec<f64> = c.iter().map(|&v| v.into()).collect();
            assert_eq!(got, expected, "{m}x{k}x{n}");
            // beta = 1 into a column-major C: C += A · B.
            let mut c_cm = vec![T::ONE; m * n];
            // SAFETY: as above.
            unsafe {
                product_with(
                    kernel,
                    m,
                    k,
                    n,
                    T::ONE,
                    a_op,
                    b_op,
                    T::ONE,
                    Destination {
                        ptr: c_cm.as_mut_ptr(),
                        row_stride: 1,
                        col_stride: m as isize,
                    },
                );
            }
            for i in 0..m {
                for j in 0..n {
                    let v: f64 = c_cm[j * m + i].into();
                    assert_eq!(v, expected[i * n + j] + 1.0, "{m}x{k}x{n} at {i},{j}");
                }
            }
        }
    }

    /// Every kernel this CPU runs: the portable one, and on x86-64 the AVX2 and AVX-512 ones
    /// where supported (the dispatch picks only the widest).
    fn kernels<T: Element + KernelsForTests>() -> Vec<Kernel<T>> {
        let mut all = vec![portable::kernel::<T>()];
        all.extend(T::x86_kernels());
        all
    }

    trait KernelsForTests: Element {
        fn x86_kernels() -> Vec<Kernel<Self>>;
    }

    impl KernelsForTests for f32 {
        fn x86_kernels() -> Vec<Kernel<f32>> {
            #[cfg(target_arch = "x86_64")]
            return x86::all_f32();
            #[cfg(not(target_arch = "x86_64"))]
            Vec::new()
        }
    }

    impl KernelsForTests for f64 {
        fn x86_kernels() -> Vec<Kernel<f64>> {
            #[cfg(target_arch = "x86_64")]
            return x86::all_f64();
            #[cfg(not(target_arch = "x86_64"))]
            Vec::new()
        }
    }

    #[test]
    fn strips_run_through_all_of_b_only_when_a_is_row_major_and_b_fits() {
        let kernel = Kernel::<f32> {
            mr: 12,
            nr: 32,
            run: portable::kernel::<f32>().run,
        };
        let row_major = Operand::<f32> {
            ptr: std::ptr::null(),
            row_stride: 784,
            col_stride: 1,
        };
        // The mnist forward product X · W: 784 × 128 packed is 392 KiB.
        assert!(whole_b_in_l2(kernel, row_major, 784, 128));
        // One block of the inner dimension: nothing to reorder.
        assert!(!whole_b_in_l2(kernel, row_major, 200, 128));
        // All of B packed would exceed the budget (the reference shapes' 300 × 600).
        assert!(!whole_b_in_l2(kernel, row_major, 300, 600));
        // A read by columns (the weight gradient's Xᵀ) is packed, block by block.
        assert!(!whole_b_in_l2(kernel, row_major.transposed(), 784, 128));
    }

    #[test]
    fn packed_product_matches_the_reference_at_edges_and_blocks() {
        // Shapes straddle every tile size (6, 12 rows; 8, 16, 32 columns), the block of the
        // inner dimension (256), the transposed path for narrow results, and both orders for a
        // row-major A with a long inner dimension (all of B packed at once: 25 × 300 × 10; block
        // by block: 20 × 300 × 600).
        for &(m, k, n) in &[
            (1, 1, 1),
            (13, 7, 33),
            (25, 300, 10),
            (40, 30, 20),
            (3, 513, 70),
            (100, 17, 129),
            (7, 5, 200),
            (20, 300, 600),
        ] {
            for kernel in kernels::<f64>() {
                check::<f64>(kernel, m, k, n);
            }
            for kernel in kernels::<f32>() {
                check::<f32>(kernel, m, k, n);
            }
        }
    }

    #[test]
    fn beta_zero_ignores_nan_and_alpha_scales() {
        let a = [1.0f64, 2.0, 3.0, 4.0];
        let b = [1.0f64, 0.0, 0.0, 1.0];
        let mut c = [f64::NAN; 4];
        let op = |p: *const f64| Operand {
            ptr: p,
            row_stride: 2,
            col_stride: 1,
        };
        // SAFETY: 2 × 2 operands, C distinct.
        unsafe {
            product(
                2,
                2,
                2,
                2.0,
                op(a.as_ptr()),
                op(b.as_ptr()),
                0.0,
                Destination {
                    ptr: c.as_mut_ptr(),
                    row_stride: 2,
                    col_stride: 1,
                },
            );
        }
        assert_eq!(c, [2.0, 4.0, 6.0, 8.0]);
        let mut empty = [5.0f64; 4];
        // SAFETY: k = 0: only C is touched.
        unsafe {
            product(
                2,
                0,
                2,
                1.0,
                op(a.as_ptr()),
                op(b.as_ptr()),
                3.0,
                Destination {
                    ptr: empty.as_mut_ptr(),
                    row_stride: 2,
                    col_stride: 1,
                },
            );
        }
        assert_eq!(empty, [15.0; 4]);
    }
}
