//! What the fake Bot API remembers: the updates queued, the calls made, and the faults it was told
//! to play.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::AtomicI64;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::Notify;

#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub body: Value,
    /// The id of the message a successful `sendMessage` (or photo, or document) created.
    pub message_id: Option<i64>,
    /// When the call arrived (the updates benchmark times replies by it).
    pub at: std::time::Instant,
    /// The file a `sendPhoto` or `sendDocument` carried.
    pub upload: Option<super::multipart::Upload>,
}

#[derive(Default)]
pub(crate) struct Inner {
    /// Answer `getChatMember` with a server error, as Telegram does when it is down.
    pub(crate) failing_get_chat_member: std::sync::atomic::AtomicBool,
    /// Files people sent, by file id, for `getFile` and the download that follows.
    pub(crate) files: std::sync::Mutex<HashMap<String, Vec<u8>>>,
    pub(crate) updates: std::sync::Mutex<VecDeque<Value>>,
    pub(crate) new_update: Notify,
    pub(crate) calls: std::sync::Mutex<Vec<Call>>,
    pub(crate) new_call: Notify,
    pub(crate) next_update: AtomicI64,
    pub(crate) next_message: AtomicI64,
    /// Answer this many `getMe` calls with an error first, as Telegram does when it is down.
    pub(crate) failing_get_me: AtomicI64,
    pub(crate) rejecting_token: std::sync::atomic::AtomicBool,
    /// Answer everything with a web server's "not found" page, which quotes the request path (and
    /// so the token in it), as a proxy in front of a wrong URL does.
    pub(crate) not_a_bot_api: std::sync::atomic::AtomicBool,
    /// `getUpdates` calls still to answer with a body of `HUGE_ANSWER_BYTES`.
    pub(crate) huge_answers: AtomicI64,
    /// Refuse every edit, as Telegram does for a message too old to edit.
    pub(crate) refusing_edits: std::sync::atomic::AtomicBool,
    /// Chats whose messages fail as if the user blocked the bot.
    pub(crate) blocked_chat: AtomicI64,
    pub(crate) first_get_updates: std::sync::OnceLock<std::time::Instant>,
    pub(crate) get_me_calls: AtomicI64,
    /// What each message shows now, by chat and message id: text and keyboard.
    pub(crate) shown: std::sync::Mutex<HashMap<(i64, i64), (Value, Value)>>,
    /// Chats whose messages fail as if the bot had been removed or the chat deleted (403).
    pub(crate) gone_chats: std::sync::Mutex<std::collections::HashSet<i64>>,
    /// Groups that became supergroups: old id → new id.
    pub(crate) migrated: std::sync::Mutex<HashMap<i64, i64>>,
    /// 429s still to answer per chat, with their `retry_after`.
    pub(crate) floods: std::sync::Mutex<HashMap<i64, (u32, u64)>>,
    /// Group administrators, by (chat, user), for `getChatMember`.
    pub(crate) admins: std::sync::Mutex<std::collections::HashSet<(i64, i64)>>,
    /// How long a `sendMessage` takes to be answered; it counts as sent only once answered, as a
    /// message whose request was cut off never reached the chat.
    pub(crate) send_delay: std::sync::Mutex<Duration>,
    /// Telegram's overall limit, when enforced: more than it allows is answered with a 429.
    pub(crate) limit: std::sync::Mutex<Option<Arc<Limit>>>,
    /// 429s answered.
    pub(crate) too_many: AtomicI64,
    /// Server errors still to answer to `sendMessage`, by chat.
    pub(crate) failing_sends: std::sync::Mutex<HashMap<i64, u32>>,
    /// Messages refused before being sent: when, to which chat, with which error code.
    pub(crate) refusals: std::sync::Mutex<Vec<(std::time::Instant, i64, i64)>>,
    /// Leave every new `sendMessage` unanswered for good, as a request lost on its way.
    pub(crate) holding: std::sync::atomic::AtomicBool,
    pub(crate) held: AtomicI64,
    /// Answer every method with a 500, as Telegram does when it is down.
    pub(crate) failing_everything: std::sync::atomic::AtomicBool,
    /// Close every connection, new and open, as a network that drops them does.
    pub(crate) cutting: std::sync::atomic::AtomicBool,
    /// 500s answered and connections cut so far.
    pub(crate) faults: AtomicI64,
}

/// An overall rate limit, as Telegram enforces it: so many messages a second, with bursts of a
/// tenth of a second's worth (at least 3) tolerated.
pub struct Limit {
    pub(crate) limiter: governor::DefaultDirectRateLimiter,
}

impl Limit {
    pub fn per_second(n: u32) -> Arc<Limit> {
        let rate = std::num::NonZeroU32::new(n).unwrap();
        let burst = std::num::NonZeroU32::new((n / 10).max(3)).unwrap();
        Arc::new(Limit { limiter: governor::RateLimiter::direct(governor::Quota::per_second(rate).allow_burst(burst)) })
    }
}

/// The size of a huge answer: 200 MB, what once took the bot to 1–1.5 GB.
pub const HUGE_ANSWER_BYTES: usize = 200 << 20;
