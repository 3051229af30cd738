//! digestbot: search and read Chinese speech digests, in Telegram or a terminal. This is the
//! binary's floor: the command line, the configuration, the production wiring
//! ([`application::Application`]), the terminal twin, logging and the metrics exporter. The rest
//! lives in the workspace's crates: `digestbot-corpus`, `-search`, `-core` and `-telegram`.

pub mod application;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod exit;
pub mod exporter;
pub mod logging;
pub mod plain;
pub mod terminal;
pub mod text;
