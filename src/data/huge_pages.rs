//! Backing the loader's large buffers (the file's bytes, its fields, its numbers, the feature
//! matrix) with transparent huge pages where the kernel offers them on request (Linux,
//! `madvise` mode): one page fault per 2 MiB instead of one per 4 KiB. On a 18.6 MB file the
//! faults were about a third of the load's time (BENCHMARKS.md, CSV loading).

/// The size of a transparent huge page on x86-64 and most aarch64 kernels.
#[cfg(target_os = "linux")]
const HUGE_PAGE: usize = 2 << 20;

/// Asks the kernel to back the part of `vec`'s allocation (its capacity) that covers whole
/// huge pages with huge pages, before the memory is first written. Only advice: nothing
/// changes where the kernel declines, or on other systems.
pub(crate) fn advise_huge_pages<T>(vec: &Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        let start = vec.as_ptr() as usize;
        let end = start + vec.capacity() * std::mem::size_of::<T>();
        let from = start.next_multiple_of(HUGE_PAGE);
        let to = end / HUGE_PAGE * HUGE_PAGE;
        if to > from {
            // SAFETY: the range lies inside `vec`'s own allocation, and MADV_HUGEPAGE only
            // advises how its pages are backed: it never changes their contents, their
            // protection or whether they are mapped. The result is ignored: advice declined
            // (an old kernel, THP off) leaves everything as it was.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = vec;
}
