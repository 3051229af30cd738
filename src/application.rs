//! The production wiring, in one place: the corpus loaded into an [`App`] with its admins and its
//! corpus folder, the daily sections on their database under the delivery lock, and the bot that
//! reaches the Bot API through the bounded forwarder. `serve`, `deliver`, the tests and the
//! benches all build the bot this way.

use std::sync::Arc;

use digestbot_core::admin::reload::CorpusDir;
use digestbot_core::daily::{Daily, Lock, Store};
use digestbot_core::screens::status::Build;
use digestbot_core::{App, Clock, SystemClock};
use digestbot_search::Analyzer;
use digestbot_search::library::{Library, LibraryError};
use digestbot_telegram::bounded;
use teloxide::Bot;

use crate::config::Config;
use crate::exit::Failure;
use crate::text;

/// What the bot takes from the process environment: the token (else the config's `token_file`)
/// and a self-hosted Bot API server's address.
#[derive(Clone, Default)]
pub struct Env {
    /// `TELOXIDE_TOKEN`.
    pub token: Option<String>,
    /// `TELOXIDE_API_URL`.
    pub api_url: Option<String>,
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env").field("api_url", &self.api_url).finish_non_exhaustive()
    }
}

impl Env {
    /// The environment of this process.
    pub fn from_process() -> Env {
        Env { token: std::env::var("TELOXIDE_TOKEN").ok(), api_url: std::env::var("TELOXIDE_API_URL").ok() }
    }
}

/// What a test or a bench gives the app instead of the real thing: a clock it moves, and the
/// analyzer it shares (jieba's dictionary takes a third of a second to load).
#[derive(Clone)]
pub struct Parts {
    pub clock: Arc<dyn Clock>,
    pub analyzer: Arc<Analyzer>,
}

impl Default for Parts {
    fn default() -> Self {
        Parts { clock: Arc::new(SystemClock), analyzer: Arc::new(Analyzer::new()) }
    }
}

/// The bot as `serve` and `deliver` run it.
pub struct Application {
    pub bot: Bot,
    pub app: Arc<App>,
    /// Held for as long as the application lives: no other process delivers meanwhile.
    lock: Lock,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application").field("lock", &self.lock.path()).finish_non_exhaustive()
    }
}

impl Application {
    /// The bot, the app, and the delivery lock, to be dropped in that order: the app's database
    /// closes when the last task holding it is gone, and only then may another process deliver.
    pub fn into_parts(self) -> (Bot, Arc<App>, Lock) {
        (self.bot, self.app, self.lock)
    }

    /// The bot of `config` and `env`, with the real clock and a new analyzer.
    pub fn build(config: &Config, env: &Env) -> Result<Application, Failure> {
        Application::build_with(config, env, Parts::default())
    }

    /// [`Application::build`] with `parts`. The bot and its forwarder come first (a missing
    /// token is said before the corpus loads), then the app, then the delivery lock, taken before
    /// the database is opened: a second process must not even migrate it under the first.
    pub fn build_with(config: &Config, env: &Env, parts: Parts) -> Result<Application, Failure> {
        let bot = bot(config, env)?;
        let app = app(config, parts)?;
        let lock = Lock::acquire(&config.database)?;
        let store = Store::open(&config.database).map_err(Failure::failed)?;
        let daily = Daily::new(store, config.daily_settings(), &app.library()).map_err(Failure::failed)?;
        Ok(Application { bot, app: Arc::new(app.with_daily(Arc::new(daily))), lock })
    }
}

/// The configured corpus in an app with its admins and its corpus folder, the corpus problems
/// logged: what `chat` runs, and what [`Application`] adds daily sections to.
pub fn app(config: &Config, parts: Parts) -> Result<App, Failure> {
    let started = std::time::Instant::now();
    let library = match Library::load_with(&config.corpus_dir, config.load_options(), parts.analyzer) {
        Ok(library) => library,
        // Said on stderr whatever RUST_LOG is: the bot cannot start without its corpus.
        Err(LibraryError::Corpus(e)) => return Err(Failure::failed(e)),
        Err(LibraryError::Index(e)) => {
            tracing::error!("{e}");
            return Err(Failure::Reported);
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
    let source = CorpusDir { dir: config.corpus_dir.clone(), options: config.load_options() };
    let build = Build { version: env!("CARGO_PKG_VERSION"), commit: env!("DIGESTBOT_COMMIT") };
    let app = App::with_clock(library, parts.clock).with_admins(config.admins.iter().copied());
    Ok(app.with_source(source).with_build(build))
}

/// The bot from the token (`TELOXIDE_TOKEN`, else `token_file`) and `TELOXIDE_API_URL`, talking to
/// a forwarder on loopback that reads Telegram's answers with a size limit.
pub fn bot(config: &Config, env: &Env) -> Result<Bot, Failure> {
    let token = token(config, env).map_err(Failure::Usage)?;
    digestbot_telegram::redaction::hide(&token);
    let upstream = match &env.api_url {
        Some(url) => url.parse().map_err(|e| {
            // Never the value: a token pasted with it would reach the logs.
            Failure::usage(format!("TELOXIDE_API_URL is not a URL ({e}); write it like http://127.0.0.1:8081"))
        })?,
        None => Bot::new("").api_url(),
    };
    let local = bounded::start(&upstream, bounded::MAX_ANSWER_BYTES)
        .map_err(|e| Failure::failed(format!("cannot start the Bot API forwarder on 127.0.0.1: {e}")))?;
    // The bot talks to the forwarder on loopback: never through a proxy from the environment
    // (it would see the token in plain text); the forwarder uses the proxy to reach Telegram.
    let client = teloxide::net::default_reqwest_settings()
        .no_proxy()
        .build()
        .map_err(|e| Failure::failed(format!("cannot build the Bot API client: {}", e.without_url())))?;
    Ok(Bot::with_client(token, client).set_api_url(local))
}

/// A bot token is under 100 characters; a file much larger is not a token file.
const MAX_TOKEN_FILE_BYTES: u64 = 4096;

/// The token: `TELOXIDE_TOKEN` when set, else the content of `token_file`; or what to tell the
/// operator (never the token itself).
fn token(config: &Config, env: &Env) -> Result<String, String> {
    let token = env.token.as_deref().unwrap_or_default();
    if !token.trim().is_empty() {
        return Ok(token.trim().to_string());
    }
    let Some(path) = &config.token_file else { return Err(text::MISSING_TOKEN.to_string()) };
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
