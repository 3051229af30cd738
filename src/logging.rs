//! Logs: to stderr, filtered by `RUST_LOG` (default `info`), so stdout stays a command's output.
//! The bot token is cut out of every line: teloxide and reqwest errors can carry the request URL,
//! and the URL carries the token. So is the webhook's secret token, should anything quote it.

use std::io::{IsTerminal, Write};
use std::sync::RwLock;

use tracing_subscriber::fmt::MakeWriter;

/// The token cut out of every line. Shared rather than given to the logger: a token read from
/// `token_file` is known only once the config is, after logging has started.
static TOKEN: RwLock<String> = RwLock::new(String::new());

/// Other secrets cut out of every line (the webhook's secret token), shown as `<secret>`.
static SECRETS: RwLock<Vec<String>> = RwLock::new(Vec::new());

/// Cuts `token` out of every line logged from now on.
pub fn hide(token: &str) {
    *TOKEN.write().unwrap_or_else(|e| e.into_inner()) = token.trim().to_string();
}

/// Cuts `secret` out of every line logged from now on, besides the token.
pub fn hide_secret(secret: &str) {
    let secret = secret.trim();
    let mut secrets = SECRETS.write().unwrap_or_else(|e| e.into_inner());
    if !secret.is_empty() && !secrets.iter().any(|s| s == secret) {
        secrets.push(secret.to_string());
    }
}

/// Installs the process's logger, redacting `TELOXIDE_TOKEN` (and the token from `token_file`
/// once [`hide`] is told it).
pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    hide(&std::env::var("TELOXIDE_TOKEN").unwrap_or_default());
    let writer = Redacting::new(std::io::stderr);
    // Colours only for a person at a terminal, not in files and journals.
    let ansi = std::io::stderr().is_terminal();
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(writer).try_init();
}

/// Replaces the token in `text`.
pub fn redact(text: &str, token: &str) -> String {
    if token.is_empty() { text.to_string() } else { text.replace(token, "<token>") }
}

/// A writer maker that hands out writers which cut the [`hide`]n token out of what they write
/// (the formatter writes each event in one call, so a token is never split across writes).
#[derive(Clone)]
pub struct Redacting<M> {
    inner: M,
}

impl<M> Redacting<M> {
    pub fn new(inner: M) -> Redacting<M> {
        Redacting { inner }
    }
}

pub struct RedactingWriter<W> {
    inner: W,
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Redacting<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter { inner: self.inner.make_writer() }
    }
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        let mut redacted = redact(&text, &TOKEN.read().unwrap_or_else(|e| e.into_inner()));
        for secret in SECRETS.read().unwrap_or_else(|e| e.into_inner()).iter() {
            redacted = redacted.replace(secret.as_str(), "<secret>");
        }
        self.inner.write_all(redacted.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
