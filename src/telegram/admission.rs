//! Flood control before the dispatcher. teloxide queues each update for its chat's worker (64 at
//! most) and waits when that queue is full — and then every other chat waits too. Deciding here,
//! on the stream of updates, means a flooder's surplus is dropped before it is queued anywhere.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use futures::future::ready;
use futures::stream::BoxStream;
use teloxide::RequestError;
use teloxide::stop::StopToken;
use teloxide::types::{AllowedUpdate, Update, UpdateId, UpdateKind};
use teloxide::update_listeners::{AsUpdateStream, Polling, UpdateListener};

use super::Tg;
use super::handlers::{answer_callback, callback_caller, caller_of};
use crate::app::reply::Response;
use crate::app::{Admission, App, Caller, Input};

/// Answers decided at the gate for messages that are let through only to be answered in their
/// turn: a "slow down" must not overtake the replies to the messages before it.
#[derive(Default)]
pub(super) struct Refusals(Mutex<HashMap<UpdateId, Response>>);

impl Refusals {
    fn insert(&self, update: UpdateId, response: Response) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(update, response);
    }

    /// The answer decided for `update`, if the gate refused it.
    pub(super) fn take(&self, update: UpdateId) -> Option<Response> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&update)
    }
}

/// What decides, and answers those it refuses.
pub(super) struct Gate {
    pub app: Arc<App>,
    pub bot: Tg,
    /// The bot's username, to tell its commands from other bots'.
    pub me: String,
    pub refusals: Arc<Refusals>,
}

impl Gate {
    /// Whether the dispatcher gets `update`.
    fn admit(&self, update: &Update) -> bool {
        let (caller, input) = match &update.kind {
            // A group moving to a supergroup is news for its daily section, not input to count.
            UpdateKind::Message(message) if message.migrate_to_chat_id().is_some() => return true,
            UpdateKind::Message(message) => {
                let caller = caller_of(message);
                // Group chatter and other bots' commands get silence anyway: no need to queue
                // them, nor to count them against the user.
                if !self.app.is_for_us(caller, message.text(), &self.me) {
                    return false;
                }
                (caller, Input::Message)
            }
            UpdateKind::CallbackQuery(q) => (callback_caller(q), Input::Button),
            UpdateKind::InlineQuery(q) => {
                let user = q.from.id.0 as i64;
                (Caller::private(user), Input::Inline)
            }
            _ => return true,
        };
        match self.app.admit(caller, input) {
            Admission::Handle => true,
            Admission::Refuse(response) => match &update.kind {
                // The one warning of a flood goes through, to be answered after what came before.
                UpdateKind::Message(_) if !response.messages.is_empty() => {
                    self.refusals.insert(update.id, response);
                    true
                }
                UpdateKind::CallbackQuery(q) => {
                    let (bot, id) = (self.bot.clone(), q.id.clone());
                    tokio::spawn(async move { answer_callback(&bot, &id, response.notice.as_deref()).await });
                    false
                }
                _ => false,
            },
        }
    }
}

/// Long polling with the gate in front.
pub(super) struct Admitted {
    pub polling: Polling<Tg>,
    pub gate: Arc<Gate>,
}

impl<'a> AsUpdateStream<'a> for Admitted {
    type StreamErr = RequestError;
    type Stream = BoxStream<'a, Result<Update, RequestError>>;

    fn as_stream(&'a mut self) -> Self::Stream {
        let gate = self.gate.clone();
        self.polling
            .as_stream()
            .filter(move |update| ready(update.as_ref().map_or(true, |update| gate.admit(update))))
            .boxed()
    }
}

impl UpdateListener for Admitted {
    type Err = RequestError;

    fn stop_token(&mut self) -> StopToken {
        self.polling.stop_token()
    }

    fn hint_allowed_updates(&mut self, hint: &mut dyn Iterator<Item = AllowedUpdate>) {
        self.polling.hint_allowed_updates(hint);
    }
}
