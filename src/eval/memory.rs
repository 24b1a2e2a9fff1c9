//! Peak resident memory of a fit, read from Linux's /proc for the current process.
//!
//! The worker process resets its high-water mark just before fitting (writing 5 to
//! /proc/self/clear_refs) and reads VmHWM after, so the figure is the fit's own peak. Where
//! /proc is unavailable the figures are `None`, never invented.

/// Resident-set high-water mark and current resident size, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryReading {
    pub peak_bytes: u64,
    pub current_bytes: u64,
}

/// Resets the peak-RSS counter; returns whether the kernel accepted it.
pub fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Reads VmHWM and VmRSS of this process.
pub fn read() -> Option<MemoryReading> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    };
    Some(MemoryReading {
        peak_bytes: field("VmHWM:")?,
        current_bytes: field("VmRSS:")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_is_at_least_current_where_proc_exists() {
        if let Some(reading) = read() {
            assert!(reading.peak_bytes >= reading.current_bytes);
            assert!(reading.current_bytes > 0);
        }
    }
}
