//! A small fake Telegram Bot API server on 127.0.0.1: it serves `getMe` and `getUpdates` from a
//! queue the test fills, and records every other call (`sendMessage`, `editMessageText`,
//! `answerCallbackQuery`, `answerInlineQuery`, `setMyCommands`, …) for the test to check. Like
//! Telegram, it refuses an edit that changes nothing, and messages to a chat that blocked the bot.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::Notify;

pub const BOT_USERNAME: &str = "digestbot";

#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub body: Value,
    /// The id of the message a successful `sendMessage` created.
    #[allow(dead_code)]
    pub message_id: Option<i64>,
    /// When the call arrived (the updates benchmark times replies by it).
    #[allow(dead_code)]
    pub at: std::time::Instant,
}

#[derive(Default)]
struct Inner {
    /// Answer `getChatMember` with a server error, as Telegram does when it is down.
    failing_get_chat_member: std::sync::atomic::AtomicBool,
    /// Files people sent, by file id, for `getFile` and the download that follows.
    files: std::sync::Mutex<HashMap<String, Vec<u8>>>,
    updates: std::sync::Mutex<VecDeque<Value>>,
    new_update: Notify,
    calls: std::sync::Mutex<Vec<Call>>,
    new_call: Notify,
    next_update: AtomicI64,
    next_message: AtomicI64,
    /// Answer this many `getMe` calls with an error first, as Telegram does when it is down.
    failing_get_me: AtomicI64,
    rejecting_token: std::sync::atomic::AtomicBool,
    /// Answer everything with a web server's "not found" page, which quotes the request path (and
    /// so the token in it), as a proxy in front of a wrong URL does.
    not_a_bot_api: std::sync::atomic::AtomicBool,
    /// `getUpdates` calls still to answer with a body of `HUGE_ANSWER_BYTES`.
    huge_answers: AtomicI64,
    /// Refuse every edit, as Telegram does for a message too old to edit.
    refusing_edits: std::sync::atomic::AtomicBool,
    /// Chats whose messages fail as if the user blocked the bot.
    blocked_chat: AtomicI64,
    first_get_updates: std::sync::OnceLock<std::time::Instant>,
    get_me_calls: AtomicI64,
    /// What each message shows now, by chat and message id: text and keyboard.
    shown: std::sync::Mutex<HashMap<(i64, i64), (Value, Value)>>,
    /// Chats whose messages fail as if the bot had been removed or the chat deleted (403).
    gone_chats: std::sync::Mutex<std::collections::HashSet<i64>>,
    /// Groups that became supergroups: old id → new id.
    migrated: std::sync::Mutex<HashMap<i64, i64>>,
    /// 429s still to answer per chat, with their `retry_after`.
    floods: std::sync::Mutex<HashMap<i64, (u32, u64)>>,
    /// Group administrators, by (chat, user), for `getChatMember`.
    admins: std::sync::Mutex<std::collections::HashSet<(i64, i64)>>,
    /// How long a `sendMessage` takes to be answered; it counts as sent only once answered, as a
    /// message whose request was cut off never reached the chat.
    send_delay: std::sync::Mutex<Duration>,
    /// Telegram's overall limit, when enforced: more than it allows is answered with a 429.
    limit: std::sync::Mutex<Option<Arc<Limit>>>,
    /// 429s answered.
    too_many: AtomicI64,
    /// Server errors still to answer to `sendMessage`, by chat.
    failing_sends: std::sync::Mutex<HashMap<i64, u32>>,
    /// Messages refused before being sent: when, to which chat, with which error code.
    refusals: std::sync::Mutex<Vec<(std::time::Instant, i64, i64)>>,
    /// Leave every new `sendMessage` unanswered for good, as a request lost on its way.
    holding: std::sync::atomic::AtomicBool,
    held: AtomicI64,
    /// Answer every method with a 500, as Telegram does when it is down.
    failing_everything: std::sync::atomic::AtomicBool,
    /// Close every connection, new and open, as a network that drops them does.
    cutting: std::sync::atomic::AtomicBool,
    /// 500s answered and connections cut so far.
    faults: AtomicI64,
}

