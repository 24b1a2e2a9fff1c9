//! `manifest.json`: how the numbers were produced (command line, seed, protocol, library
//! versions, CPU, each dataset's SHA-256), and where the CPU's name comes from. The manifest
//! itself is built by whoever builds the [`ReportDocument`]; this only renders it.

use crate::analysis::document::ReportDocument;

/// The manifest as pretty JSON (it is plain strings and numbers, so it always encodes).
pub fn render(doc: &ReportDocument) -> String {
    let mut text = serde_json::to_string_pretty(&doc.manifest)
        .expect("a manifest of strings, numbers and string maps always encodes as JSON");
    text.push('\n');
    text
}

/// The CPU model as the operating system names it ("unknown" where it does not say).
pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| cpu_model_from(&text))
        .unwrap_or_else(|| "unknown".to_string())
}

/// The first "model name" line of a /proc/cpuinfo text.
fn cpu_model_from(cpuinfo: &str) -> Option<String> {
    cpuinfo
        .lines()
        .filter_map(|line| line.split_once(':'))
        .find(|(key, _)| key.trim() == "model name")
        .map(|(_, value)| value.trim().to_string())
        .filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::document::Manifest;
    use crate::render::test_fixture::sample_document;

    #[test]
    fn reads_the_model_name_line() {
        let text = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\nmodel name\t: other\n";
        assert_eq!(
            cpu_model_from(text).as_deref(),
            Some("Intel(R) Xeon(R) CPU @ 2.20GHz")
        );
        assert_eq!(cpu_model_from("processor : 0\n"), None);
        assert_eq!(cpu_model_from("model name :   \n"), None);
        assert!(!cpu_model().is_empty());
    }

    #[test]
    fn manifest_round_trips_through_its_json() {
        let doc = sample_document();
        let text = render(&doc);
        let back: Manifest = serde_json::from_str(&text).unwrap();
        assert_eq!(back, doc.manifest);
        assert!(text.contains("\"sha256\""));
    }
}
