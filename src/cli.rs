//! The command line: what each subcommand does, wired from `main`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::cmd::{check, search};
use crate::config::Config;
use crate::library::{Library, SearchError};
use crate::search::Analyzer;
use crate::{corpus, messages};

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
    /// Search the corpus: every passage containing all the words, best first
    Search {
        /// What to search for; several words must all occur. `@名` keeps speeches whose speaker or
        /// title contains 名
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Corpus directory (default: `corpus_dir` from the config)
        #[arg(long, value_name = "DIR")]
        corpus: Option<PathBuf>,
        /// How many hits to print, at most
        #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=100_000))]
        limit: u32,
        /// Print JSON instead of text
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
        Some(Command::Search { query, corpus, limit, json }) => {
            let query = query.join(" ");
            let dir = corpus.unwrap_or(config.corpus_dir);
            run_search(&dir, &query, limit as usize, json)
        }
        None => ExitCode::SUCCESS,
    }
}

fn run_search(dir: &std::path::Path, query: &str, limit: usize, json: bool) -> ExitCode {
    use std::io::IsTerminal;
    let library = match Library::load(dir, std::sync::Arc::new(Analyzer::new())) {
        Ok(library) => library,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("{}", messages::SEARCH_FAILED);
            return ExitCode::FAILURE;
        }
    };
    for problem in &library.corpus.problems {
        tracing::warn!("{problem}");
    }
    match library.search(query, 0, limit) {
        Ok((_, results)) => {
            if json {
                println!("{}", search::render_json(&library, query, &results));
            } else {
                let emphasis =
                    if std::io::stdout().is_terminal() { search::Emphasis::Bold } else { search::Emphasis::Stars };
                println!("{}", search::render_text(&library, query, &results, emphasis));
            }
            ExitCode::SUCCESS
        }
        Err(SearchError::Query(e)) => {
            let message = messages::query_error(&e);
            if json {
                println!("{}", search::render_json_error(query, &message));
            } else {
                eprintln!("{message}");
            }
            ExitCode::from(2)
        }
        Err(SearchError::Index(e)) => {
            tracing::error!("{e}");
            eprintln!("{}", messages::SEARCH_FAILED);
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr, filtered by `RUST_LOG` (default `info`), so stdout stays the command's output.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
