//! Per-node gradient/hessian histograms over the binned features.
//!
//! One histogram holds, for every feature and code, the sums of gradients and hessians and the
//! row count of a node's rows. Features are laid out back to back with only their codes in use
//! (a feature with 17 distinct values takes 17 slots, not 256), so building, subtracting and
//! scanning touch no empty space. A node's larger child is never built: it is its parent's
//! histogram minus the smaller child's (the sibling-subtraction trick), done in the parent's
//! buffer.

use super::binning::{BinMapper, BinnedRows};

/// Sums over the rows whose code falls in one bin.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BinStats {
    pub gradient: f64,
    pub hessian: f64,
    pub count: u32,
}

/// Where each feature's bins start in a histogram.
#[derive(Debug, Clone)]
pub struct HistogramLayout {
    /// `offsets[f]..offsets[f + 1]` are feature `f`'s bins; the last entry is the total.
    offsets: Vec<usize>,
}

impl HistogramLayout {
    pub fn new(mapper: &BinMapper) -> Self {
        let mut offsets = Vec::with_capacity(mapper.features() + 1);
        let mut total = 0;
        offsets.push(0);
        for f in 0..mapper.features() {
            total += mapper.n_bins(f);
            offsets.push(total);
        }
        HistogramLayout { offsets }
    }

    pub fn total_bins(&self) -> usize {
        *self.offsets.last().expect("offsets start with 0")
    }

    pub fn features(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Feature `f`'s slice of a histogram.
    pub fn feature<'h>(&self, histogram: &'h [BinStats], f: usize) -> &'h [BinStats] {
        &histogram[self.offsets[f]..self.offsets[f + 1]]
    }

    /// Adds `rows` (indices into the binned rows) to a zeroed `histogram`. With a constant
    /// hessian (squared error) the hessian sums are left at zero: the count stands in for them.
    ///
    /// One feature at a time: the rows' gradients (and hessians) are gathered into `ordered`
    /// once, then each feature's column is read for those rows into that feature's bins, which
    /// stay in the L1 cache. Each bin still receives its rows in the order of `rows`, so the
    /// sums are the same, bit for bit, as adding row after row. A feature with a single bin
    /// (constant on the training rows) cannot be split on and is left at zero.
    ///
    /// `binned` must have been coded with the same bin counts as this layout (checked: O(p)),
    /// so every code of feature `f` is below its bin count and the inner loop can skip its
    /// bounds checks.
    pub fn build(
        &self,
        histogram: &mut [BinStats],
        binned: &BinnedRows,
        rows: &[u32],
        gradients: &[f64],
        hessians: Option<&[f64]>,
        ordered: &mut OrderedGradients,
    ) {
        let features = self.features();
        assert_eq!(
            histogram.len(),
            self.total_bins(),
            "histogram of another layout"
        );
        assert!(
            binned.bin_counts().len() == features
                && (0..features)
                    .all(|f| binned.bin_counts()[f] == self.offsets[f + 1] - self.offsets[f]),
            "binned rows of another bin mapper"
        );
        assert!(
            rows.iter().all(|&r| (r as usize) < binned.rows()),
            "row index beyond the binned rows"
        );
        ordered.gradients.clear();
        ordered
            .gradients
            .extend(rows.iter().map(|&r| gradients[r as usize]));
        ordered.hessians.clear();
        if let Some(h) = hessians {
            ordered.hessians.extend(rows.iter().map(|&r| h[r as usize]));
        }
        for f in 0..features {
            let bins = &mut histogram[self.offsets[f]..self.offsets[f + 1]];
            if bins.len() < 2 {
                continue;
            }
            let column = binned.column(f);
            // SAFETY (both loops): every r < binned.rows() == column.len() (checked above), and
            // a code of feature f is below its bin count == bins.len() (see above).
            if hessians.is_some() {
                for ((&r, &g), &h) in rows.iter().zip(&ordered.gradients).zip(&ordered.hessians) {
                    let code = unsafe { *column.get_unchecked(r as usize) };
                    let bin = unsafe { bins.get_unchecked_mut(code as usize) };
                    bin.gradient += g;
                    bin.hessian += h;
                    bin.count += 1;
                }
            } else {
                for (&r, &g) in rows.iter().zip(&ordered.gradients) {
                    let code = unsafe { *column.get_unchecked(r as usize) };
                    let bin = unsafe { bins.get_unchecked_mut(code as usize) };
                    bin.gradient += g;
                    bin.count += 1;
                }
            }
        }
    }
}

/// Reusable buffers for [`HistogramLayout::build`]: a node's gradients and hessians in the
/// order of its rows.
#[derive(Debug, Default)]
pub struct OrderedGradients {
    gradients: Vec<f64>,
    hessians: Vec<f64>,
}

/// Turns a parent's histogram into its other child's: `parent -= child`.
pub fn subtract_in_place(parent: &mut [BinStats], child: &[BinStats]) {
    for (p, c) in parent.iter_mut().zip(child) {
        p.gradient -= c.gradient;
        p.hessian -= c.hessian;
        p.count -= c.count;
    }
}

/// Reusable histogram buffers, so growing a tree allocates nothing after the first tree.
#[derive(Debug, Default)]
pub struct HistogramPool {
    free: Vec<Vec<BinStats>>,
    bins: usize,
}

impl HistogramPool {
    pub fn new(bins: usize) -> Self {
        HistogramPool {
            free: Vec::new(),
            bins,
        }
    }

    /// A zeroed histogram.
    pub fn take(&mut self) -> Vec<BinStats> {
        match self.free.pop() {
            Some(mut histogram) => {
                histogram.fill(BinStats::default());
                histogram
            }
            None => vec![BinStats::default(); self.bins],
        }
    }

    pub fn give_back(&mut self, histogram: Vec<BinStats>) {
        self.free.push(histogram);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn sibling_subtraction_equals_building_the_sibling() {
        // Two features with 3 and 2 distinct values: 5 slots in all.
        let x =
            Array2::from_shape_vec((4, 2), vec![0.0, 5.0, 1.0, 5.0, 2.0, 6.0, 1.0, 6.0]).unwrap();
        let mapper = BinMapper::fit(x.view(), &[0, 1, 2, 3], 255, 0);
        let layout = HistogramLayout::new(&mapper);
        assert_eq!(layout.total_bins(), 5);
        let binned = mapper.transform(x.view(), &[0, 1, 2, 3]);
        let g = [1.0, 2.0, 3.0, 4.0];
        let h = [0.5, 0.5, 0.25, 0.25];
        let mut ordered = OrderedGradients::default();
        let mut parent = vec![BinStats::default(); 5];
        layout.build(
            &mut parent,
            &binned,
            &[0, 1, 2, 3],
            &g,
            Some(&h),
            &mut ordered,
        );
        // Feature 0, code 1 (value 1.0) holds rows 1 and 3: gradient 2 + 4.
        assert_eq!(
            layout.feature(&parent, 0)[1],
            BinStats {
                gradient: 6.0,
                hessian: 0.75,
                count: 2
            }
        );
        let mut left = vec![BinStats::default(); 5];
        layout.build(&mut left, &binned, &[0, 2], &g, Some(&h), &mut ordered);
        let mut right = vec![BinStats::default(); 5];
        layout.build(&mut right, &binned, &[1, 3], &g, Some(&h), &mut ordered);
        subtract_in_place(&mut parent, &left);
        assert_eq!(parent, right);
    }
}
