//! Sending the core's replies: queued for their chat in the outbox, split into parts that fit,
//! edits that fall back to a new message, and answers to button presses.

use std::sync::Arc;

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{CallbackQueryId, InlineKeyboardMarkup, MessageId};

use crate::outbox::{Destination, Failure, FileKind, Outbox, Priority, Request, classify};
use crate::redaction::redacted;
use crate::render;
use digestbot_core::attachment::Attachment;
use digestbot_core::reply::Attached;
use digestbot_core::reply::{Message as Reply, plain};

/// Logs a failed send and carries on: a chat that blocked the bot or a message that did not change
/// is not a reason to stop serving anyone else.
pub(crate) fn log_send_error(e: &RequestError, bot: &Bot) {
    // One reading of Telegram's errors, the outbox's: what it cannot classify is worth a warning.
    match classify(e) {
        Some(failure) => log_failure(&failure, None),
        None => tracing::warn!("sending failed: {}", redacted(&e, bot.token())),
    }
}
/// Logs a message that did not go and carries on: a chat that blocked the bot or a message that
/// did not change is not a reason to stop serving anyone else.
pub(crate) fn log_failure(failure: &Failure, chat: Option<ChatId>) {
    let chat = chat.map(|c| c.0);
    match failure {
        Failure::NotModified => {}
        Failure::Gone(reason) => tracing::info!(chat, "chat unavailable: {reason}"),
        Failure::Refused(reason) | Failure::Unreachable(reason) => tracing::warn!(chat, "sending failed: {reason}"),
        Failure::TokenRejected => tracing::error!(chat, "sending failed: Telegram rejects the token"),
    }
}

/// Queues new messages for a chat, in order after what is queued for it already.
pub(crate) fn queue_messages(outbox: &Arc<Outbox>, me: &str, place: Destination, replies: Vec<Reply>) {
    if replies.is_empty() {
        return;
    }
    let queues = outbox.queues().clone();
    let (outbox, me) = (outbox.clone(), me.to_string());
    queues.push(
        place.chat.0,
        Box::pin(async move {
            for reply in &replies {
                if send(&outbox, &me, place, reply).await.is_err() {
                    return;
                }
            }
        }),
    );
}

/// Answers a button press, so it stops spinning, with a notice when there is one.
pub(crate) async fn answer_callback(bot: &Bot, id: &CallbackQueryId, notice: Option<&str>) {
    let mut answer = bot.answer_callback_query(id.clone());
    if let Some(notice) = notice.filter(|n| !n.is_empty()) {
        answer = answer.text(notice);
    }
    if let Err(e) = answer.await {
        log_send_error(&e, bot);
    }
}

/// Sends one reply, split into several messages when it is long; the buttons go under the last.
pub(crate) async fn send(outbox: &Outbox, me: &str, place: Destination, reply: &Reply) -> Result<(), Failure> {
    let parts = render::html(&reply.text, me);
    send_parts(outbox, Priority::Reply, place, parts, render::keyboard(&reply.buttons)).await
}

/// Sends the parts of one message in order; the keyboard goes under the last. Stops at the first
/// part that does not go (logged), since what follows it would make no sense alone.
pub(crate) async fn send_parts(
    outbox: &Outbox,
    priority: Priority,
    place: Destination,
    parts: Vec<String>,
    keyboard: Option<InlineKeyboardMarkup>,
) -> Result<(), Failure> {
    let last = parts.len().saturating_sub(1);
    for (i, html) in parts.into_iter().enumerate() {
        let keyboard = if i == last { keyboard.clone() } else { None };
        if let Err(failure) = outbox.send(priority, Request::Send { place, html, keyboard }).await {
            log_failure(&failure, Some(place.chat));
            return Err(failure);
        }
    }
    Ok(())
}

/// Replaces a message with a reply; a reply too long for one message continues in new ones. An
/// edit that changes nothing sends nothing (its continuation is already there); an edit Telegram
/// refuses otherwise (the message is too old, or gone) is sent whole as new messages instead.
pub(crate) async fn edit_or_send(outbox: &Outbox, me: &str, place: Destination, id: MessageId, reply: &Reply) {
    let mut parts = render::html(&reply.text, me);
    if parts.is_empty() {
        return;
    }
    let keyboard = render::keyboard(&reply.buttons);
    let edit = Request::Edit {
        place,
        message: id,
        html: parts[0].clone(),
        keyboard: if parts.len() == 1 { keyboard.clone() } else { None },
    };
    match outbox.send(Priority::Reply, edit).await {
        Ok(_) => {
            parts.remove(0);
        }
        Err(Failure::NotModified) => return,
        Err(failure) => log_failure(&failure, Some(place.chat)),
    }
    let _ = send_parts(outbox, Priority::Reply, place, parts, keyboard).await;
}

/// Charts and spreadsheets drawn at once, at most: each takes a blocking thread for a moment, and
/// the other chats' replies must not wait for them.
static RENDERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Telegram refuses uploads over 50 MB.
const MAX_UPLOAD_BYTES: usize = 50 * 1024 * 1024;

/// Telegram's limit on a caption, in characters (of the HTML here: a little stricter).
const MAX_CAPTION_CHARS: usize = 1024;

/// Draws a chart or writes a spreadsheet off the async workers, then sends it as a photo or a
/// document with its caption (a caption too long for one follows as a message).
pub(crate) async fn send_attachment(outbox: &Outbox, me: &str, place: Destination, attached: Attached) {
    let Attached { file, caption } = attached;
    let bot = me.to_string();
    let rendered = {
        let _permit = RENDERS.acquire().await;
        tokio::task::spawn_blocking(move || match &file {
            Attachment::Chart(chart) => digestbot_export::chart_png(chart)
                .map(|bytes| (FileKind::Photo, "digestbot-trend.png".to_string(), bytes)),
            Attachment::Table(table) => digestbot_export::xlsx(table, Some(&bot))
                .map(|bytes| (FileKind::Document, format!("{}.xlsx", table.name), bytes)),
        })
        .await
    };
    let (kind, name, bytes) = match rendered {
        Ok(Ok(file)) if file.2.len() <= MAX_UPLOAD_BYTES => file,
        Ok(Ok(_)) => {
            let reply = Reply { text: plain(digestbot_core::research::text::EXPORT_TOO_LARGE), buttons: Vec::new() };
            let _ = send(outbox, me, place, &reply).await;
            return;
        }
        failed => {
            tracing::error!("a chart or a spreadsheet could not be made: {failed:?}");
            let reply = Reply { text: plain(digestbot_core::research::text::EXPORT_FAILED), buttons: Vec::new() };
            let _ = send(outbox, me, place, &reply).await;
            return;
        }
    };
    let parts = render::html(&caption.text, me);
    let keyboard = render::keyboard(&caption.buttons);
    let fits = parts.len() <= 1 && parts.first().is_none_or(|p| p.chars().count() <= MAX_CAPTION_CHARS);
    let request = Request::File {
        place,
        kind,
        name,
        bytes,
        caption: if fits { parts.first().cloned() } else { None },
        keyboard: if fits { keyboard.clone() } else { None },
    };
    if let Err(failure) = outbox.send(Priority::Reply, request).await {
        log_failure(&failure, Some(place.chat));
        return;
    }
    if !fits {
        let _ = send_parts(outbox, Priority::Reply, place, parts, keyboard).await;
    }
}
