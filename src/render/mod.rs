//! Analysis → text: the terminal table and answer, `report.md`, `report.html`, `results.csv`,
//! the manifest and the charts. Renderers decide nothing: every verdict, pick and mark comes
//! typed from [`crate::analysis`]; here it is only put into words and escaped per format.

pub mod charts;
pub mod csv_export;
#[doc(hidden)]
pub mod fixtures;
pub mod format;
pub mod html;
pub mod manifest;
pub mod markdown;
pub mod paths;
pub mod table;
pub mod write;
