//! Statistics for comparing models: are the differences real?
//!
//! - Per data set, one model against the best on the same folds: [`corrected_t_test`] (the
//!   Nadeau-Bengio corrected resampled t-test, with a confidence interval of the difference) and
//!   [`bayesian_rope`] (posterior probabilities below, inside and above a region of practical
//!   equivalence).
//! - Across data sets (Demšar 2006): [`average_ranks`], the [`friedman`] test with the
//!   Iman-Davenport F, the [`nemenyi_critical_difference`] and the [`nemenyi_groups`] a
//!   critical-difference diagram joins.
//! - Multiplicity: [`holm_adjust`] for the tests of every model against the post-hoc best.
//! - Underneath: [`distributions`] (Student's t, chi-squared and F), on our own regularized
//!   incomplete beta and gamma functions; no statistics crate.
//!
//! Every number is checked in the tests against SciPy on fixed inputs; the reference script is
//! `benches/reference/stats_reference.py`.
//!
//! Pure functions only: no printing, no I/O, no model or data-set types. Invalid input (too few
//! values, NaN) gives `None` rather than a NaN result; drawing the diagram and wording the
//! verdict are the report's job.

pub mod corrected;
pub mod distributions;
pub mod json_float;
pub mod multiplicity;
pub mod ranking;
mod special;

pub use corrected::{bayesian_rope, corrected_t_test, CorrectedTTest, RopeProbabilities};
pub use distributions::{chi_squared_sf, f_sf, student_t_cdf, student_t_quantile, student_t_sf};
pub use multiplicity::holm_adjust;
pub use ranking::{
    average_ranks, friedman, nemenyi_critical_difference, nemenyi_groups, FriedmanTest,
};
