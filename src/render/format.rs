//! Number formats and row order shared by the Markdown and HTML renderers, so both show the
//! same numbers the same way. Nothing here escapes text: each renderer escapes for its format.

use crate::analysis::document::{DatasetAnalysis, ModelComparison};
use crate::analysis::summary::{MeanSd, ModelSummary};
use crate::eval::cell::ModelSize;
use crate::stats::{CorrectedTTest, RopeProbabilities};

/// How a model compares with the best model of its dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Best,
    /// Holm-adjusted p < 0.05 and worse than the best.
    SignificantlyWorse,
    /// Not distinguishable from the best at Holm-adjusted p < 0.05.
    NotDistinguishable,
    /// No test could be run (too few folds, or the model failed).
    Untested,
}

impl Mark {
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Best => "best",
            Mark::SignificantlyWorse => "▼",
            Mark::NotDistinguishable => "≈",
            Mark::Untested => "?",
        }
    }

    pub fn meaning(self) -> &'static str {
        match self {
            Mark::Best => "the best mean score",
            Mark::SignificantlyWorse => {
                "significantly worse than the best (Holm-adjusted p < 0.05)"
            }
            Mark::NotDistinguishable => {
                "not distinguishable from the best (Holm-adjusted p ≥ 0.05)"
            }
            Mark::Untested => "no test (too few successful folds)",
        }
    }
}

/// One table row: a model's summary, its comparison with the best, and its mark.
pub struct Row<'a> {
    pub summary: &'a ModelSummary,
    pub comparison: Option<&'a ModelComparison>,
    pub mark: Mark,
}

/// The dataset's models, best mean score first (models without a score last, by name).
pub fn rows(analysis: &DatasetAnalysis) -> Vec<Row<'_>> {
    let mut rows: Vec<Row<'_>> = analysis
        .summaries
        .iter()
        .map(|summary| {
            let comparison = analysis
                .comparisons
                .iter()
                .find(|c| c.model == summary.model);
            let mark = if analysis.best.as_deref() == Some(summary.model.as_str()) {
                Mark::Best
            } else {
                match comparison {
                    Some(c) if c.significantly_worse => Mark::SignificantlyWorse,
                    Some(c) if c.test.is_some() => Mark::NotDistinguishable,
                    _ => Mark::Untested,
                }
            };
            Row {
                summary,
                comparison,
                mark,
            }
        })
        .collect();
    let key = |s: &ModelSummary| s.headline.map_or(f64::NEG_INFINITY, |h| h.mean);
    rows.sort_by(|a, b| {
        key(b.summary)
            .total_cmp(&key(a.summary))
            .then_with(|| a.summary.model.cmp(&b.summary.model))
    });
    rows
}

/// "0.953 ± 0.021", or "-".
pub fn mean_sd(m: Option<MeanSd>) -> String {
    m.map_or_else(|| "-".into(), |m| format!("{:.3} ± {:.3}", m.mean, m.sd))
}

/// A score or other number with three decimals, "-" when absent or not finite.
pub fn number(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:.3}"),
        _ => "-".into(),
    }
}

/// Milliseconds with a precision that suits their size.
pub fn ms(v: f64) -> String {
    match v {
        v if !v.is_finite() => "-".into(),
        v if v < 10.0 => format!("{v:.2}"),
        v if v < 1000.0 => format!("{v:.1}"),
        v => format!("{v:.0}"),
    }
}

/// `text` cut to `max_chars` characters, with an ellipsis when cut.
pub fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_string()
    } else {
        text.chars()
            .take(max_chars.saturating_sub(1))
            .collect::<String>()
            + "…"
    }
}

/// Bytes as KB, MB or GB.
pub fn bytes(bytes: u64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    match bytes as f64 {
        b if b < MB => format!("{:.0} KB", b / 1024.0),
        b if b < 1024.0 * MB => format!("{:.1} MB", b / MB),
        b => format!("{:.2} GB", b / (1024.0 * MB)),
    }
}

/// "0.012", or "< 0.001" for very small p-values.
pub fn p_value(p: f64) -> String {
    match p {
        p if !p.is_finite() => "p = -".into(),
        p if p < 0.001 => "p < 0.001".into(),
        p => format!("p = {p:.3}"),
    }
}

