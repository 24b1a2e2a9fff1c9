//! The article's sigmoid network, written on ndarray.
//!
//! Sigmoid units, weights drawn uniformly from [-1, 1), full-batch gradient descent where each
//! layer's update is "the error times the sigmoid's slope", back-propagated through any number of
//! hidden layers. Zero hidden layers is the article's two-layer network; more is its "deep" one.
//! Extras the article leaves out (bias terms, a linear output for regression, a learning rate on
//! the mean gradient, f32) are switches on [`NetworkSettings`].
//!
//! The training step ([`Network::train_step`]) is public and allocates nothing of its own once
//! its [`TrainingBuffers`] exist, so criterion benches call exactly the loop that `compare`
//! runs. Its elementwise work is fused into one pass per layer and direction (`kernels`), with
//! an exponential that vectorises (`exp`).

mod activation;
mod exp;
mod float;
mod kernels;
mod network;
mod settings;
mod training;

pub use activation::{sigmoid, sigmoid_slope};
pub use float::Float;
pub use network::{Layer, Network};
pub use settings::{GradientScale, NetworkSettings, OutputActivation, SettingsError};
pub use training::{TrainingBuffers, TrainingError};
