use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    digestbot::logging::init();
    digestbot::cli::run(digestbot::cli::Cli::parse())
}
