//! Evaluation: fold assignment, metrics, memory and time measurement, and the runner that
//! executes every cell (dataset × model × fold) in an isolated worker process and records it.

pub mod cell;
pub mod experiments;
pub mod folds;
pub mod heap;
pub mod memory;
pub mod metrics;
pub mod results;
pub mod runner;
pub mod worker;
