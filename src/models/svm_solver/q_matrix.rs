//! The two Q matrices of libsvm that modelbench needs, over dense rows and one
//! [`ColumnCache`] each: C-classification (`SVC_Q`: Q_ij = y_i y_j K_ij) and epsilon-regression
//! (`SVR_Q`: 2l variables, α⁺ then α⁻, over l kernel columns).

use super::cache::ColumnCache;
use super::kernel::{DenseRows, KernelFunction};
use super::smo::QMatrix;

/// libsvm's `SVC_Q`. Its rows follow the solver's variable order (they are swapped with it).
pub(super) struct ClassificationQ {
    kernel: KernelFunction,
    rows: DenseRows,
    y: Vec<i8>,
    cache: ColumnCache,
}

impl ClassificationQ {
    pub(super) fn new(
        kernel: KernelFunction,
        rows: DenseRows,
        y: Vec<i8>,
        cache_bytes: usize,
    ) -> Self {
        let cache = ColumnCache::new(rows.len(), cache_bytes);
        ClassificationQ {
            kernel,
            rows,
            y,
            cache,
        }
    }

    fn ensure(&mut self, i: usize, len: usize) {
        let start = self.cache.request(i, len);
        if start < len {
            let column = &mut self.cache.column_mut(i)[start..len];
            let (x, square) = (self.rows.row(i), self.rows.square(i));
            self.kernel.fill(x, square, &self.rows, start, column);
            let y_i = self.y[i];
            for (v, &y_j) in column.iter_mut().zip(&self.y[start..len]) {
                if y_i != y_j {
                    *v = -*v;
                }
            }
        }
    }
}

impl QMatrix for ClassificationQ {
    fn column(&mut self, i: usize, len: usize) -> &[f32] {
        self.ensure(i, len);
        &self.cache.column(i)[..len]
    }

    fn column_pair(&mut self, i: usize, j: usize, len: usize) -> (&[f32], &[f32]) {
        self.ensure(i, len);
        // The cache holds at least two full columns and `i` is the most recent, so filling
        // `j` cannot evict it.
        self.ensure(j, len);
        (&self.cache.column(i)[..len], &self.cache.column(j)[..len])
    }

    fn diagonal(&self) -> Vec<f64> {
        (0..self.rows.len())
            .map(|i| {
                let (x, s) = (self.rows.row(i), self.rows.square(i));
                self.kernel.value(x, s, x, s)
            })
            .collect()
    }

    fn swap_index(&mut self, i: usize, j: usize) {
        self.cache.swap_index(i, j);
        self.rows.swap(i, j);
        self.y.swap(i, j);
    }
}

/// libsvm's `SVR_Q`: variable k < l is α⁺ of row k, variable k + l is α⁻ of row k. Kernel
/// columns are cached by row, in the rows' own order; the solver's order lives in
/// `sign`/`row` and each requested column is copied into one of two buffers.
pub(super) struct RegressionQ {
    kernel: KernelFunction,
    rows: DenseRows,
    cache: ColumnCache,
    sign: Vec<i8>,
    row: Vec<usize>,
    buffers: [Vec<f32>; 2],
}

impl RegressionQ {
    pub(super) fn new(kernel: KernelFunction, rows: DenseRows, cache_bytes: usize) -> Self {
        let l = rows.len();
        RegressionQ {
            kernel,
            cache: ColumnCache::new(l, cache_bytes),
            sign: (0..2 * l).map(|k| if k < l { 1 } else { -1 }).collect(),
            row: (0..2 * l).map(|k| k % l.max(1)).collect(),
            buffers: [vec![0.0; 2 * l], vec![0.0; 2 * l]],
            rows,
        }
    }

    /// Column of variable `i` (first `len` entries) into buffer `which`.
    fn load(&mut self, i: usize, len: usize, which: usize) {
        let l = self.rows.len();
        let real = self.row[i];
        let start = self.cache.request(real, l);
        if start < l {
            let (x, square) = (self.rows.row(real), self.rows.square(real));
            let column = &mut self.cache.column_mut(real)[start..l];
            self.kernel.fill(x, square, &self.rows, start, column);
        }
        let data = self.cache.column(real);
        let sign_i = self.sign[i];
        for ((out, &s), &r) in self.buffers[which][..len]
            .iter_mut()
            .zip(&self.sign)
            .zip(&self.row)
        {
            let v = data[r];
            *out = if s == sign_i { v } else { -v };
        }
    }
}

impl QMatrix for RegressionQ {
    fn column(&mut self, i: usize, len: usize) -> &[f32] {
        self.load(i, len, 0);
        &self.buffers[0][..len]
    }

    fn column_pair(&mut self, i: usize, j: usize, len: usize) -> (&[f32], &[f32]) {
        self.load(i, len, 0);
        self.load(j, len, 1);
        (&self.buffers[0][..len], &self.buffers[1][..len])
    }

    fn diagonal(&self) -> Vec<f64> {
        let l = self.rows.len();
        (0..2 * l)
            .map(|k| {
                let (x, s) = (self.rows.row(k % l), self.rows.square(k % l));
                self.kernel.value(x, s, x, s)
            })
            .collect()
    }

    fn swap_index(&mut self, i: usize, j: usize) {
        self.sign.swap(i, j);
        self.row.swap(i, j);
    }
}
