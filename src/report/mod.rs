//! Turning results into something a person decides from: per-model summaries over folds, and
//! renderers (the terminal table now; Markdown, CSV and HTML build on the same summaries).

pub mod analysis;
pub mod charts;
pub mod claims;
pub mod csv_export;
pub mod document;
#[doc(hidden)]
pub mod fixtures;
pub mod format;
pub mod html;
pub mod manifest;
pub mod markdown;
pub mod paths;
pub mod summary;
pub mod table;
pub mod write;
