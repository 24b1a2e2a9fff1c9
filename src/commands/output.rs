//! Writing to standard output and standard error without ever panicking.
//!
//! `println!` panics when the reader of a pipe has gone (`modelbench models | head -2`). Every
//! command writes through `outln!` and `out!` instead: the first failed write to stdout is
//! remembered and later writes are skipped, so the command still finishes its work (a comparison
//! still writes its reports), and `main` then exits quietly with status 141, what a shell shows
//! for a program stopped by a closed pipe.
//!
//! Why not restore the default SIGPIPE action (die on the spot): `compare` writes jobs into
//! the pipes of its worker processes, and a worker that crashes before reading would then kill
//! the whole run. Broken pipes are handled as errors everywhere, consistently.

use std::io::{self, Write};
use std::sync::OnceLock;

/// The first error met writing to stdout.
static STDOUT_ERROR: OnceLock<io::ErrorKind> = OnceLock::new();

/// Writes to stdout unless an earlier write failed; remembers the first failure.
pub fn write_stdout(args: std::fmt::Arguments) {
    if STDOUT_ERROR.get().is_some() {
        return;
    }
    if let Err(error) = io::stdout().lock().write_fmt(args) {
        let _ = STDOUT_ERROR.set(error.kind());
    }
}

/// Writes to stderr; if stderr is gone too there is nobody left to tell.
pub fn write_stderr(args: std::fmt::Arguments) {
    let _ = io::stderr().lock().write_fmt(args);
}

/// How writing to stdout went, once the command is done (flushes what is buffered).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdoutOutcome {
    Written,
    /// The reader closed the pipe: stop quietly.
    Closed,
    /// Another error (a full disk behind a redirect): worth saying.
    Failed(io::ErrorKind),
}

pub fn finish_stdout() -> StdoutOutcome {
    if STDOUT_ERROR.get().is_none() {
        if let Err(error) = io::stdout().lock().flush() {
            let _ = STDOUT_ERROR.set(error.kind());
        }
    }
    match STDOUT_ERROR.get() {
        None => StdoutOutcome::Written,
        Some(io::ErrorKind::BrokenPipe) => StdoutOutcome::Closed,
        Some(&kind) => StdoutOutcome::Failed(kind),
    }
}

/// `print!` that never panics (see the module docs).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::commands::output::write_stdout(format_args!($($arg)*))
    };
}

/// `println!` that never panics (see the module docs).
macro_rules! outln {
    () => {
        $crate::commands::output::write_stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::commands::output::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` that never panics (see the module docs).
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::commands::output::write_stderr(format_args!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {errln, out, outln};
