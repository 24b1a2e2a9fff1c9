//! The decision rules, once: which models are candidates, what a model costs, which one to
//! pick (the Occam rule), and whether a network earns its cost (the verdict). `pick`, the
//! terminal answer and every report use these values; nothing else decides.
//!
//! The rules, as the README states them:
//! - A *candidate* is a non-baseline model that completed every fold and is neither
//!   significantly worse than the best (Holm-adjusted p < α) nor practically worse (posterior
//!   probability of being more than the ROPE below the best > 0.5).
//! - Its *cost* is the median over folds of fit + predict time; costs below
//!   [`COST_FLOOR_MS`] count as that floor (timer and scheduler noise).
//! - The *pick* is, among the candidates whose cost is within [`COST_BAND`] of the cheapest
//!   candidate's, the most readable, then the cheapest, then the first by name. It is a
//!   function of the set of candidates, so the order of the input cannot change it.

use serde::{Deserialize, Serialize};

use crate::eval::results::ModelRole;

/// Costs within this factor of the cheapest candidate's form the cheapest cost band.
pub const COST_BAND: f64 = 1.5;
/// Costs below this many milliseconds per fold count as equal: between repeated runs of the
/// same command on a shared 2-core machine, sub-millisecond medians moved by up to 1.5x and
/// single folds by up to 89x (README, "How models are compared").
pub const COST_FLOOR_MS: f64 = 1.0;
/// A 95% interval of a difference wider than this (in score units: 0.10 = 10 pp of accuracy
/// or 0.10 of R²) is too wide to call a model better or worse.
pub const WIDE_INTERVAL: f64 = 0.10;
/// Fewer fold scores than this cannot support a verdict.
pub const MIN_FOLD_SCORES: usize = 5;

/// One model's standing on one dataset: everything the rules look at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    pub model: String,
    pub role: ModelRole,
    pub readability_rank: u8,
    pub folds_ok: usize,
    pub folds_total: usize,
    /// "ok", or what went wrong in how many folds.
    pub status: String,
    /// Mean headline score over the folds that ran.
    pub score: Option<f64>,
    /// Median over folds of fit + predict milliseconds.
    pub cost_ms: Option<f64>,
    /// Against the best model; `None` for the best itself or when no test could run.
    pub versus_best: Option<Versus>,
}

/// A model against the best (difference = model − best, in score units).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Versus {
    pub difference: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// Holm-adjusted over every comparison with the best on this dataset.
    pub p_holm: f64,
    pub significantly_worse: bool,
    pub practically_worse: bool,
}

impl Versus {
    pub fn interval_width(&self) -> f64 {
        self.ci_high - self.ci_low
    }
}

impl Standing {
    pub fn is_complete(&self) -> bool {
        self.folds_total > 0 && self.folds_ok == self.folds_total && self.score.is_some()
    }

    /// Non-baseline, complete, and neither significantly nor practically worse than the best.
    pub fn is_candidate(&self, best: &str) -> bool {
        self.role != ModelRole::Baseline
            && self.is_complete()
            && (self.model == best
                || self
                    .versus_best
                    .is_some_and(|v| !v.significantly_worse && !v.practically_worse))
    }

    /// The cost the rules compare: the median fit + predict time, at least the floor.
    pub fn effective_cost_ms(&self) -> f64 {
        self.cost_ms.map_or(f64::INFINITY, |c| c.max(COST_FLOOR_MS))
    }
}

/// The chosen model and the band it was chosen from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pick {
    pub model: String,
    pub cost_ms: Option<f64>,
    /// The cheapest candidate (by effective cost).
    pub cheapest: String,
    /// Upper end of the band: [`COST_BAND`] × the cheapest effective cost.
    pub band_limit_ms: f64,
    /// Every candidate in the band, in the order of the rule (the pick first).
    pub band: Vec<String>,
}

/// The candidates of `standings`, ranked by the Occam rule: the pick first, then the pick of
/// what remains, and so on. Empty when there is no best or no candidate.
pub fn rank_candidates<'a>(standings: &'a [Standing], best: &str) -> Vec<&'a Standing> {
    let mut remaining: Vec<&Standing> = standings.iter().filter(|s| s.is_candidate(best)).collect();
    let mut ranked = Vec::with_capacity(remaining.len());
    while let Some(index) = choose(&remaining) {
        ranked.push(remaining.swap_remove(index));
    }
    ranked
}

