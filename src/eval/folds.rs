//! Repeated k-fold assignment: stratified for classification (every fold keeps the class
//! ratios, even for classes with fewer rows than folds), plain for regression.

use serde::{Deserialize, Serialize};

use super::results::DatasetRecord;
use crate::rng::SeededRng;

/// The fold of every row, for every repeat: `assignments[repeat][row]` is in `0..folds`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoldPlan {
    pub folds: usize,
    pub assignments: Vec<Vec<usize>>,
}

impl FoldPlan {
    /// Stratified k-fold: each class's rows are shuffled and dealt round-robin over the folds,
    /// each class starting where the previous one stopped, so fold sizes differ by at most one
    /// and a class of m rows puts at most ceil(m / k) rows in any fold.
    pub fn stratified(
        labels: &[usize],
        n_classes: usize,
        folds: usize,
        repeats: usize,
        seed: u64,
    ) -> Self {
        let assignments = (0..repeats)
            .map(|repeat| {
                let mut rng = SeededRng::derive(seed, repeat as u64);
                let mut by_class: Vec<Vec<usize>> = vec![Vec::new(); n_classes];
                for (row, &label) in labels.iter().enumerate() {
                    by_class[label].push(row);
                }
                let mut fold_of = vec![0; labels.len()];
                let mut next = rng.below(folds);
                for rows in &mut by_class {
                    rng.shuffle(rows);
                    for &row in rows.iter() {
                        fold_of[row] = next;
                        next = (next + 1) % folds;
                    }
                }
                fold_of
            })
            .collect();
        FoldPlan { folds, assignments }
    }

    /// Plain k-fold over shuffled rows.
    pub fn plain(rows: usize, folds: usize, repeats: usize, seed: u64) -> Self {
        let assignments = (0..repeats)
            .map(|repeat| {
                let mut rng = SeededRng::derive(seed, repeat as u64);
                let mut order: Vec<usize> = (0..rows).collect();
                rng.shuffle(&mut order);
                let mut fold_of = vec![0; rows];
                for (position, &row) in order.iter().enumerate() {
                    fold_of[row] = position % folds;
                }
                fold_of
            })
            .collect();
        FoldPlan { folds, assignments }
    }

    pub fn repeats(&self) -> usize {
        self.assignments.len()
    }

    /// Training and test row indices of one fold of one repeat.
    pub fn split(&self, repeat: usize, fold: usize) -> (Vec<usize>, Vec<usize>) {
        let mut train = Vec::new();
        let mut test = Vec::new();
        for (row, &f) in self.assignments[repeat].iter().enumerate() {
            if f == fold {
                test.push(row);
            } else {
                train.push(row);
            }
        }
        (train, test)
    }
}

/// A warning when some class has fewer rows than there are folds: stratification cannot put
/// one of its rows in every test fold, so those folds never test it and its share of the score
/// varies from fold to fold. `None` when every class has at least `folds` rows.
pub fn small_classes_warning(record: &DatasetRecord) -> Option<String> {
    let folds = record.fold_plan.as_ref()?.folds;
    small_classes_text(&record.class_names, &record.class_counts, folds)
}

/// [`small_classes_warning`] from class names, rows per class and the fold count.
pub fn small_classes_text(names: &[String], counts: &[usize], folds: usize) -> Option<String> {
    let small: Vec<String> = names
        .iter()
        .zip(counts)
        .filter(|(_, &count)| count < folds)
        .map(|(name, count)| format!("'{name}' ({count})"))
        .collect();
    if small.is_empty() {
        return None;
    }
    let (subject, verb) = if small.len() == 1 {
        ("class", "has")
    } else {
        ("classes", "have")
    };
    Some(format!(
        "{subject} {} {verb} fewer rows than the {folds} folds, so some test folds never see them and their scores vary by fold; lower --folds or collect more rows of them",
        small.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_classes_are_named_only_below_the_fold_count() {
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        assert_eq!(small_classes_text(&names, &[50, 5, 9], 5), None);
        let one = small_classes_text(&names, &[50, 4, 9], 5).expect("b has 4 < 5 rows");
        assert!(
            one.starts_with("class 'b' (4) has fewer rows than the 5 folds"),
            "{one}"
        );
        let two = small_classes_text(&names, &[1, 4, 9], 5).expect("a and b are small");
        assert!(two.starts_with("classes 'a' (1), 'b' (4) have"), "{two}");
        assert_eq!(
            small_classes_text(&[], &[], 5),
            None,
            "regression: no classes"
        );
    }

    #[test]
    fn stratified_folds_partition_rows_and_keep_class_ratios() {
        // 60 of class 0, 30 of class 1, 7 of class 2, and 3 of class 3 (fewer rows than folds).
        let mut labels = vec![0; 60];
        labels.extend(vec![1; 30]);
        labels.extend(vec![2; 7]);
        labels.extend(vec![3; 3]);
        let plan = FoldPlan::stratified(&labels, 4, 5, 2, 11);
        for repeat in 0..2 {
            let mut seen = vec![0; labels.len()];
            for fold in 0..5 {
                let (train, test) = plan.split(repeat, fold);
                assert_eq!(train.len() + test.len(), labels.len());
                test.iter().for_each(|&r| seen[r] += 1);
                // 100 rows over 5 folds: 20 each.
                assert_eq!(test.len(), 20);
                let count = |c| test.iter().filter(|&&r| labels[r] == c).count();
                assert_eq!(count(0), 12);
                assert_eq!(count(1), 6);
                assert!(
                    (1..=2).contains(&count(2)),
                    "class of 7 rows: 1 or 2 per fold"
                );
                assert!(count(3) <= 1, "class of 3 rows: at most one per fold");
            }
            assert!(
                seen.iter().all(|&s| s == 1),
                "every row is in exactly one test fold"
            );
        }
        assert_ne!(
            plan.assignments[0], plan.assignments[1],
            "repeats reshuffle"
        );
        assert_eq!(
            plan,
            FoldPlan::stratified(&labels, 4, 5, 2, 11),
            "same seed, same folds"
        );
    }

    #[test]
    fn plain_folds_partition_rows_evenly() {
        let plan = FoldPlan::plain(23, 5, 1, 3);
        let mut sizes = vec![0; 5];
        plan.assignments[0].iter().for_each(|&f| sizes[f] += 1);
        assert_eq!(sizes, vec![5, 5, 5, 4, 4]);
    }
}
