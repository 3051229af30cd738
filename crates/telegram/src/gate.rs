//! Flood control before the dispatcher, for long polling and the webhook alike. teloxide queues
//! each update for its chat's worker (64 at most) and waits when that queue is full — and then
//! every other chat waits too. Deciding here, on the stream of updates, means a flooder's surplus
//! is dropped before it is queued anywhere.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::StreamExt;
use futures::future::ready;
use futures::stream::BoxStream;
use teloxide::Bot;
use teloxide::stop::StopToken;
use teloxide::types::{AllowedUpdate, Update, UpdateId, UpdateKind};
use teloxide::update_listeners::{AsUpdateStream, UpdateListener};

use crate::callers::{callback_caller, caller_of};
use crate::health::Health;
use crate::send::answer_callback;
use digestbot_core::reply::Response;
use digestbot_core::telemetry as metric;
use digestbot_core::{Admission, App, Caller, Input, Intake};

/// What the gate made of a message it let through, for the handler to go on from: the message
/// parsed once, or the answer to a message refused but answered in its turn (a "slow down" must not
/// overtake the replies to the messages before it).
pub(crate) enum Taken {
    Message(Intake),
    Refused(Response),
}

/// What the gate took in, by update, until the handler takes it.
#[derive(Default)]
pub(crate) struct Intakes(Mutex<HashMap<UpdateId, Taken>>);

impl Intakes {
    fn insert(&self, update: UpdateId, taken: Taken) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(update, taken);
    }

    /// What the gate made of `update`, if it saw it.
    pub(super) fn take(&self, update: UpdateId) -> Option<Taken> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).remove(&update)
    }
}

/// What decides, and answers those it refuses.
pub(crate) struct Gate {
    pub app: Arc<App>,
    pub bot: Bot,
    /// The bot's username, to tell its commands from other bots'.
    pub me: String,
    pub intakes: Arc<Intakes>,
}

impl Gate {
    /// Whether the dispatcher gets `update`.
    fn admit(&self, update: &Update) -> bool {
        metrics::counter!(metric::UPDATES, "kind" => kind(update)).increment(1);
        let admitted = self.decide(update);
        if let Some(reason) = admitted.err() {
            metrics::counter!(metric::UPDATES_DROPPED, "reason" => reason).increment(1);
        }
        admitted.is_ok()
    }

    /// Ok when the dispatcher gets `update`; else why not.
    fn decide(&self, update: &Update) -> Result<(), &'static str> {
        let mut intake = None;
        let (caller, input) = match &update.kind {
            // A group moving to a supergroup is news for its daily section, not input to count.
            UpdateKind::Message(message) if message.migrate_to_chat_id().is_some() => return Ok(()),
            UpdateKind::Message(message) => {
                let taken = intake.insert(self.app.intake(caller_of(message), message.text(), &self.me));
                // Group chatter and other bots' commands get silence anyway: no need to queue
                // them, nor to count them against the user.
                if !taken.is_for_us() {
                    return Err("not_for_us");
                }
                (taken.caller, Input::Message)
            }
            UpdateKind::CallbackQuery(q) => (callback_caller(q), Input::Button),
            UpdateKind::InlineQuery(q) => {
                let user = q.from.id.0 as i64;
                (Caller::private(user), Input::Inline)
            }
            _ => return Ok(()),
        };
        match self.app.admit(caller, input) {
            Admission::Handle => {
                if let Some(intake) = intake {
                    self.intakes.insert(update.id, Taken::Message(intake));
                }
                Ok(())
            }
            Admission::Refuse(response) => match &update.kind {
                // The one warning of a flood goes through, to be answered after what came before.
                UpdateKind::Message(_) if !response.messages.is_empty() => {
                    self.intakes.insert(update.id, Taken::Refused(response));
                    Ok(())
                }
                UpdateKind::CallbackQuery(q) => {
                    let (bot, id) = (self.bot.clone(), q.id.clone());
                    tokio::spawn(async move { answer_callback(&bot, &id, response.notice.as_deref()).await });
                    Err("flood")
                }
                _ => Err("flood"),
            },
        }
    }
}

/// The label of an update's kind.
fn kind(update: &Update) -> &'static str {
    match &update.kind {
        UpdateKind::Message(_) => "message",
        UpdateKind::EditedMessage(_) => "edited_message",
        UpdateKind::CallbackQuery(_) => "callback_query",
        UpdateKind::InlineQuery(_) => "inline_query",
        UpdateKind::MyChatMember(_) => "my_chat_member",
        _ => "other",
    }
}

/// Updates from `listener` (long polling or the webhook) with the gate in front. With long
/// polling each update that arrives says Telegram is reached; a webhook post says only that
/// Telegram reached us, not that the bot can reach Telegram.
pub(crate) struct Admitted<L> {
    pub listener: L,
    pub gate: Arc<Gate>,
    pub health: Arc<Health>,
    /// The webhook's router, put in service when the dispatcher starts taking updates.
    pub activation: Option<crate::webhook::Activation>,
}

impl<'a, L> AsUpdateStream<'a> for Admitted<L>
where
    L: UpdateListener + 'a,
    L::Err: Send + 'a,
{
    type StreamErr = L::Err;
    type Stream = BoxStream<'a, Result<Update, L::Err>>;

    fn as_stream(&'a mut self) -> Self::Stream {
        let polling = self.activation.is_none();
        if let Some(activation) = &mut self.activation {
            activation.activate();
        }
        let (gate, health) = (self.gate.clone(), self.health.clone());
        self.listener
            .as_stream()
            .filter(move |update| {
                ready(update.as_ref().map_or(true, |update| {
                    if polling {
                        health.reached();
                    }
                    gate.admit(update)
                }))
            })
            .boxed()
    }
}

impl<L> UpdateListener for Admitted<L>
where
    L: UpdateListener + 'static,
    L::Err: Send + 'static,
{
    type Err = L::Err;

    fn stop_token(&mut self) -> StopToken {
        self.listener.stop_token()
    }

    fn hint_allowed_updates(&mut self, hint: &mut dyn Iterator<Item = AllowedUpdate>) {
        self.listener.hint_allowed_updates(hint);
    }
}