/// An overall rate limit, as Telegram enforces it: so many messages a second, with bursts of a
/// tenth of a second's worth (at least 3) tolerated.
pub struct Limit {
    limiter: governor::DefaultDirectRateLimiter,
}

#[allow(dead_code)]
impl Limit {
    #[allow(dead_code)]
    pub fn per_second(n: u32) -> Arc<Limit> {
        let rate = std::num::NonZeroU32::new(n).unwrap();
        let burst = std::num::NonZeroU32::new((n / 10).max(3)).unwrap();
        Arc::new(Limit { limiter: governor::RateLimiter::direct(governor::Quota::per_second(rate).allow_burst(burst)) })
    }
}

/// The size of a huge answer: 200 MB, what once took the bot to 1–1.5 GB.
pub const HUGE_ANSWER_BYTES: usize = 200 << 20;

#[derive(Clone)]
pub struct FakeApi {
    pub url: String,
    inner: Arc<Inner>,
}

async fn route(
    State(inner): State<Arc<Inner>>,
    Path((bot, method)): Path<(String, String)>,
    body: Bytes,
) -> (axum::http::StatusCode, String) {
    if inner.not_a_bot_api.load(Ordering::SeqCst) {
        return (axum::http::StatusCode::NOT_FOUND, format!("Cannot POST /{bot}/{method}"));
    }
    if method.eq_ignore_ascii_case("getupdates") && inner.huge_answers.fetch_sub(1, Ordering::SeqCst) > 0 {
        // Valid JSON, and no update in it: all of it white space.
        let body = format!("{{\"ok\":true,\"result\":[{}]}}", " ".repeat(HUGE_ANSWER_BYTES));
        return (axum::http::StatusCode::OK, body);
    }
    if inner.failing_everything.load(Ordering::SeqCst) {
        inner.faults.fetch_add(1, Ordering::SeqCst);
        return (axum::http::StatusCode::INTERNAL_SERVER_ERROR, server_error(&bot, &method));
    }
    (axum::http::StatusCode::OK, handle(inner, method, body).await)
}