/// Applies the Occam rule to `standings` (best = the model with the best mean score).
pub fn pick(standings: &[Standing], best: &str) -> Option<Pick> {
    let candidates: Vec<&Standing> = standings.iter().filter(|s| s.is_candidate(best)).collect();
    let chosen = candidates[choose(&candidates)?];
    let cheapest = cheapest(&candidates)?;
    let band_limit_ms = COST_BAND * cheapest.effective_cost_ms();
    let band: Vec<String> = rank_candidates(standings, best)
        .into_iter()
        .filter(|s| in_band(s, band_limit_ms))
        .map(|s| s.model.clone())
        .collect();
    Some(Pick {
        model: chosen.model.clone(),
        cost_ms: chosen.cost_ms,
        cheapest: cheapest.model.clone(),
        band_limit_ms,
        band,
    })
}

fn in_band(s: &Standing, band_limit_ms: f64) -> bool {
    // A relative tolerance so that a cost equal to the limit is inside whatever the rounding.
    s.effective_cost_ms() <= band_limit_ms * (1.0 + 1e-9)
}

fn cheapest<'a>(candidates: &[&'a Standing]) -> Option<&'a Standing> {
    candidates.iter().copied().min_by(|a, b| {
        a.effective_cost_ms()
            .total_cmp(&b.effective_cost_ms())
            .then_with(|| a.model.cmp(&b.model))
    })
}

/// Index of the pick among `candidates`: in the cheapest band, the most readable, then the
/// cheapest, then the first by name. Each key is a property of one model alone, so this is a
/// minimum over a total order: no input order can change it.
fn choose(candidates: &[&Standing]) -> Option<usize> {
    let limit = COST_BAND * cheapest(candidates)?.effective_cost_ms();
    candidates
        .iter()
        .enumerate()
        .filter(|(_, s)| in_band(s, limit))
        .min_by(|(_, a), (_, b)| {
            a.readability_rank
                .cmp(&b.readability_rank)
                .then(a.effective_cost_ms().total_cmp(&b.effective_cost_ms()))
                .then_with(|| a.model.cmp(&b.model))
        })
        .map(|(i, _)| i)
}

/// Does a network earn its cost on this dataset?
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub outcome: Outcome,
    /// Networks that did not complete every fold, with why; never "best" or picked.
    pub incomplete_networks: Vec<Incomplete>,
}

/// A model that did not complete, with the first reason of each kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incomplete {
    pub model: String,
    pub folds_ok: usize,
    pub folds_total: usize,
    pub status: String,
}

/// The verdict's outcomes, each with the numbers its sentence needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// No network was run on this dataset.
    NoNetwork,
    /// Networks ran, but none completed every fold.
    NetworkIncomplete,
    /// The data cannot separate the network from the others.
    CannotDecide { reasons: Vec<Undecided> },
    /// A network is the pick, and every non-network is worse than it.
    EarnsItsCost {
        network: String,
        score: f64,
        /// The best non-baseline non-network, and network − that model (score units).
        best_other: String,
        difference: f64,
    },
    /// A network is as good as the best non-networks and cheaper than every one of them.
    NetworkWins {
        network: String,
        /// The cheapest non-network that is as good.
        other: String,
        /// other's cost / network's cost (≥ 1 means the network is cheaper).
        cost_ratio: f64,
    },
    /// A network is as good as the best, but the pick is a non-network that is as good and
    /// cheaper or (in the same cost band) easier to read.
    NotWorthIt {
        network: String,
        pick: String,
        /// network's cost / pick's cost.
        cost_ratio: f64,
    },
    /// Every network that completed is significantly or practically worse than the best.
    NetworksLose {
        network: String,
        best: String,
        /// network − best (score units), with its Holm-adjusted p-value.
        difference: f64,
        p_holm: f64,
        /// Significantly worse (else only practically worse).
        significantly: bool,
    },
}

