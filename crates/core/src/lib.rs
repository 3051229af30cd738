//! What the bot says and remembers: a command (or button, or inline query) and who sent it in, a
//! neutral [`Response`] out. No Telegram and no HTTP here: the edges (the Telegram crate, the
//! terminal) render what this returns.
//!
//! [`App`] holds the state shared across updates and dispatches each input to a screen
//! (`screens/`) or a service: [`Daily`] (daily sections), [`Watches`] (watched words) and
//! [`Admin`] (reloads and corpus changes), each with its wording beside it (`text.rs`).

pub mod action;
pub mod admin;
mod app;
pub mod attachment;
mod caller;
pub mod clock;
pub mod command;
pub mod daily;
pub mod gate;
mod limiter;
pub mod naming;
mod query_cache;
pub mod reply;
pub mod research;
pub mod screens;
pub mod shelf;
pub mod stats;
pub mod telemetry;
pub mod text;
pub mod watch;
mod widgets;

pub use admin::{Admin, Document};
pub use app::{App, Intake};
pub use caller::Caller;
pub use clock::{Clock, ManualClock, SystemClock};
pub use daily::Daily;
pub use gate::{Admission, Input};
pub use limiter::{BURST as FLOOD_BURST, REFILL as FLOOD_REFILL};
pub use reply::Response;
pub use screens::inline::{Article, InlineAnswer};
pub use shelf::Shelf;
pub use watch::Watches;
pub use widgets::{INLINE_PAGE_SIZE, LIST_PAGE_SIZE, PAGE_SIZE};
