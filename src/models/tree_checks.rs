//! Test-only: behaviour every tree and forest model shares, written once and run against each
//! implementation (our CART engine and smartcore's), so the suites cannot drift apart.

use ndarray::{array, Array2, ArrayView2};

use super::{Fitted, Model, Prediction, TargetSlice, TrainSet};

/// Fits `model` on class labels with seed `seed`.
pub(super) fn fit_classes(
    model: &dyn Model,
    x: &Array2<f64>,
    labels: &[usize],
    n_classes: usize,
    seed: u64,
) -> Box<dyn Fitted> {
    let target = TargetSlice::Classes { labels, n_classes };
    model
        .fit(&TrainSet::new(x.view(), target, seed).unwrap())
        .unwrap()
}

/// 30 rows on a line per class, well apart, plus a noise feature.
pub(super) fn blobs(n_classes: usize) -> (Array2<f64>, Vec<usize>) {
    let rows = 30 * n_classes;
    let x = Array2::from_shape_fn((rows, 2), |(i, j)| {
        if j == 0 {
            (i / 30) as f64 * 10.0 + (i % 30) as f64 * 0.1
        } else {
            (i * 7 % 11) as f64
        }
    });
    (x, (0..rows).map(|i| i / 30).collect())
}

/// The labels and class scores `fitted` predicts for `x`.
pub(super) fn predict_classes(
    fitted: &dyn Fitted,
    x: ArrayView2<f64>,
) -> (Vec<usize>, Array2<f64>) {
    match fitted.predict(x).unwrap() {
        Prediction::Classes {
            labels,
            scores: Some(s),
        } => (labels, s.values),
        other => panic!("unexpected {other:?}"),
    }
}

/// Classes 0, 2 and 3 of 4 (class 1 has no training row, so no column gets a score); the tree
/// needs depth 2.
pub(super) fn three_classes_including_one_absent_from_training(model: &dyn Model) {
    let x = array![[0.0], [0.5], [2.0], [2.5], [4.0], [4.5]];
    let fitted = fit_classes(model, &x, &[0, 0, 2, 2, 3, 3], 4, 7);
    let (labels, scores) = predict_classes(fitted.as_ref(), array![[0.2], [2.2], [9.0]].view());
    assert_eq!(labels, vec![0, 2, 3]);
    assert_eq!(scores.column(1).sum(), 0.0);
    assert_eq!(fitted.size().tree_depth, Some(2));
}

/// A regression tree splits a step once and predicts each side's value.
pub(super) fn regression_tree_fits_a_step_exactly(model: &dyn Model) {
    let x = array![[0.0], [1.0], [2.0], [3.0]];
    let y = [1.0, 1.0, 5.0, 5.0];
    let train = TrainSet::new(x.view(), TargetSlice::Values(&y), 0).unwrap();
    let fitted = model.fit(&train).unwrap();
    assert_eq!(
        fitted.predict(array![[0.4], [2.6]].view()).unwrap(),
        Prediction::Values(vec![1.0, 5.0])
    );
    assert_eq!(fitted.size().leaves, Some(2));
}

/// A forest separates two and three blobs, its class scores sum to one per row, and it has at
/// least a node and a leaf per tree. Returns the three-class forest for further checks.
pub(super) fn forest_separates_blobs(model: &dyn Model) -> Box<dyn Fitted> {
    let mut last = None;
    for n_classes in [2, 3] {
        let (x, labels) = blobs(n_classes);
        let fitted = fit_classes(model, &x, &labels, n_classes, 3);
        let (predicted, scores) = predict_classes(fitted.as_ref(), x.view());
        assert_eq!(predicted, labels);
        for row in scores.rows() {
            assert!(
                (row.sum() - 1.0).abs() <= 1e-12,
                "scores sum to {}",
                row.sum()
            );
        }
        let size = fitted.size();
        assert!(size.tree_nodes.unwrap() >= 100 && size.leaves.unwrap() >= 100);
        last = Some(fitted);
    }
    last.expect("two fits ran")
}

/// The same seed gives the same forest; another seed a different one.
pub(super) fn forest_is_seeded(model: &dyn Model) {
    let (x, labels) = blobs(3);
    let probe = array![[9.5, 3.0], [19.6, 1.0]];
    let fit = |seed| {
        let fitted = fit_classes(model, &x, &labels, 3, seed);
        (
            predict_classes(fitted.as_ref(), probe.view()).1,
            fitted.size(),
        )
    };
    assert_eq!(fit(1), fit(1));
    assert_ne!(fit(1), fit(2));
}

/// A regression forest predicts each side of a step and refuses rows with other columns.
pub(super) fn regression_forest_follows_a_step(model: &dyn Model) {
    let x = Array2::from_shape_fn((40, 1), |(i, _)| i as f64);
    let y: Vec<f64> = (0..40).map(|i| if i < 20 { 1.0 } else { 5.0 }).collect();
    let train = TrainSet::new(x.view(), TargetSlice::Values(&y), 0).unwrap();
    let fitted = model.fit(&train).unwrap();
    let Prediction::Values(values) = fitted.predict(array![[2.0], [35.0]].view()).unwrap() else {
        panic!("regressor returned classes")
    };
    assert!(
        (values[0] - 1.0).abs() <= 1e-9 && (values[1] - 5.0).abs() <= 1e-9,
        "{values:?}"
    );
    assert!(fitted.predict(array![[1.0, 2.0]].view()).is_err());
}
