//! What the command-line subcommands `check` and `search` print, for people and for tools.

pub mod check;
pub mod search;
