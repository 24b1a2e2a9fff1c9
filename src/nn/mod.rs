//! The article's sigmoid network, written on ndarray.
//!
//! Sigmoid units, weights drawn uniformly from [-1, 1), full-batch gradient descent where each
//! layer's update is "the error times the sigmoid's slope", back-propagated through any number of
//! hidden layers. Zero hidden layers is the article's two-layer network; more is its "deep" one.
//! Extras the article leaves out (bias terms, a linear output for regression, a learning rate on
//! the mean gradient, f32) are switches on [`NetworkSettings`].
//!
//! Beside it, the network as practitioners train it today ([`ReluNetwork`], trained by
//! [`train_relu_network`]): ReLU hidden layers, softmax or linear output, cross-entropy or
//! squared error, Adam on shuffled mini-batches, scikit-learn's defaults and stopping rule.
//!
//! The training step ([`Network::train_step`]) is public and allocates nothing of its own once
//! its [`TrainingBuffers`] exist, so criterion benches call exactly the loop that `compare`
//! runs. Its elementwise work is fused into one pass per layer and direction (`kernels`), with
//! an exponential that vectorises (`exp`).

mod activation;
mod adam;
mod blocked;
mod exp;
mod float;
mod kernels;
mod minibatch;
mod narrow;
mod network;
mod product;
mod relu_network;
mod settings;
mod small;
mod training;

pub use activation::{sigmoid, sigmoid_slope};
pub use adam::{Adam, AdamSettings};
pub use float::Float;
// The network's products, shared with the models that need products of the same kind.
pub use blocked::rows_per_block;
pub use kernels::{mat_mul, packed_mat_mul};
pub use minibatch::{train_relu_network, MinibatchError, MinibatchSettings, TrainingReport};
pub use narrow::NarrowKernels;
pub use network::{Layer, Network};
pub use relu_network::{ReluNetwork, ReluOutput, ReluWorkspace};
pub use settings::{GradientScale, NetworkSettings, OutputActivation, SettingsError};
pub use training::{TrainingBuffers, TrainingError};
