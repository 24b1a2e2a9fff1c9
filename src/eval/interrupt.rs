//! Ctrl-C (SIGINT) and SIGTERM as a request to stop: the first one sets a flag that the
//! executors check (no new cell starts, running workers are killed and their cells are not
//! recorded), so the run folder is left consistent and can be resumed; a second one ends the
//! process at once. Without [`install`] the signals keep their default effect.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// The conventional exit status of a program stopped by SIGINT (128 + 2).
pub const EXIT_INTERRUPTED: u8 = 130;

/// Whether a stop was requested.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// Catches SIGINT and SIGTERM from now on (Unix; elsewhere the default stays).
pub fn install() {
    #[cfg(unix)]
    {
        extern "C" fn on_signal(_: libc::c_int) {
            // Only async-signal-safe calls here: an atomic swap and _exit.
            if REQUESTED.swap(true, Ordering::SeqCst) {
                // SAFETY: _exit is async-signal-safe and ends the process without unwinding.
                unsafe { libc::_exit(i32::from(EXIT_INTERRUPTED)) };
            }
        }
        let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        // SAFETY: installs a handler that only touches an atomic and calls _exit.
        unsafe {
            libc::signal(libc::SIGINT, handler);
            libc::signal(libc::SIGTERM, handler);
        }
    }
}
