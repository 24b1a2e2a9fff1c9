//! Live heap bytes, counted by a global allocator around the system allocator: the fit's peak
//! heap is the largest number of live bytes during the fit above the number live just before.
//!
//! Unlike resident-set growth (see [`super::memory`]), this sees memory that a fit allocates
//! and frees again within pages the process already holds, so a small model never reads as
//! 0 bytes. The `modelbench` binary installs [`CountingAllocator`] (`src/main.rs`); where it
//! is not installed (unit tests, other binaries) [`installed`] is false and readings are
//! `None`, never invented.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

static LIVE: AtomicU64 = AtomicU64::new(0);
static PEAK: AtomicU64 = AtomicU64::new(0);
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// The system allocator, counting live bytes and their high-water mark (all threads).
pub struct CountingAllocator;

fn grew(bytes: u64) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

fn shrank(bytes: u64) {
    LIVE.fetch_sub(bytes, Ordering::Relaxed);
}

// SAFETY: every call is forwarded unchanged to `System`; the counters only observe sizes.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            grew(layout.size() as u64);
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        let pointer = unsafe { System.alloc_zeroed(layout) };
        if !pointer.is_null() {
            grew(layout.size() as u64);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged; `pointer` came from this allocator with `layout`.
        unsafe { System.dealloc(pointer, layout) };
        shrank(layout.size() as u64);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded unchanged; the caller upholds `realloc`'s contract.
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            let (old, new) = (layout.size() as u64, new_size as u64);
            if new >= old {
                grew(new - old);
            } else {
                shrank(old - new);
            }
        }
        moved
    }
}

impl CountingAllocator {
    /// Marks the allocator as installed; the binary calls this first thing in `main`.
    pub fn mark_installed() {
        INSTALLED.store(true, Ordering::Relaxed);
    }
}

/// Whether the counting allocator is this process's global allocator.
pub fn installed() -> bool {
    INSTALLED.load(Ordering::Relaxed)
}

/// Starts a measurement: the high-water mark is reset to the bytes live now, which are
/// returned. `None` when the allocator is not installed.
pub fn start() -> Option<u64> {
    if !installed() {
        return None;
    }
    let live = LIVE.load(Ordering::Relaxed);
    PEAK.store(live, Ordering::Relaxed);
    Some(live)
}

/// The peak live bytes since [`start`] above the bytes live at the start.
pub fn peak_since(start: u64) -> u64 {
    PEAK.load(Ordering::Relaxed).saturating_sub(start)
}
