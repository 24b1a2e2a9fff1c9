//! The results of a run: the canonical record every report is rendered from, and the
//! append-only log it is written to as cells finish, so that a crash loses no finished cell.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::cell::CellResult;
use super::folds::FoldPlan;
use super::protocol::Protocol;
use crate::data::{LoadOptions, Task};
use crate::models::Model;
pub use crate::models::ModelRole;

/// Bumped whenever the results format changes incompatibly.
pub const RESULTS_FORMAT_VERSION: u32 = 1;

/// How the run was set up: enough to replay any cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunHeader {
    pub format_version: u32,
    pub modelbench_version: String,
    pub command_line: Vec<String>,
    /// The data files asked for, in order (a resumed run reads the same ones).
    pub files: Vec<PathBuf>,
    /// Whether the tuning-grid and learning-curve experiments were run.
    #[serde(default)]
    pub experiments: bool,
    /// On how many folds of the first repeat they ran (`None`: every fold).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub experiment_folds: Option<usize>,
    pub seed: u64,
    pub folds: usize,
    pub repeats: usize,
    pub timeout_s: f64,
    /// `--max-memory`: the address-space limit of each worker process, in MB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_memory_mb: Option<u64>,
    pub load_options: LoadOptions,
    /// Versions of the libraries behind the models (linfa, smartcore, ndarray, ...).
    pub library_versions: BTreeMap<String, String>,
    pub models: Vec<ModelRecord>,
}

impl RunHeader {
    /// The header of a new run of `protocol` on `files` (absolute paths, so that the run can
    /// be resumed from any folder).
    pub fn new(
        protocol: &Protocol,
        files: Vec<PathBuf>,
        command_line: Vec<String>,
        models: &[Box<dyn Model>],
    ) -> RunHeader {
        RunHeader {
            format_version: RESULTS_FORMAT_VERSION,
            modelbench_version: env!("CARGO_PKG_VERSION").to_string(),
            command_line,
            files,
            experiments: protocol.experiments,
            experiment_folds: protocol.experiment_folds,
            seed: protocol.seed,
            folds: protocol.folds,
            repeats: protocol.repeats,
            timeout_s: protocol.timeout_s,
            max_memory_mb: protocol.max_memory_mb,
            load_options: protocol.load.clone(),
            library_versions: library_versions(),
            models: models.iter().map(|m| ModelRecord::of(m.as_ref())).collect(),
        }
    }

    /// The protocol this header stores.
    pub fn protocol(&self) -> Protocol {
        Protocol {
            folds: self.folds,
            repeats: self.repeats,
            seed: self.seed,
            models: self.models.iter().map(|m| m.name.clone()).collect(),
            experiments: self.experiments,
            experiment_folds: self.experiment_folds,
            load: self.load_options.clone(),
            timeout_s: self.timeout_s,
            max_memory_mb: self.max_memory_mb,
        }
    }
}

/// A model as it was run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelRecord {
    pub name: String,
    pub description: String,
    pub settings: serde_json::Value,
    pub standardized_features: bool,
    /// Its facts when the run was made; absent in results written before they were recorded
    /// (then [`RunResults::facts_of`] looks the model up by name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<RecordedFacts>,
}

impl ModelRecord {
    /// The record of `model` as it is about to run, with its facts.
    pub fn of(model: &dyn Model) -> Self {
        ModelRecord {
            name: model.name().to_string(),
            description: model.description().to_string(),
            settings: model.settings(),
            standardized_features: model.wants_standardized_features(),
            facts: Some(RecordedFacts::of(model)),
        }
    }
}

/// What the analysis needs to know about a model, recorded in the results so that `report`
/// and `pick --from` decide from the results alone, without the model registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedFacts {
    pub role: ModelRole,
    /// 0 is the easiest to read; breaks ties in the cheapest cost band.
    pub readability_rank: u8,
    /// 0 is the cheapest to run.
    pub cost_rank: u8,
    /// Its defaults were chosen on the bundled datasets (disclosed in the report).
    #[serde(default)]
    pub defaults_chosen_on_bundled_data: bool,
}

