//! A small hand-built [`ReportDocument`] for the renderers' tests (unit tests here and the
//! headless-browser test in `tests/html_report.rs`, which is why this is public but hidden).
//!
//! Three datasets: a classification dataset named like an HTML injection, with a hostile
//! target column, class name, tree feature and failure reason; a second classification
//! dataset with a deep tree (to be cut when drawn) and a timed-out cell; a regression dataset
//! named like a spreadsheet formula, whose baseline has a negative R². Plus a ranking.
//! The numbers are made up but consistent enough to read: the tree is best on the first.

use std::collections::BTreeMap;

use super::document::{
    Claims, CrossDatasetRanking, Curve, DatasetAnalysis, FitTimeRatio, GridPoint, LearningCurves,
    Manifest, ManifestDataset, ModelComparison, ModelInterval, NamedText, NamedValue,
    ReportDocument, TreeNode, TreeView, TuningSpread, REPORT_FORMAT_VERSION,
};
use super::summary::{describe_size, summarize};
use crate::data::{LoadOptions, Task};
use crate::eval::cell::{CellKey, CellResult, CellStatus, FoldScores, Measurement};
use crate::eval::metrics::{ClassificationMetrics, RegressionMetrics};
use crate::eval::results::{DatasetRecord, RunHeader, RunResults, RESULTS_FORMAT_VERSION};
use crate::models::ModelSize;
use crate::stats::{CorrectedTTest, FriedmanTest, RopeProbabilities};

/// A name that runs script if a renderer forgets to escape it for HTML.
pub const HOSTILE_HTML: &str = "<img src=x onerror=alert(1)>";
/// A name that a spreadsheet runs as a formula if the CSV forgets to neutralise it.
pub const HOSTILE_FORMULA: &str = "=HYPERLINK(\"x\")";

const FOLDS: usize = 3;
const REPEATS: usize = 2;

/// Per model: (name, mean score, train score, fit ms, size).
struct ModelSpec {
    name: &'static str,
    score: f64,
    train: f64,
    fit_ms: f64,
    size: ModelSize,
}

fn specs(task: Task) -> Vec<ModelSpec> {
    let tree = ModelSize {
        tree_nodes: Some(9),
        tree_depth: Some(3),
        leaves: Some(5),
        ..ModelSize::default()
    };
    let network = ModelSize {
        parameters: Some(83),
        ..ModelSize::default()
    };
    match task {
        Task::Classification => vec![
            ModelSpec {
                name: "network",
                score: 0.93,
                train: 0.99,
                fit_ms: 240.0,
                size: network,
            },
            ModelSpec {
                name: "tree",
                score: 0.95,
                train: 0.97,
                fit_ms: 0.9,
                size: tree,
            },
            ModelSpec {
                name: "logistic|l2",
                score: 0.94,
                train: 0.95,
                fit_ms: 4.2,
                size: ModelSize {
                    parameters: Some(15),
                    ..ModelSize::default()
                },
            },
            ModelSpec {
                name: "majority",
                score: 0.34,
                train: 0.34,
                fit_ms: 0.004,
                size: ModelSize::default(),
            },
        ],
        Task::Regression => vec![
            ModelSpec {
                name: "network",
                score: 0.71,
                train: 0.9,
                fit_ms: 410.0,
                size: network,
            },
            ModelSpec {
                name: "tree",
                score: 0.64,
                train: 0.95,
                fit_ms: 1.3,
                size: tree,
            },
            ModelSpec {
                name: "linear",
                score: 0.73,
                train: 0.74,
                fit_ms: 0.6,
                size: ModelSize {
                    parameters: Some(9),
                    ..ModelSize::default()
                },
            },
            ModelSpec {
                name: "mean",
                score: -0.05,
                train: 0.0,
                fit_ms: 0.002,
                size: ModelSize::default(),
            },
        ],
    }
}

