//! Models that misbehave on purpose, to test that one bad model never costs the others.
//!
//! Registered only when the environment variable `MODELBENCH_FAULT_MODELS` is set (the
//! harness tests set it); never part of a normal run.

use ndarray::ArrayView2;
use serde_json::json;

use super::{Fitted, Model, ModelError, ModelFacts, ModelRole, ModelSize, Prediction, TrainSet};
use crate::data::Task;

/// The variable that makes the fault models visible.
pub const FAULT_MODELS_ENV: &str = "MODELBENCH_FAULT_MODELS";

/// How a fault model misbehaves when fitted.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// Panics inside fit.
    Panic,
    /// Aborts the process, as a library stack overflow does.
    Abort,
    /// Sleeps far longer than any test timeout.
    Hang,
    /// Returns an error.
    Error,
    /// Allocates and touches memory, 64 MiB at a time, up to 2 GiB: past any `--max-memory`
    /// the tests set.
    Alloc,
    /// Recurses without end: a real stack overflow, which Rust's guard page turns into an
    /// abort.
    StackOverflow,
}

impl Fault {
    /// Every fault model, in registry order.
    pub const ALL: [Fault; 6] = [
        Fault::Panic,
        Fault::Abort,
        Fault::Hang,
        Fault::Error,
        Fault::Alloc,
        Fault::StackOverflow,
    ];
}

/// Bytes `fault-alloc` allocates in all, and per step.
const ALLOC_TOTAL_BYTES: usize = 2 << 30;
const ALLOC_STEP_BYTES: usize = 64 << 20;

/// Touches every page of ever more memory, keeping it all.
fn allocate_without_end() -> Result<Box<dyn Fitted>, ModelError> {
    let mut kept: Vec<Vec<u8>> = Vec::new();
    while kept.len() * ALLOC_STEP_BYTES < ALLOC_TOTAL_BYTES {
        let mut block = vec![0u8; ALLOC_STEP_BYTES];
        // Writing one byte per page makes the memory resident, not just reserved.
        for page in block.iter_mut().step_by(4096) {
            *page = 1;
        }
        kept.push(std::hint::black_box(block));
    }
    Err(ModelError::new(format!(
        "fault-alloc: allocated {} MiB without reaching a memory limit",
        kept.len() * (ALLOC_STEP_BYTES >> 20)
    )))
}

/// Recurses until the stack runs out; the frame array keeps each call from being optimized
/// into a loop.
fn recurse(depth: u64) -> u64 {
    let frame = std::hint::black_box([depth; 64]);
    if std::hint::black_box(depth) == u64::MAX {
        return 0;
    }
    frame[0]
        .wrapping_add(recurse(depth + 1))
        .wrapping_add(frame[63])
}

pub struct FaultModel(pub Fault);

impl Model for FaultModel {
    fn name(&self) -> &'static str {
        match self.0 {
            Fault::Panic => "fault-panic",
            Fault::Abort => "fault-abort",
            Fault::Hang => "fault-hang",
            Fault::Error => "fault-error",
            Fault::Alloc => "fault-alloc",
            Fault::StackOverflow => "fault-stack-overflow",
        }
    }
    fn description(&self) -> &'static str {
        "test model that fails on purpose (MODELBENCH_FAULT_MODELS)"
    }
    fn facts(&self) -> ModelFacts {
        ModelFacts {
            role: ModelRole::Simple,
            readability_rank: 20,
            cost_rank: 20,
            tuning_grid: &[],
        }
    }
    fn tasks(&self) -> &'static [Task] {
        &[Task::Classification, Task::Regression]
    }
    fn settings(&self) -> serde_json::Value {
        json!({ "fault": format!("{:?}", self.0) })
    }
    fn wants_standardized_features(&self) -> bool {
        false
    }
    fn is_default(&self) -> bool {
        false
    }
    fn fit(&self, _train: &TrainSet) -> Result<Box<dyn Fitted>, ModelError> {
        match self.0 {
            Fault::Panic => panic!("fault-panic: this model panics on purpose"),
            Fault::Abort => std::process::abort(),
            Fault::Hang => {
                std::thread::sleep(std::time::Duration::from_secs(3600));
                Err(ModelError::new("woke up"))
            }
            Fault::Error => Err(ModelError::new("fault-error: this model fails on purpose")),
            Fault::Alloc => allocate_without_end(),
            Fault::StackOverflow => Err(ModelError::new(format!(
                "fault-stack-overflow: recursion returned {}",
                recurse(0)
            ))),
        }
    }
}

/// Never constructed: fault models fail before they are fitted.
impl Fitted for FaultModel {
    fn predict(&self, _features: ArrayView2<f64>) -> Result<Prediction, ModelError> {
        Err(ModelError::new("fault models cannot predict"))
    }
    fn size(&self) -> ModelSize {
        ModelSize::default()
    }
}
