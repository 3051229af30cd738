//! The command line: what each subcommand does, wired from `main`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::{check, corpus};

#[derive(Debug, Parser)]
#[command(name = "digestbot", version, about = "A Telegram bot that serves excerpts of Chinese speech digests")]
#[command(arg_required_else_help = true)]
pub struct Cli {
    /// Config file (default: config/digestbot.toml when it exists)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Parse the corpus and print its outline and problems; exits 1 when there is an error
    Check {
        /// Corpus directory (default: `corpus_dir` from the config)
        dir: Option<PathBuf>,
        /// Print JSON instead of the outline
        #[arg(long)]
        json: bool,
    },
}

/// Runs the command line; the exit code says whether it went well.
pub fn run(cli: Cli) -> ExitCode {
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("digestbot: {e}");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Some(Command::Check { dir, json }) => {
            let dir = dir.unwrap_or(config.corpus_dir);
            tracing::debug!(dir = %dir.display(), "checking corpus");
            let corpus = corpus::load_dir(&dir);
            let out = if json { check::render_json(&corpus) } else { check::render_text(&corpus) };
            println!("{}", out.trim_end());
            if corpus.has_errors() { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
        None => ExitCode::SUCCESS,
    }
}

/// Logs go to stderr, filtered by `RUST_LOG` (default `info`), so stdout stays the command's output.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
