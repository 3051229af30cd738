//! The `digestbot` binary: logging first, then the command line (`cli`), whose exit code is the
//! process's.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    digestbot::logging::init();
    digestbot::cli::run(digestbot::cli::Cli::parse())
}