fn scores(task: Task, spec: &ModelSpec, repeat: usize, fold: usize) -> FoldScores {
    // A small, fixed wobble per fold so standard deviations are not zero.
    let wobble = ((repeat * FOLDS + fold) as f64 - 2.5) * 0.008;
    let score = spec.score + wobble;
    match task {
        Task::Classification => FoldScores::Classification {
            test: ClassificationMetrics {
                accuracy: score,
                balanced_accuracy: score - 0.01,
                macro_f1: score - 0.02,
                roc_auc: (spec.name != "majority").then_some(0.97 + wobble / 2.0),
                log_loss: (spec.name == "network" || spec.name == "logistic|l2")
                    .then_some(0.2 - wobble),
                brier: (spec.name == "network" || spec.name == "logistic|l2")
                    .then_some(0.1 - wobble / 2.0),
            },
            train_accuracy: spec.train,
        },
        Task::Regression => FoldScores::Regression {
            test: RegressionMetrics {
                // The baseline's first fold: a negative R² the CSV must keep a number.
                r2: if spec.name == "mean" && repeat == 0 && fold == 0 {
                    -0.19
                } else {
                    score
                },
                rmse: 10.0 * (1.0 - score),
                mae: 8.0 * (1.0 - score),
            },
            train_r2: spec.train,
        },
    }
}

fn cells(dataset: &str, task: Task) -> Vec<CellResult> {
    let mut cells = Vec::new();
    for spec in specs(task) {
        for repeat in 0..REPEATS {
            for fold in 0..FOLDS {
                let key = CellKey {
                    dataset: dataset.into(),
                    model: spec.name.into(),
                    repeat,
                    fold,
                    setting: None,
                    train_percent: None,
                };
                let failed = dataset == HOSTILE_HTML
                    && spec.name == "logistic|l2"
                    && (repeat, fold) == (1, 2);
                let timed_out = dataset == "wine" && spec.name == "network" && repeat == 1;
                let (status, reason, measurement) = if failed {
                    (
                        CellStatus::Failed,
                        Some("=cmd|' /C calc'!A0 did not converge".to_string()),
                        None,
                    )
                } else if timed_out && fold == 0 {
                    (
                        CellStatus::TimedOut,
                        Some("fit ran past 10 s".to_string()),
                        None,
                    )
                } else {
                    let wobble = 1.0 + 0.05 * fold as f64;
                    (
                        CellStatus::Ok,
                        None,
                        Some(Measurement {
                            scores: scores(task, &spec, repeat, fold),
                            fit_ms: spec.fit_ms * wobble,
                            predict_ms: spec.fit_ms * 0.05 * wobble,
                            fit_peak_bytes: Some(1024 * (64 + 512 * fold as u64)),
                            size: spec.size.clone(),
                            train_rows: 100,
                            test_rows: 50,
                            tree: None,
                        }),
                    )
                };
                // One extra-experiment cell of each kind beside the main ones.
                if repeat == 0 && fold == 0 && spec.name == "network" {
                    for (setting, train_percent) in [
                        (Some("hidden=4;lr=0.5".to_string()), None),
                        (None, Some(25)),
                    ] {
                        cells.push(CellResult {
                            key: CellKey {
                                setting,
                                train_percent,
                                ..key.clone()
                            },
                            status: CellStatus::Ok,
                            reason: None,
                            measurement: measurement.clone(),
                            host: None,
                        });
                    }
                }
                cells.push(CellResult {
                    key,
                    status,
                    reason,
                    measurement,
                    host: None,
                });
            }
        }
    }
    cells
}

fn record(name: &str, task: Task, target: &str, class_names: &[&str]) -> DatasetRecord {
    DatasetRecord {
        name: name.into(),
        path: format!("data/{name}.csv").into(),
        sha256: format!("{:0>64}", name.len()),
        task,
        rows: 150,
        features: 4,
        feature_names: vec![HOSTILE_HTML.into(), "petal_width".into()],
        target: target.into(),
        class_names: class_names.iter().map(|c| c.to_string()).collect(),
        class_counts: class_names.iter().map(|_| 50).collect(),
        warnings: Vec::new(),
        skipped: None,
        models: specs(task).iter().map(|s| s.name.to_string()).collect(),
        fold_plan: None,
    }
}

/// A small tree: the root splits on the hostile feature, leaves include the hostile class.
fn small_tree() -> TreeView {
    let split = |feature: &str, threshold, left, right| TreeNode::Split {
        feature: feature.into(),
        threshold,
        left,
        right,
    };
    let leaf = |prediction: &str| TreeNode::Leaf {
        prediction: prediction.into(),
    };
    TreeView {
        nodes: vec![
            split(HOSTILE_HTML, 2.45, 1, 2),
            leaf("setosa"),
            split("petal_width", 1.75, 3, 4),
            leaf(HOSTILE_FORMULA),
            leaf("virginica"),
        ],
    }
}

