//! The command line: what each subcommand does, wired from `main`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use clap::{Parser, Subcommand};

use crate::app::App;
use crate::app::daily::{Daily, Lock, Store};
use crate::app::reload::Source;
use crate::cmd::{check, search};
use crate::config::Config;
use crate::corpus::LoadOptions;
use crate::health::Health;
use crate::library::{Library, LoadError, SearchError};
use crate::plain::Emphasis;
use crate::search::Analyzer;
use crate::telegram::{Edge, Stop, Webhook};
use crate::telemetry;
use crate::{corpus, messages};

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

/// Runs the command line; the exit code says whether it went well.
pub fn run(cli: Cli) -> ExitCode {
    let config = match Config::load(cli.config.as_deref()) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("digestbot: {e}");
            return ExitCode::from(2);
        }
    };
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::Serve(args) => serve(config, args),
        Command::Deliver { at, at_any_time } => deliver(config, at, at_any_time),
        Command::Chat => chat(config),
        Command::Check { dir, json } => {
            let options = config.load_options();
            let dir = dir.unwrap_or(config.corpus_dir);
            tracing::debug!(dir = %dir.display(), "checking corpus");
            let corpus = match corpus::load_dir_with(&dir, options) {
                Ok(corpus) => corpus,
                Err(e) => {
                    eprintln!("digestbot: {e}");
                    return ExitCode::FAILURE;
                }
            };
            let out = if json { check::render_json(&corpus) } else { check::render_text(&corpus) };
            println!("{}", out.trim_end());
            if corpus.has_errors() { ExitCode::FAILURE } else { ExitCode::SUCCESS }
        }
        Command::Search { query, corpus, limit, json } => {
            let query = query.join(" ");
            let options = config.load_options();
            let dir = corpus.unwrap_or(config.corpus_dir);
            run_search(&dir, options, &query, limit as usize, json)
        }
    }
}

/// Loads the configured corpus into an app, logging the corpus problems.
fn build_app(config: Config) -> Option<App> {
    let started = std::time::Instant::now();
    let analyzer = std::sync::Arc::new(Analyzer::new());
    let library = match Library::load_with(&config.corpus_dir, config.load_options(), analyzer) {
        Ok(library) => library,
        Err(LoadError::Corpus(e)) => {
            // Said on stderr whatever RUST_LOG is: the bot cannot start without its corpus.
            eprintln!("digestbot: {e}");
            return None;
        }
        Err(LoadError::Index(e)) => {
            tracing::error!("{e}");
            return None;
        }
    };
    for problem in &library.corpus.problems {
        tracing::warn!("{problem}");
    }
    tracing::info!(
        digests = library.corpus.digests.len(),
        passages = library.index.len(),
        "corpus {} loaded in {:.2} s",
        config.corpus_dir.display(),
        started.elapsed().as_secs_f64()
    );
    let source = Source { dir: config.corpus_dir.clone(), options: config.load_options() };
    Some(App::new(library).with_admins(config.admins.iter().copied()).with_source(source))
}

/// The bot from `TELOXIDE_TOKEN` or `token_file` (and `TELOXIDE_API_URL`), or the exit code of
/// why not.
fn bot_from_env(config: &Config) -> Result<teloxide::Bot, ExitCode> {
    let token = match token(config) {
        Ok(token) => {
            crate::logging::hide(&token);
            token
        }
        Err(message) => {
            eprintln!("{message}");
            return Err(ExitCode::from(2));
        }
    };
    let upstream = match std::env::var("TELOXIDE_API_URL") {
        Ok(url) => match url.parse() {
            Ok(url) => url,
            Err(e) => {
                // Never the value: a token pasted with it would reach the logs.
                eprintln!("digestbot: TELOXIDE_API_URL is not a URL ({e}); write it like http://127.0.0.1:8081");
                return Err(ExitCode::from(2));
            }
        },
        Err(_) => teloxide::Bot::new("").api_url(),
    };
    // Telegram's answers pass through a forwarder that reads them with a size limit.
    let local =
        crate::telegram::bounded::start(&upstream, crate::telegram::bounded::MAX_ANSWER_BYTES).map_err(|e| {
            eprintln!("digestbot: cannot start the Bot API forwarder on 127.0.0.1: {e}");
            ExitCode::FAILURE
        })?;
    // The bot talks to the forwarder on loopback: never through a proxy from the environment
    // (it would see the token in plain text); the forwarder uses the proxy to reach Telegram.
    let client = teloxide::net::default_reqwest_settings().no_proxy().build().map_err(|e| {
        eprintln!("digestbot: cannot build the Bot API client: {}", e.without_url());
        ExitCode::FAILURE
    })?;
    Ok(teloxide::Bot::with_client(token, client).set_api_url(local))
}