async fn handle(inner: Arc<Inner>, method: String, body: Bytes) -> String {
    let method = method.to_ascii_lowercase();
    let body: Value = serde_json::from_slice(&body).unwrap_or_else(|_| form(&body));
    let ok = |result: Value| json!({ "ok": true, "result": result }).to_string();
    match method.as_str() {
        "getme" => {
            inner.get_me_calls.fetch_add(1, Ordering::SeqCst);
            if inner.rejecting_token.load(Ordering::SeqCst) {
                return json!({ "ok": false, "error_code": 401, "description": "Unauthorized" }).to_string();
            }
            if inner.failing_get_me.fetch_sub(1, Ordering::SeqCst) > 0 {
                return json!({ "ok": false, "error_code": 502, "description": "Bad Gateway" }).to_string();
            }
            ok(json!({
                "id": 4242, "is_bot": true, "first_name": "Digest", "username": BOT_USERNAME,
                "can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": true,
                "can_connect_to_business": false, "has_main_web_app": false
            }))
        }
        "getfile" => {
            let id = body["file_id"].as_str().unwrap_or("").to_string();
            let size = inner.files.lock().unwrap().get(&id).map(Vec::len);
            inner.calls.lock().unwrap().push(Call {
                method,
                body: body.clone(),
                message_id: None,
                at: std::time::Instant::now(),
            });
            inner.new_call.notify_waiters();
            match size {
                Some(size) => ok(json!({ "file_id": id, "file_unique_id": format!("u{id}"), "file_size": size,
                    "file_path": format!("documents_{id}.txt") })),
                None => {
                    json!({ "ok": false, "error_code": 400, "description": "Bad Request: invalid file_id" }).to_string()
                }
            }
        }
        "getwebhookinfo" => ok(json!({ "url": "", "has_custom_certificate": false, "pending_update_count": 0 })),
        "getupdates" => {
            inner.first_get_updates.get_or_init(std::time::Instant::now);
            let offset = body["offset"].as_i64().unwrap_or(0);
            let wait = Duration::from_secs(body["timeout"].as_u64().unwrap_or(0).min(1));
            let deadline = tokio::time::Instant::now() + wait;
            loop {
                // Registered before looking, so an update pushed in between is not missed.
                let notified = inner.new_update.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                {
                    let mut queue = inner.updates.lock().unwrap();
                    queue.retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
                    if !queue.is_empty() {
                        return ok(Value::Array(queue.iter().cloned().collect()));
                    }
                }
                if tokio::time::timeout_at(deadline, notified).await.is_err() {
                    return ok(json!([]));
                }
            }
        }
        "getchatmember" if inner.failing_get_chat_member.load(Ordering::SeqCst) => {
            json!({ "ok": false, "error_code": 502, "description": "Bad Gateway" }).to_string()
        }
        "getchatmember" => {
            let chat = body["chat_id"].as_i64().unwrap_or(0);
            let user_id = body["user_id"].as_i64().unwrap_or(0);
            let status =
                if inner.admins.lock().unwrap().contains(&(chat, user_id)) { "administrator" } else { "member" };
            let mut member = json!({ "user": user(user_id), "status": status });
            if status == "administrator" {
                for right in [
                    "can_be_edited",
                    "is_anonymous",
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_promote_members",
                    "can_change_info",
                    "can_invite_users",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                ] {
                    member[right] = json!(false);
                }
            }
            inner.calls.lock().unwrap().push(Call { method, body, message_id: None, at: std::time::Instant::now() });
            inner.new_call.notify_waiters();
            ok(member)
        }
        _ => {
            if method == "sendmessage" {
                if inner.holding.load(Ordering::SeqCst) {
                    inner.held.fetch_add(1, Ordering::SeqCst);
                    std::future::pending::<()>().await;
                }
                let delay = *inner.send_delay.lock().unwrap();
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                if let Some(refusal) = refuse(&inner, &body) {
                    return refusal;
                }
            }
            let at = std::time::Instant::now();
            let (reply, message_id) = respond(&inner, &method, &body);
            inner.calls.lock().unwrap().push(Call { method, body, message_id, at });
            inner.new_call.notify_waiters();
            reply
        }
    }
}

/// A file's bytes, as Telegram serves `file/bot<token>/<file_path>`; recorded as a `download` call.
async fn download(
    State(inner): State<Arc<Inner>>,
    Path((_bot, path)): Path<(String, String)>,
) -> (axum::http::StatusCode, Vec<u8>) {
    let id = path.strip_prefix("documents_").and_then(|p| p.strip_suffix(".txt")).unwrap_or("");
    let bytes = inner.files.lock().unwrap().get(id).cloned();
    let body = json!({ "path": path });
    inner.calls.lock().unwrap().push(Call {
        method: "download".into(),
        body,
        message_id: None,
        at: std::time::Instant::now(),
    });
    inner.new_call.notify_waiters();
    match bytes {
        Some(bytes) => (axum::http::StatusCode::OK, bytes),
        None => (axum::http::StatusCode::NOT_FOUND, b"not found".to_vec()),
    }
}

/// Telegram's refusals of a message before it is sent: rate limits, a chat gone or moved, a
/// server failing. A refused message is not recorded as a call.
fn refuse(inner: &Inner, body: &Value) -> Option<String> {
    let refusal = refusal(inner, body)?;
    let code = serde_json::from_str::<Value>(&refusal).ok().and_then(|v| v["error_code"].as_i64()).unwrap_or(0);
    let chat = body["chat_id"].as_i64().unwrap_or(0);
    inner.refusals.lock().unwrap().push((std::time::Instant::now(), chat, code));
    Some(refusal)
}

