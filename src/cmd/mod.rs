//! What the command-line subcommands print (the bot's own edges come later).

pub mod check;
pub mod search;
