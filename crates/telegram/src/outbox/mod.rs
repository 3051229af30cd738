//! One outbox for everything the bot sends into chats: replies, edits and daily deliveries.
//!
//! Telegram's limits (about 30 messages a second overall, one a second in a chat, 20 a minute in
//! a group) are kept with governor's rate limiters, checked when a message is about to go: a
//! message that breaks no limit leaves at once, and one that would break a limit waits only until
//! it would not. Overall sending slots go to replies before deliveries, so a fan-out to thousands
//! of chats never keeps a person waiting for more than one slot. Each chat's messages leave in
//! order, one at a time, through the chat's queue ([`ChatQueues`]).
//!
//! What Telegram answers decides what happens next: a 429 pauses that chat (and everything, when
//! several chats get one) for as long as Telegram says, then the message goes; a server or network
//! failure is retried with backoff; a chat that is gone, or moved to a supergroup, is reported to
//! the caller, who knows what that means for it.

use std::collections::VecDeque;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::RateLimiter;
use governor::clock::MonotonicClock;
use governor::state::keyed::DefaultKeyedStateStore;
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, InputFile, MessageId, ParseMode, ThreadId};

mod classify;
mod pacing;
mod retry;
mod slots;

pub use self::classify::{Failure, classify};
pub use self::pacing::Limits;
use self::pacing::{fits, nonzero, paced, wait_for};
pub use self::retry::Backoff;
use self::retry::Retries;
use self::slots::Slots;
pub use self::slots::{Priority, Slot};
use crate::chat_queue::ChatQueues;
use crate::health::Health;
use crate::redaction::redacted;
use crate::render;
use digestbot_core::telemetry as metric;

/// Where a message goes: a chat, and the forum topic in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Destination {
    pub chat: ChatId,
    pub thread: Option<ThreadId>,
}

/// One request that puts text in a chat.
#[derive(Debug, Clone)]
pub enum Request {
    Send {
        place: Destination,
        html: String,
        keyboard: Option<InlineKeyboardMarkup>,
    },
    Edit {
        place: Destination,
        message: MessageId,
        html: String,
        keyboard: Option<InlineKeyboardMarkup>,
    },
    /// A chart (a photo) or a spreadsheet (a document), with its caption when it fits one.
    File {
        place: Destination,
        kind: FileKind,
        name: String,
        bytes: Vec<u8>,
        caption: Option<String>,
        keyboard: Option<InlineKeyboardMarkup>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Photo,
    Document,
}

impl Request {
    /// The label of the request's kind.
    fn kind(&self) -> &'static str {
        match self {
            Request::Send { .. } => "send",
            Request::Edit { .. } => "edit",
            Request::File { kind: FileKind::Photo, .. } => "photo",
            Request::File { kind: FileKind::Document, .. } => "document",
        }
    }

    fn chat(&self) -> ChatId {
        match self {
            Request::Send { place, .. } | Request::Edit { place, .. } | Request::File { place, .. } => place.chat,
        }
    }

    /// The same request to another chat (a group that became a supergroup).
    pub fn to_chat(mut self, chat: ChatId) -> Request {
        match &mut self {
            Request::Send { place, .. } | Request::Edit { place, .. } | Request::File { place, .. } => {
                place.chat = chat
            }
        }
        self
    }
}

/// A message that went out.
#[derive(Debug, Clone)]
pub struct Sent {
    /// The message's id, when Telegram's answer could be read.
    pub id: Option<MessageId>,
    /// The group became a supergroup with this id, and the message went there.
    pub moved_to: Option<ChatId>,
}

/// 429s from this many chats within [`FLOOD_SPAN`] mean Telegram is refusing the bot, not a chat.
const FLOOD_CHATS: usize = 2;
const FLOOD_SPAN: Duration = Duration::from_secs(1);
/// How often chats' limiter state is pruned.
const FORGET_EVERY: Duration = Duration::from_secs(600);

type Keyed = RateLimiter<i64, DefaultKeyedStateStore<i64>, MonotonicClock>;

pub struct Outbox {
    bot: Bot,
    /// Each chat's messages, in order.
    queues: Arc<ChatQueues>,
    clock: MonotonicClock,
    chats: Keyed,
    chat_cost: NonZeroU32,
    groups: Keyed,
    group_cost: NonZeroU32,
    slots: Arc<Slots>,
    backoff: Backoff,
    /// Recent 429s (when, which chat), to tell a chat's flood from the bot's.
    floods: Mutex<VecDeque<(Instant, i64)>>,
    /// Told whether Telegram answers: in webhook mode, sending is how the bot finds out.
    health: Arc<Health>,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox").finish_non_exhaustive()
    }
}

