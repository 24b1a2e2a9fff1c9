//! Export of a saved model to ONNX (opset 13, double precision), preprocessing included, so
//! the file runs wherever ONNX runs.
//!
//! The graph takes one input, `features`: doubles, one row per example and one column per
//! source column of the training file in the saved order (the target left out). A numeric
//! column holds its value; a categorical column holds the index of its level in the saved
//! levels (0-based, listed in the metadata); NaN marks a missing cell, which gets the saved
//! imputation. A categorical code that is no level becomes an all-zero one-hot, as `predict`
//! does by default with an unseen category. Then the graph one-hot encodes (`Equal` + `Cast`),
//! standardizes (`Div`, `Sub`, `Div`) and runs the model.
//!
//! Outputs: a classifier gives `label` (int64 class index, the first largest score, into the
//! `class_labels` metadata) and `probabilities` (rows × classes); a regressor gives `value`
//! (rows × 1). Exported: `logistic`, `linear`, `sigmoid-net`, `sigmoid-mlp`, `mlp` (ReLU
//! hidden layers; softmax or one logistic unit for classes, linear for regression; an `mlp`
//! saved from a single training class does not export). Not exported:
//! trees, forests, kNN, naive Bayes, SVMs and the baselines (their prediction is not a short
//! chain of standard operators); the error says so.

mod proto;

use proto::{Attribute, ElemType, Message};

use super::document::SavedTarget;
use super::schema::SavedColumn;
use super::ModelBody;
use crate::models::{SavedLinear, SavedLogistic, SavedNetwork};
use crate::nn::{OutputActivation, ReluOutput};

/// Models that export.
pub const EXPORTABLE: [&str; 5] = ["logistic", "linear", "sigmoid-net", "sigmoid-mlp", "mlp"];

/// The saved form of `mlp` (`FittedMlp` in src/models/mlp.rs), read here for its layer widths
/// and flat parameters; the file was already checked by `mlp`'s loader.
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
enum SavedMlp {
    OneClass {},
    Classifier {
        network: SavedReluNetwork,
        classes: Vec<usize>,
        n_classes: usize,
    },
    Regressor {
        network: SavedReluNetwork,
        mean: f64,
        scale: f64,
    },
}

/// A `ReluNetwork`'s plain data: widths (inputs first), then each layer's weights (fan-in ×
/// fan-out, row-major) and biases in one flat list.
#[derive(serde::Deserialize)]
struct SavedReluNetwork {
    widths: Vec<usize>,
    parameters: Vec<f64>,
    output: ReluOutput,
}

/// The graph under construction: nodes, constants, and a counter for fresh names.
#[derive(Default)]
struct Graph {
    nodes: Vec<Message>,
    initializers: Vec<Message>,
    next: usize,
}

impl Graph {
    fn fresh(&mut self, stem: &str) -> String {
        self.next += 1;
        format!("{stem}_{}", self.next)
    }

    fn constant(&mut self, stem: &str, dims: &[usize], values: &[f64]) -> String {
        let name = self.fresh(stem);
        self.initializers
            .push(proto::double_tensor(&name, dims, values));
        name
    }

    fn int64s(&mut self, stem: &str, values: &[i64]) -> String {
        let name = self.fresh(stem);
        self.initializers
            .push(proto::int64_tensor(&name, &[values.len()], values));
        name
    }

    /// Adds `op(inputs)` and returns its output's name.
    fn op(&mut self, op: &str, inputs: &[&str], attributes: &[Attribute]) -> String {
        let output = self.fresh(&op.to_ascii_lowercase());
        self.op_into(op, inputs, &output, attributes);
        output
    }

    fn op_into(&mut self, op: &str, inputs: &[&str], output: &str, attributes: &[Attribute]) {
        self.nodes
            .push(proto::node(op, inputs, &[output], attributes));
    }

    /// `1 / (1 + exp(-x))`, spelled out: tract-onnx 0.23 has no double-precision `Sigmoid`.
    fn sigmoid(&mut self, x: &str) -> String {
        let negated = self.op("Neg", &[x], &[]);
        let exp = self.op("Exp", &[&negated], &[]);
        let one = self.constant("one", &[1], &[1.0]);
        let denominator = self.op("Add", &[&exp, &one], &[]);
        self.op("Div", &[&one, &denominator], &[])
    }

