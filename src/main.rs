use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    digestbot::cli::init_logging();
    digestbot::cli::run(digestbot::cli::Cli::parse())
}
