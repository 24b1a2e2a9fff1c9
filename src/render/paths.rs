//! File names derived from names the user controls (dataset names come from file stems, and a
//! stem can be `..` or hold any bytes): [`safe_file_stem`] turns one into a single, harmless
//! path component, so a per-dataset report can never be written outside the output folder.
//!
//! Not here: choosing the output folder itself, which the user names with `--out`.

/// The longest stem returned, in bytes: with an extension and a numeric suffix it stays well
/// under the 255-byte file-name limit of common file systems.
pub const MAX_STEM_BYTES: usize = 100;

/// A file-name component for `name`: letters, digits, `-`, `_` and inner `.` kept (any
/// script), everything else (`/`, `\`, `:`, spaces, control characters, ...) replaced by `_`,
/// no leading dot (so no `.` , `..` or hidden file), at most [`MAX_STEM_BYTES`] bytes; an
/// empty result becomes `dataset`.
pub fn safe_file_stem(name: &str) -> String {
    let mapped: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut stem = String::new();
    for c in mapped.trim_start_matches('.').chars() {
        if stem.len() + c.len_utf8() > MAX_STEM_BYTES {
            break;
        }
        stem.push(c);
    }
    // A cut may leave trailing dots (Windows drops them, which could merge two names).
    let stem = stem.trim_end_matches('.');
    if stem.is_empty() {
        "dataset".to_string()
    } else {
        stem.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Component, Path};

    /// A stem is one normal path component.
    fn is_one_normal_component(stem: &str) -> bool {
        let mut components = Path::new(stem).components();
        matches!(components.next(), Some(Component::Normal(_))) && components.next().is_none()
    }

    #[test]
    fn path_traversal_stays_in_the_folder() {
        assert_eq!(safe_file_stem("../../etc/x"), "_.._etc_x");
        assert_eq!(safe_file_stem("../../etc/x.csv"), "_.._etc_x.csv");
        assert_eq!(safe_file_stem(".."), "dataset");
        assert_eq!(safe_file_stem("."), "dataset");
        assert_eq!(safe_file_stem("/etc/passwd"), "_etc_passwd");
        assert_eq!(safe_file_stem("..\\..\\windows\\x"), "_.._windows_x");
        assert_eq!(safe_file_stem("C:\\x"), "C__x");
        for name in ["../../etc/x", "..", "/", "\\\\server\\share", "a/../../b"] {
            let stem = safe_file_stem(name);
            assert!(is_one_normal_component(&stem), "{name} -> {stem}");
            assert!(
                !stem.contains('/') && !stem.contains('\\'),
                "{name} -> {stem}"
            );
        }
    }

    #[test]
    fn control_characters_and_hidden_names_are_defused() {
        assert_eq!(safe_file_stem("a\nb\0c\x1b[31m"), "a_b_c__31m");
        assert_eq!(safe_file_stem(".hidden"), "hidden");
        assert_eq!(safe_file_stem("...x"), "x");
        assert_eq!(safe_file_stem(""), "dataset");
        assert_eq!(safe_file_stem("   "), "___");
    }

    #[test]
    fn ordinary_names_are_kept() {
        assert_eq!(safe_file_stem("iris"), "iris");
        assert_eq!(safe_file_stem("winequality_red-2"), "winequality_red-2");
        assert_eq!(safe_file_stem("données.v2"), "données.v2");
    }

    #[test]
    fn long_names_are_cut_on_a_character_boundary() {
        let stem = safe_file_stem(&"é".repeat(300));
        assert_eq!(stem.len(), MAX_STEM_BYTES);
        assert_eq!(stem, "é".repeat(MAX_STEM_BYTES / 2));
        let stem = safe_file_stem(&format!("{}.{}", "a".repeat(MAX_STEM_BYTES - 1), "csv"));
        assert_eq!(stem, "a".repeat(MAX_STEM_BYTES - 1), "no trailing dot");
    }
}