fn refusal(inner: &Inner, body: &Value) -> Option<String> {
    let chat = body["chat_id"].as_i64().unwrap_or(0);
    if let Some(left) = inner.failing_sends.lock().unwrap().get_mut(&chat).filter(|left| **left > 0) {
        *left -= 1;
        return Some(json!({ "ok": false, "error_code": 500, "description": "Internal Server Error" }).to_string());
    }
    if let Some((left, after)) = inner.floods.lock().unwrap().get_mut(&chat).filter(|(left, _)| *left > 0) {
        *left -= 1;
        inner.too_many.fetch_add(1, Ordering::SeqCst);
        return Some(too_many(*after));
    }
    let limit = inner.limit.lock().unwrap().clone();
    if let Some(limit) = limit
        && limit.limiter.check().is_err()
    {
        inner.too_many.fetch_add(1, Ordering::SeqCst);
        return Some(too_many(1));
    }
    if let Some(new) = inner.migrated.lock().unwrap().get(&chat) {
        return Some(
            json!({ "ok": false, "error_code": 400,
            "description": "Bad Request: group chat was upgraded to a supergroup chat",
            "parameters": { "migrate_to_chat_id": new } })
            .to_string(),
        );
    }
    if inner.gone_chats.lock().unwrap().contains(&chat) {
        return Some(
            json!({ "ok": false, "error_code": 403, "description": "Forbidden: bot was kicked from the group chat" })
                .to_string(),
        );
    }
    None
}

fn too_many(after: u64) -> String {
    json!({ "ok": false, "error_code": 429, "description": format!("Too Many Requests: retry after {after}"),
        "parameters": { "retry_after": after } })
    .to_string()
}

/// Answers a recorded call as Telegram would: the reply, and the id of a message it created.
fn respond(inner: &Inner, method: &str, body: &Value) -> (String, Option<i64>) {
    let ok = |result: Value| json!({ "ok": true, "result": result }).to_string();
    let chat = body["chat_id"].as_i64().unwrap_or(0);
    let blocked = inner.blocked_chat.load(Ordering::SeqCst);
    if blocked != 0 && chat == blocked {
        let error = json!({ "ok": false, "error_code": 403, "description": "Forbidden: bot was blocked by the user" });
        return (error.to_string(), None);
    }
    let content = (body["text"].clone(), body["reply_markup"].clone());
    let (id, created) = match method {
        "sendmessage" => (inner.next_message.fetch_add(1, Ordering::SeqCst) + 1000, true),
        "editmessagetext" if inner.refusing_edits.load(Ordering::SeqCst) => {
            let error =
                json!({ "ok": false, "error_code": 400, "description": "Bad Request: message can't be edited" });
            return (error.to_string(), None);
        }
        "editmessagetext" => {
            let id = body["message_id"].as_i64().unwrap_or(0);
            if inner.shown.lock().unwrap().get(&(chat, id)) == Some(&content) {
                let error = json!({ "ok": false, "error_code": 400,
                    "description": "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message" });
                return (error.to_string(), None);
            }
            (id, false)
        }
        _ => return (ok(json!(true)), None),
    };
    inner.shown.lock().unwrap().insert((chat, id), content);
    let kind = if chat < 0 {
        json!({ "id": chat, "type": "supergroup", "title": "群" })
    } else {
        json!({ "id": chat, "type": "private", "first_name": "用户" })
    };
    let message = json!({ "message_id": id, "date": 1_700_000_000, "chat": kind, "text": body["text"] });
    (ok(message), created.then_some(id))
}

