//! Fuzz target: arbitrary bytes through the CSV loader and, when they load, through the
//! preparation every model's input goes through (folds, imputation, standardization).
//!
//! Run with `cargo +nightly fuzz run load_csv` from the repository root (see the README's
//! Development section). The same checks run on random bytes in `cargo test`
//! (`tests/fuzz_prepare.rs`).

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "prepare.rs"]
mod prepare;

fuzz_target!(|bytes: &[u8]| {
    prepare::load_and_prepare(bytes);
});
