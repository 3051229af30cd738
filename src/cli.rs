//! The command line: its arguments, and which subcommand runs (each in a file of its own under
//! `cmd/`), with what went wrong turned into an exit code in one place (`exit`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};

use crate::application::Env;
use crate::cmd;
use crate::config::Config;
use crate::exit::{self, Failure};

#[derive(Debug, Parser)]
#[command(name = "digestbot", version, about = "A Telegram bot that serves excerpts of Chinese speech digests")]
pub struct Cli {
    /// Config file (default: config/digestbot.toml when it exists)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Telegram bot (the default): long polling (or a webhook) with TELOXIDE_TOKEN or the
    /// config's `token_file` (and TELOXIDE_API_URL for a self-hosted Bot API server). SIGINT and
    /// SIGTERM stop it gracefully, SIGHUP reloads the corpus
    Serve(ServeArgs),
    /// Chat with the bot in this terminal, no token needed; buttons become numbers to type
    Chat,
    /// Parse the corpus and print its outline and problems; exits 1 when there is an error
    Check {
        /// Corpus directory (default: `corpus_dir` from the config)
        dir: Option<PathBuf>,
        /// Print JSON instead of the outline
        #[arg(long)]
        json: bool,
    },
    /// Make the daily deliveries due at a time, then exit: one pass of what `serve` does on its
    /// own, for cron and tests. Refuses to run while `serve` delivers from the same database
    Deliver {
        /// The time to deliver as of, in RFC 3339 (2026-12-01T08:00:00+08:00); now by default
        #[arg(long, value_name = "TIME", value_parser = parse_time)]
        at: Option<chrono::DateTime<chrono::Utc>>,
        /// Allow a `--at` more than a day after the real clock (a typo in the year would mark
        /// every chat as delivered up to then)
        #[arg(long, requires = "at")]
        at_any_time: bool,
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
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// Print every hit (up to 10,000, best first) as CSV for Excel: UTF-8 with a BOM
        #[arg(long)]
        csv: bool,
    },
    /// Check a quotation against the corpus: where it comes from, and how it differs (a character
    /// added, dropped or changed, words swapped, other forms or punctuation)
    Verify {
        /// The quotation, 8 to 500 characters
        #[arg(required = true, num_args = 1..)]
        quotation: Vec<String>,
        /// Corpus directory (default: `corpus_dir` from the config)
        #[arg(long, value_name = "DIR")]
        corpus: Option<PathBuf>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Follow terms through time: matching passages per year (per month when the corpus spans
    /// less than three years); up to three terms separated by `|`
    Trend {
        /// The terms, in the query language of `search`: `改革开放 | 高质量发展`
        #[arg(required = true, num_args = 1..)]
        words: Vec<String>,
        /// Corpus directory (default: `corpus_dir` from the config)
        #[arg(long, value_name = "DIR")]
        corpus: Option<PathBuf>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
        /// Also draw the chart into this PNG file
        #[arg(long, value_name = "FILE")]
        png: Option<PathBuf>,
    },
    /// Compare two digests or two speeches by id: paragraphs unchanged, changed, moved, dropped
    /// and added; the formulations one has and the other never does; the numbers that changed
    Compare {
        /// The earlier text's id (a digest or a speech)
        a: String,
        /// The later text's id
        b: String,
        /// Corpus directory (default: `corpus_dir` from the config)
        #[arg(long, value_name = "DIR")]
        corpus: Option<PathBuf>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Default, clap::Args)]
pub struct ServeArgs {
    /// Take updates by webhook: Telegram posts them to this public HTTPS URL, which a reverse
    /// proxy forwards to --listen. The secret token is the config's `webhook_secret` (or
    /// DIGESTBOT_WEBHOOK_SECRET), else a random one each start. Long polling without it
    #[arg(long, value_name = "URL", requires = "listen", value_parser = parse_webhook_url)]
    pub webhook_url: Option<url::Url>,
    /// Where the webhook's plain HTTP server listens, as IP:PORT (127.0.0.1:8443); needs
    /// --webhook-url
    #[arg(long, value_name = "ADDR", requires = "webhook_url")]
    pub listen: Option<SocketAddr>,
    /// Serve GET /healthz and GET /metrics (Prometheus text) on IP:PORT (127.0.0.1:9090; port 0
    /// takes a free one, logged as `metrics on http://…`)
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,
}

/// Runs the command line with the process's environment; the exit code says how it went.
pub fn run(cli: Cli) -> ExitCode {
    exit::report(dispatch(cli, &Env::from_process()))
}

fn dispatch(cli: Cli, env: &Env) -> Result<(), Failure> {
    let config = Config::load(cli.config.as_deref()).map_err(Failure::usage)?;
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => cmd::serve::run(&config, env, args),
        Command::Deliver { at, at_any_time } => cmd::deliver::run(&config, env, at, at_any_time),
        Command::Chat => cmd::chat::run(&config),
        Command::Check { dir, json } => cmd::check::run(&config, dir, json),
        Command::Search { query, corpus, limit, json, csv } => {
            let output = match (json, csv) {
                (true, _) => cmd::search::Output::Json,
                (_, true) => cmd::search::Output::Csv,
                _ => cmd::search::Output::Text,
            };
            cmd::search::run(&config, corpus, &query.join(" "), limit as usize, output)
        }
        Command::Verify { quotation, corpus, json } => {
            cmd::research::verify(&config, corpus, &quotation.join(" "), json)
        }
        Command::Trend { words, corpus, json, png } => {
            cmd::research::trend(&config, corpus, &words.join(" "), json, png.as_deref())
        }
        Command::Compare { a, b, corpus, json } => cmd::compare::run(&config, corpus, &a, &b, json),
    }
}

/// An https URL: Telegram posts updates over HTTPS only.
fn parse_webhook_url(text: &str) -> Result<url::Url, String> {
    let url: url::Url = text.parse().map_err(|e| format!("{e}; write it like https://bot.example.org/telegram"))?;
    if url.scheme() != "https" {
        return Err("Telegram posts updates to https:// URLs only".to_string());
    }
    // The path becomes a route: `:x` and `*x` segments would be read as route parameters (axum
    // refuses them at run time), so only plain path characters are taken.
    let plain = url.path().split('/').all(|segment| {
        !segment.starts_with([':', '*', '{'])
            && segment.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
    });
    if !plain || url.query().is_some() || url.fragment().is_some() {
        return Err("the path may hold only letters, digits, - _ . ~ and /, with no query".to_string());
    }
    Ok(url)
}

/// An RFC 3339 time.
fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{e}; write it like 2026-12-01T08:00:00+08:00"))
}
