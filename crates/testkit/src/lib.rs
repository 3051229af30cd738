//! For tests and benches only: a fake Telegram Bot API server on 127.0.0.1, updates to feed it,
//! the fixtures, and [`TestBot`]: the bot as production builds it, spawned against the fake.

pub mod fake_api;
pub mod fixtures;
mod spawn;
pub mod updates;

pub use spawn::{Spawn, TOKEN, TestBot, options};
