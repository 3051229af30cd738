//! The fake's HTTP side: each Bot API method answered as Telegram would, and files downloaded.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use std::time::Duration;

use super::multipart;
use super::state::{Call, HUGE_ANSWER_BYTES, Inner};
use crate::updates::{BOT_USERNAME, user};

pub(super) async fn route(
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
    let (body, mut uploads) = match serde_json::from_slice::<Value>(&body) {
        Ok(body) => (body, Vec::new()),
        Err(_) => multipart::parse(&body).unwrap_or((Value::Null, Vec::new())),
    };
    let upload = uploads.pop();
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
                upload: None,
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
            inner.calls.lock().unwrap().push(Call {
                method,
                body,
                message_id: None,
                at: std::time::Instant::now(),
                upload: None,
            });
            inner.new_call.notify_waiters();
            ok(member)
        }
        _ => {
            if matches!(method.as_str(), "sendmessage" | "sendphoto" | "senddocument") {
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
            inner.calls.lock().unwrap().push(Call { method, body, message_id, at, upload });
            inner.new_call.notify_waiters();
            reply
        }
    }
}

/// A file's bytes, as Telegram serves `file/bot<token>/<file_path>`; recorded as a `download` call.
pub(super) async fn download(
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
        upload: None,
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
        "sendmessage" | "sendphoto" | "senddocument" => {
            (inner.next_message.fetch_add(1, Ordering::SeqCst) + 1000, true)
        }
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
    let mut message = json!({ "message_id": id, "date": 1_700_000_000, "chat": kind });
    match method {
        "sendphoto" => {
            message["photo"] = json!([{ "file_id": format!("p{id}"), "file_unique_id": format!("up{id}"),
                "width": 1200, "height": 675, "file_size": body["photo"]["size"] }]);
            message["caption"] = body["caption"].clone();
        }
        "senddocument" => {
            message["document"] = json!({ "file_id": format!("d{id}"), "file_unique_id": format!("ud{id}"),
                "file_name": body["document"]["file_name"], "file_size": body["document"]["size"] });
            message["caption"] = body["caption"].clone();
        }
        _ => message["text"] = body["text"].clone(),
    }
    if message["caption"].is_null() {
        message.as_object_mut().map(|m| m.remove("caption"));
    }
    (ok(message), created.then_some(id))
}

fn server_error(bot: &str, method: &str) -> String {
    json!({ "ok": false, "error_code": 500, "description": format!("Internal Server Error at /{bot}/{method}") })
        .to_string()
}
