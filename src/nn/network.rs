//! The network's layers, its initialisation and its forward pass.

use ndarray::{Array1, Array2, ArrayView2};

use super::kernels::{activate_rows, mat_mul};
use super::{Float, NetworkSettings, OutputActivation, SettingsError, TrainingBuffers};
use crate::rng::SeededRng;

/// One fully connected layer: `output = activation(input · weights + bias)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer<F> {
    /// Shape (inputs, outputs), the article's `syn` matrices.
    pub weights: Array2<F>,
    /// One bias per output unit, when the network has biases.
    pub bias: Option<Array1<F>>,
}

/// A sigmoid network: hidden layers are sigmoid, the output layer is sigmoid or linear.
#[derive(Debug, Clone, PartialEq)]
pub struct Network<F> {
    pub layers: Vec<Layer<F>>,
    pub output: OutputActivation,
}

impl<F: Float> Network<F> {
    /// A network for `inputs` features and `outputs` targets with weights (and biases) drawn
    /// uniformly from [-1, 1) in layer order, row-major, from `settings.seed`.
    pub fn initialise(
        inputs: usize,
        outputs: usize,
        settings: &NetworkSettings,
    ) -> Result<Self, SettingsError> {
        settings.validate()?;
        let mut rng = SeededRng::new(settings.seed);
        let mut widths = vec![inputs];
        widths.extend(&settings.hidden_layers);
        widths.push(outputs);
        let layers = widths
            .windows(2)
            .map(|pair| {
                let weights = Array2::from_shape_simple_fn((pair[0], pair[1]), || {
                    F::from_f64(rng.uniform(-1.0, 1.0))
                });
                let bias = settings.bias.then(|| {
                    Array1::from_shape_simple_fn(pair[1], || F::from_f64(rng.uniform(-1.0, 1.0)))
                });
                Layer { weights, bias }
            })
            .collect();
        Ok(Network {
            layers,
            output: settings.output,
        })
    }

    /// Number of inputs the network expects.
    pub fn inputs(&self) -> usize {
        self.layers.first().map_or(0, |l| l.weights.nrows())
    }

    /// Number of output units.
    pub fn outputs(&self) -> usize {
        self.layers.last().map_or(0, |l| l.weights.ncols())
    }

    /// Weights plus biases: the network's size for the "hard to interpret" comparison.
    pub fn parameter_count(&self) -> usize {
        self.layers
            .iter()
            .map(|l| l.weights.len() + l.bias.as_ref().map_or(0, |b| b.len()))
            .sum()
    }

    /// Whether layer `index` applies the sigmoid (every layer but a linear output does).
    pub(crate) fn is_sigmoid_layer(&self, index: usize) -> bool {
        index + 1 < self.layers.len() || self.output == OutputActivation::Sigmoid
    }

    /// Runs the network on `inputs` (rows × features) and returns the output layer.
    pub fn predict(&self, inputs: ArrayView2<F>) -> Array2<F> {
        let mut buffers = TrainingBuffers::new(inputs.nrows(), self);
        self.forward(inputs, &mut buffers);
        buffers.output().to_owned()
    }

    /// Forward pass into preallocated buffers; bias and sigmoid fused into one pass per layer.
    pub(crate) fn forward(&self, inputs: ArrayView2<F>, buffers: &mut TrainingBuffers<F>) {
        for (index, layer) in self.layers.iter().enumerate() {
            let (before, rest) = buffers.activations.split_at_mut(index);
            let current = &mut rest[0];
            let layer_input = before
                .last()
                .map_or(inputs.reborrow(), |previous| previous.view());
            mat_mul(
                F::one(),
                layer_input,
                layer.weights.view(),
                F::zero(),
                current,
            );
            let width = current.ncols();
            let squash = self.is_sigmoid_layer(index);
            let bias = match &layer.bias {
                Some(bias) if bias.as_slice().is_none() => {
                    // A bias built with a stride (the fields are public): add it row by row.
                    for mut row in current.rows_mut() {
                        row.zip_mut_with(bias, |v, &b| *v = *v + b);
                    }
                    None
                }
                Some(bias) => bias.as_slice(),
                None => None,
            };
            let values = current
                .as_slice_mut()
                .expect("training buffers are allocated in standard layout");
            activate_rows(values, width, bias, squash);
        }
    }
}