impl RecordedFacts {
    pub fn of(model: &dyn Model) -> Self {
        let facts = model.facts();
        RecordedFacts {
            role: facts.role,
            readability_rank: facts.readability_rank,
            cost_rank: facts.cost_rank,
            defaults_chosen_on_bundled_data: model.defaults_chosen_on_bundled_data(),
        }
    }

    /// For a model neither recorded nor known to this build: an ordinary model, least readable
    /// and most costly, so it is never preferred on facts it did not declare.
    pub const UNKNOWN: RecordedFacts = RecordedFacts {
        role: ModelRole::Simple,
        readability_rank: u8::MAX,
        cost_rank: u8::MAX,
        defaults_chosen_on_bundled_data: false,
    };
}

/// A dataset as it was run, with the fold of every row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DatasetRecord {
    pub name: String,
    pub path: PathBuf,
    pub sha256: String,
    pub task: Task,
    pub rows: usize,
    pub features: usize,
    /// Names of the model inputs (one-hot columns as `column=level`).
    #[serde(default)]
    pub feature_names: Vec<String>,
    pub target: String,
    /// Class names in label order (empty for regression).
    pub class_names: Vec<String>,
    /// Rows per class (empty for regression).
    pub class_counts: Vec<usize>,
    pub warnings: Vec<String>,
    /// Why the dataset was not run, when it was not.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub skipped: Option<String>,
    /// The models run on it, in order.
    pub models: Vec<String>,
    pub fold_plan: Option<FoldPlan>,
}

/// Everything a run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResults {
    pub header: RunHeader,
    pub datasets: Vec<DatasetRecord>,
    pub cells: Vec<CellResult>,
}

impl RunResults {
    /// The facts of `model`: as recorded in the header, else (older results files) from this
    /// build's model of that name, else [`RecordedFacts::UNKNOWN`].
    pub fn facts_of(&self, model: &str) -> RecordedFacts {
        self.header
            .models
            .iter()
            .find(|m| m.name == model)
            .and_then(|m| m.facts)
            .or_else(|| crate::models::find_model(model).map(|m| RecordedFacts::of(m.as_ref())))
            .unwrap_or(RecordedFacts::UNKNOWN)
    }

    /// Fills in the facts of models recorded without them (results written by an older
    /// modelbench), so that a rewritten file carries them.
    pub fn record_missing_facts(&mut self) {
        let filled: Vec<RecordedFacts> = self
            .header
            .models
            .iter()
            .map(|m| self.facts_of(&m.name))
            .collect();
        for (record, facts) in self.header.models.iter_mut().zip(filled) {
            record.facts.get_or_insert(facts);
        }
    }

    /// The main cells (default settings, whole training fold) of `model` on `dataset`.
    pub fn main_cells<'a>(
        &'a self,
        dataset: &'a str,
        model: &'a str,
    ) -> impl Iterator<Item = &'a CellResult> + 'a {
        self.cells
            .iter()
            .filter(move |c| c.key.is_main() && c.key.dataset == dataset && c.key.model == model)
    }

    /// Every cell (main and experiments) of `model` on `dataset`.
    pub fn cells_of<'a>(
        &'a self,
        dataset: &'a str,
        model: &'a str,
    ) -> impl Iterator<Item = &'a CellResult> + 'a {
        self.cells
            .iter()
            .filter(move |c| c.key.dataset == dataset && c.key.model == model)
    }

    /// The headline score of each main cell of `model` on `dataset` that ran, keyed by
    /// (repeat, fold).
    pub fn fold_scores(&self, dataset: &str, model: &str) -> BTreeMap<(usize, usize), f64> {
        self.main_cells(dataset, model)
            .filter_map(|c| {
                c.measurement
                    .as_ref()
                    .map(|m| ((c.key.repeat, c.key.fold), m.scores.headline()))
            })
            .collect()
    }
}