    /// `x · weights + bias` for a row-major `inputs × outputs` weight matrix.
    fn affine(
        &mut self,
        x: &str,
        weights: &[f64],
        bias: Option<&[f64]>,
        shape: (usize, usize),
    ) -> String {
        let w = self.constant("weights", &[shape.0, shape.1], weights);
        let product = self.op("MatMul", &[x, &w], &[]);
        match bias {
            Some(bias) => {
                let b = self.constant("bias", &[shape.1], bias);
                self.op("Add", &[&product, &b], &[])
            }
            None => product,
        }
    }
}

/// The ONNX bytes for the model in `body`; an error names a model that does not export.
pub fn export(body: &ModelBody) -> Result<Vec<u8>, String> {
    let name = body.model.name.as_str();
    if !EXPORTABLE.contains(&name) {
        return Err(format!(
            "{name} does not export to ONNX; exported models: {}",
            EXPORTABLE.join(", ")
        ));
    }
    let mut graph = Graph::default();
    let x = preprocessing(&mut graph, body);
    let read = |what: &str| format!("the saved {name} model is invalid for export: {what}");
    let classes = match &body.target {
        SavedTarget::Classification { labels, .. } => Some(labels.len()),
        SavedTarget::Regression { .. } => None,
    };
    let width = body.features.width();
    let outputs = match name {
        "linear" => {
            let saved: SavedLinear = serde_json::from_value(body.model.fitted.clone())
                .map_err(|e| read(&e.to_string()))?;
            if saved.coefficients.len() != width {
                return Err(read("coefficients do not match the features"));
            }
            let value = graph.affine(
                &x,
                &saved.coefficients,
                Some(&[saved.intercept]),
                (width, 1),
            );
            graph.op_into("Identity", &[&value], "value", &[]);
            vec![proto::value_info(
                "value",
                ElemType::Double,
                &[None, Some(1)],
            )]
        }
        "logistic" => {
            let saved: SavedLogistic = serde_json::from_value(body.model.fitted.clone())
                .map_err(|e| read(&e.to_string()))?;
            let k = saved.classes.len();
            let n = classes.ok_or_else(|| read("a logistic model needs class labels"))?;
            if saved.features != width
                || saved.theta.len() != (width + 1) * k
                || saved.n_classes != n
                || saved.classes.iter().any(|&c| c >= n)
            {
                return Err(read("its weights do not match the features or classes"));
            }
            let (weights, intercepts) = saved.theta.split_at(width * k);
            let logits = graph.affine(&x, weights, Some(intercepts), (width, k));
            let mut p = graph.op("Softmax", &[&logits], &[Attribute::Int("axis", 1)]);
            if k != n {
                // Classes absent from training get probability 0: place columns by class.
                let mut placement = vec![0.0; k * n];
                for (column, &class) in saved.classes.iter().enumerate() {
                    placement[column * n + class] = 1.0;
                }
                let e = graph.constant("placement", &[k, n], &placement);
                p = graph.op("MatMul", &[&p, &e], &[]);
            }
            classifier_outputs(&mut graph, &p, &p, n)
        }
        "mlp" => {
            let saved: SavedMlp = serde_json::from_value(body.model.fitted.clone())
                .map_err(|e| read(&e.to_string()))?;
            match (saved, classes) {
                (
                    SavedMlp::Classifier {
                        network,
                        classes: present,
                        n_classes,
                    },
                    Some(n),
                ) if n_classes == n && present.iter().all(|&c| c < n) => {
                    let h = relu_layers(&mut graph, &x, &network, width).map_err(|e| read(&e))?;
                    let k = present.len();
                    let p = match (network.output, network.widths.last()) {
                        (ReluOutput::Softmax, Some(&outputs)) if outputs == k => {
                            graph.op("Softmax", &[&h], &[Attribute::Int("axis", 1)])
                        }
                        (ReluOutput::Logistic, Some(1)) if k == 2 => {
                            // [1 - p, p]: the probabilities of the two classes present.
                            let p = graph.sigmoid(&h);
                            let one = graph.constant("one", &[1], &[1.0]);
                            let q = graph.op("Sub", &[&one, &p], &[]);
                            graph.op("Concat", &[&q, &p], &[Attribute::Int("axis", 1)])
                        }
                        _ => return Err(read("its output layer does not match its classes")),
                    };
                    // Classes absent from training get probability 0: place columns by class.
                    let mut placement = vec![0.0; k * n];
                    for (column, &class) in present.iter().enumerate() {
                        placement[column * n + class] = 1.0;
                    }
                    let e = graph.constant("placement", &[k, n], &placement);
                    let p = graph.op("MatMul", &[&p, &e], &[]);
                    classifier_outputs(&mut graph, &p, &p, n)
                }
                (
                    SavedMlp::Regressor {
                        network,
                        mean,
                        scale,
                    },
                    None,
                ) if network.output == ReluOutput::Identity
                    && network.widths.last() == Some(&1) =>
                {
                    let h = relu_layers(&mut graph, &x, &network, width).map_err(|e| read(&e))?;
                    scaled_value(&mut graph, &h, mean, scale)
                }
                (SavedMlp::OneClass {}, _) => {
                    return Err(read(
                        "it was trained on a single class, so there is no network to export",
                    ))
                }
                _ => return Err(read("its outputs do not match the target")),
            }
        }
        _ => {
            let saved: SavedNetwork = serde_json::from_value(body.model.fitted.clone())
                .map_err(|e| read(&e.to_string()))?;
            let mut h = x.clone();
            let mut inputs = width;
            let last = saved.layers.len().saturating_sub(1);
            for (index, layer) in saved.layers.iter().enumerate() {
                if layer.inputs != inputs || layer.weights.len() != layer.inputs * layer.outputs {
                    return Err(read("its layers do not chain from the features"));
                }
                h = graph.affine(
                    &h,
                    &layer.weights,
                    layer.bias.as_deref(),
                    (layer.inputs, layer.outputs),
                );
                if index < last || saved.output == OutputActivation::Sigmoid {
                    h = graph.sigmoid(&h);
                }
                inputs = layer.outputs;
            }
            match (classes, saved.target_mean, saved.target_scale) {
                (Some(n), None, None) if inputs == n => {
                    // Scores: outputs clamped at 1e-12, divided by their row sum.
                    let floor = graph.constant("floor", &[1], &[1e-12]);
                    let clamped = graph.op("Max", &[&h, &floor], &[]);
                    let axes = graph.int64s("axes", &[1]);
                    let total = graph.op(
                        "ReduceSum",
                        &[&clamped, &axes],
                        &[Attribute::Int("keepdims", 1)],
                    );
                    let scores = graph.op("Div", &[&clamped, &total], &[]);
                    classifier_outputs(&mut graph, &h, &scores, n)
                }
                (None, Some(mean), Some(scale)) if inputs == 1 => {
                    scaled_value(&mut graph, &h, mean, scale)
                }
                _ => return Err(read("its outputs do not match the target")),
            }
        }
    };
    let mut g = Message::new();
    for node in &graph.nodes {
        g.message(1, node);
    }
    g.string(2, &format!("modelbench {name}"));
    for init in &graph.initializers {
        g.message(5, init);
    }
    g.message(
        11,
        &proto::value_info(
            "features",
            ElemType::Double,
            &[None, Some(body.features.columns.len())],
        ),
    );
    for output in &outputs {
        g.message(12, output);
    }
    Ok(proto::model(&g, &metadata(body)))
}

