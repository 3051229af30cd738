//! digestbot: search and read Chinese speech digests, in Telegram or a terminal.

pub mod app;
pub mod chat;
pub mod cli;
pub mod cmd;
pub mod config;
/// Digests as data: the `digestbot-corpus` crate, under the name the rest of the code knows it by.
pub use digestbot_corpus as corpus;
pub mod health;
/// A corpus and its index, loaded together: from the `digestbot-search` crate.
pub use digestbot_search::library;
pub mod listen;
pub mod logging;
pub mod messages;
pub mod plain;
/// Chinese search: the `digestbot-search` crate.
pub use digestbot_search as search;
pub mod telegram;
pub mod telemetry;
