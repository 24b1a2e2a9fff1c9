//! A forest tree's row sample, as scikit-learn draws it: `n` rows uniformly with replacement,
//! counted as sample weights; rows never drawn are left out of the tree.

use crate::rng::SeededRng;

/// Draws `rows` rows with replacement: returns each row's weight (times drawn) and the rows
/// drawn at least once, in increasing order.
pub(in crate::models) fn bootstrap(rows: usize, rng: &mut SeededRng) -> (Vec<f64>, Vec<u32>) {
    let mut weights = vec![0.0; rows];
    for _ in 0..rows {
        weights[rng.below(rows)] += 1.0;
    }
    let samples = (0..rows)
        .filter(|&i| weights[i] > 0.0)
        .map(|i| i as u32)
        .collect();
    (weights, samples)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_n_rows_with_replacement_and_keeps_the_drawn_ones() {
        let mut rng = SeededRng::new(5);
        let (weights, samples) = bootstrap(1000, &mut rng);
        assert_eq!(weights.iter().sum::<f64>(), 1000.0);
        assert!(samples.iter().all(|&i| weights[i as usize] > 0.0));
        assert_eq!(samples.len(), weights.iter().filter(|&&w| w > 0.0).count());
        // About 1 - 1/e of the rows are drawn at least once.
        assert!((580..=680).contains(&samples.len()), "{}", samples.len());
        let again = bootstrap(1000, &mut SeededRng::new(5));
        assert_eq!(again.1, samples);
    }
}
