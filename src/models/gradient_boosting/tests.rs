//! Worked cases for `gradient-boosting`: functions it must learn, and hostile training sets
//! (constant features, one class, a class only in the validation split, one row per leaf).

use approx::assert_abs_diff_eq;
use ndarray::{array, Array2};

use super::booster::Booster;
use super::*;
use crate::models::{fit_and_classify, TargetSlice};
use crate::rng::SeededRng;

fn regress(model: &dyn Model, x: &Array2<f64>, y: &[f64], test: &Array2<f64>) -> Vec<f64> {
    let train = TrainSet::new(x.view(), TargetSlice::Values(y), 0).expect("valid test data");
    match model
        .fit(&train)
        .expect("fits")
        .predict(test.view())
        .expect("predicts")
    {
        Prediction::Values(v) => v,
        other => panic!("regressor returned {other:?}"),
    }
}

fn booster_of(
    model: &GradientBoosting,
    x: &Array2<f64>,
    labels: &[usize],
    classes: usize,
) -> Booster {
    let loss = if classes == 2 {
        Loss::Binomial
    } else {
        Loss::Multinomial { classes }
    };
    Booster::fit(
        x.view(),
        &Targets::Classes(labels.to_vec()),
        loss,
        &model.settings,
        7,
    )
}

#[test]
fn learns_a_step_function_exactly() {
    // y jumps from 0 to 10 at x = 50: the first tree finds the step; each round removes 10% of
    // what is left, so after 100 rounds 0.9^100 * 5 ≈ 1.3e-4 remains.
    let x = Array2::from_shape_fn((100, 1), |(i, _)| i as f64);
    let y: Vec<f64> = (0..100).map(|i| if i < 50 { 0.0 } else { 10.0 }).collect();
    let predicted = regress(
        &GradientBoosting::default(),
        &x,
        &y,
        &array![[3.0], [49.0], [50.0], [97.0]],
    );
    for (p, want) in predicted.iter().zip([0.0, 0.0, 10.0, 10.0]) {
        assert_abs_diff_eq!(*p, want, epsilon = 1e-3);
    }
}

#[test]
fn fits_a_smooth_regression_closely() {
    let x = Array2::from_shape_fn((400, 2), |(i, j)| {
        if j == 0 {
            i as f64 / 40.0
        } else {
            (i % 7) as f64
        }
    });
    let y: Vec<f64> = x.column(0).iter().map(|v| v.sin() * 3.0).collect();
    let predicted = regress(&GradientBoosting::default(), &x, &y, &x);
    let mean = y.iter().sum::<f64>() / y.len() as f64;
    let residual: f64 = y.iter().zip(&predicted).map(|(a, b)| (a - b).powi(2)).sum();
    let total: f64 = y.iter().map(|a| (a - mean).powi(2)).sum();
    assert!(
        1.0 - residual / total > 0.99,
        "R² {}",
        1.0 - residual / total
    );
}

/// 40 rows per class along feature 0, well apart, plus a noise feature.
fn blobs(classes: usize) -> (Array2<f64>, Vec<usize>) {
    let rows = 40 * classes;
    let x = Array2::from_shape_fn((rows, 2), |(i, j)| {
        if j == 0 {
            (i / 40) as f64 * 10.0 + (i % 40) as f64 * 0.1
        } else {
            (i * 7 % 11) as f64
        }
    });
    (x, (0..rows).map(|i| i / 40).collect())
}

#[test]
fn separates_two_and_four_classes_with_probabilities() {
    for classes in [2, 4] {
        let (x, labels) = blobs(classes);
        let test = Array2::from_shape_fn((classes, 2), |(i, j)| {
            if j == 0 {
                i as f64 * 10.0 + 2.0
            } else {
                3.0
            }
        });
        let (predicted, p) =
            fit_and_classify(&GradientBoosting::default(), &x, &labels, classes, &test);
        assert_eq!(predicted, (0..classes).collect::<Vec<_>>());
        for row in p.rows() {
            assert_abs_diff_eq!(row.sum(), 1.0, epsilon = 1e-12);
            assert!(row.iter().all(|v| (0.0..=1.0).contains(v)));
        }
        // Binary: one tree per round; K classes: K trees per round.
        let booster = booster_of(&GradientBoosting::default(), &x, &labels, classes);
        let per_round = if classes == 2 { 1 } else { classes };
        assert_eq!(booster.trees.len(), 100 * per_round);
        assert_eq!(booster.rounds, 100);
    }
}

#[test]
fn same_seed_same_model_and_it_serializes() {
    let (x, labels) = blobs(3);
    let model = GradientBoosting::default();
    let a = booster_of(&model, &x, &labels, 3);
    assert!(
        a == booster_of(&model, &x, &labels, 3),
        "same seed, other booster"
    );
    // JSON keeps floats to within a rounding step (serde_json without float_roundtrip).
    let text = serde_json::to_string(&a).expect("a booster is plain data");
    let back: Booster = serde_json::from_str(&text).expect("and reads back");
    assert_eq!(back.trees.len(), a.trees.len());
    let (before, after) = (a.raw_scores(x.view()), back.raw_scores(x.view()));
    assert!(before
        .iter()
        .zip(&after)
        .all(|(p, q)| (p - q).abs() < 1e-12));
}

#[test]
fn constant_features_give_the_class_prior() {
    // Nothing to split on: every tree is one leaf, so the probabilities stay the training
    // frequencies, 3/4 and 1/4 (up to float rounding).
    let x = Array2::from_elem((40, 3), 5.0);
    let labels: Vec<usize> = (0..40).map(|i| usize::from(i % 4 == 0)).collect();
    let (predicted, p) = fit_and_classify(&GradientBoosting::default(), &x, &labels, 2, &x);
    assert!(predicted.iter().all(|&l| l == 0));
    assert_abs_diff_eq!(p[[0, 1]], 0.25, epsilon = 1e-9);
    let booster = booster_of(&GradientBoosting::default(), &x, &labels, 2);
    assert!(booster.trees.iter().all(|t| t.len() == 1));
}

