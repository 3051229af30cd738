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

use governor::clock::{Clock, MonotonicClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardMarkup, MessageId, ParseMode, ThreadId};
use teloxide::{ApiError, RequestError};
use tokio::sync::{Notify, oneshot};

use super::chat_queue::ChatQueues;
use super::render;
use crate::health::Health;
use crate::logging::redact;
use crate::telemetry;

/// Telegram's limits on sending, as the outbox keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Messages a second to all chats together.
    pub overall_per_sec: u32,
    /// Messages a second to one chat.
    pub chat_per_sec: u32,
    /// Messages a minute to one group.
    pub group_per_min: u32,
}

impl Limits {
    /// What Telegram asks of bots.
    pub const TELEGRAM: Limits = Limits { overall_per_sec: 30, chat_per_sec: 1, group_per_min: 20 };

    /// No limits worth the name: tests and benchmarks measure the bot, not Telegram's pacing.
    pub const UNLIMITED: Limits =
        Limits { overall_per_sec: 1_000_000, chat_per_sec: 1_000_000, group_per_min: 60_000_000 };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::TELEGRAM
    }
}

/// Who waits for an overall slot, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// A person waiting for an answer.
    Reply,
    /// The rest of a delivery already begun: it holds its chat's queue, and a reply there waits.
    Continuation,
    /// A delivery not yet begun.
    Delivery,
}

/// Where a message goes: a chat, and the forum topic in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub chat: ChatId,
    pub thread: Option<ThreadId>,
}

/// One request that puts text in a chat.
#[derive(Debug, Clone)]
pub enum Request {
    Send { place: Place, html: String, keyboard: Option<InlineKeyboardMarkup> },
    Edit { place: Place, message: MessageId, html: String, keyboard: Option<InlineKeyboardMarkup> },
}

impl Request {
    /// The label of the request's kind.
    fn kind(&self) -> &'static str {
        match self {
            Request::Send { .. } => "send",
            Request::Edit { .. } => "edit",
        }
    }

    fn chat(&self) -> ChatId {
        match self {
            Request::Send { place, .. } | Request::Edit { place, .. } => place.chat,
        }
    }

    /// The same request to another chat (a group that became a supergroup).
    pub fn to_chat(mut self, chat: ChatId) -> Request {
        match &mut self {
            Request::Send { place, .. } | Request::Edit { place, .. } => place.chat = chat,
        }
        self
    }
}

/// Why a request did not go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// An edit that would change nothing.
    NotModified,
    /// The chat cannot be written to any more: the bot was blocked or removed, or the chat is gone.
    Gone(String),
    /// Telegram refused this request for what it is (a message too old to edit, bad markup).
    Refused(String),
    /// Telegram could not be reached for too long (only replies give up; deliveries wait).
    Unreachable(String),
    /// Telegram no longer accepts the token: nothing can be sent until it is replaced.
    TokenRejected,
}

impl Failure {
    /// The label of the failure's kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Failure::NotModified => "not_modified",
            Failure::Gone(_) => "gone",
            Failure::Refused(_) => "refused",
            Failure::Unreachable(_) => "unreachable",
            Failure::TokenRejected => "token_rejected",
        }
    }
}

/// An overall slot taken ahead of time: a delivery waits for its turn before it enters its
/// chat's queue, so that a reply to that chat is not queued behind a delivery waiting its turn.
#[derive(Debug)]
pub struct Slot(());

/// A message that went out.
#[derive(Debug, Clone)]
pub struct Sent {
    /// The message's id, when Telegram's answer could be read.
    pub id: Option<MessageId>,
    /// The group became a supergroup with this id, and the message went there.
    pub moved_to: Option<ChatId>,
}

/// Waiting between tries when Telegram could not be reached.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
    /// The longest a 429's `retry_after` is waited.
    pub max_pause: Duration,
}

/// How often a reply is tried when Telegram cannot be reached, before it is given up: a reply
/// minutes late answers a question nobody is waiting on any more.
const REPLY_TRIES: u32 = 5;

/// 429s from this many chats within [`FLOOD_SPAN`] mean Telegram is refusing the bot, not a chat.
const FLOOD_CHATS: usize = 2;
const FLOOD_SPAN: Duration = Duration::from_secs(1);
/// How often chats' limiter state is pruned.
const FORGET_EVERY: Duration = Duration::from_secs(600);

