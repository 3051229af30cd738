//! Who gets an answer at all: flood control, and which messages in a group are for this bot.
//! Edges ask before handling an input (Telegram on its update stream); the terminal does not.

use std::sync::Arc;

use crate::caller::Caller;
use crate::clock::Clock;
use crate::command::Said;
use crate::limiter::{Limiter, Verdict};
use crate::reply::{Response, plain};
use crate::text as msg;

/// What kind of input someone sent: a refusal looks different for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Message,
    Button,
    Inline,
}

/// Whether to handle an input at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    Handle,
    /// Too many inputs from this user: answer this instead (the first time a "slow down", then
    /// silence), and do not handle the input.
    Refuse(Response),
}

/// Flood control: every user's inputs against their token bucket.
pub struct Gate {
    limiter: Limiter,
}

impl Gate {
    pub fn new(clock: Arc<dyn Clock>) -> Gate {
        Gate { limiter: Limiter::new(clock) }
    }

    /// Flood control, decided before an input is queued for handling, so a flood costs no more
    /// than this check. Every input a user sends counts, in private chats and groups alike, except
    /// group messages that are not for this bot (see [`crate::App::intake`]). Edges where a person
    /// cannot flood (the terminal) do not ask.
    pub fn admit(&self, caller: Caller, input: Input) -> Admission {
        match (self.limiter.admit(caller.user), input) {
            (Verdict::Admit, _) => Admission::Handle,
            (Verdict::Warn, Input::Message) => Admission::Refuse(Response::text(plain(msg::THROTTLED))),
            (Verdict::Warn, Input::Button) => Admission::Refuse(Response::notice(msg::THROTTLED)),
            (Verdict::Warn, Input::Inline) | (Verdict::Drop, _) => Admission::Refuse(Response::silence()),
        }
    }
}

/// Whether a parsed message is for this bot (see [`crate::App::intake`]).
pub fn is_ours(caller: Caller, parsed: &Said) -> bool {
    match parsed {
        Said::OtherBot => false,
        Said::Text => caller.private,
        Said::Unknown { addressed, .. } => caller.private || *addressed,
        Said::Command(_) => true,
    }
}
