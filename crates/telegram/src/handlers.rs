//! What each update does at the edge: ask the core, then queue the reply for its chat (rendered as
//! HTML with inline keyboards) in the outbox, so the handler never waits on Telegram's pacing.

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::{
    FileId, InlineQueryResult, InlineQueryResultArticle, InputMessageContent, InputMessageContentText, Me, ParseMode,
};

use crate::callers::{callback_caller, caller_of, destination_of};
use crate::gate::{Intakes, Taken};
use crate::outbox::{Destination, Outbox, Priority, Request};
use crate::redaction::redacted;
use crate::render;
use crate::send::{answer_callback, edit_or_send, log_failure, log_send_error, queue_messages, send, send_attachment};
use digestbot_core::admin::MAX_UPLOAD_BYTES;
use digestbot_core::reply::Attached;
use digestbot_core::reply::{Effect, Response, plain};
use digestbot_core::{App, Caller, Document};

pub(crate) async fn on_message(
    bot: Bot,
    me: Me,
    app: Arc<App>,
    outbox: Arc<Outbox>,
    intakes: Arc<Intakes>,
    update: Update,
    msg: Message,
) -> ResponseResult<()> {
    // A group that became a supergroup says so in a last message of the old group.
    if let Some(new) = msg.migrate_to_chat_id() {
        if let Some(daily) = app.daily() {
            daily.moved(msg.chat.id.0, new.0);
        }
        return Ok(());
    }
    let caller = caller_of(&msg);
    // Said once, at the gate; a message the gate did not see is taken in here.
    let (refusal, intake) = match intakes.take(update.id) {
        Some(Taken::Refused(response)) => (Some(response), None),
        Some(Taken::Message(intake)) => (None, Some(intake)),
        None => (None, None),
    };
    if refusal.is_none()
        && let Some(document) = msg.document()
    {
        let size = u64::from(document.file.size);
        match app.document(caller, document.file_name.as_deref(), size) {
            Document::Answer(response) => {
                queue_messages(&outbox, me.username(), destination_of(&msg), response.messages)
            }
            Document::Fetch(name) => {
                let file = document.file.id.clone();
                let me = me.username().to_string();
                tokio::spawn(offer_file(bot, app, outbox, me, destination_of(&msg), caller, file, name));
            }
        }
        return Ok(());
    }
    let mut intake = intake.unwrap_or_else(|| app.intake(caller, msg.text(), me.username()));
    if refusal.is_none() && intake.needs_admin_check() {
        match is_admin(&bot, msg.chat.id, caller.user).await {
            Some(admin) => intake.caller.admin = admin,
            // Refused, but not as a non-admin: they may well be one.
            None => {
                let response = Response::text(plain(digestbot_core::daily::text::ADMIN_CHECK_FAILED));
                queue_messages(&outbox, me.username(), destination_of(&msg), response.messages);
                return Ok(());
            }
        }
    }
    let caller = intake.caller;
    let response = refusal.unwrap_or_else(|| app.handle(intake));
    if let Some(effect) = response.effect {
        tokio::spawn(perform(
            app.clone(),
            outbox.clone(),
            me.username().to_string(),
            destination_of(&msg),
            caller,
            effect,
            None,
        ));
    }
    queue_messages(&outbox, me.username(), destination_of(&msg), response.messages);
    if let Some(attached) = response.attachment {
        queue_attachment(&outbox, me.username(), destination_of(&msg), *attached);
    }
    Ok(())
}

/// Queues a chart or a spreadsheet for a chat, after what is queued for it already.
fn queue_attachment(outbox: &Arc<Outbox>, me: &str, place: Destination, attached: Attached) {
    let queues = outbox.queues().clone();
    let (outbox, me) = (outbox.clone(), me.to_string());
    queues.push(place.chat.0, Box::pin(async move { send_attachment(&outbox, &me, place, attached).await }));
}

/// Downloads a file an admin sent (Telegram lets bots download up to 20 MB, checked again as it
/// arrives) and answers with the core's offer for it. Checking a large file takes a while, so that
/// runs off the async workers.
#[allow(clippy::too_many_arguments)]
async fn offer_file(
    bot: Bot,
    app: Arc<App>,
    outbox: Arc<Outbox>,
    me: String,
    place: Destination,
    caller: Caller,
    file: FileId,
    name: String,
) {
    let response = match download(&bot, file, MAX_UPLOAD_BYTES).await {
        Ok(bytes) => {
            let app = app.clone();
            tokio::task::spawn_blocking(move || app.offer_file(caller, &name, bytes))
                .await
                .unwrap_or_else(|_| Response::text(plain(digestbot_core::admin::text::CHECK_FAILED)))
        }
        Err(why) => {
            tracing::warn!(admin = caller.user, "a file an admin sent could not be downloaded: {why}");
            Response::text(plain(digestbot_core::admin::text::DOWNLOAD_FAILED))
        }
    };
    queue_messages(&outbox, &me, place, response.messages);
}

/// A file's bytes, at most `limit` of them; why not, with the token taken out.
async fn download(bot: &Bot, file: FileId, limit: u64) -> Result<Vec<u8>, String> {
    use futures::StreamExt;
    use teloxide::net::Download;
    let file = bot.get_file(file).await.map_err(|e| redacted(&e, bot.token()).to_string())?;
    let mut stream = bot.download_file_stream(&file.path);
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.map_err(|e| redacted(&e, bot.token()).to_string())?);
        if bytes.len() as u64 > limit {
            return Err(format!("the file is larger than {limit} bytes"));
        }
    }
    Ok(bytes)
}

/// How long slow work (a reload) may take before the admin is told it is under way.
const RELOAD_PATIENCE: std::time::Duration = std::time::Duration::from_secs(1);

