//! Models that misbehave on purpose, to test that one bad model never costs the others.
//!
//! Registered only when the environment variable `MODELBENCH_FAULT_MODELS` is set (the
//! harness tests set it); never part of a normal run.

use ndarray::ArrayView2;
use serde_json::json;

use super::{Fitted, Model, ModelError, ModelSize, Prediction, TrainSet};
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
}

pub struct FaultModel(pub Fault);

impl Model for FaultModel {
    fn name(&self) -> &'static str {
        match self.0 {
            Fault::Panic => "fault-panic",
            Fault::Abort => "fault-abort",
            Fault::Hang => "fault-hang",
            Fault::Error => "fault-error",
        }
    }
    fn description(&self) -> &'static str {
        "test model that fails on purpose (MODELBENCH_FAULT_MODELS)"
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