impl FakeApi {
    pub async fn start() -> FakeApi {
        let inner = Arc::new(Inner::default());
        let app = Router::new()
            .route("/{bot}/{method}", post(route))
            .route("/file/{bot}/{path}", axum::routing::get(download))
            .with_state(inner.clone());
        let app_inner = inner.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(Cutting { listener, inner: app_inner }, app).await });
        FakeApi { url, inner }
    }

    /// When the bot first asked for updates.
    #[allow(dead_code)]
    pub fn first_get_updates(&self) -> Option<std::time::Instant> {
        self.inner.first_get_updates.get().copied()
    }

    /// Waits (up to 30 s) until the bot first asks for updates: it is serving.
    #[allow(dead_code)]
    pub async fn wait_until_get_updates(&self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while self.first_get_updates().is_none() {
            assert!(tokio::time::Instant::now() < deadline, "the bot never asked for updates");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// How many times the bot asked who it is (once per start, again after each failure).
    #[allow(dead_code)]
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
    #[allow(dead_code)]
    pub fn remove_from(&self, chat: i64) {
        self.inner.gone_chats.lock().unwrap().insert(chat);
    }

    /// Answers messages to group `old` as Telegram does once it became supergroup `new`.
    #[allow(dead_code)]
    pub fn migrate(&self, old: i64, new: i64) {
        self.inner.migrated.lock().unwrap().insert(old, new);
    }

    /// Answers the next `n` messages to `chat` with a 429 asking to wait `retry_after` seconds.
    #[allow(dead_code)]
    pub fn flood(&self, chat: i64, n: u32, retry_after: u64) {
        self.inner.floods.lock().unwrap().insert(chat, (n, retry_after));
    }

    /// Makes `user` an administrator of `chat`.
    #[allow(dead_code)]
    pub fn make_admin(&self, chat: i64, user: i64) {
        self.inner.admins.lock().unwrap().insert((chat, user));
    }

    /// Answers each `sendMessage` only after `delay`.
    #[allow(dead_code)]
    pub fn delay_sends(&self, delay: Duration) {
        *self.inner.send_delay.lock().unwrap() = delay;
    }

    /// Enforces an overall limit on `sendMessage`, answering 429 beyond it.
    #[allow(dead_code)]
    pub fn limit(&self, limit: Arc<Limit>) {
        *self.inner.limit.lock().unwrap() = Some(limit);
    }

    /// Messages refused so far: when, to which chat, with which error code.
    #[allow(dead_code)]
    pub fn refusals(&self) -> Vec<(std::time::Instant, i64, i64)> {
        self.inner.refusals.lock().unwrap().clone()
    }

    /// From now on leaves every `sendMessage` unanswered and unsent, as if lost on its way.
    #[allow(dead_code)]
    pub fn hold_sends(&self, holding: bool) {
        self.inner.holding.store(holding, Ordering::SeqCst);
    }

    /// Messages left unanswered so far.
    #[allow(dead_code)]
    pub fn held(&self) -> i64 {
        self.inner.held.load(Ordering::SeqCst)
    }

    /// 429s answered so far.
    #[allow(dead_code)]
    pub fn too_many_answered(&self) -> i64 {
        self.inner.too_many.load(Ordering::SeqCst)
    }

    /// Answers the next `n` messages to `chat` with a server error.
    #[allow(dead_code)]
    pub fn fail_sends_to(&self, chat: i64, n: u32) {
        self.inner.failing_sends.lock().unwrap().insert(chat, n);
    }

    /// Answers every request as a web server that is not a Bot API server would.
    #[allow(dead_code)]
    /// Answers the next `n` `getUpdates` with a body of `HUGE_ANSWER_BYTES`, as a broken or hostile
    /// server might.
    #[allow(dead_code)]
    pub fn answer_huge(&self, n: i64) {
        self.inner.huge_answers.store(n, Ordering::SeqCst);
    }

    pub fn stop_being_a_bot_api(&self) {
        self.inner.not_a_bot_api.store(true, Ordering::SeqCst);
    }

    /// Refuses every edit from now on.
    #[allow(dead_code)]
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
    #[allow(dead_code)]
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
    #[allow(dead_code)]
    pub fn fail_everything(&self, failing: bool) {
        self.inner.failing_everything.store(failing, Ordering::SeqCst);
    }

    /// While `cutting`, closes every connection as soon as it is made, and open ones at their next
    /// read or write, so that requests fail as on a network that drops them.
    #[allow(dead_code)]
    pub fn drop_connections(&self, cutting: bool) {
        self.inner.cutting.store(cutting, Ordering::SeqCst);
    }

    /// 500s answered and connections cut so far.
    #[allow(dead_code)]
    pub fn faults(&self) -> i64 {
        self.inner.faults.load(Ordering::SeqCst)
    }
}

/// The fields of a multipart form (teloxide sends `setWebhook` as one) as a JSON object, each value
/// read as JSON when it is, else as a string; Null when the body is no form.
fn form(body: &[u8]) -> Value {
    let body = String::from_utf8_lossy(body);
    let Some(boundary) = body.lines().next().filter(|line| line.starts_with("--")) else { return Value::Null };
    let mut fields = serde_json::Map::new();
    for part in body.split(boundary) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else { continue };
        let Some(name) = head.split("name=\"").nth(1).and_then(|rest| rest.split('"').next()) else { continue };
        let value = value.strip_suffix("\r\n").unwrap_or(value);
        fields.insert(name.to_string(), serde_json::from_str(value).unwrap_or_else(|_| json!(value)));
    }
    Value::Object(fields)
}