/// Why the data cannot decide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum Undecided {
    /// Fewer fold scores than [`MIN_FOLD_SCORES`].
    TooFewFolds { fold_scores: usize, needed: usize },
    /// The best model is not significantly better than the majority/mean baseline.
    ChanceLevel { best: String, baseline: String },
    /// The comparison that decides has a 95% interval wider than [`WIDE_INTERVAL`].
    WideInterval {
        model: String,
        against: String,
        width: f64,
    },
}

/// The verdict from the standings (`best` = the complete model with the best mean score).
pub fn verdict(standings: &[Standing], best: Option<&str>) -> Verdict {
    let networks: Vec<&Standing> = standings
        .iter()
        .filter(|s| s.role == ModelRole::Network)
        .collect();
    let incomplete_networks = networks
        .iter()
        .filter(|s| !s.is_complete())
        .map(|s| Incomplete {
            model: s.model.clone(),
            folds_ok: s.folds_ok,
            folds_total: s.folds_total,
            status: s.status.clone(),
        })
        .collect();
    let outcome = decide(standings, &networks, best);
    Verdict {
        outcome,
        incomplete_networks,
    }
}

fn decide(standings: &[Standing], networks: &[&Standing], best: Option<&str>) -> Outcome {
    if networks.is_empty() {
        return Outcome::NoNetwork;
    }
    let complete: Vec<&Standing> = networks
        .iter()
        .copied()
        .filter(|s| s.is_complete())
        .collect();
    let Some(best) = best.filter(|_| !complete.is_empty()) else {
        return Outcome::NetworkIncomplete;
    };
    let find = |model: &str| standings.iter().find(|s| s.model == model);
    let mut reasons = Vec::new();
    let fold_scores = find(best).map_or(0, |s| s.folds_ok);
    if fold_scores < MIN_FOLD_SCORES {
        reasons.push(Undecided::TooFewFolds {
            fold_scores,
            needed: MIN_FOLD_SCORES,
        });
    }
    let baselines: Vec<&Standing> = standings
        .iter()
        .filter(|s| s.role == ModelRole::Baseline && s.is_complete())
        .collect();
    let best_is_baseline = baselines.iter().any(|s| s.model == best);
    if let Some(baseline) = baselines
        .iter()
        .find(|s| best_is_baseline || s.versus_best.is_some_and(|v| !v.significantly_worse))
    {
        reasons.push(Undecided::ChanceLevel {
            best: best.to_string(),
            baseline: baseline.model.clone(),
        });
    }
    if !reasons.is_empty() {
        return Outcome::CannotDecide { reasons };
    }

    let others: Vec<&Standing> = standings
        .iter()
        .filter(|s| s.role != ModelRole::Network && s.role != ModelRole::Baseline)
        .filter(|s| s.is_complete())
        .collect();
    let network_candidates: Vec<&Standing> = complete
        .iter()
        .copied()
        .filter(|s| s.is_candidate(best))
        .collect();
    let by_score = |a: &&Standing, b: &&Standing| {
        a.score
            .unwrap_or(f64::NEG_INFINITY)
            .total_cmp(&b.score.unwrap_or(f64::NEG_INFINITY))
            .then_with(|| b.model.cmp(&a.model))
    };

    if network_candidates.is_empty() {
        let network = complete
            .iter()
            .copied()
            .max_by(by_score)
            .expect("complete is not empty");
        let versus = network.versus_best;
        // Worse only "practically" (not significantly) with a wide interval: not established.
        if let Some(v) = versus.filter(|v| !v.significantly_worse) {
            if v.interval_width() > WIDE_INTERVAL {
                return Outcome::CannotDecide {
                    reasons: vec![Undecided::WideInterval {
                        model: network.model.clone(),
                        against: best.to_string(),
                        width: v.interval_width(),
                    }],
                };
            }
        }
        return Outcome::NetworksLose {
            network: network.model.clone(),
            best: best.to_string(),
            difference: versus.map_or(f64::NAN, |v| v.difference),
            p_holm: versus.map_or(f64::NAN, |v| v.p_holm),
            significantly: versus.is_some_and(|v| v.significantly_worse),
        };
    }

    let Some(chosen) = pick(standings, best) else {
        return Outcome::NetworkIncomplete;
    };
    let chosen = find(&chosen.model).expect("the pick is one of the standings");
    let other_candidates: Vec<&Standing> = others
        .iter()
        .copied()
        .filter(|s| s.is_candidate(best))
        .collect();
    if chosen.role == ModelRole::Network {
        match other_candidates.iter().copied().min_by(|a, b| {
            a.effective_cost_ms()
                .total_cmp(&b.effective_cost_ms())
                .then_with(|| a.model.cmp(&b.model))
        }) {
            Some(other) => Outcome::NetworkWins {
                network: chosen.model.clone(),
                other: other.model.clone(),
                cost_ratio: ratio(other.cost_ms, chosen.cost_ms),
            },
            None => {
                // Every non-network is worse; but one that is worse only "practically", with
                // an interval too wide to tell, leaves the question open.
                if let Some(unclear) = others.iter().find(|s| {
                    s.versus_best.is_some_and(|v| {
                        !v.significantly_worse && v.interval_width() > WIDE_INTERVAL
                    })
                }) {
                    return Outcome::CannotDecide {
                        reasons: vec![Undecided::WideInterval {
                            model: unclear.model.clone(),
                            against: best.to_string(),
                            width: unclear.versus_best.map_or(f64::NAN, |v| v.interval_width()),
                        }],
                    };
                }
                let best_other = others.iter().copied().max_by(by_score);
                Outcome::EarnsItsCost {
                    network: chosen.model.clone(),
                    score: chosen.score.unwrap_or(f64::NAN),
                    best_other: best_other.map_or_else(String::new, |s| s.model.clone()),
                    difference: match best_other.and_then(|s| s.score) {
                        Some(other) => chosen.score.unwrap_or(f64::NAN) - other,
                        None => f64::NAN,
                    },
                }
            }
        }
    } else {
        // The network most in its own favour: the cheapest one that is as good.
        let network = network_candidates
            .iter()
            .copied()
            .min_by(|a, b| {
                a.effective_cost_ms()
                    .total_cmp(&b.effective_cost_ms())
                    .then_with(|| a.model.cmp(&b.model))
            })
            .expect("network_candidates is not empty");
        Outcome::NotWorthIt {
            network: network.model.clone(),
            pick: chosen.model.clone(),
            cost_ratio: ratio(network.cost_ms, chosen.cost_ms),
        }
    }
}

