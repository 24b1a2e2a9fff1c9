//! `modelbench article`: the article's two examples, our figures beside the article's.

use std::process::ExitCode;

use super::output::outln;
use crate::article::{self, Reproduction};

/// Our outputs must match the article's printed figures this closely.
const TWO_LAYER_TOLERANCE: f64 = 1e-9;
/// The article prints the XOR outputs to 8 digits.
const XOR_TOLERANCE: f64 = 1e-6;

pub fn run() -> anyhow::Result<ExitCode> {
    outln!("The worked examples of \"The Truth about Neural Networks\", recomputed by modelbench.");
    outln!("Inputs X = [[0,0,1],[0,1,1],[1,0,1],[1,1,1]]; the third column is the constant bias input.");
    outln!(
        "Sigmoid units, starting weights from numpy's seed(1), step 1 on the summed gradient.\n"
    );

    let mut all_match = true;
    for (result, tolerance) in [
        (article::two_layer()?, TWO_LAYER_TOLERANCE),
        (article::xor()?, XOR_TOLERANCE),
    ] {
        all_match &= print_reproduction(&result, tolerance);
    }

    let single = article::single_layer_on_xor()?;
    outln!("{} ({} iterations)", single.title, single.iterations);
    for (target, out) in single.targets.iter().zip(&single.computed) {
        outln!("  target {target:.0}   output {out:.6}");
    }
    outln!("  no hidden layer cannot separate XOR: the outputs stay near 0.5, which is why the article adds one.\n");

    if all_match {
        outln!("Both examples match the article's figures.");
        Ok(ExitCode::SUCCESS)
    } else {
        outln!("MISMATCH: at least one output differs from the article beyond its tolerance.");
        Ok(ExitCode::FAILURE)
    }
}

fn print_reproduction(result: &Reproduction, tolerance: f64) -> bool {
    outln!("{} ({} iterations)", result.title, result.iterations);
    outln!(
        "  {:>6}  {:>20}  {:>20}  {:>9}",
        "target",
        "modelbench",
        "article",
        "|diff|"
    );
    for ((target, ours), theirs) in result
        .targets
        .iter()
        .zip(&result.computed)
        .zip(&result.article)
    {
        outln!(
            "  {target:>6.0}  {ours:>20.16}  {theirs:>20.16}  {:>9.1e}",
            (ours - theirs).abs()
        );
    }
    let matches = result.max_abs_difference() <= tolerance;
    outln!(
        "  largest difference {:.1e} (tolerance {tolerance:.0e}): {}\n",
        result.max_abs_difference(),
        if matches { "matches" } else { "DOES NOT MATCH" }
    );
    matches
}
