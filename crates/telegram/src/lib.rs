//! The Telegram edge: long polling (or a webhook) with teloxide, flood control on the update
//! stream, every update handed to the core, every reply rendered as HTML with inline keyboards and
//! queued for its chat, then sent through the outbox, which keeps Telegram's limits.

mod alerts;
pub mod bounded;
mod callers;
mod chat_queue;
mod deliver;
mod gate;
mod handlers;
pub mod health;
mod in_flight;
pub mod listen;
pub mod outbox;
pub mod redaction;
pub mod render;
pub mod scheduler;
mod send;
mod serve;
mod webhook;

use std::sync::Arc;
use std::time::Duration;

use teloxide::RequestError;
use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;

pub use deliver::deliver_once;
use handlers::{on_callback, on_inline, on_message, on_my_chat_member};
use health::Health;
pub use outbox::Limits;
pub use serve::{SHUTDOWN_GRACE, run, serve};
pub use webhook::{SECRET_HEADER, Webhook, valid_secret};

/// The whole update handler tree, in one place so tests drive exactly what runs.
pub fn handler() -> UpdateHandler<RequestError> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(on_message))
        .branch(Update::filter_callback_query().endpoint(on_callback))
        .branch(Update::filter_inline_query().endpoint(on_inline))
        .branch(Update::filter_my_chat_member().endpoint(on_my_chat_member))
}

/// How to run the bot.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Stop gracefully on SIGINT (Ctrl-C) and SIGTERM; off in tests, which stop the bot by
    /// dropping it.
    pub ctrlc: bool,
    /// Outgoing rate limits; Telegram's own by default. Tests and benchmarks lift them.
    pub limits: Limits,
    /// The first wait before reaching Telegram again after it could not be reached (to poll or to
    /// send); each failure doubles it, up to `max_retry_delay`.
    pub retry_delay: Duration,
    pub max_retry_delay: Duration,
    /// The longest a 429's `retry_after` pauses sending: Telegram's real ones are seconds to
    /// minutes, and a day-long one (a misbehaving server) must not silence the bot for a day.
    /// After the pause, sending is tried again: the try is the probe.
    pub max_retry_after: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            ctrlc: false,
            limits: Limits::default(),
            retry_delay: Duration::from_secs(1),
            max_retry_delay: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// Why the bot stopped serving on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// Telegram (or the server at `TELOXIDE_API_URL`) rejects the token: retrying cannot help.
    TokenRejected,
    /// Telegram refuses the webhook URL (not HTTPS, a port it does not post to, a host it cannot
    /// resolve): what it said.
    WebhookRefused(String),
}

/// Where updates come from, and who hears how serving goes.
pub struct Edge {
    /// Telegram posts updates here; long polling when None.
    pub webhook: Option<Webhook>,
    /// Told whether Telegram is reached, updates dispatched and the scheduler running.
    pub health: Arc<Health>,
}

impl Default for Edge {
    fn default() -> Self {
        Edge { webhook: None, health: Health::new() }
    }
}
