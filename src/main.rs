//! The `modelbench` binary: parse arguments, run, print errors with their causes.

use std::process::ExitCode;

use clap::Parser;

/// Counts live heap bytes, so the worker can report each fit's peak heap.
#[global_allocator]
static ALLOCATOR: modelbench::eval::heap::CountingAllocator =
    modelbench::eval::heap::CountingAllocator;

fn main() -> ExitCode {
    modelbench::eval::heap::CountingAllocator::mark_installed();
    let cli = modelbench::cli::Cli::parse();
    match modelbench::commands::run(cli) {
        Ok(code) => code,
        Err(error) => {
            let safe = |text: String| modelbench::commands::terminal_safe(&text);
            eprintln!("Error: {}", safe(error.to_string()));
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {}", safe(cause.to_string()));
            }
            ExitCode::from(2)
        }
    }
}
