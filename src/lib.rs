//! # modelbench
//!
//! Is a neural network worth it on your data? modelbench trains the sigmoid network of "The
//! Truth about Neural Networks" beside decision trees, SVMs and other simple models on the same
//! cross-validation folds, and reports accuracy, time and size so the choice is a measurement.
//!
//! The data's way through the program:
//!
//! ```text
//! CSV file ──data::load_csv──▶ Dataset ──▶ (compare: folds × models) ──▶ results
//!          ──analysis::analyse──▶ ReportDocument ──render──▶ terminal answer, reports
//! ```
//!
//! - [`data`]: CSV loading that survives real files, with errors that say where.
//! - [`nn`]: the article's sigmoid network, on ndarray, f32 or f64.
//! - [`article`]: the article's two worked examples, reproduced.
//! - [`eval`]: folds, metrics, worker processes, the runner and the results model.
//! - [`analysis`]: results → the analysis document: summaries, comparisons, claims, and the
//!   decision rules (pick and verdict) computed once; pure and typed.
//! - [`render`]: the analysis in words: terminal answer, Markdown, HTML, CSV, charts.
//! - [`commands`]: one function per subcommand, called by the thin binary.
//! - [`rng`]: the seeded generator behind every random choice.
//! - [`persist`]: the saved-model file (`fit`, `pick --save`), `predict` and ONNX `export`.

pub mod analysis;
pub mod article;
pub mod cli;
pub mod commands;
pub mod data;
pub mod eval;
pub mod models;
pub mod nn;
pub mod persist;
pub mod render;
pub mod rng;
pub mod stats;