/// A complete tree of depth 6 (63 nodes), deeper than the drawing shows.
fn deep_tree() -> TreeView {
    let mut nodes = Vec::new();
    for i in 0..63 {
        if i < 31 {
            nodes.push(TreeNode::Split {
                feature: format!("feature_{}", i % 5),
                threshold: i as f64 / 3.0,
                left: 2 * i + 1,
                right: 2 * i + 2,
            });
        } else {
            nodes.push(TreeNode::Leaf {
                prediction: ["red", "white"][i % 2].into(),
            });
        }
    }
    TreeView { nodes }
}

fn analysis(results: &RunResults, record: &DatasetRecord) -> DatasetAnalysis {
    let summaries = summarize(results, record);
    let best = summaries
        .iter()
        .filter_map(|s| Some((s.model.clone(), s.headline?.mean)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(model, _)| model);
    let best_score = summaries
        .iter()
        .find(|s| Some(&s.model) == best.as_ref())
        .and_then(|s| s.headline)
        .map_or(0.0, |h| h.mean);
    let comparisons = summaries
        .iter()
        .filter(|s| Some(&s.model) != best.as_ref())
        .map(|s| {
            let difference = s.headline.map_or(0.0, |h| h.mean) - best_score;
            let p_value = if difference < -0.1 { 0.0004 } else { 0.31 };
            ModelComparison {
                model: s.model.clone(),
                test: Some(CorrectedTTest {
                    mean_difference: difference,
                    t: difference / 0.01,
                    df: FOLDS * REPEATS - 1,
                    p_value,
                    ci_low: difference - 0.025,
                    ci_high: difference + 0.025,
                }),
                rope: Some(if difference < -0.1 {
                    RopeProbabilities {
                        below: 0.99,
                        inside: 0.01,
                        above: 0.0,
                    }
                } else {
                    RopeProbabilities {
                        below: 0.3,
                        inside: 0.6,
                        above: 0.1,
                    }
                }),
                rope_half_width: 0.01,
                significantly_worse: p_value < 0.05 && difference < 0.0,
                not_practically_worse: difference > -0.1,
            }
        })
        .collect();
    let is_first = record.name == HOSTILE_HTML;
    let claims = Claims {
        sizes: summaries
            .iter()
            .map(|s| NamedText {
                model: s.model.clone(),
                text: s.size.as_ref().map_or("-".into(), describe_size),
            })
            .collect(),
        tree_rules: is_first.then(|| {
            format!(
                "if {HOSTILE_HTML} <= 2.45 then setosa\nelse if petal_width <= 1.75 then \
                 {HOSTILE_FORMULA}\n```\nelse virginica\n"
            )
        }),
        tree: match record.task {
            Task::Classification if is_first => Some(small_tree()),
            Task::Classification => Some(deep_tree()),
            Task::Regression => None,
        },
        overfitting: summaries
            .iter()
            .filter_map(|s| {
                Some(NamedValue {
                    model: s.model.clone(),
                    value: s.train_headline?.mean - s.headline?.mean,
                })
            })
            .collect(),
        intervals: summaries
            .iter()
            .filter_map(|s| {
                let h = s.headline?;
                Some(ModelInterval {
                    model: s.model.clone(),
                    mean: h.mean,
                    low: h.mean - 2.5 * h.sd,
                    high: h.mean + 2.5 * h.sd,
                    brier: (record.task == Task::Classification && s.model == "network")
                        .then_some(0.1),
                })
            })
            .collect(),
        fit_time_ratios: summaries
            .iter()
            .filter(|s| s.model != "network")
            .map(|s| FitTimeRatio {
                network: "network".into(),
                other: s.model.clone(),
                ratio: 240.0 / s.fit_ms.map_or(1.0, |f| f.mean),
            })
            .collect(),
        tuning: is_first.then(|| TuningSpread {
            network: vec![
                grid("hidden 4, lr 0.5", 0.88),
                grid("hidden 16, lr 0.5", 0.93),
                grid("hidden 16, lr 2", 0.71),
            ],
            tree: vec![grid("depth 2", 0.9), grid("depth 4", 0.95)],
        }),
        learning_curves: is_first.then(|| LearningCurves {
            fractions: vec![0.1, 0.25, 0.5, 1.0],
            curves: vec![
                curve("network", [Some(0.6), Some(0.8), Some(0.94), Some(0.93)]),
                curve("tree", [Some(0.8), Some(0.88), Some(0.91), Some(0.95)]),
                curve("logistic|l2", [Some(0.85), None, Some(0.92), Some(0.94)]),
            ],
            network_overtakes_at_rows: Some(60),
        }),
    };
    DatasetAnalysis {
        dataset: record.name.clone(),
        task: record.task,
        score_name: match record.task {
            Task::Classification => "accuracy".into(),
            Task::Regression => "R²".into(),
        },
        summaries,
        best: best.clone(),
        comparisons,
        claims,
        verdict: format!(
            "On {} the network is not worth it: {} is as accurate, far faster and readable.",
            record.name,
            best.as_deref().unwrap_or("no model")
        ),
    }
}

fn grid(label: &str, mean: f64) -> GridPoint {
    GridPoint {
        label: label.into(),
        mean,
    }
}

fn curve(model: &str, scores: [Option<f64>; 4]) -> Curve {
    Curve {
        model: model.into(),
        scores: scores.to_vec(),
        rows: vec![12, 30, 60, 120],
    }
}

/// The sample document described in the module's documentation.
pub fn sample_document() -> ReportDocument {
    let datasets = vec![
        record(
            HOSTILE_HTML,
            Task::Classification,
            HOSTILE_HTML,
            &["setosa", HOSTILE_FORMULA, "virginica"],
        ),
        record("wine", Task::Classification, "colour", &["red", "white"]),
        record(HOSTILE_FORMULA, Task::Regression, "price", &[]),
    ];
    let cells = datasets
        .iter()
        .flat_map(|d| cells(&d.name, d.task))
        .collect();
    let library_versions: BTreeMap<String, String> = [("linfa", "0.8.1"), ("smartcore", "0.7.0")]
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let command_line: Vec<String> = [
        "modelbench",
        "compare",
        "data/<img src=x onerror=alert(1)>.csv",
        "--target",
        HOSTILE_HTML,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let results = RunResults {
        header: RunHeader {
            format_version: RESULTS_FORMAT_VERSION,
            modelbench_version: "0.1.0-test".into(),
            command_line: command_line.clone(),
            files: datasets.iter().map(|d| d.path.clone()).collect(),
            experiments: true,
            experiment_folds: None,
            seed: 7,
            folds: FOLDS,
            repeats: REPEATS,
            timeout_s: 10.0,
            max_memory_mb: None,
            load_options: LoadOptions::default(),
            library_versions: library_versions.clone(),
            models: Vec::new(),
        },
        datasets,
        cells,
    };
    let analyses: Vec<DatasetAnalysis> = results
        .datasets
        .iter()
        .map(|d| analysis(&results, d))
        .collect();
    let manifest = Manifest {
        modelbench_version: "0.1.0-test".into(),
        command_line,
        seed: 7,
        folds: FOLDS,
        repeats: REPEATS,
        library_versions,
        cpu: "Test CPU @ 1.00GHz".into(),
        datasets: results
            .datasets
            .iter()
            .map(|d| ManifestDataset {
                name: d.name.clone(),
                path: d.path.display().to_string(),
                sha256: d.sha256.clone(),
            })
            .collect(),
    };
    let ranking = CrossDatasetRanking {
        task: Task::Classification,
        datasets: vec![HOSTILE_HTML.into(), "wine".into()],
        models: specs(Task::Classification)
            .iter()
            .map(|s| s.name.to_string())
            .collect(),
        average_ranks: vec![2.0, 1.5, 2.5, 4.0],
        friedman: Some(FriedmanTest {
            chi_squared: 4.8,
            df: 3,
            p_value: 0.187,
            iman_davenport_f: 4.0,
            f_df1: 3,
            f_df2: 3,
            f_p_value: 0.142,
        }),
        critical_difference: Some(2.345),
    };
    ReportDocument {
        format_version: REPORT_FORMAT_VERSION,
        manifest,
        results,
        datasets: analyses,
        ranking: Some(ranking),
    }
}
