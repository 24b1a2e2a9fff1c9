//! The exit statuses of `modelbench`, in one place (the README's "Exit codes" lists them).

use std::process::ExitCode;

use crate::data::DataError;

/// Everything asked for was done.
pub const SUCCESS: u8 = 0;
/// The command ran but could not deliver: `article` found a mismatch, or standard output could
/// not be written (other than a closed pipe).
pub const FAILURE: u8 = 1;
/// A user error: bad arguments (clap uses 2 as well), or input that cannot be read or used.
/// Nothing is written when a command stops with it before starting work.
pub const USER_ERROR: u8 = 2;
/// A run completed, but some cells failed or timed out (`compare`), or are missing, failed or
/// timed out (`collect`): its results and reports are written with the cells there are.
pub const INCOMPLETE: u8 = 3;
/// Stopped by Ctrl-C or SIGTERM (`scancel`); the cells finished so far are kept.
pub const INTERRUPTED: u8 = crate::eval::interrupt::EXIT_INTERRUPTED;
/// Standard output was closed by its reader (`modelbench models | head -2`): 128 + SIGPIPE, the
/// status a shell shows for a program stopped by a closed pipe.
pub const STDOUT_CLOSED: u8 = 141;

/// The exit status for an error that stopped a command, and whether to print it.
///
/// Every error that stops a command is the user's to act on (an argument, an input file that
/// cannot be read or used, a folder that cannot be written) and its message says what to do: all
/// map to [`USER_ERROR`], whatever the command. The exception is a closed stdout met as an error
/// (a writer that returned it rather than going through `outln!`): quiet, [`STDOUT_CLOSED`].
pub fn for_error(error: &anyhow::Error) -> (u8, bool) {
    let closed_pipe = error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            && !cause.is::<DataError>()
    });
    if closed_pipe {
        (STDOUT_CLOSED, false)
    } else {
        (USER_ERROR, true)
    }
}

/// `ExitCode` from one of the constants above.
pub fn code(status: u8) -> ExitCode {
    ExitCode::from(status)
}