/// A bot token is under 100 characters; a file much larger is not a token file.
const MAX_TOKEN_FILE_BYTES: u64 = 4096;

/// The token: `TELOXIDE_TOKEN` when set, else the content of `token_file`; or what to tell the
/// operator (never the token itself).
fn token(config: &Config) -> Result<String, String> {
    let token = std::env::var("TELOXIDE_TOKEN").unwrap_or_default();
    if !token.trim().is_empty() {
        return Ok(token.trim().to_string());
    }
    let Some(path) = &config.token_file else { return Err(messages::MISSING_TOKEN.to_string()) };
    let bad =
        |why: String| format!("digestbot: bad config: the token file {} {why} (key `token_file`)", path.display());
    let text = crate::config::read_small_file(path, MAX_TOKEN_FILE_BYTES).map_err(bad)?;
    let token = text.trim();
    if token.is_empty() {
        return Err(bad("is empty".into()));
    }
    // A bot token is `123456:ABC-…`: anything else (a file of another kind) is refused before
    // Telegram is asked, not retried forever.
    let plausible =
        token.len() <= 256 && token.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-'));
    if !plausible {
        return Err(bad("does not hold a bot token (digits, a colon, letters)".into()));
    }
    Ok(token.to_string())
}

/// The app with its daily sections, holding the delivery lock; or the exit code of why not.
fn build_delivering_app(config: Config) -> Result<(App, Lock), ExitCode> {
    let database = config.database.clone();
    let settings = config.daily_settings();
    let Some(app) = build_app(config) else { return Err(ExitCode::FAILURE) };
    // Taken before the database is opened: a second process must not even migrate it under the
    // first.
    let lock = match Lock::acquire(&database) {
        Ok(lock) => lock,
        Err(e) => {
            eprintln!("digestbot: {e}");
            // 3 says another process delivers; a lock that cannot be made is an ordinary failure.
            let held = matches!(e, crate::app::daily::LockError::Held(_));
            return Err(if held { ExitCode::from(3) } else { ExitCode::FAILURE });
        }
    };
    let store = match Store::open(&database) {
        Ok(store) => store,
        Err(e) => {
            eprintln!("digestbot: {e}");
            return Err(ExitCode::FAILURE);
        }
    };
    let daily = match Daily::new(store, settings, &app.library()) {
        Ok(daily) => daily,
        Err(e) => {
            eprintln!("digestbot: {e}");
            return Err(ExitCode::FAILURE);
        }
    };
    Ok((app.with_daily(Arc::new(daily)), lock))
}

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| {
        eprintln!("digestbot: cannot start the async runtime: {e}");
        ExitCode::FAILURE
    })
}

/// What `serve` and `deliver` run with: the bot, the app holding the delivery lock, a runtime.
struct Delivering {
    bot: teloxide::Bot,
    app: Arc<App>,
    _lock: Lock,
    runtime: tokio::runtime::Runtime,
}

fn delivering(config: Config) -> Result<Delivering, ExitCode> {
    let bot = bot_from_env(&config)?;
    let (app, lock) = build_delivering_app(config)?;
    Ok(Delivering { bot, app: Arc::new(app), _lock: lock, runtime: runtime()? })
}

/// Binds `address` for `flag`, or says why it cannot be (exit 1).
fn bind(address: SocketAddr, flag: &str) -> Result<std::net::TcpListener, ExitCode> {
    let bound = std::net::TcpListener::bind(address).and_then(|listener| {
        // Tokio takes it over, and needs it non-blocking.
        listener.set_nonblocking(true)?;
        Ok(listener)
    });
    bound.map_err(|e| {
        eprintln!("digestbot: cannot listen on {address} ({flag}): {e}");
        ExitCode::FAILURE
    })
}