/// The output `value`: a network's single output `h` times `scale` plus `mean` (the target's
/// standardization undone).
fn scaled_value(graph: &mut Graph, h: &str, mean: f64, scale: f64) -> Vec<Message> {
    let s = graph.constant("target_scale", &[1], &[scale]);
    let m = graph.constant("target_mean", &[1], &[mean]);
    let scaled = graph.op("Mul", &[h, &s], &[]);
    graph.op_into("Add", &[&scaled, &m], "value", &[]);
    vec![proto::value_info(
        "value",
        ElemType::Double,
        &[None, Some(1)],
    )]
}

/// The affine layers of a ReLU network from `x` (`width` columns), ReLU (`Max` with 0) after
/// every layer but the last; returns the last layer's pre-activation.
fn relu_layers(
    graph: &mut Graph,
    x: &str,
    network: &SavedReluNetwork,
    width: usize,
) -> Result<String, String> {
    let widths = &network.widths;
    if widths.len() < 2 || widths[0] != width {
        return Err("its layers do not start from the features".into());
    }
    let mut h = x.to_string();
    let mut start = 0usize;
    let last = widths.len() - 2;
    for (index, pair) in widths.windows(2).enumerate() {
        let (fan_in, fan_out) = (pair[0], pair[1]);
        let weights_end = fan_in
            .checked_mul(fan_out)
            .and_then(|w| w.checked_add(start))
            .filter(|&end| {
                end.checked_add(fan_out)
                    .is_some_and(|e| e <= network.parameters.len())
            })
            .ok_or("its parameters do not match its layer widths")?;
        let weights = &network.parameters[start..weights_end];
        let bias = &network.parameters[weights_end..weights_end + fan_out];
        h = graph.affine(&h, weights, Some(bias), (fan_in, fan_out));
        if index < last {
            let zero = graph.constant("zero", &[1], &[0.0]);
            h = graph.op("Max", &[&h, &zero], &[]);
        }
        start = weights_end + fan_out;
    }
    if start != network.parameters.len() {
        return Err("its parameters do not match its layer widths".into());
    }
    Ok(h)
}

