//! The `modelbench` binary: parse arguments, run, print errors with their causes.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
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