#[test]
fn a_fold_with_one_class_predicts_that_class() {
    let (x, _) = blobs(2);
    let labels = vec![1; x.nrows()];
    for classes in [2, 3] {
        let (predicted, p) =
            fit_and_classify(&GradientBoosting::default(), &x, &labels, classes, &x);
        assert!(predicted.iter().all(|&l| l == 1));
        assert!(p.iter().all(|v| v.is_finite()));
        assert!(p[[0, 1]] > 0.999);
    }
}

#[test]
fn a_class_in_training_but_not_in_the_validation_split_is_handled() {
    // With early stopping on, a one-row class 2 among 80 + 1 rows gets no validation row (see
    // `booster`'s split test), so the validation loss never sees it; with 60 + 1 rows the same.
    // Neither may fail, and the probabilities stay finite. (A class absent from training
    // altogether is `a_fold_with_one_class_predicts_that_class`.)
    let model = GradientBoosting::default()
        .with_settings("early_stopping=1")
        .expect("a valid setting");
    for per_class in [40, 30] {
        let rows = 2 * per_class + 1;
        let x = Array2::from_shape_fn(
            (rows, 2),
            |(i, j)| if j == 0 { i as f64 } else { (i % 3) as f64 },
        );
        let labels: Vec<usize> = (0..rows)
            .map(|i| if i == rows - 1 { 2 } else { i / per_class })
            .collect();
        let target = TargetSlice::Classes {
            labels: &labels,
            n_classes: 3,
        };
        let train = TrainSet::new(x.view(), target, 1).expect("valid");
        let Prediction::Classes {
            labels: predicted,
            scores,
        } = model
            .fit(&train)
            .expect("fits")
            .predict(x.view())
            .expect("predicts")
        else {
            panic!("classifier returned values")
        };
        assert_eq!(predicted[0], 0);
        assert!(scores.expect("scores").values.iter().all(|v| v.is_finite()));
    }
}

#[test]
fn one_row_per_leaf_and_tiny_sets_fit() {
    // With min_samples_leaf=1 each of four distinct rows can get its own leaf.
    let x = array![[0.0], [1.0], [2.0], [3.0]];
    let y = [0.0, 10.0, 20.0, 30.0];
    let model = GradientBoosting::default()
        .with_settings("min_samples_leaf=1;learning_rate=1")
        .expect("valid settings");
    let predicted = regress(model.as_ref(), &x, &y, &x);
    for (p, want) in predicted.iter().zip(y) {
        assert_abs_diff_eq!(*p, want, epsilon = 1e-9);
    }
    // Defaults on two rows: too few to split, so the mean.
    let predicted = regress(
        &GradientBoosting::default(),
        &array![[0.0], [1.0]],
        &[1.0, 3.0],
        &array![[5.0]],
    );
    assert_abs_diff_eq!(predicted[0], 2.0, epsilon = 1e-12);
}

#[test]
fn early_stopping_runs_only_above_ten_thousand_rows() {
    // Labels independent of the features: the validation loss stops improving at once, so
    // above 10,000 rows boosting stops early; at 10,000 it runs all 100 rounds.
    let mut rng = SeededRng::new(3);
    let rows = 12_000;
    let x = Array2::from_shape_fn((rows, 2), |_| rng.next_f64());
    let labels: Vec<usize> = (0..rows).map(|_| rng.below(2)).collect();
    let fewer = GradientBoosting::default()
        .with_settings("max_iter=30")
        .expect("valid");
    let model = GradientBoosting {
        settings: BoostSettings {
            max_iter: 30,
            ..BoostSettings::default()
        },
    };
    let stopped = booster_of(&model, &x, &labels, 2);
    assert!(stopped.rounds < 30, "ran {} rounds", stopped.rounds);
    let small = x.slice(ndarray::s![..10_000, ..]).to_owned();
    let all = booster_of(&model, &small, &labels[..10_000], 2);
    assert_eq!(all.rounds, 30);
    assert!(fewer.with_settings("max_iter=0").is_err());
}

#[test]
fn settings_are_checked_and_the_grid_is_accepted() {
    let model = GradientBoosting::default();
    for spec in model.facts().tuning_grid {
        assert!(model.with_settings(spec).is_ok(), "{spec}");
    }
    for bad in [
        "learning_rate=0",
        "max_leaf_nodes=1",
        "max_bins=256",
        "max_iter=2.5",
        "depth=3",
    ] {
        let err = model.with_settings(bad).err().expect("refused");
        assert!(err.0.contains("gradient-boosting cannot set"), "{err}");
    }
}

#[test]
fn predicting_other_columns_is_an_error_and_size_counts_trees() {
    let (x, labels) = blobs(2);
    let train = TrainSet::new(
        x.view(),
        TargetSlice::Classes {
            labels: &labels,
            n_classes: 2,
        },
        0,
    )
    .expect("valid");
    let fitted = GradientBoosting::default().fit(&train).expect("fits");
    let err = fitted.predict(array![[1.0]].view()).expect_err("refused");
    assert!(err.0.contains("fitted on 2 features but got 1"), "{err}");
    let size = fitted.size();
    let (nodes, leaves) = (
        size.tree_nodes.expect("nodes"),
        size.leaves.expect("leaves"),
    );
    // Every split adds one leaf: nodes = 2 * leaves - trees.
    assert_eq!(nodes, 2 * leaves - 100);
    assert!(size.tree_depth.expect("depth") >= 1);
}
