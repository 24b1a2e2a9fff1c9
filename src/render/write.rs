//! Writes every form of a report into one folder: `report.json` (the canonical document),
//! `report.md`, `results.csv`, `report.html` and `manifest.json`, each atomically so a reader
//! never sees half a file. The file names are fixed here; nothing from user data (dataset or
//! model names) goes into a path, so no name can lead a file out of the folder.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{csv_export, html, manifest, markdown};
use crate::analysis::document::ReportDocument;
use crate::eval::results::write_atomically;

pub const REPORT_JSON: &str = "report.json";
pub const REPORT_MARKDOWN: &str = "report.md";
pub const RESULTS_CSV: &str = "results.csv";
pub const REPORT_HTML: &str = "report.html";
pub const MANIFEST_JSON: &str = "manifest.json";

/// Renders and writes all five files into `dir` (created if missing); returns their paths.
pub fn write_reports(doc: &ReportDocument, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("Could not create the report folder '{}'", dir.display()))?;
    let mut json =
        serde_json::to_string_pretty(doc).context("Could not encode the report as JSON")?;
    json.push('\n');
    let files = [
        (REPORT_JSON, json),
        (REPORT_MARKDOWN, markdown::render(doc)),
        (RESULTS_CSV, csv_export::render(doc)?),
        (REPORT_HTML, html::render(doc)),
        (MANIFEST_JSON, manifest::render(doc)),
    ];
    let mut written = Vec::with_capacity(files.len());
    for (name, text) in files {
        let path = dir.join(name);
        write_atomically(&path, text.as_bytes())?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::test_fixture::sample_document;

    #[test]
    fn writes_five_files_inside_the_folder_and_the_json_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("nested").join("out");
        let doc = sample_document();
        let paths = write_reports(&doc, &target).unwrap();
        assert_eq!(paths.len(), 5);
        for path in &paths {
            assert_eq!(path.parent(), Some(target.as_path()));
            assert!(std::fs::metadata(path).unwrap().len() > 0, "{path:?}");
        }
        let names: Vec<String> = std::fs::read_dir(&target)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 5, "no temporary files left: {names:?}");
        let back: ReportDocument =
            serde_json::from_str(&std::fs::read_to_string(target.join(REPORT_JSON)).unwrap())
                .unwrap();
        // serde_json may read a float back one unit in the last place off (without its
        // `float_roundtrip` feature), so compare what a reader sees: the re-rendered reports.
        assert_eq!(markdown::render(&back), markdown::render(&doc));
        assert_eq!(html::render(&back), html::render(&doc));
        assert_eq!(back.manifest, doc.manifest);
    }

    #[test]
    fn an_unwritable_folder_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a-file");
        std::fs::write(&file, "x").unwrap();
        let err = write_reports(&sample_document(), &file.join("sub")).unwrap_err();
        assert!(format!("{err:#}").contains("a-file"), "{err:#}");
    }
}
