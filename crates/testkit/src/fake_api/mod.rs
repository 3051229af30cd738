//! A small fake Telegram Bot API server on 127.0.0.1: it serves `getMe` and `getUpdates` from a
//! queue the test fills, and records every other call (`sendMessage`, `editMessageText`,
//! `answerCallbackQuery`, `answerInlineQuery`, `setMyCommands`, …) for the test to check. Like
//! Telegram, it refuses an edit that changes nothing, and messages to a chat that blocked the bot.

mod cutting;
mod multipart;
mod server;
mod state;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::Router;
use axum::routing::post;
use serde_json::{Value, json};

use self::cutting::Cutting;
pub use self::multipart::Upload;
use self::server::{download, route};
use self::state::Inner;
pub use self::state::{Call, HUGE_ANSWER_BYTES, Limit};
pub use crate::updates::BOT_USERNAME;

#[derive(Clone)]
pub struct FakeApi {
    pub url: String,
    inner: Arc<Inner>,
}

impl FakeApi {
    pub async fn start() -> FakeApi {
        let inner = Arc::new(Inner::default());
        let app = Router::new()
            .route("/{bot}/{method}", post(route))
            .route("/file/{bot}/{path}", axum::routing::get(download))
            // Telegram takes uploads of up to 50 MB; axum's default stops at 2 MB.
            .layer(axum::extract::DefaultBodyLimit::max(60 << 20))
            .with_state(inner.clone());
        let app_inner = inner.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(Cutting { listener, inner: app_inner }, app).await });
        FakeApi { url, inner }
    }

    /// When the bot first asked for updates.
    pub fn first_get_updates(&self) -> Option<std::time::Instant> {
        self.inner.first_get_updates.get().copied()
    }

    /// Waits (up to 30 s) until the bot first asks for updates: it is serving.
    pub async fn wait_until_get_updates(&self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while self.first_get_updates().is_none() {
            assert!(tokio::time::Instant::now() < deadline, "the bot never asked for updates");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// How many times the bot asked who it is (once per start, again after each failure).
    pub fn get_me_calls(&self) -> i64 {
        self.inner.get_me_calls.load(Ordering::SeqCst)
    }

    /// Queues many updates at once.
    pub fn push_all(&self, updates: impl IntoIterator<Item = Value>) {
        let mut queue = self.inner.updates.lock().unwrap();
        for mut update in updates {
            let id = self.inner.next_update.fetch_add(1, Ordering::SeqCst) + 1;
            update["update_id"] = json!(id);
            queue.push_back(update);
        }
        drop(queue);
        self.inner.new_update.notify_waiters();
    }

    /// Fails every message to `chat` as Telegram does when its user blocked the bot.
    pub fn block_chat(&self, chat: i64) {
        self.inner.blocked_chat.store(chat, Ordering::SeqCst);
    }

    /// Fails every message to `chat` as Telegram does when the bot was removed from it (403).
    pub fn remove_from(&self, chat: i64) {
        self.inner.gone_chats.lock().unwrap().insert(chat);
    }

    /// Answers messages to group `old` as Telegram does once it became supergroup `new`.
    pub fn migrate(&self, old: i64, new: i64) {
        self.inner.migrated.lock().unwrap().insert(old, new);
    }

    /// Answers the next `n` messages to `chat` with a 429 asking to wait `retry_after` seconds.
    pub fn flood(&self, chat: i64, n: u32, retry_after: u64) {
        self.inner.floods.lock().unwrap().insert(chat, (n, retry_after));
    }

    /// Makes `user` an administrator of `chat`.
    pub fn make_admin(&self, chat: i64, user: i64) {
        self.inner.admins.lock().unwrap().insert((chat, user));
    }

    /// Answers each `sendMessage` only after `delay`.
    pub fn delay_sends(&self, delay: Duration) {
        *self.inner.send_delay.lock().unwrap() = delay;
    }

    /// Enforces an overall limit on `sendMessage`, answering 429 beyond it.
    pub fn limit(&self, limit: Arc<Limit>) {
        *self.inner.limit.lock().unwrap() = Some(limit);
    }

    /// Messages refused so far: when, to which chat, with which error code.
    pub fn refusals(&self) -> Vec<(std::time::Instant, i64, i64)> {
        self.inner.refusals.lock().unwrap().clone()
    }

    /// From now on leaves every `sendMessage` unanswered and unsent, as if lost on its way.
    pub fn hold_sends(&self, holding: bool) {
        self.inner.holding.store(holding, Ordering::SeqCst);
    }

    /// Messages left unanswered so far.
    pub fn held(&self) -> i64 {
        self.inner.held.load(Ordering::SeqCst)
    }

    /// 429s answered so far.
    pub fn too_many_answered(&self) -> i64 {
        self.inner.too_many.load(Ordering::SeqCst)
    }

    /// Answers the next `n` messages to `chat` with a server error.
    pub fn fail_sends_to(&self, chat: i64, n: u32) {
        self.inner.failing_sends.lock().unwrap().insert(chat, n);
    }

    /// Answers every request as a web server that is not a Bot API server would.
    /// Answers the next `n` `getUpdates` with a body of `HUGE_ANSWER_BYTES`, as a broken or hostile
    /// server might.
    pub fn answer_huge(&self, n: i64) {
        self.inner.huge_answers.store(n, Ordering::SeqCst);
    }

    pub fn stop_being_a_bot_api(&self) {
        self.inner.not_a_bot_api.store(true, Ordering::SeqCst);
    }

    /// Refuses every edit from now on.
    pub fn refuse_edits(&self) {
        self.inner.refusing_edits.store(true, Ordering::SeqCst);
    }

    /// Answers `getMe` as Telegram does for a wrong token.
    pub fn reject_token(&self) {
        self.inner.rejecting_token.store(true, Ordering::SeqCst);
    }

    /// Makes the next `n` `getMe` calls fail.
    pub fn fail_get_me(&self, n: i64) {
        self.inner.failing_get_me.store(n, Ordering::SeqCst);
    }

    /// Queues an update (its `update_id` is assigned here).
    pub fn push(&self, mut update: Value) {
        let id = self.inner.next_update.fetch_add(1, Ordering::SeqCst) + 1;
        update["update_id"] = json!(id);
        self.inner.updates.lock().unwrap().push_back(update);
        self.inner.new_update.notify_waiters();
    }

    pub fn calls(&self, method: &str) -> Vec<Call> {
        let method = method.to_ascii_lowercase();
        self.inner.calls.lock().unwrap().iter().filter(|c| c.method == method).cloned().collect()
    }

    /// How many `method` calls were recorded, without cloning the log: the fan-out benchmark polls
    /// this while tens of thousands of calls pile up.
    pub fn count(&self, method: &str) -> usize {
        let method = method.to_ascii_lowercase();
        self.inner.calls.lock().unwrap().iter().filter(|c| c.method == method).count()
    }

    /// Waits (up to 30 s) until `pred` holds for the calls recorded so far, and returns them.
    pub async fn wait_until(&self, what: &str, pred: impl Fn(&[Call]) -> bool) -> Vec<Call> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        loop {
            let notified = self.inner.new_call.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let calls = self.inner.calls.lock().unwrap().clone();
                if pred(&calls) {
                    return calls;
                }
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                let calls = self.inner.calls.lock().unwrap().clone();
                let summary: Vec<String> = calls.iter().map(|c| format!("{} {}", c.method, c.body)).collect();
                panic!("timed out waiting for {what}; calls so far:\n{}", summary.join("\n"));
            }
        }
    }

    // Outages: the fault tests' switches.

    /// Answers every method with a 500 while `failing` (the body quotes the path, token and all, as
    /// some proxies' error pages do).
    pub fn fail_everything(&self, failing: bool) {
        self.inner.failing_everything.store(failing, Ordering::SeqCst);
    }

    /// While `cutting`, closes every connection as soon as it is made, and open ones at their next
    /// read or write, so that requests fail as on a network that drops them.
    pub fn drop_connections(&self, cutting: bool) {
        self.inner.cutting.store(cutting, Ordering::SeqCst);
    }

    /// 500s answered and connections cut so far.
    pub fn faults(&self) -> i64 {
        self.inner.faults.load(Ordering::SeqCst)
    }
}

impl FakeApi {
    /// Answers every `getChatMember` with a server error while `failing`.
    pub fn fail_get_chat_member(&self, failing: bool) {
        self.inner.failing_get_chat_member.store(failing, Ordering::SeqCst);
    }

    /// Keeps `bytes` as the file `id`, for `getFile` and its download.
    pub fn put_file(&self, id: &str, bytes: Vec<u8>) {
        self.inner.files.lock().unwrap().insert(id.to_string(), bytes);
    }
}
