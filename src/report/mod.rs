//! Turning results into something a person decides from: per-model summaries over folds, and
//! renderers (the terminal table now; Markdown, CSV and HTML build on the same summaries).

pub mod summary;
pub mod table;
