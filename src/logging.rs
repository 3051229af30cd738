//! Logs: to stderr, filtered by `RUST_LOG` (default `info`), so stdout stays a command's output.
//! The bot token is cut out of every line: teloxide and reqwest errors can carry the request URL,
//! and the URL carries the token. So is the webhook's secret token, should anything quote it.

use std::io::{IsTerminal, Write};

use digestbot_telegram::redaction::{hide, scrub};
use tracing_subscriber::fmt::MakeWriter;

/// Installs the process's logger, redacting `TELOXIDE_TOKEN` (and the token from `token_file`
/// once `hide` is told it).
pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    hide(&std::env::var("TELOXIDE_TOKEN").unwrap_or_default());
    let writer = Redacting::new(std::io::stderr);
    // Colours only for a person at a terminal, not in files and journals.
    let ansi = std::io::stderr().is_terminal();
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_ansi(ansi).with_writer(writer).try_init();
}

/// A writer maker that hands out writers which cut the hidden token and secrets out of what they write
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
        self.inner.write_all(scrub(&String::from_utf8_lossy(buf)).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
