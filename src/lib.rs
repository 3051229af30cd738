//! digestbot: search and read Chinese speech digests, in Telegram or a terminal.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod corpus;
pub mod library;
pub mod messages;
pub mod search;
