//! The subcommands, one file each: `serve`, `deliver`, `chat`, and what `check` and `search` print
//! for people and for tools.

pub mod chat;
pub mod check;
pub mod compare;
pub mod deliver;
pub mod research;
pub mod search;
pub mod serve;

use crate::exit::Failure;

/// The async runtime `serve` and `deliver` run in.
fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::failed(format!("cannot start the async runtime: {e}")))
}
