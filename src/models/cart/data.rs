//! The training data as the grower reads it: one contiguous column per feature (copied once
//! per fit; a forest's trees share it) and the target.

use ndarray::ArrayView2;

/// Feature-major copy of the training features: feature `f` is `values[f * rows..(f + 1) * rows]`.
#[derive(Debug, Clone)]
pub(in crate::models) struct Columns {
    values: Vec<f64>,
    rows: usize,
    features: usize,
}

impl Columns {
    pub(in crate::models) fn new(x: ArrayView2<f64>) -> Self {
        let (rows, features) = x.dim();
        let mut values = Vec::with_capacity(rows * features);
        for column in x.columns() {
            values.extend(column.iter().copied());
        }
        Columns {
            values,
            rows,
            features,
        }
    }

    pub(super) fn rows(&self) -> usize {
        self.rows
    }

    pub(super) fn features(&self) -> usize {
        self.features
    }

    pub(super) fn column(&self, feature: usize) -> &[f64] {
        &self.values[feature * self.rows..(feature + 1) * self.rows]
    }
}

/// What a tree predicts: class indices below `n_classes` (Gini) or values (squared error).
#[derive(Debug, Clone, Copy)]
pub(in crate::models) enum Target<'a> {
    Classes { labels: &'a [u32], n_classes: usize },
    Values(&'a [f64]),
}

impl Target<'_> {
    /// Numbers stored per leaf: class fractions, or one value.
    pub(super) fn outputs(&self) -> usize {
        match self {
            Target::Classes { n_classes, .. } => *n_classes,
            Target::Values(_) => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn columns_are_feature_major() {
        let x = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
        let c = Columns::new(x.view());
        assert_eq!((c.rows(), c.features()), (3, 2));
        assert_eq!(c.column(0), &[1.0, 3.0, 5.0]);
        assert_eq!(c.column(1), &[2.0, 4.0, 6.0]);
    }
}