impl Outbox {
    /// An outbox sending with `bot`; it starts the task that hands out overall slots, so it must be
    /// made inside a Tokio runtime.
    pub fn new(bot: Bot, limits: Limits, backoff: Backoff, health: Arc<Health>) -> Arc<Outbox> {
        // The slack (a fiftieth of a second) absorbs timer lateness at every rate without letting
        // more than a second's worth and the slack's out in any second.
        let second = Duration::from_secs(1);
        let (overall, overall_cost) = paced(second / nonzero(limits.overall_per_sec).get());
        let (chat, chat_cost) = paced(second / nonzero(limits.chat_per_sec).get());
        let (group, group_cost) = paced(Duration::from_secs(60) / nonzero(limits.group_per_min).get());
        let slots = Slots::start(overall, overall_cost);
        let outbox = Arc::new(Outbox {
            bot,
            queues: Arc::new(ChatQueues::default()),
            clock: MonotonicClock,
            chats: RateLimiter::hashmap_with_clock(chat, MonotonicClock),
            chat_cost,
            groups: RateLimiter::hashmap_with_clock(group, MonotonicClock),
            group_cost,
            slots,
            backoff,
            floods: Mutex::new(VecDeque::new()),
            health,
        });
        let weak = Arc::downgrade(&outbox);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(FORGET_EVERY).await;
                match weak.upgrade() {
                    Some(outbox) => outbox.forget_quiet_chats(),
                    None => return,
                }
            }
        });
        outbox
    }

    /// The chats' queues: what is sent to a chat is queued there, so that it goes in order.
    pub(crate) fn queues(&self) -> &Arc<ChatQueues> {
        &self.queues
    }

    /// Sends one request when the limits allow it, retrying what can be retried. Requests to one
    /// chat must not be made concurrently (the chat's queue sees to it), or their order is lost.
    pub async fn send(&self, priority: Priority, request: Request) -> Result<Sent, Failure> {
        self.send_in(None, priority, request).await
    }

    /// Waits for an overall slot at `priority`, to spend on a later [`Outbox::send_in`].
    pub async fn slot(&self, priority: Priority) -> Slot {
        self.slots.take(priority).await;
        Slot(())
    }

    /// [`Outbox::send`], spending `slot` (taken earlier) on the first try instead of waiting for
    /// one.
    pub async fn send_in(&self, slot: Option<Slot>, priority: Priority, request: Request) -> Result<Sent, Failure> {
        let mut slot = slot;
        let mut request = request;
        let mut moved_to = None;
        let mut retries = Retries::new(self.backoff, priority);
        loop {
            let chat = request.chat().0;
            self.pace(chat, priority, slot.take()).await;
            let error = match self.execute(&request).await {
                Ok(message) => {
                    self.sent(&request);
                    return Ok(Sent { id: Some(message.id), moved_to });
                }
                // Telegram took it but its answer does not parse (a field newer than teloxide):
                // sending it again would send it twice.
                Err(RequestError::InvalidJson { raw, .. }) if raw.contains("\"ok\":true") => {
                    tracing::warn!(chat, "Telegram's answer to a message could not be read; taking it as sent");
                    self.sent(&request);
                    return Ok(Sent { id: None, moved_to });
                }
                Err(e) => e,
            };
            match error {
                RequestError::RetryAfter(after) => {
                    self.health.reached();
                    counted(Some("too_many_requests"), "too_many_requests");
                    let asked = after.duration();
                    let after = retries.pause(asked);
                    if after < asked {
                        tracing::warn!(
                            chat,
                            "Telegram asks to wait {asked:?} before sending again; trying again in {after:?}"
                        );
                    } else {
                        tracing::warn!(chat, "Telegram asks to wait {after:?} before sending again");
                    }
                    if self.flooded(chat) {
                        self.slots.pause(after);
                        // Until a message gets through, /healthz says the bot is held back.
                        self.health.throttled();
                    }
                    tokio::time::sleep(after).await;
                }
                // Telegram says where the group went: the message goes there, and the caller learns
                // of the move with it.
                RequestError::MigrateToChatId(new) if moved_to.is_none() => {
                    self.health.reached();
                    counted(Some("migrated"), "migrated");
                    tracing::info!(chat, new = new.0, "the group became a supergroup");
                    moved_to = Some(new);
                    request = request.to_chat(new);
                }
                e => match classify(&e) {
                    Some(failure) => {
                        if failure != Failure::TokenRejected {
                            self.health.reached();
                        }
                        counted(None, failure.kind());
                        return Err(failure);
                    }
                    None => {
                        let message = redacted(&e, self.bot.token()).to_string();
                        self.health.unreachable(retries.next_wait());
                        let Some(wait) = retries.unreachable() else {
                            counted(None, "unreachable");
                            let tries = retries.tries();
                            tracing::warn!(chat, "giving up a reply after {tries} tries: {message}");
                            return Err(Failure::Unreachable(message));
                        };
                        counted(Some("unreachable"), "unreachable");
                        tracing::warn!(chat, "sending failed ({message}); trying again in {wait:?}");
                        tokio::time::sleep(wait).await;
                    }
                },
            }
        }
    }

    /// Counts a message that went.
    fn sent(&self, request: &Request) {
        self.health.sent();
        metrics::counter!(metric::SENDS, "request" => request.kind()).increment(1);
    }

    /// Waits until a message to `chat` breaks no limit, then takes the slot (unless one was taken
    /// already).
    async fn pace(&self, chat: i64, priority: Priority, slot: Option<Slot>) {
        wait_for(&self.clock, || fits(self.chats.check_key_n(&chat, self.chat_cost))).await;
        // Negative ids are groups, supergroups and channels.
        if chat < 0 {
            wait_for(&self.clock, || fits(self.groups.check_key_n(&chat, self.group_cost))).await;
        }
        if slot.is_none() {
            self.slots.take(priority).await;
        }
    }

    async fn execute(&self, request: &Request) -> Result<Message, RequestError> {
        match request.clone() {
            Request::Send { place, html, keyboard } => {
                let mut send = self
                    .bot
                    .send_message(place.chat, html)
                    .parse_mode(ParseMode::Html)
                    .link_preview_options(render::NO_PREVIEW);
                if let Some(thread) = place.thread {
                    send = send.message_thread_id(thread);
                }
                if let Some(keyboard) = keyboard {
                    send = send.reply_markup(keyboard);
                }
                send.await
            }
            Request::Edit { place, message, html, keyboard } => {
                let mut edit = self
                    .bot
                    .edit_message_text(place.chat, message, html)
                    .parse_mode(ParseMode::Html)
                    .link_preview_options(render::NO_PREVIEW);
                if let Some(keyboard) = keyboard {
                    edit = edit.reply_markup(keyboard);
                }
                edit.await
            }
            Request::File { place, kind, name, bytes, caption, keyboard } => {
                let file = InputFile::memory(bytes).file_name(name);
                // sendPhoto and sendDocument are requests of two types with the same setters.
                macro_rules! finish {
                    ($send:expr) => {{
                        let mut send = $send;
                        if let Some(caption) = caption {
                            send = send.caption(caption).parse_mode(ParseMode::Html);
                        }
                        if let Some(thread) = place.thread {
                            send = send.message_thread_id(thread);
                        }
                        if let Some(keyboard) = keyboard {
                            send = send.reply_markup(keyboard);
                        }
                        send.await
                    }};
                }
                match kind {
                    FileKind::Photo => finish!(self.bot.send_photo(place.chat, file)),
                    FileKind::Document => finish!(self.bot.send_document(place.chat, file)),
                }
            }
        }
    }

    /// Notes a 429 for `chat`; true when other chats got one lately too, so that Telegram is
    /// refusing the bot as a whole.
    fn flooded(&self, chat: i64) -> bool {
        let now = Instant::now();
        let mut floods = self.floods.lock().unwrap_or_else(|e| e.into_inner());
        floods.retain(|(at, _)| now.duration_since(*at) < FLOOD_SPAN);
        floods.push_back((now, chat));
        let mut chats: Vec<i64> = floods.iter().map(|(_, c)| *c).collect();
        chats.sort_unstable();
        chats.dedup();
        chats.len() >= FLOOD_CHATS
    }

    /// Forgets the limiter state of chats that have been quiet long enough to have a full
    /// allowance again, so memory follows the chats active now, not every chat ever served.
    fn forget_quiet_chats(&self) {
        self.chats.retain_recent();
        self.groups.retain_recent();
    }
}

/// Counts an error Telegram answered to a message, and the retry it leads to (if any).
fn counted(retry: Option<&'static str>, error: &'static str) {
    metrics::counter!(metric::SEND_ERRORS, "kind" => error).increment(1);
    if let Some(reason) = retry {
        metrics::counter!(metric::SEND_RETRIES, "reason" => reason).increment(1);
    }
}
