//! From a run's results to the analysis document: per-model summaries, each model against the
//! best (corrected t-test with Holm's adjustment, Bayesian ROPE), the article's seven claims,
//! the recommendation (the one Occam rule) and the verdict, and the ranking across datasets.
//!
//! Pure and typed: no I/O, no sentences for people (the renderers in [`crate::render`] put
//! these values into words), and no knowledge of model names (a model's role, readability and
//! cost come from the facts recorded in the results).

pub mod analyse;
pub mod claims;
pub mod decision;
pub mod document;
pub mod recommend;
pub mod summary;
pub mod warnings;

pub use analyse::analyse;