/// `label` (ArgMax of `decide`) and `probabilities` (`scores` under that name).
fn classifier_outputs(graph: &mut Graph, decide: &str, scores: &str, n: usize) -> Vec<Message> {
    graph.op_into(
        "ArgMax",
        &[decide],
        "label",
        &[Attribute::Int("axis", 1), Attribute::Int("keepdims", 0)],
    );
    graph.op_into("Identity", &[scores], "probabilities", &[]);
    vec![
        proto::value_info("label", ElemType::Int64, &[None]),
        proto::value_info("probabilities", ElemType::Double, &[None, Some(n)]),
    ]
}

/// Imputation, one-hot encoding and standardization; returns the encoded features' name.
fn preprocessing(graph: &mut Graph, body: &ModelBody) -> String {
    let schema = &body.features;
    let columns = schema.columns.len();
    let fill: Vec<f64> = schema
        .columns
        .iter()
        .map(|c| match c {
            SavedColumn::Numeric { impute, .. } => *impute,
            SavedColumn::Categorical { levels, impute, .. } => {
                levels.iter().position(|l| l == impute).unwrap_or(0) as f64
            }
        })
        .collect();
    // `x == x` is false exactly where x is NaN (IEEE 754); used rather than IsNaN, whose
    // output type tract-onnx 0.23 infers wrongly.
    let present = graph.op("Equal", &["features", "features"], &[]);
    let fill = graph.constant("fill", &[1, columns], &fill);
    let imputed = graph.op("Where", &[&present, "features", &fill], &[]);
    let mut encoded = imputed.clone();
    if schema
        .columns
        .iter()
        .any(|c| matches!(c, SavedColumn::Categorical { .. }))
    {
        let axes = graph.int64s("axes", &[1]);
        let mut parts = Vec::new();
        for (j, column) in schema.columns.iter().enumerate() {
            let starts = graph.int64s("starts", &[j as i64]);
            let ends = graph.int64s("ends", &[j as i64 + 1]);
            let part = graph.op("Slice", &[&imputed, &starts, &ends, &axes], &[]);
            parts.push(match column {
                SavedColumn::Numeric { .. } => part,
                SavedColumn::Categorical { levels, .. } => {
                    let codes: Vec<f64> = (0..levels.len()).map(|l| l as f64).collect();
                    let codes = graph.constant("levels", &[1, levels.len()], &codes);
                    let equal = graph.op("Equal", &[&part, &codes], &[]);
                    // TensorProto.DataType DOUBLE = 11.
                    graph.op(
                        "Cast",
                        &[&equal],
                        &[Attribute::Int("to", ElemType::Double as i64)],
                    )
                }
            });
        }
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        encoded = graph.op("Concat", &refs, &[Attribute::Int("axis", 1)]);
    }
    if let Some(s) = &schema.scaling {
        let width = schema.width();
        if s.prescale.iter().any(|&p| p != 1.0) {
            let p = graph.constant("prescale", &[width], &s.prescale);
            encoded = graph.op("Div", &[&encoded, &p], &[]);
        }
        let m = graph.constant("mean", &[width], &s.mean);
        let centred = graph.op("Sub", &[&encoded, &m], &[]);
        let sd = graph.constant("scale", &[width], &s.scale);
        encoded = graph.op("Div", &[&centred, &sd], &[]);
    }
    encoded
}

/// What a user of the ONNX file needs to know: input columns and codes, class labels.
fn metadata(body: &ModelBody) -> Vec<(&'static str, String)> {
    let columns: Vec<serde_json::Value> = body
        .features
        .columns
        .iter()
        .map(|c| match c {
            SavedColumn::Numeric { name, .. } => {
                serde_json::json!({"name": name, "kind": "numeric"})
            }
            SavedColumn::Categorical { name, levels, .. } => {
                serde_json::json!({"name": name, "kind": "categorical", "level_codes": levels})
            }
        })
        .collect();
    let mut metadata = vec![
        ("modelbench.model", body.model.name.clone()),
        (
            "modelbench.input_columns",
            serde_json::Value::Array(columns).to_string(),
        ),
    ];
    if let SavedTarget::Classification { labels, .. } = &body.target {
        metadata.push((
            "modelbench.class_labels",
            serde_json::to_string(labels).unwrap_or_default(),
        ));
    }
    metadata
}