fn server_error(bot: &str, method: &str) -> String {
    json!({ "ok": false, "error_code": 500, "description": format!("Internal Server Error at /{bot}/{method}") })
        .to_string()
}

/// The fake's listener, whose connections [`FakeApi::drop_connections`] cuts.
struct Cutting {
    listener: tokio::net::TcpListener,
    inner: Arc<Inner>,
}

impl axum::serve::Listener for Cutting {
    type Io = CutStream;
    type Addr = std::net::SocketAddr;

    async fn accept(&mut self) -> (CutStream, std::net::SocketAddr) {
        loop {
            let (stream, address) = axum::serve::Listener::accept(&mut self.listener).await;
            if !self.inner.cutting.load(Ordering::SeqCst) {
                return (CutStream { stream, inner: self.inner.clone() }, address);
            }
            self.inner.faults.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.listener.local_addr()
    }
}

/// A connection that fails its reads and writes while connections are being cut.
struct CutStream {
    stream: tokio::net::TcpStream,
    inner: Arc<Inner>,
}

impl CutStream {
    fn cut(&self) -> bool {
        let cut = self.inner.cutting.load(Ordering::SeqCst);
        if cut {
            self.inner.faults.fetch_add(1, Ordering::SeqCst);
        }
        cut
    }
}

fn reset() -> std::io::Error {
    std::io::ErrorKind::ConnectionReset.into()
}

impl tokio::io::AsyncRead for CutStream {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        if self.cut() {
            return std::task::Poll::Ready(Err(reset()));
        }
        std::pin::Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for CutStream {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        if self.cut() {
            return std::task::Poll::Ready(Err(reset()));
        }
        std::pin::Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Telegram's rate limits lifted: tests and benchmarks measure the bot, not Telegram's pacing.
#[allow(dead_code)]
pub fn unlimited() -> digestbot::telegram::Limits {
    digestbot::telegram::Limits::UNLIMITED
}

pub fn user(id: i64) -> Value {
    json!({ "id": id, "is_bot": false, "first_name": "用户", "language_code": "zh-hans" })
}

pub fn private_chat(id: i64) -> Value {
    json!({ "id": id, "type": "private", "first_name": "用户" })
}

pub fn message(chat: Value, from: i64, text: &str) -> Value {
    json!({ "message": { "message_id": 1, "date": 1_700_000_000, "chat": chat, "from": user(from), "text": text } })
}

/// A message in a group from one of its members.
#[allow(dead_code)]
pub fn group_message(group: i64, from: i64, text: &str) -> Value {
    message(json!({ "id": group, "type": "supergroup", "title": "讨论组" }), from, text)
}

/// A message an anonymous administrator sent on behalf of the group itself.
#[allow(dead_code)]
pub fn anonymous_admin_message(group: i64, text: &str) -> Value {
    let chat = json!({ "id": group, "type": "supergroup", "title": "讨论组" });
    let mut update = message(chat.clone(), 1087968824, text);
    update["message"]["from"] =
        json!({ "id": 1087968824, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot" });
    update["message"]["sender_chat"] = chat;
    update
}

/// The bot's membership in a chat changed to `status` (`kicked`, `left`, `member`).
#[allow(dead_code)]
pub fn my_chat_member(chat: i64, by: i64, status: &str) -> Value {
    let kind =
        if chat < 0 { json!({ "id": chat, "type": "supergroup", "title": "讨论组" }) } else { private_chat(chat) };
    let bot = json!({ "id": 4242, "is_bot": true, "first_name": "Digest", "username": BOT_USERNAME });
    let mut new = json!({ "user": bot.clone(), "status": status });
    if status == "kicked" {
        new["until_date"] = json!(0);
    }
    json!({ "my_chat_member": {
        "chat": kind, "from": user(by), "date": 1_700_000_000,
        "old_chat_member": { "user": bot, "status": "member" },
        "new_chat_member": new
    } })
}

/// The last message of a group that became supergroup `new`.
#[allow(dead_code)]
pub fn migrated_to(group: i64, new: i64) -> Value {
    let chat = json!({ "id": group, "type": "group", "title": "讨论组" });
    json!({ "message": { "message_id": 9, "date": 1_700_000_000, "chat": chat, "from": user(1), "migrate_to_chat_id": new } })
}

/// A message in a forum topic of a supergroup.
pub fn topic_message(group: i64, thread: i64, from: i64, text: &str) -> Value {
    let chat = json!({ "id": group, "type": "supergroup", "title": "讨论组", "is_forum": true });
    let mut update = message(chat, from, text);
    update["message"]["message_thread_id"] = json!(thread);
    update["message"]["is_topic_message"] = json!(true);
    update
}

pub fn sticker(chat: i64, from: i64) -> Value {
    json!({ "message": {
        "message_id": 2, "date": 1_700_000_000, "chat": private_chat(chat), "from": user(from),
        "sticker": { "file_id": "f", "file_unique_id": "u", "type": "regular", "width": 512, "height": 512,
                     "is_animated": false, "is_video": false }
    } })
}

pub fn edited(chat: i64, from: i64, text: &str) -> Value {
    json!({ "edited_message": {
        "message_id": 3, "date": 1_700_000_000, "edit_date": 1_700_000_100, "chat": private_chat(chat),
        "from": user(from), "text": text
    } })
}

/// A button press on message `message_id` in a private chat.
pub fn callback(chat: i64, from: i64, message_id: i64, data: &str) -> Value {
    json!({ "callback_query": {
        "id": format!("cb{message_id}{from}{}", data.len()), "from": user(from), "chat_instance": "ci", "data": data,
        "message": { "message_id": message_id, "date": 1_700_000_000, "chat": private_chat(chat), "text": "…" }
    } })
}

/// A button press on a message the bot can no longer edit (Telegram sends it with `date` 0).
pub fn callback_on_inaccessible(chat: i64, from: i64, message_id: i64, data: &str) -> Value {
    let mut update = callback(chat, from, message_id, data);
    update["callback_query"]["message"] = json!({ "message_id": message_id, "date": 0, "chat": private_chat(chat) });
    update
}

pub fn inline_query(from: i64, query: &str, offset: &str) -> Value {
    json!({ "inline_query": { "id": format!("iq{from}{offset}{}", query.len()), "from": user(from), "query": query, "offset": offset } })
}

/// Files people send.
#[allow(dead_code)]
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

/// A file sent in a private chat, as Telegram describes it (`size` may differ from what is stored,
/// as a test of a file too large to download needs no such file).
#[allow(dead_code)]
pub fn document(chat: i64, from: i64, file_id: &str, name: &str, size: u64) -> Value {
    json!({ "message": {
        "message_id": 4, "date": 1_700_000_000, "chat": private_chat(chat), "from": user(from),
        "document": { "file_id": file_id, "file_unique_id": format!("u{file_id}"), "file_name": name,
                      "mime_type": "text/plain", "file_size": size }
    } })
}

/// A photo sent in a private chat.
#[allow(dead_code)]
pub fn photo(chat: i64, from: i64) -> Value {
    json!({ "message": {
        "message_id": 5, "date": 1_700_000_000, "chat": private_chat(chat), "from": user(from),
        "photo": [{ "file_id": "ph", "file_unique_id": "uph", "width": 90, "height": 90, "file_size": 1000 }]
    } })
}
