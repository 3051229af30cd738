//! digestbot: search and read Chinese speech digests, in Telegram or a terminal.

pub mod app;
pub mod chat;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod corpus;
pub mod health;
pub mod library;
pub mod listen;
pub mod logging;
pub mod messages;
pub mod plain;
pub mod search;
pub mod telegram;
pub mod telemetry;