/// The difference to the best and its 95% interval in the score's units (percentage points
/// for accuracy, R² units for R²): "−1.2 [−3.4, +1.0]".
pub fn difference_interval(test: &CorrectedTTest, score_name: &str) -> String {
    let (scale, decimals) = if score_name == "accuracy" {
        (100.0, 1)
    } else {
        (1.0, 3)
    };
    format!(
        "{} [{}, {}]",
        signed(test.mean_difference * scale, decimals),
        signed(test.ci_low * scale, decimals),
        signed(test.ci_high * scale, decimals)
    )
}

/// The unit of [`difference_interval`]: "pp" or the score's name.
pub fn difference_unit(score_name: &str) -> &str {
    if score_name == "accuracy" {
        "pp"
    } else {
        score_name
    }
}

/// P(worse) / P(equivalent) / P(better) against the region of practical equivalence.
pub fn rope(r: &RopeProbabilities) -> String {
    format!("{:.2} / {:.2} / {:.2}", r.below, r.inside, r.above)
}

/// A number with an explicit sign ("+1.5", "−0.3"; a true minus sign for reading).
pub fn signed(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    let text = format!("{:.*}", decimals, v.abs());
    // A value that rounds to zero gets no sign.
    if text.chars().all(|c| c == '0' || c == '.') {
        return text;
    }
    if v < 0.0 {
        format!("−{text}")
    } else {
        format!("+{text}")
    }
}

/// A fit-time ratio: "×12.3", "×0.45".
pub fn ratio(v: f64) -> String {
    match v {
        v if !v.is_finite() => "-".into(),
        v if v >= 100.0 => format!("×{v:.0}"),
        v if v >= 1.0 => format!("×{v:.1}"),
        v => format!("×{v:.2}"),
    }
}

/// A fraction as a percentage: 0.25 → "25%".
pub fn percent(fraction: f64) -> String {
    format!("{:.0}%", fraction * 100.0)
}

/// A short description of a model's size: "42 support vectors", "57 nodes, depth 9", ...
pub fn describe_size(size: &ModelSize) -> String {
    let mut parts = Vec::new();
    if let Some(nodes) = size.tree_nodes {
        parts.push(format!("{nodes} nodes"));
    }
    if let Some(depth) = size.tree_depth {
        parts.push(format!("depth {depth}"));
    }
    if let Some(leaves) = size.leaves {
        if size.tree_nodes.is_none() {
            parts.push(format!("{leaves} leaves"));
        }
    }
    if let Some(sv) = size.support_vectors {
        parts.push(format!("{sv} support vectors"));
    }
    if let Some(rows) = size.stored_rows {
        parts.push(format!("{rows} stored rows"));
    }
    if let Some(p) = size.parameters {
        if parts.is_empty() {
            parts.push(format!("{p} parameters"));
        }
    }
    if parts.is_empty() {
        "-".to_string()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(signed(-0.04, 1), "0.0");
        assert_eq!(signed(-1.26, 1), "−1.3");
        assert_eq!(signed(2.0, 1), "+2.0");
        assert_eq!(p_value(0.0004), "p < 0.001");
        assert_eq!(p_value(0.0123), "p = 0.012");
        assert_eq!(ratio(12.34), "×12.3");
        assert_eq!(ratio(0.456), "×0.46");
        assert_eq!(percent(0.25), "25%");
        assert_eq!(ms(1.234), "1.23");
        assert_eq!(bytes(2048), "2 KB");
        assert_eq!(number(Some(f64::NAN)), "-");
        assert_eq!(ms(123.45), "123.5");
        assert_eq!(bytes(3 * 1024 * 1024), "3.0 MB");
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("abc", 4), "abc");
    }

    #[test]
    fn size_descriptions() {
        let tree = ModelSize {
            tree_nodes: Some(57),
            tree_depth: Some(9),
            leaves: Some(29),
            ..ModelSize::default()
        };
        assert_eq!(describe_size(&tree), "57 nodes, depth 9");
        let net = ModelSize {
            parameters: Some(1234),
            ..ModelSize::default()
        };
        assert_eq!(describe_size(&net), "1234 parameters");
    }
}
