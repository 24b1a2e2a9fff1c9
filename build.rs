//! Records the versions of the libraries modelbench compares (from Cargo.lock) so that results
//! files can say exactly which implementation produced each number.

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    let wanted = [
        "linfa",
        "linfa-svm",
        "linfa-trees",
        "linfa-bayes",
        "smartcore",
        "ndarray",
        "csv",
        "serde",
    ];
    let mut found = Vec::new();
    let mut name: Option<&str> = None;
    for line in lock.lines() {
        if let Some(n) = line.strip_prefix("name = ") {
            name = Some(n.trim_matches('"'));
        } else if let (Some(n), Some(v)) = (name, line.strip_prefix("version = ")) {
            if wanted.contains(&n) && !found.iter().any(|(f, _): &(String, String)| f == n) {
                found.push((n.to_string(), v.trim_matches('"').to_string()));
            }
            name = None;
        }
    }
    let joined: Vec<String> = found.iter().map(|(n, v)| format!("{n}={v}")).collect();
    println!(
        "cargo:rustc-env=MODELBENCH_LIBRARY_VERSIONS={}",
        joined.join(",")
    );
}
