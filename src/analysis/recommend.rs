//! The recommendation for one dataset, as `pick` prints it and `pick --json` writes it: the
//! pick of the Occam rule ([`super::decision`]) with the numbers behind it, the runner-ups,
//! the verdict on the network, what was not considered and the warnings. Assembled from the
//! dataset's analysis; nothing is decided here.

use serde::{Deserialize, Serialize};

use super::decision::{Incomplete, Pick, Standing, Verdict};
use super::document::DatasetAnalysis;
use super::warnings::Warning;

/// How many runner-ups are listed after the pick.
pub const RUNNER_UPS: usize = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub dataset: String,
    pub score_name: String,
    /// The complete model with the best mean score.
    pub best: String,
    pub pick: Pick,
    /// The pick's standing, then the runner-ups' (next by the same rule).
    pub chosen: Standing,
    pub runner_ups: Vec<Standing>,
    pub verdict: Verdict,
    /// Models that did not complete every fold (refused, timed out, failed, out of budget).
    pub not_considered: Vec<Incomplete>,
    pub warnings: Vec<Warning>,
}

/// The recommendation of one analysed dataset; `None` when no model is a candidate.
pub fn recommend(analysis: &DatasetAnalysis) -> Option<Recommendation> {
    let pick = analysis.pick.clone()?;
    let standing = |model: &str| {
        analysis
            .standings
            .iter()
            .find(|s| s.model == model)
            .cloned()
    };
    Some(Recommendation {
        dataset: analysis.dataset.clone(),
        score_name: analysis.score_name.clone(),
        best: analysis.best.clone()?,
        chosen: standing(&pick.model)?,
        runner_ups: analysis
            .ranked_candidates
            .iter()
            .filter(|m| **m != pick.model)
            .take(RUNNER_UPS)
            .filter_map(|m| standing(m))
            .collect(),
        pick,
        verdict: analysis.verdict.clone(),
        not_considered: analysis
            .standings
            .iter()
            .filter(|s| !s.is_complete())
            .map(|s| Incomplete {
                model: s.model.clone(),
                folds_ok: s.folds_ok,
                folds_total: s.folds_total,
                status: s.status.clone(),
            })
            .collect(),
        warnings: analysis.warnings.clone(),
    })
}
