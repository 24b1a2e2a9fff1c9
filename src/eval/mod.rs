//! Evaluation: fold assignment, metrics, memory and time measurement; the protocol and the
//! pure planner of cells (dataset × model × fold × experiment); the executors that run a cell
//! (worker processes, in process); the local runner, the distributed run folder (plan,
//! run-cell, collect) and the results log.

pub mod cell;
pub mod cell_selection;
pub mod executor;
pub mod experiments;
pub mod folds;
pub mod heap;
pub mod host;
pub mod interrupt;
pub mod memory;
pub mod metrics;
pub mod plan;
pub mod plan_folder;
pub mod protocol;
pub mod results;
pub mod run_folder;
pub mod runner;
pub mod sources;
pub mod worker;