fn serve(config: Config, args: ServeArgs) -> ExitCode {
    // Bound before the corpus loads: a port already taken is said at once, not after the load.
    let metrics = match args.metrics_listen.map(|address| bind(address, "--metrics-listen")).transpose() {
        Ok(listener) => listener,
        Err(code) => return code,
    };
    let webhook = match args.listen.map(|address| bind(address, "--listen")).transpose() {
        Ok(listener) => listener.zip(args.webhook_url),
        Err(code) => return code,
    };
    let secret = config.webhook_secret.clone().map(|secret| secret.0);
    if let Some(secret) = &secret {
        crate::logging::hide_secret(secret);
    }
    let Delivering { bot, app, _lock, runtime } = match delivering(config) {
        Ok(delivering) => delivering,
        Err(code) => return code,
    };
    let health = Health::new();
    let webhook = {
        // Tokio's listeners register with the runtime they are made in.
        let _entered = runtime.enter();
        if let Some(listener) = metrics
            && let Err(code) = export_metrics(listener, &health)
        {
            return code;
        }
        match webhook.map(|(listener, url)| tokio::net::TcpListener::from_std(listener).map(|l| (l, url))) {
            None => None,
            Some(Ok((listener, url))) => Some(Webhook::new(url, listener, secret)),
            Some(Err(e)) => {
                eprintln!("digestbot: cannot listen for the webhook (--listen): {e}");
                return ExitCode::FAILURE;
            }
        }
    };
    let options = crate::telegram::Options { ctrlc: true, ..Default::default() };
    let served = runtime.block_on(crate::telegram::serve(bot, app, options, Edge { webhook, health }));
    // The runtime first: its tasks hold the app, whose database closes when the last of them is
    // dropped; the delivery lock is released after that.
    drop(runtime);
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(Stop::TokenRejected) => {
            eprintln!("{}", messages::TOKEN_REJECTED);
            ExitCode::FAILURE
        }
        Err(Stop::WebhookRefused(reason)) => {
            eprintln!("digestbot: Telegram refuses the webhook URL (--webhook-url): {reason}");
            ExitCode::from(2)
        }
    }
}

/// Installs the metrics recorder and serves `/healthz` and `/metrics` on `listener`, in the
/// runtime entered.
fn export_metrics(listener: std::net::TcpListener, health: &std::sync::Arc<Health>) -> Result<(), ExitCode> {
    // The recorder is the process's, and only this command installs one.
    let handle = telemetry::install().map_err(|e| {
        eprintln!("digestbot: cannot export metrics: {e}");
        ExitCode::FAILURE
    })?;
    let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| {
        eprintln!("digestbot: cannot listen for metrics (--metrics-listen): {e}");
        ExitCode::FAILURE
    })?;
    tracing::info!("metrics on http://{}", telemetry::bound(&listener));
    tokio::spawn(telemetry::serve(listener, handle, health.clone()));
    Ok(())
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

/// How far after the real clock `deliver --at` may be without `--at-any-time`.
const MAX_AT_AHEAD: chrono::Duration = chrono::Duration::days(1);

fn deliver(config: Config, at: Option<DateTime<Utc>>, at_any_time: bool) -> ExitCode {
    if let Some(at) = at.filter(|&at| !at_any_time && at > Utc::now() + MAX_AT_AHEAD) {
        eprintln!("{}", messages::deliver_at_ahead(&at.to_rfc3339()));
        return ExitCode::from(2);
    }
    let Delivering { bot, app, _lock, runtime } = match delivering(config) {
        Ok(delivering) => delivering,
        Err(code) => return code,
    };
    let at = at.unwrap_or_else(Utc::now);
    match runtime.block_on(crate::telegram::deliver_once(bot, app, at, Default::default())) {
        Ok(report) => {
            println!("{}", messages::delivered(report.delivered, report.stopped));
            ExitCode::SUCCESS
        }
        Err(Stop::TokenRejected) => {
            eprintln!("{}", messages::TOKEN_REJECTED);
            ExitCode::FAILURE
        }
        // `deliver` never sets a webhook.
        Err(Stop::WebhookRefused(_)) => ExitCode::FAILURE,
    }
}

fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{e}; write it like 2026-12-01T08:00:00+08:00"))
}

fn chat(config: Config) -> ExitCode {
    use std::io::IsTerminal;
    let Some(app) = build_app(config) else { return ExitCode::FAILURE };
    let interactive = std::io::stdin().is_terminal();
    let emphasis = Emphasis::for_stdout();
    if interactive {
        println!("{}", messages::CHAT_INTRO);
    }
    match crate::chat::run(&app, std::io::stdin().lock(), std::io::stdout().lock(), emphasis, interactive) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("digestbot: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_search(dir: &std::path::Path, options: LoadOptions, query: &str, limit: usize, json: bool) -> ExitCode {
    let library = match Library::load_with(dir, options, std::sync::Arc::new(Analyzer::new())) {
        Ok(library) => library,
        Err(LoadError::Corpus(e)) => {
            eprintln!("digestbot: {e}");
            return ExitCode::FAILURE;
        }
        Err(LoadError::Index(e)) => {
            tracing::error!("{e}");
            eprintln!("{}", messages::SEARCH_FAILED);
            return ExitCode::FAILURE;
        }
    };
    for problem in &library.corpus.problems {
        tracing::warn!("{problem}");
    }
    match library.search(query, 0, limit) {
        Ok(results) => {
            if json {
                println!("{}", search::render_json(&library, query, &results));
            } else {
                println!("{}", search::render_text(&library, query, &results, Emphasis::for_stdout()));
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
