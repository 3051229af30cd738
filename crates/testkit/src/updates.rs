//! Updates as Telegram sends them, for the fake to queue: messages, button presses, inline
//! queries, membership changes, files.

use serde_json::{Value, json};

/// The bot's username, as the fake's `getMe` answers.
pub const BOT_USERNAME: &str = "digestbot";

/// Telegram's rate limits lifted: tests and benchmarks measure the bot, not Telegram's pacing.
pub fn unlimited() -> digestbot_telegram::Limits {
    digestbot_telegram::Limits::UNLIMITED
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
pub fn group_message(group: i64, from: i64, text: &str) -> Value {
    message(json!({ "id": group, "type": "supergroup", "title": "讨论组" }), from, text)
}

/// A message an anonymous administrator sent on behalf of the group itself.
pub fn anonymous_admin_message(group: i64, text: &str) -> Value {
    let chat = json!({ "id": group, "type": "supergroup", "title": "讨论组" });
    let mut update = message(chat.clone(), 1087968824, text);
    update["message"]["from"] =
        json!({ "id": 1087968824, "is_bot": true, "first_name": "Group", "username": "GroupAnonymousBot" });
    update["message"]["sender_chat"] = chat;
    update
}

/// The bot's membership in a chat changed to `status` (`kicked`, `left`, `member`).
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

/// A file sent in a private chat, as Telegram describes it (`size` may differ from what is stored,
/// as a test of a file too large to download needs no such file).
pub fn document(chat: i64, from: i64, file_id: &str, name: &str, size: u64) -> Value {
    json!({ "message": {
        "message_id": 4, "date": 1_700_000_000, "chat": private_chat(chat), "from": user(from),
        "document": { "file_id": file_id, "file_unique_id": format!("u{file_id}"), "file_name": name,
                      "mime_type": "text/plain", "file_size": size }
    } })
}

/// A photo sent in a private chat.
pub fn photo(chat: i64, from: i64) -> Value {
    json!({ "message": {
        "message_id": 5, "date": 1_700_000_000, "chat": private_chat(chat), "from": user(from),
        "photo": [{ "file_id": "ph", "file_unique_id": "uph", "width": 90, "height": 90, "file_size": 1000 }]
    } })
}