/// a / b for two costs, NaN when either is missing or b is not positive.
fn ratio(a: Option<f64>, b: Option<f64>) -> f64 {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => a / b,
        _ => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A complete model: name, role, readability rank, score, cost, and how it compares with
    /// the best (`None` for the best itself).
    fn model(
        name: &str,
        role: ModelRole,
        readability_rank: u8,
        score: f64,
        cost_ms: f64,
        versus_best: Option<Versus>,
    ) -> Standing {
        Standing {
            model: name.to_string(),
            role,
            readability_rank,
            folds_ok: 10,
            folds_total: 10,
            status: "ok".to_string(),
            score: Some(score),
            cost_ms: Some(cost_ms),
            versus_best,
        }
    }

    /// Tied with the best: not significantly, not practically worse, a narrow interval.
    fn tied(difference: f64) -> Option<Versus> {
        Some(Versus {
            difference,
            ci_low: difference - 0.02,
            ci_high: difference + 0.02,
            p_holm: 0.6,
            significantly_worse: false,
            practically_worse: false,
        })
    }

    /// Significantly worse than the best.
    fn worse(difference: f64) -> Option<Versus> {
        Some(Versus {
            difference,
            ci_low: difference - 0.02,
            ci_high: difference + 0.02,
            p_holm: 0.001,
            significantly_worse: true,
            practically_worse: true,
        })
    }

    /// Practically (not significantly) worse, with an interval `width` wide.
    fn practically_worse(difference: f64, width: f64) -> Option<Versus> {
        Some(Versus {
            difference,
            ci_low: difference - width / 2.0,
            ci_high: difference + width / 2.0,
            p_holm: 0.3,
            significantly_worse: false,
            practically_worse: true,
        })
    }

    use ModelRole::{Baseline, Ensemble, Kernel, Network, Simple};

    fn baseline_far_below() -> Standing {
        model("majority", Baseline, 0, 0.33, 0.01, worse(-0.6))
    }

    fn incomplete(name: &str, role: ModelRole) -> Standing {
        Standing {
            folds_ok: 9,
            status: "timed out 1/10: fit ran past 300 s".to_string(),
            ..model(name, role, 9, 0.99, 900.0, None)
        }
    }

    #[test]
    fn pick_is_the_most_readable_in_the_cheapest_band_not_the_cheapest() {
        // Band: cheapest candidate 10 ms, so up to 15 ms. forest 10, logistic 14 (in), tree 20
        // (out). The example: the old pairwise rule picked the tree in one order.
        let standings = vec![
            model("random-forest", Ensemble, 6, 0.95, 10.0, None),
            model("logistic", Simple, 2, 0.95, 14.0, tied(0.0)),
            model("decision-tree", Simple, 0, 0.95, 20.0, tied(0.0)),
        ];
        let pick = pick(&standings, "random-forest").unwrap();
        assert_eq!(pick.model, "logistic");
        assert_eq!(pick.cheapest, "random-forest");
        assert_eq!(pick.band, vec!["logistic", "random-forest"]);
        assert!((pick.band_limit_ms - 15.0).abs() < 1e-9);
    }

    #[test]
    fn costs_below_the_floor_are_equal_so_readability_decides() {
        // 0.05 ms and 0.9 ms both count as 1 ms: the tree is more readable.
        let standings = vec![
            model("knn", Simple, 4, 0.96, 0.05, None),
            model("decision-tree", Simple, 0, 0.95, 0.9, tied(-0.01)),
        ];
        assert_eq!(pick(&standings, "knn").unwrap().model, "decision-tree");
    }

    #[test]
    fn baselines_worse_and_incomplete_models_are_never_candidates() {
        let standings = vec![
            model("svm-rbf", Kernel, 7, 0.97, 5.0, None),
            model("mean", Baseline, 0, 0.97, 0.001, tied(0.0)),
            model("decision-tree", Simple, 0, 0.90, 1.0, worse(-0.07)),
            model(
                "logistic",
                Simple,
                2,
                0.95,
                1.0,
                practically_worse(-0.02, 0.05),
            ),
            incomplete("sigmoid-mlp", Network),
        ];
        let ranked: Vec<&str> = rank_candidates(&standings, "svm-rbf")
            .iter()
            .map(|s| s.model.as_str())
            .collect();
        assert_eq!(ranked, vec!["svm-rbf"]);
    }

    proptest! {
        /// The pick and the whole ranking depend on the set of models, not on their order.
        #[test]
        fn pick_does_not_depend_on_input_order(
            costs in proptest::collection::vec(0.01f64..50.0, 2..8),
            ranks in proptest::collection::vec(0u8..12, 8),
            seed in any::<u64>(),
        ) {
            let standings: Vec<Standing> = costs
                .iter()
                .enumerate()
                .map(|(i, &cost)| {
                    let versus = if i == 0 { None } else { tied(-0.001 * i as f64) };
                    model(&format!("m{i}"), Simple, ranks[i], 0.9, cost, versus)
                })
                .collect();
            let reference = pick(&standings, "m0").unwrap();
            let reference_ranking: Vec<String> = rank_candidates(&standings, "m0")
                .iter()
                .map(|s| s.model.clone())
                .collect();
            let mut shuffled = standings.clone();
            let mut rng = crate::rng::SeededRng::new(seed);
            rng.shuffle(&mut shuffled);
            prop_assert_eq!(&pick(&shuffled, "m0").unwrap(), &reference);
            let ranking: Vec<String> = rank_candidates(&shuffled, "m0")
                .iter()
                .map(|s| s.model.clone())
                .collect();
            prop_assert_eq!(ranking, reference_ranking);
            // Chosen from the band: within 1.5x of the cheapest (after the floor).
            let chosen = standings.iter().find(|s| s.model == reference.model).unwrap();
            let cheapest = standings
                .iter()
                .map(Standing::effective_cost_ms)
                .fold(f64::INFINITY, f64::min);
            prop_assert!(chosen.effective_cost_ms() <= COST_BAND * cheapest * (1.0 + 1e-9));
        }
    }

    /// One row per outcome: the standings, the best, and the outcome expected.
    #[test]
    fn verdict_outcomes() {
        struct Case {
            name: &'static str,
            standings: Vec<Standing>,
            best: Option<&'static str>,
            expected: Outcome,
        }
        let cases = vec![
            Case {
                name: "no network ran",
                standings: vec![
                    model("svm-rbf", Kernel, 7, 0.97, 5.0, None),
                    baseline_far_below(),
                ],
                best: Some("svm-rbf"),
                expected: Outcome::NoNetwork,
            },
            Case {
                name: "the only network timed out in one fold: never best, never picked",
                standings: vec![
                    model("svm-rbf", Kernel, 7, 0.95, 5.0, None),
                    incomplete("sigmoid-mlp", Network),
                    baseline_far_below(),
                ],
                best: Some("svm-rbf"),
                expected: Outcome::NetworkIncomplete,
            },
            Case {
                name: "network tied with the best, a simple model as good and cheaper",
                standings: vec![
                    model("sigmoid-mlp", Network, 10, 0.97, 200.0, None),
                    model("logistic", Simple, 2, 0.965, 2.0, tied(-0.005)),
                    baseline_far_below(),
                ],
                best: Some("sigmoid-mlp"),
                expected: Outcome::NotWorthIt {
                    network: "sigmoid-mlp".into(),
                    pick: "logistic".into(),
                    cost_ratio: 100.0,
                },
            },
            Case {
                name: "a slower simple model tied: the network is as good and cheaper: it wins",
                standings: vec![
                    model("sigmoid-net", Network, 9, 0.97, 20.0, None),
                    model("svm-rbf", Kernel, 7, 0.965, 80.0, tied(-0.005)),
                    model("decision-tree", Simple, 0, 0.90, 1.0, worse(-0.07)),
                    baseline_far_below(),
                ],
                best: Some("sigmoid-net"),
                expected: Outcome::NetworkWins {
                    network: "sigmoid-net".into(),
                    other: "svm-rbf".into(),
                    cost_ratio: 4.0,
                },
            },
            Case {
                name: "every non-network significantly worse: the network earns its cost",
                standings: vec![
                    model("sigmoid-mlp", Network, 10, 0.98, 200.0, None),
                    model("svm-rbf", Kernel, 7, 0.93, 5.0, worse(-0.05)),
                    model("decision-tree", Simple, 0, 0.90, 1.0, worse(-0.08)),
                    baseline_far_below(),
                ],
                best: Some("sigmoid-mlp"),
                expected: Outcome::EarnsItsCost {
                    network: "sigmoid-mlp".into(),
                    score: 0.98,
                    best_other: "svm-rbf".into(),
                    difference: 0.98 - 0.93,
                },
            },
            Case {
                name: "the network significantly worse: networks lose",
                standings: vec![
                    model("random-forest", Ensemble, 6, 0.975, 30.0, None),
                    model("sigmoid-mlp", Network, 10, 0.965, 200.0, worse(-0.01)),
                    baseline_far_below(),
                ],
                best: Some("random-forest"),
                expected: Outcome::NetworksLose {
                    network: "sigmoid-mlp".into(),
                    best: "random-forest".into(),
                    difference: -0.01,
                    p_holm: 0.001,
                    significantly: true,
                },
            },
            Case {
                name: "tiny data: simple models only practically worse with wide intervals",
                standings: vec![
                    model("sigmoid-net", Network, 9, 0.96, 20.0, None),
                    model(
                        "logistic",
                        Simple,
                        2,
                        0.93,
                        2.0,
                        practically_worse(-0.03, 0.16),
                    ),
                    model(
                        "decision-tree",
                        Simple,
                        0,
                        0.92,
                        1.0,
                        practically_worse(-0.04, 0.2),
                    ),
                    baseline_far_below(),
                ],
                best: Some("sigmoid-net"),
                expected: Outcome::CannotDecide {
                    reasons: vec![Undecided::WideInterval {
                        model: "logistic".into(),
                        against: "sigmoid-net".into(),
                        width: 0.16,
                    }],
                },
            },
            Case {
                name: "chance level: the baseline is not significantly worse than the best",
                standings: vec![
                    model("sigmoid-net", Network, 9, 0.52, 20.0, None),
                    model("logistic", Simple, 2, 0.50, 2.0, tied(-0.02)),
                    model("majority", Baseline, 0, 0.50, 0.01, tied(-0.02)),
                ],
                best: Some("sigmoid-net"),
                expected: Outcome::CannotDecide {
                    reasons: vec![Undecided::ChanceLevel {
                        best: "sigmoid-net".into(),
                        baseline: "majority".into(),
                    }],
                },
            },
            Case {
                name: "too few folds to decide",
                standings: vec![
                    Standing {
                        folds_ok: 3,
                        folds_total: 3,
                        ..model("sigmoid-net", Network, 9, 0.96, 20.0, None)
                    },
                    Standing {
                        folds_ok: 3,
                        folds_total: 3,
                        ..model("logistic", Simple, 2, 0.90, 2.0, worse(-0.06))
                    },
                ],
                best: Some("sigmoid-net"),
                expected: Outcome::CannotDecide {
                    reasons: vec![Undecided::TooFewFolds {
                        fold_scores: 3,
                        needed: MIN_FOLD_SCORES,
                    }],
                },
            },
        ];
        for case in cases {
            let verdict = verdict(&case.standings, case.best);
            match (&verdict.outcome, &case.expected) {
                // Ratios and differences: compare numbers with a tolerance.
                (
                    Outcome::NotWorthIt { cost_ratio: a, .. },
                    Outcome::NotWorthIt { cost_ratio: b, .. },
                )
                | (
                    Outcome::NetworkWins { cost_ratio: a, .. },
                    Outcome::NetworkWins { cost_ratio: b, .. },
                )
                | (
                    Outcome::EarnsItsCost { difference: a, .. },
                    Outcome::EarnsItsCost { difference: b, .. },
                ) => {
                    assert!((a - b).abs() < 1e-9, "{}: {a} vs {b}", case.name);
                    assert_eq!(
                        std::mem::discriminant(&verdict.outcome),
                        std::mem::discriminant(&case.expected),
                        "{}",
                        case.name
                    );
                }
                (Outcome::CannotDecide { reasons: a }, Outcome::CannotDecide { reasons: b }) => {
                    assert_eq!(a.len(), b.len(), "{}: {a:?}", case.name);
                    for (x, y) in a.iter().zip(b) {
                        match (x, y) {
                            (
                                Undecided::WideInterval {
                                    width: w1,
                                    model: m1,
                                    ..
                                },
                                Undecided::WideInterval {
                                    width: w2,
                                    model: m2,
                                    ..
                                },
                            ) => {
                                assert_eq!(m1, m2, "{}", case.name);
                                assert!((w1 - w2).abs() < 1e-9, "{}", case.name);
                            }
                            _ => assert_eq!(x, y, "{}", case.name),
                        }
                    }
                }
                (got, want) => assert_eq!(got, want, "{}", case.name),
            }
        }
    }

    #[test]
    fn verdict_names_incomplete_networks_beside_the_outcome() {
        let standings = vec![
            model("random-forest", Ensemble, 6, 0.975, 30.0, None),
            model("sigmoid-net", Network, 9, 0.90, 20.0, worse(-0.075)),
            incomplete("sigmoid-mlp", Network),
            baseline_far_below(),
        ];
        let verdict = verdict(&standings, Some("random-forest"));
        assert!(matches!(verdict.outcome, Outcome::NetworksLose { .. }));
        assert_eq!(verdict.incomplete_networks.len(), 1);
        assert_eq!(verdict.incomplete_networks[0].model, "sigmoid-mlp");
        assert_eq!(verdict.incomplete_networks[0].folds_ok, 9);
        assert!(verdict.incomplete_networks[0].status.contains("timed out"));
    }

    #[test]
    fn any_network_can_earn_its_cost_and_the_verdict_names_which() {
        // Two networks, one slow and one cheap, both tied with the best; the simple model is
        // slower than the cheap network: the cheap network wins.
        let standings = vec![
            model("mlp", Network, 10, 0.97, 3.0, None),
            model("sigmoid-mlp", Network, 10, 0.97, 300.0, tied(0.0)),
            model("svm-rbf", Kernel, 7, 0.965, 12.0, tied(-0.005)),
            baseline_far_below(),
        ];
        let verdict = verdict(&standings, Some("mlp"));
        assert_eq!(
            verdict.outcome,
            Outcome::NetworkWins {
                network: "mlp".into(),
                other: "svm-rbf".into(),
                cost_ratio: 4.0
            }
        );
    }
}
