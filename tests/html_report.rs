//! The HTML report in a real headless browser (Debian's `chromium`): the page must render its
//! SVG charts, and a hostile name like `<img src=x onerror=alert(1)>` must show as text, not
//! become an element.
//!
//! The page is the real analysis of a committed results file (`tests/fixtures/hostile/`) whose
//! dataset, class, feature names and a failure reason are hostile.
//!
//! Without a chromium binary the test prints a note and passes (skipped), unless
//! `MODELBENCH_REQUIRE_BROWSER=1` is set (as CI does), in which case it fails with the command
//! to install it.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use modelbench::analysis::analyse;
use modelbench::eval::results::RunResults;
use modelbench::render::write::{write_reports, REPORT_HTML};

/// A name that runs script if a renderer forgets to escape it for HTML.
const HOSTILE_HTML: &str = "<img src=x onerror=alert(1)>";

/// The committed results file, run through the real analysis.
fn sample_document() -> modelbench::analysis::document::ReportDocument {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile/results.json");
    let text = std::fs::read_to_string(&path).expect("the committed fixture is readable");
    let results: RunResults = serde_json::from_str(&text).expect("the fixture is a results file");
    analyse(results, "test CPU".to_string())
}

/// The browser binary: `$MODELBENCH_CHROMIUM`, else `chromium` or `chromium-browser` on PATH.
fn find_chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("MODELBENCH_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Runs chromium headless on `page` with `extra` arguments; returns its stdout. Its output
/// goes to files (a pipe left unread would fill up and stall it), and it is killed if it runs
/// past a minute, so a stuck browser fails the test instead of hanging it.
fn run_chromium(chromium: &Path, profile: &Path, page: &Path, extra: &[String]) -> String {
    let stdout_path = profile.with_extension("stdout");
    let stderr_path = profile.with_extension("stderr");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(File::create(&stdout_path).expect("a file for chromium's output"))
        .stderr(File::create(&stderr_path).expect("a file for chromium's errors"))
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for chromium") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium ran for more than 90 s on {}:\n{}",
                page.display(),
                std::fs::read_to_string(&stderr_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        status.success(),
        "chromium failed ({status}):\n{}",
        std::fs::read_to_string(&stderr_path).unwrap_or_default()
    );
    std::fs::read_to_string(&stdout_path).expect("chromium's output is text")
}

#[test]
fn the_html_report_renders_in_a_headless_browser() {
    let Some(chromium) = find_chromium() else {
        if std::env::var("MODELBENCH_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!(
                "MODELBENCH_REQUIRE_BROWSER=1 but no chromium was found: install it \
                 (apt-get install chromium) or point MODELBENCH_CHROMIUM at it"
            );
        }
        eprintln!(
            "SKIPPED: the browser test needs chromium (apt-get install chromium); set \
             MODELBENCH_REQUIRE_BROWSER=1 to make its absence a failure"
        );
        return;
    };

    let dir = tempfile::tempdir().expect("a temporary folder");
    let doc = sample_document();
    write_reports(&doc, &dir.path().join("out")).expect("the reports are written");
    let page = dir.path().join("out").join(REPORT_HTML);
    let profile = dir.path().join("profile");

    // 1. The DOM after parsing (and any script, had one run).
    let dom = run_chromium(&chromium, &profile, &page, &["--dump-dom".to_string()]);
    assert!(
        dom.contains("<h1>modelbench report</h1>"),
        "the page did not load:\n{dom:.2000}"
    );
    // The hostile name is text: serialised back as entities, never as an element.
    assert!(
        dom.contains("Dataset: &lt;img src=x onerror=alert(1)&gt;</h2>"),
        "the hostile dataset name is not shown as text"
    );
    assert!(
        !dom.contains("<img"),
        "an <img> element made it into the DOM"
    );
    assert!(
        !dom.contains("onerror=\""),
        "an onerror attribute made it into the DOM"
    );
    assert!(!dom.contains(HOSTILE_HTML));
    // Inside the SVG charts too: the tree's first split is on the hostile feature name.
    assert!(
        dom.contains("&lt;img src=x onerro…"),
        "the tree's hostile label"
    );
    // Every chart is there as an SVG element with drawn content.
    let expected_charts = doc.datasets.len()
        + doc
            .datasets
            .iter()
            .filter(|d| d.claims.learning_curves.is_some())
            .count()
        + doc
            .datasets
            .iter()
            .filter(|d| d.claims.tree.is_some())
            .count()
        + usize::from(
            doc.ranking
                .as_ref()
                .is_some_and(|r| r.critical_difference.is_some()),
        );
    assert_eq!(
        dom.matches("<svg").count(),
        expected_charts,
        "SVG charts in the DOM"
    );
    assert!(
        dom.matches("<text").count() > 50,
        "charts without labels or ticks"
    );
    assert!(dom.matches("<circle").count() >= 4, "scatter points");
    assert!(!dom.contains("chart could not be drawn"));

    // 2. A screenshot: the page really paints something substantial.
    let screenshot = dir.path().join("report.png");
    run_chromium(
        &chromium,
        &profile,
        &page,
        &[
            format!("--screenshot={}", screenshot.display()),
            "--window-size=1200,4000".to_string(),
        ],
    );
    let png = std::fs::read(&screenshot).expect("chromium wrote the screenshot");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    assert!(
        png.len() > 100 * 1024,
        "the screenshot is only {} bytes: is the page blank?",
        png.len()
    );
    // To look at them: MODELBENCH_KEEP_REPORT=/some/folder cargo test --test html_report
    if let Some(keep) = std::env::var_os("MODELBENCH_KEEP_REPORT") {
        let keep = PathBuf::from(keep);
        std::fs::create_dir_all(&keep).expect("create the folder to keep the report in");
        std::fs::copy(&page, keep.join(REPORT_HTML)).expect("copy the page");
        std::fs::copy(&screenshot, keep.join("report.png")).expect("copy the screenshot");
    }
}
