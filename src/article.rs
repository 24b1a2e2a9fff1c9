//! The worked examples of "The Truth about Neural Networks", reproduced with our network.
//!
//! Both examples start from the weights numpy's `random.seed(1)` draws in the article's code, so
//! the outputs can be compared with the article's printed figures digit for digit.

use ndarray::{array, Array1, Array2};

use crate::nn::{GradientScale, Layer, Network, NetworkSettings, OutputActivation, TrainingError};

/// The article's input matrix; the third column is the constant 1 that acts as a bias.
pub fn inputs() -> Array2<f64> {
    array![
        [0.0, 0.0, 1.0],
        [0.0, 1.0, 1.0],
        [1.0, 0.0, 1.0],
        [1.0, 1.0, 1.0]
    ]
}

/// Starting weights of the two-layer example (numpy `seed(1)`, `2 * random((3, 1)) - 1`).
pub const TWO_LAYER_START: [f64; 3] = [-0.165955990594852, 0.4406489868843162, -0.9997712503653102];

/// Output the article prints after 10000 iterations of the two-layer example.
pub const TWO_LAYER_ARTICLE_OUTPUT: [f64; 4] = [
    0.0096644916879683,
    0.007865059671309264,
    0.9935889804970555,
    0.992119573219358,
];

/// Starting weights of the XOR example, input to hidden (3 × 4, row-major).
pub const XOR_START_HIDDEN: [f64; 12] = [
    -0.165955990594852,
    0.4406489868843162,
    -0.9997712503653102,
    -0.39533485473632046,
    -0.7064882183657739,
    -0.8153228104624044,
    -0.6274795772446582,
    -0.3088785459139045,
    -0.20646505153866013,
    0.07763346800671389,
    -0.1616109711934104,
    0.370439000793519,
];

/// Starting weights of the XOR example, hidden to output (4 × 1).
pub const XOR_START_OUTPUT: [f64; 4] = [
    -0.5910955005369651,
    0.7562348727818908,
    -0.9452248136041477,
    0.34093502035680445,
];

/// Output the article prints after 60000 iterations of the XOR example (rounded to 8 digits).
pub const XOR_ARTICLE_OUTPUT: [f64; 4] = [0.00260572, 0.99672209, 0.99701711, 0.00386759];

/// One reproduced example: what we computed beside what the article printed.
#[derive(Debug, Clone)]
pub struct Reproduction {
    pub title: &'static str,
    pub targets: Vec<f64>,
    pub iterations: usize,
    pub computed: Vec<f64>,
    pub article: Vec<f64>,
}

impl Reproduction {
    /// Largest absolute difference between our output and the article's.
    pub fn max_abs_difference(&self) -> f64 {
        self.computed
            .iter()
            .zip(&self.article)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max)
    }
}

/// The article's settings: no bias (the constant column plays it), step 1 on the summed gradient.
fn article_settings(iterations: usize) -> NetworkSettings {
    NetworkSettings {
        hidden_layers: Vec::new(),
        learning_rate: 1.0,
        iterations,
        bias: false,
        output: OutputActivation::Sigmoid,
        gradient_scale: GradientScale::Sum,
        seed: 1,
    }
}

fn layer(rows: usize, cols: usize, weights: &[f64]) -> Layer<f64> {
    Layer {
        weights: Array2::from_shape_vec((rows, cols), weights.to_vec())
            .expect("constant weights match their declared shape"),
        bias: None,
    }
}

fn run(
    title: &'static str,
    mut network: Network<f64>,
    targets: Array1<f64>,
    iterations: usize,
    article: &[f64],
) -> Result<Reproduction, TrainingError> {
    let x = inputs();
    let y = targets.clone().insert_axis(ndarray::Axis(1));
    let buffers = network.train(x.view(), y.view(), &article_settings(iterations))?;
    Ok(Reproduction {
        title,
        targets: targets.to_vec(),
        iterations,
        computed: buffers.output().iter().copied().collect(),
        article: article.to_vec(),
    })
}

/// The article's two-layer network learning y = first input column, 10000 iterations.
pub fn two_layer() -> Result<Reproduction, TrainingError> {
    let network = Network {
        layers: vec![layer(3, 1, &TWO_LAYER_START)],
        output: OutputActivation::Sigmoid,
    };
    run(
        "two-layer network (no hidden layer), y = [0, 0, 1, 1]",
        network,
        array![0.0, 0.0, 1.0, 1.0],
        10_000,
        &TWO_LAYER_ARTICLE_OUTPUT,
    )
}

/// One hidden layer of 4 solving XOR, which no single sigmoid layer can; 60000 iterations.
pub fn xor() -> Result<Reproduction, TrainingError> {
    let network = Network {
        layers: vec![
            layer(3, 4, &XOR_START_HIDDEN),
            layer(4, 1, &XOR_START_OUTPUT),
        ],
        output: OutputActivation::Sigmoid,
    };
    run(
        "three-layer network (hidden layer of 4), XOR y = [0, 1, 1, 0]",
        network,
        array![0.0, 1.0, 1.0, 0.0],
        60_000,
        &XOR_ARTICLE_OUTPUT,
    )
}

/// What the article's single-layer network reaches on XOR (it cannot fit it: all outputs near 0.5).
pub fn single_layer_on_xor() -> Result<Reproduction, TrainingError> {
    let network = Network {
        layers: vec![layer(3, 1, &TWO_LAYER_START)],
        output: OutputActivation::Sigmoid,
    };
    run(
        "two-layer network on XOR (the article's point: it cannot learn it)",
        network,
        array![0.0, 1.0, 1.0, 0.0],
        10_000,
        &[],
    )
}