type Direct = RateLimiter<NotKeyed, InMemoryState, MonotonicClock>;
type Keyed = RateLimiter<i64, DefaultKeyedStateStore<i64>, MonotonicClock>;

/// How early a message may go against its limit's schedule. Tokio's timers wake a millisecond or
/// more late; without this slack, each late wake-up pushes every later message back (governor's
/// schedule restarts from when a message actually went), so a chat kept at its one message a
/// second drifts later by a millisecond or so a reply, and a fan-out at 30 a second loses as much
/// a message. It is a time, not a count: a burst of whole messages is no slack at all at 1 a
/// second, and most of a second's worth at 30.
const SLACK: Duration = Duration::from_millis(20);

/// A limit of one message every `interval`, with [`SLACK`]: governor counts in cells, so a message
/// costs enough cells that one cell is no longer than the slack, and the burst allows the slack's
/// worth of cells beyond one message. Returns the quota and the cells a message costs.
fn paced(interval: Duration) -> (Quota, NonZeroU32) {
    let interval = interval.max(Duration::from_nanos(1));
    let cost = u32::try_from(interval.as_nanos().div_ceil(SLACK.as_nanos())).unwrap_or(u32::MAX).max(1);
    let cell = (interval / cost).max(Duration::from_nanos(1));
    let extra = u32::try_from(SLACK.as_nanos() / cell.as_nanos()).unwrap_or(u32::MAX).max(1);
    let quota = Quota::with_period(cell).unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX));
    (quota.allow_burst(nonzero(cost.saturating_add(extra))), nonzero(cost))
}

/// A check of `cost` cells as a plain yes or not-yet. The burst always exceeds the cost (see
/// [`paced`]), so governor cannot find the cost too big; were it to, letting the message go beats
/// waiting for ever.
fn fits<E>(checked: Result<Result<(), E>, governor::InsufficientCapacity>) -> Result<(), E> {
    checked.unwrap_or(Ok(()))
}

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

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
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
        let slots = Arc::new(Slots {
            overall: RateLimiter::direct_with_clock(overall, MonotonicClock),
            cost: overall_cost,
            waiting: Mutex::new(Waiting::default()),
            wake: Notify::new(),
            clock: MonotonicClock,
        });
        tokio::spawn(slots.clone().hand_out());
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
    pub(super) fn queues(&self) -> &Arc<ChatQueues> {
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
        let mut wait = self.backoff.first;
        let mut tries = 0;
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
                    let after = asked.min(self.backoff.max_pause);
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
                        tries += 1;
                        let message = redact(&e.to_string(), self.bot.token());
                        self.health.unreachable(wait);
                        if priority == Priority::Reply && tries >= REPLY_TRIES {
                            counted(None, "unreachable");
                            tracing::warn!(chat, "giving up a reply after {tries} tries: {message}");
                            return Err(Failure::Unreachable(message));
                        }
                        counted(Some("unreachable"), "unreachable");
                        tracing::warn!(chat, "sending failed ({message}); trying again in {wait:?}");
                        tokio::time::sleep(wait).await;
                        wait = (wait * 2).min(self.backoff.max);
                    }
                },
            }
        }
    }

    /// Counts a message that went.
    fn sent(&self, request: &Request) {
        self.health.sent();
        metrics::counter!(telemetry::SENDS, "request" => request.kind()).increment(1);
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
    metrics::counter!(telemetry::SEND_ERRORS, "kind" => error).increment(1);
    if let Some(reason) = retry {
        metrics::counter!(telemetry::SEND_RETRIES, "reason" => reason).increment(1);
    }
}

