//! The `load_csv` fuzz target (`fuzz/fuzz_targets/load_csv.rs`) as a property test, so that
//! `cargo test` runs its checks on random input without nightly or libFuzzer: arbitrary bytes,
//! and CSV-shaped text built from the pieces real and broken files are made of, either load
//! into a dataset whose every fold prepares into a valid training set, or are refused with an
//! error naming the file. Never a panic.

use proptest::prelude::*;

#[path = "../fuzz/fuzz_targets/prepare.rs"]
mod prepare;

/// Cells and separators, hostile ones included (huge and tiny numbers, missing spellings,
/// quotes, line ends, a BOM, bytes that are not UTF-8).
fn piece() -> impl Strategy<Value = &'static [u8]> {
    prop::sample::select(vec![
        &b"1"[..],
        b"-2.5",
        b"0",
        b"1e308",
        b"-1.7976931348623157e308",
        b"5e-324",
        b"1e309",
        b"inf",
        b"NA",
        b"?",
        b"",
        b"a",
        b"b",
        b"x y",
        b"\"q,1\"",
        b"\"",
        b",",
        b",",
        b",",
        b";",
        b"\t",
        b"\n",
        b"\n",
        b"\r\n",
        b"\r",
        b"\xEF\xBB\xBF",
        b"\xFF",
        b"\0",
    ])
}

/// A table of small integers and two or three classes, with one hostile piece spliced in:
/// loads often, so preparation is exercised, not only the loader's refusals.
fn table() -> impl Strategy<Value = Vec<u8>> {
    (2usize..5, 4usize..14, any::<u64>(), 0usize..400, piece()).prop_map(
        |(columns, rows, seed, at, splice)| {
            let mut text = (0..columns - 1)
                .map(|j| format!("x{j},"))
                .collect::<String>()
                + "y\n";
            let mut state = seed;
            for _ in 0..rows {
                for _ in 0..columns - 1 {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1);
                    text.push_str(&format!("{},", (state >> 60) as i64 - 8));
                }
                text.push_str(["a\n", "b\n", "c\n"][(state >> 40) as usize % 3]);
            }
            let mut bytes = text.into_bytes();
            let at = at.min(bytes.len());
            bytes.splice(at..at, splice.iter().copied());
            bytes
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_bytes_load_and_prepare_or_are_refused(
        bytes in prop::collection::vec(any::<u8>(), 0..300)
    ) {
        prepare::load_and_prepare(&bytes);
    }

    #[test]
    fn csv_shaped_pieces_load_and_prepare_or_are_refused(
        pieces in prop::collection::vec(piece(), 0..60)
    ) {
        prepare::load_and_prepare(&pieces.concat());
    }

    #[test]
    fn tables_with_a_hostile_piece_load_and_prepare_or_are_refused(bytes in table()) {
        prepare::load_and_prepare(&bytes);
    }
}

#[test]
fn the_fuzz_target_prepares_values_near_the_largest_double() {
    // Found by this target: the sums behind imputation means and standardization overflowed
    // to infinity for values near f64::MAX, and the training fold was no longer finite.
    let text =
        "a,b,y\n1e308,1e308,p\n1e308,,q\n1.7e308,-1.7e308,p\n1e308,3,q\n-1e308,NA,p\n1e308,2,q\n";
    prepare::load_and_prepare(text.as_bytes());
}

#[test]
fn the_fuzz_target_prepares_a_test_value_far_outside_its_training_fold() {
    // Found by `cargo fuzz run load_csv` (crash-4cff88c3...): 1e308 in the test fold against a
    // training fold of 2, 3 and 4 standardized to infinity.
    prepare::load_and_prepare(b"a,label\n2,1.2\n3,4\n4,2.00\n1e308,0.2-0(0\n");
}
