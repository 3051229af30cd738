//! digestbot: search and read Chinese speech digests, in Telegram or a terminal.

pub mod check;
pub mod cli;
pub mod config;
pub mod corpus;