/// What an error means for the request, when retrying cannot change it; None when it can.
pub(super) fn classify(e: &RequestError) -> Option<Failure> {
    let text = e.to_string();
    match e {
        RequestError::Api(ApiError::MessageNotModified) => Some(Failure::NotModified),
        RequestError::Api(ApiError::InvalidToken) => Some(Failure::TokenRejected),
        RequestError::Api(
            ApiError::BotBlocked
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::BotKickedFromChannel
            | ApiError::UserDeactivated
            | ApiError::CantInitiateConversation
            | ApiError::CantTalkWithBots
            | ApiError::ChatNotFound
            | ApiError::GroupDeactivated
            | ApiError::NotEnoughRightsToPostMessages,
        ) => Some(Failure::Gone(text)),
        // teloxide keeps Telegram's description but not its code: the description's prefix is
        // the code's name ("Forbidden: …" is 403, "Bad Request: …" 400).
        RequestError::Api(ApiError::Unknown(description)) => {
            // A chat the bot may no longer write in, or a forum topic that was closed or deleted,
            // refuses every message alike.
            let unwritable = ["not enough rights", "thread not found", "TOPIC_CLOSED", "TOPIC_DELETED"];
            if description.starts_with("Forbidden") || unwritable.iter().any(|u| description.contains(u)) {
                Some(Failure::Gone(text))
            } else if description.starts_with("Bad Request") {
                Some(Failure::Refused(text))
            } else {
                // "Internal Server Error", "Bad Gateway", …: Telegram's side, worth another try.
                None
            }
        }
        RequestError::Api(_) => Some(Failure::Refused(text)),
        RequestError::Network(_) | RequestError::Io(_) | RequestError::InvalidJson { .. } => None,
        RequestError::RetryAfter(_) => None,
        // Moved twice in a row: something is off; retrying will not help.
        RequestError::MigrateToChatId(_) => Some(Failure::Refused(text)),
    }
}

/// Waits until `check` lets a message through (governor says how long until it would).
async fn wait_for<E>(clock: &MonotonicClock, check: impl Fn() -> Result<(), E>)
where
    E: WaitTime,
{
    while let Err(not_yet) = check() {
        tokio::time::sleep(not_yet.wait(clock)).await;
    }
}

trait WaitTime {
    fn wait(&self, clock: &MonotonicClock) -> Duration;
}

impl WaitTime for governor::NotUntil<Instant> {
    fn wait(&self, clock: &MonotonicClock) -> Duration {
        self.wait_time_from(clock.now())
    }
}

/// The overall limit: a slot a message, handed to replies first.
struct Slots {
    overall: Direct,
    /// Cells of `overall` a message costs.
    cost: NonZeroU32,
    waiting: Mutex<Waiting>,
    wake: Notify,
    clock: MonotonicClock,
}

#[derive(Default)]
struct Waiting {
    replies: VecDeque<oneshot::Sender<()>>,
    continuations: VecDeque<oneshot::Sender<()>>,
    deliveries: VecDeque<oneshot::Sender<()>>,
    /// Nothing leaves before this (Telegram said to wait).
    paused_until: Option<Instant>,
}

impl Waiting {
    fn is_empty(&self) -> bool {
        self.replies.is_empty() && self.continuations.is_empty() && self.deliveries.is_empty()
    }

    fn next(&mut self) -> Option<oneshot::Sender<()>> {
        self.replies.pop_front().or_else(|| self.continuations.pop_front()).or_else(|| self.deliveries.pop_front())
    }
}

impl Slots {
    /// Waits for an overall slot. With nobody queued and the limit not reached it is taken at
    /// once, without a trip through the task that hands slots out.
    async fn take(&self, priority: Priority) {
        let ready = {
            let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
            let paused = waiting.paused_until.is_some_and(|until| until > Instant::now());
            if !paused && waiting.is_empty() && fits(self.overall.check_n(self.cost)).is_ok() {
                return;
            }
            let (tx, rx) = oneshot::channel();
            match priority {
                Priority::Reply => waiting.replies.push_back(tx),
                Priority::Continuation => waiting.continuations.push_back(tx),
                Priority::Delivery => waiting.deliveries.push_back(tx),
            }
            rx
        };
        self.wake.notify_one();
        // The sender only goes away when the runtime shuts down.
        let _ = ready.await;
    }

    fn pause(&self, after: Duration) {
        let until = Instant::now() + after;
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        waiting.paused_until = Some(waiting.paused_until.map_or(until, |t| t.max(until)));
    }

    /// Hands out slots as the limit allows, each to the most urgent waiter at that moment.
    async fn hand_out(self: Arc<Self>) {
        loop {
            let notified = self.wake.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let (empty, paused_until) = {
                let waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
                (waiting.is_empty(), waiting.paused_until)
            };
            if empty {
                notified.await;
                continue;
            }
            if let Some(until) = paused_until.filter(|until| *until > Instant::now()) {
                tokio::time::sleep_until(until.into()).await;
                continue;
            }
            if let Err(not_yet) = fits(self.overall.check_n(self.cost)) {
                tokio::time::sleep(not_yet.wait_time_from(self.clock.now())).await;
                continue;
            }
            let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
            // A waiter that went away (its task was stopped) leaves the slot to the next one.
            while let Some(waiter) = waiting.next() {
                if waiter.send(()).is_ok() {
                    break;
                }
            }
        }
    }
}