/// The library versions recorded at build time from Cargo.lock.
pub fn library_versions() -> BTreeMap<String, String> {
    env!("MODELBENCH_LIBRARY_VERSIONS")
        .split(',')
        .filter_map(|pair| pair.split_once('='))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

/// One line of the log.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "kebab-case")]
enum LogLine {
    Header(RunHeader),
    Dataset(DatasetRecord),
    Cell(CellResult),
}

/// The append-only JSON-lines log of a run (`results.jsonl`): one complete line per record,
/// each written with a single call and flushed, so a killed run leaves at worst one partial
/// last line, which [`read_log`] ignores.
pub struct ResultsLog {
    file: File,
    path: PathBuf,
}

impl ResultsLog {
    /// Creates a new log; an existing one is never overwritten (it holds another run's cells).
    pub fn create(path: &Path) -> anyhow::Result<Self> {
        let file = OpenOptions::new()
            .create_new(true)
            .write(true)
            .open(path)
            .with_context(|| format!("Could not create the results log '{}'", path.display()))?;
        Ok(ResultsLog {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Replaces the log at `path` with exactly the records of `results` (dropping a partial
    /// last line left by a crash), atomically, and opens it for appending.
    pub fn rewrite(path: &Path, results: &RunResults) -> anyhow::Result<Self> {
        let mut text = String::new();
        let lines = std::iter::once(LogLine::Header(results.header.clone()))
            .chain(results.datasets.iter().cloned().map(LogLine::Dataset))
            .chain(results.cells.iter().cloned().map(LogLine::Cell));
        for line in lines {
            text.push_str(
                &serde_json::to_string(&line).context("Could not encode a results record")?,
            );
            text.push('\n');
        }
        write_atomically(path, text.as_bytes())?;
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .with_context(|| format!("Could not reopen the results log '{}'", path.display()))?;
        Ok(ResultsLog {
            file,
            path: path.to_path_buf(),
        })
    }

    pub fn header(&mut self, header: &RunHeader) -> anyhow::Result<()> {
        self.append(&LogLine::Header(header.clone()))
    }

    pub fn dataset(&mut self, dataset: &DatasetRecord) -> anyhow::Result<()> {
        self.append(&LogLine::Dataset(dataset.clone()))
    }

    pub fn cell(&mut self, cell: &CellResult) -> anyhow::Result<()> {
        self.append(&LogLine::Cell(cell.clone()))
    }

    fn append(&mut self, line: &LogLine) -> anyhow::Result<()> {
        let mut text = serde_json::to_string(line).context("Could not encode a results record")?;
        text.push('\n');
        self.file
            .write_all(text.as_bytes())
            .and_then(|_| self.file.flush())
            .with_context(|| format!("Could not append to '{}'", self.path.display()))
    }
}

/// Reads a log back; a last line cut short by a crash is ignored, any other bad line is an error.
pub fn read_log(path: &Path) -> anyhow::Result<RunResults> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("Could not read '{}'", path.display()))?;
    let mut header = None;
    let mut datasets = Vec::new();
    let mut cells = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let parsed: LogLine = match serde_json::from_str(line) {
            Ok(parsed) => parsed,
            Err(_) if i + 1 == lines.len() && !text.ends_with('\n') => break,
            Err(e) => anyhow::bail!(
                "{}, line {}: not a results record ({e})",
                path.display(),
                i + 1
            ),
        };
        match parsed {
            LogLine::Header(h) => header = Some(h),
            LogLine::Dataset(d) => datasets.push(d),
            LogLine::Cell(c) => cells.push(c),
        }
    }
    let header = header.with_context(|| {
        format!(
            "{}: no run header; is this a modelbench results log?",
            path.display()
        )
    })?;
    Ok(RunResults {
        header,
        datasets,
        cells,
    })
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, then a rename.
///
/// A path that exists and is not a regular file (`/dev/null`, `/dev/stdout`, a named pipe) is
/// written in place: renaming over it would replace the device with a plain file (as root,
/// `--out /dev/null` would otherwise break `/dev/null` for the whole machine).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut file| file.write_all(bytes))
            .with_context(|| format!("Could not write '{}'", path.display()));
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    let temporary = dir.join(format!(".{file_name}.tmp{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut file = File::create(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    };
    write().with_context(|| format!("Could not write '{}'", path.display()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::eval::cell::{CellKey, CellStatus};

    #[cfg(unix)]
    #[test]
    fn writing_to_a_device_writes_through_it_and_leaves_it_a_device() {
        use std::os::unix::fs::FileTypeExt;
        write_atomically(Path::new("/dev/null"), b"discarded").expect("/dev/null is writable");
        let kind = std::fs::metadata("/dev/null").expect("exists").file_type();
        assert!(kind.is_char_device(), "/dev/null was replaced: {kind:?}");
    }

    pub(crate) fn dataset_record(name: &str) -> DatasetRecord {
        DatasetRecord {
            name: name.into(),
            path: format!("/data/{name}.csv").into(),
            sha256: "0".repeat(64),
            task: Task::Classification,
            rows: 10,
            features: 2,
            feature_names: vec!["a".into(), "b".into()],
            target: "y".into(),
            class_names: vec!["x".into(), "z".into()],
            class_counts: vec![5, 5],
            warnings: Vec::new(),
            skipped: None,
            models: vec!["knn".into()],
            fold_plan: None,
        }
    }

    pub(crate) fn header() -> RunHeader {
        RunHeader {
            format_version: RESULTS_FORMAT_VERSION,
            modelbench_version: "test".into(),
            command_line: vec!["modelbench".into()],
            files: vec!["datasets/iris.csv".into()],
            experiments: false,
            experiment_folds: None,
            seed: 1,
            folds: 5,
            repeats: 2,
            timeout_s: 10.0,
            max_memory_mb: Some(300),
            load_options: LoadOptions::default(),
            library_versions: library_versions(),
            models: Vec::new(),
        }
    }

    #[test]
    fn log_round_trips_and_ignores_a_cut_last_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("results.jsonl");
        let mut log = ResultsLog::create(&path).unwrap();
        log.header(&header()).unwrap();
        let cell = CellResult {
            key: CellKey {
                dataset: "iris".into(),
                model: "majority".into(),
                repeat: 0,
                fold: 3,
                setting: None,
                train_percent: None,
            },
            status: CellStatus::Failed,
            reason: Some("boom".into()),
            measurement: None,
            host: None,
        };
        log.cell(&cell).unwrap();
        drop(log);
        let read = read_log(&path).unwrap();
        assert_eq!(read.header, header());
        assert_eq!(read.cells, vec![cell.clone()]);

        // A crash mid-write leaves a partial line without a newline: ignored.
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("{\"record\":\"cell\",\"data");
        std::fs::write(&path, &text).unwrap();
        assert_eq!(read_log(&path).unwrap().cells, vec![cell]);
    }

    #[test]
    fn the_header_stores_the_protocol_it_was_made_from() {
        let protocol = header().protocol();
        let models: Vec<Box<dyn Model>> = vec![crate::models::find_model("knn").unwrap()];
        let mut protocol = protocol;
        protocol.models = vec!["knn".into()];
        let rebuilt = RunHeader::new(&protocol, vec!["/a.csv".into()], Vec::new(), &models);
        assert_eq!(rebuilt.protocol(), protocol);
        assert_eq!(rebuilt.files, vec![PathBuf::from("/a.csv")]);
    }

    #[test]
    fn library_versions_name_linfa_and_smartcore() {
        let versions = library_versions();
        assert!(versions.contains_key("linfa"), "{versions:?}");
        assert!(versions.contains_key("smartcore"), "{versions:?}");
    }
}