/// Runs slow work (a reload, a corpus change, a comparison) off the async workers and answers
/// with its outcome. A reload that takes longer than [`RELOAD_PATIENCE`] says so first, then edits
/// that message into the answer; an answer meant to replace the message whose button asked for it
/// (a comparison's page) replaces `edit`, when there is one.
async fn perform(
    app: Arc<App>,
    outbox: Arc<Outbox>,
    me: String,
    place: Destination,
    caller: Caller,
    effect: Effect,
    edit: Option<teloxide::types::MessageId>,
) {
    let working = app.clone();
    let reload = matches!(effect, Effect::Reload | Effect::Apply(_));
    let mut progress = None;
    let work = tokio::task::spawn_blocking(move || working.perform(caller, effect));
    tokio::pin!(work);
    let outcome = match tokio::time::timeout(RELOAD_PATIENCE, &mut work).await {
        Ok(done) => done,
        Err(_) if reload => {
            let text = render::escape(digestbot_core::admin::text::RELOADING);
            match outbox.send(Priority::Reply, Request::Send { place, html: text, keyboard: None }).await {
                Ok(sent) => progress = sent.id,
                Err(failure) => log_failure(&failure, Some(place.chat)),
            }
            work.await
        }
        Err(_) => work.await,
    };
    let reply = match outcome {
        Ok(reply) => reply,
        Err(_) if reload => {
            app.reload_reply(&digestbot_core::admin::reload::ReloadOutcome::Failed("the reload stopped".into()))
        }
        Err(_) => Response::text(plain(digestbot_core::research::text::COMPARE_FAILED)),
    };
    if let Some(message) = &reply.edit {
        match edit {
            Some(id) => edit_or_send(&outbox, &me, place, id, message).await,
            None => {
                let _ = send(&outbox, &me, place, message).await;
            }
        }
    }
    for message in reply.messages {
        match progress.take() {
            Some(id) => edit_or_send(&outbox, &me, place, id, &message).await,
            None => {
                let _ = send(&outbox, &me, place, &message).await;
            }
        }
    }
    if let Some(attached) = reply.attachment {
        send_attachment(&outbox, &me, place, *attached).await;
    }
}

/// Asks Telegram, at the time of asking, whether `user` administers the group `chat`; None when
/// Telegram cannot say. Unknown is never taken for yes: a setting refused can be asked again, one
/// changed by anyone cannot be undone.
async fn is_admin(bot: &Bot, chat: ChatId, user: i64) -> Option<bool> {
    let Ok(id) = u64::try_from(user) else { return Some(false) };
    match bot.get_chat_member(chat, UserId(id)).await {
        Ok(member) => Some(member.kind.is_privileged()),
        Err(e) => {
            tracing::warn!(chat = chat.0, user, "cannot ask who administers the group: {}", redacted(&e, bot.token()));
            None
        }
    }
}

/// The bot's own membership changed: removed from a group, or blocked in a private chat, means no
/// more daily sections there.
pub(crate) async fn on_my_chat_member(app: Arc<App>, update: ChatMemberUpdated) -> ResponseResult<()> {
    if let Some(daily) = app.daily()
        && !update.new_chat_member.kind.is_present()
    {
        let reason = if update.chat.is_private() { "blocked by the user" } else { "removed from the chat" };
        daily.gone(update.chat.id.0, reason);
    }
    Ok(())
}

pub(crate) async fn on_callback(
    bot: Bot,
    me: Me,
    app: Arc<App>,
    outbox: Arc<Outbox>,
    q: CallbackQuery,
) -> ResponseResult<()> {
    let caller = callback_caller(&q);
    let response = app.handle_callback(caller, q.data.as_deref().unwrap_or(""));
    answer_callback(&bot, &q.id, response.notice.as_deref()).await;
    let effect = response.effect;
    // A message the bot can no longer edit (too old, or deleted) is answered with a new one.
    let message = q.regular_message();
    let edit_target = message.map(|m| m.id);
    let place = message.map_or(Destination { chat: ChatId(caller.chat), thread: None }, destination_of);
    let me = me.username().to_string();
    let queues = outbox.queues().clone();
    queues.push(
        place.chat.0,
        Box::pin(async move {
            if let Some(edit) = &response.edit {
                match edit_target {
                    Some(id) => edit_or_send(&outbox, &me, place, id, edit).await,
                    None => {
                        let _ = send(&outbox, &me, place, edit).await;
                    }
                }
            }
            for reply in &response.messages {
                if send(&outbox, &me, place, reply).await.is_err() {
                    return;
                }
            }
            if let Some(attached) = response.attachment {
                send_attachment(&outbox, &me, place, *attached).await;
            }
            // After the edit that says it is under way.
            if let Some(effect) = effect {
                tokio::spawn(perform(app, outbox, me, place, caller, effect, edit_target));
            }
        }),
    );
    Ok(())
}

pub(crate) async fn on_inline(bot: Bot, me: Me, app: Arc<App>, q: InlineQuery) -> ResponseResult<()> {
    let answer = app.inline(&q.query, &q.offset);
    let results: Vec<InlineQueryResult> = answer
        .articles
        .into_iter()
        .filter_map(|article| {
            let html = render::html(&article.message, me.username()).into_iter().next()?;
            let content =
                InputMessageContentText::new(html).parse_mode(ParseMode::Html).link_preview_options(render::NO_PREVIEW);
            let result = InlineQueryResultArticle::new(article.id, article.title, InputMessageContent::Text(content))
                .description(article.description);
            Some(result.into())
        })
        .collect();
    let mut request = bot.answer_inline_query(q.id, results).cache_time(30);
    if let Some(next) = answer.next_offset {
        request = request.next_offset(next);
    }
    if let Err(e) = request.await {
        log_send_error(&e, &bot);
    }
    Ok(())
}
