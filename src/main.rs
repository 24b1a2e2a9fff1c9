//! The `modelbench` binary: parse arguments, run, print errors with their causes, and exit
//! with the status `commands::exit_code` defines.

use std::process::ExitCode;

use clap::Parser;
use modelbench::commands::{exit_code, output, terminal_safe};

/// Counts live heap bytes, so the worker can report each fit's peak heap.
#[global_allocator]
static ALLOCATOR: modelbench::eval::heap::CountingAllocator =
    modelbench::eval::heap::CountingAllocator;

fn main() -> ExitCode {
    modelbench::eval::heap::CountingAllocator::mark_installed();
    // Argument errors: clap prints them and exits with 2 (`exit_code::USER_ERROR`).
    let cli = modelbench::cli::Cli::parse();
    let result = modelbench::commands::run(cli);
    let stdout = output::finish_stdout();
    match result {
        Err(error) => {
            let (status, print) = exit_code::for_error(&error);
            if print {
                output::write_stderr(format_args!(
                    "Error: {}\n",
                    terminal_safe(&error.to_string())
                ));
                for cause in error.chain().skip(1) {
                    output::write_stderr(format_args!(
                        "  caused by: {}\n",
                        terminal_safe(&cause.to_string())
                    ));
                }
            }
            exit_code::code(status)
        }
        Ok(code) => match stdout {
            output::StdoutOutcome::Written => code,
            output::StdoutOutcome::Closed => exit_code::code(exit_code::STDOUT_CLOSED),
            output::StdoutOutcome::Failed(kind) => {
                output::write_stderr(format_args!(
                    "Error: could not write to standard output: {kind}\n"
                ));
                exit_code::code(exit_code::FAILURE)
            }
        },
    }
}
